package io.ualwatch.connector.common;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The local clock corrected by what the API's {@code Date} response headers say, so that a skewed host
 * clock neither lists windows that end in the server's future (content created later inside them would be
 * missed forever) nor asks for a start the server considers older than 7 days.
 */
public final class ServerClock {
  private final Clock local;
  private final boolean useDateHeader;
  private volatile long offsetMillis;
  private volatile boolean known;

  public ServerClock(Clock local, boolean useDateHeader) {
    this.local = local;
    this.useDateHeader = useDateHeader;
  }

  /** Learns the server's time from a response's Date header (second resolution, truncated). */
  public void observe(HttpHeaders headers) {
    if (!useDateHeader) return;
    headers.firstValue("Date").ifPresent(d -> {
      try {
        Instant server = ZonedDateTime.parse(d, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        offsetMillis = server.toEpochMilli() - local.millis();
        known = true;
      } catch (DateTimeParseException ignored) {
        // a malformed Date header is simply not used
      }
    });
  }

  public Instant localNow() {
    return local.instant();
  }

  /** The earlier of the two clocks: window ends never go past either side's "now". */
  public Instant earliestNow() {
    Instant l = local.instant();
    if (!known || offsetMillis >= 0) return l;
    return l.plusMillis(offsetMillis);
  }

  /** The later of the two clocks (+1 s for the Date header's truncation): used for the 7-day retention floor. */
  public Instant latestNow() {
    Instant l = local.instant();
    if (!known) return l;
    long off = offsetMillis + 1000;
    return off > 0 ? l.plusMillis(off) : l;
  }

  /** Server minus local clock in milliseconds, as last observed (0 when unknown). */
  public long skewMillis() {
    return known ? offsetMillis : 0;
  }
}
