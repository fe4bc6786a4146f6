package io.ualwatch.model.parse;

import java.util.Objects;

/**
 * A record that could not be understood: why, where it was, and its raw text (truncated to
 * {@link #MAX_RAW} characters so a 50 MB garbage line cannot blow up a report or a dead-letter record).
 */
public final class Rejection {
  public static final int MAX_RAW = 64 * 1024;

  private final RejectReason reason;
  private final String message;
  private final String origin;
  private final String raw;
  private final boolean rawTruncated;

  public Rejection(RejectReason reason, String message, String origin, String raw) {
    this(reason, message, origin, raw, false);
  }

  /**
   * @param rawIsPrefix true when {@code raw} is already only the start of the record (the reader kept no more),
   *     so {@link #rawTruncated()} is true even when it fits
   */
  public Rejection(RejectReason reason, String message, String origin, String raw, boolean rawIsPrefix) {
    this.reason = Objects.requireNonNull(reason);
    this.message = message == null ? reason.description() : message;
    this.origin = origin;
    if (raw != null && raw.length() > MAX_RAW) {
      this.raw = raw.substring(0, MAX_RAW);
      this.rawTruncated = true;
    } else {
      this.raw = raw;
      this.rawTruncated = rawIsPrefix && raw != null;
    }
  }

  public RejectReason reason() { return reason; }
  public String message() { return message; }
  public String origin() { return origin; }
  public String raw() { return raw; }
  public boolean rawTruncated() { return rawTruncated; }

  @Override
  public String toString() {
    return reason + " at " + origin + ": " + message;
  }
}
