package io.ualwatch.connector.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One task's Micrometer meters, tagged {@code connector}, {@code tenant}, {@code stream} (content type or
 * sign-in event type). Nothing secret is ever a tag. Meters are removed when the task stops.
 */
public final class TaskMetrics implements AutoCloseable {
  public static final String PREFIX = "ualwatch.connector.";

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final AtomicLong windowLagSeconds = new AtomicLong();
  private final AtomicLong extraPermissions = new AtomicLong(-1);
  private final AtomicLong missingPermissions = new AtomicLong(-1);
  public final Counter throttles;
  public final Counter blobs;
  public final Counter records;
  public final Counter bytes;
  public final Counter duplicates;
  public final Counter expiredBlobs;
  public final Counter missingBlobs;
  public final Counter clampedGapSeconds;
  public final Counter heartbeats;
  public final Counter clocks;

  public TaskMetrics(MeterRegistry registry, String connector, String tenant, String stream) {
    this.registry = registry;
    this.tags = Tags.of("connector", connector, "tenant", tenant, "stream", stream);
    throttles = counter("throttles", "Throttled answers (AF429 as 429 or 403, Graph 429)");
    blobs = counter("blobs", "Content blobs (or sign-in pages) fetched and emitted");
    records = counter("records", "Records emitted to Kafka");
    bytes = counter("bytes", "Bytes of raw record JSON emitted");
    duplicates = counter("duplicates", "Records whose id was already seen within the task's recent ids");
    expiredBlobs = counter("blobs.expired", "Blobs skipped because they expired (AF20051): data loss");
    missingBlobs = counter("blobs.missing", "Blobs skipped because the API says they do not exist (AF20050/AF20052)");
    clampedGapSeconds = counter("clamped.gap.seconds",
        "Seconds of content skipped because a stored cursor was older than the API's 7-day retention");
    heartbeats = counter("heartbeats", "Heartbeat records written to commit an advanced cursor");
    clocks = counter("clocks", "Feed clock records written (one per partition the task clocks)");
    meters.add(Gauge.builder(PREFIX + "window.lag.seconds", windowLagSeconds, AtomicLong::get)
        .description("Now minus the cursor (start of the first window not fully processed)")
        .tags(tags).register(registry));
    meters.add(Gauge.builder(PREFIX + "permissions.extra", extraPermissions, AtomicLong::get)
        .description("Application permissions the task's token carries that the connector does not need "
            + "(-1: not checked yet, or an opaque token)").tags(tags).register(registry));
    meters.add(Gauge.builder(PREFIX + "permissions.missing", missingPermissions, AtomicLong::get)
        .description("Required application permissions missing from the task's token (-1: not checked yet, or "
            + "an opaque token)").tags(tags).register(registry));
  }

  private Counter counter(String name, String description) {
    Counter c = Counter.builder(PREFIX + name).description(description).tags(tags).register(registry);
    meters.add(c);
    return c;
  }

  /** Counts one HTTP request by outcome: ok, throttled, server_error, client_error, unauthorized, io_error, refused. */
  public void request(String outcome) {
    requests.computeIfAbsent(outcome, o -> {
      Counter c = Counter.builder(PREFIX + "requests").description("HTTP requests by outcome")
          .tags(tags.and("outcome", o)).register(registry);
      synchronized (meters) {
        meters.add(c);
      }
      return c;
    }).increment();
  }

  public void windowLag(long seconds) {
    windowLagSeconds.set(seconds);
  }

  /** The least-privilege check's result (role counts only; role names are in the log). */
  public void permissions(PermissionCheck.Findings f) {
    if (f.outcome() == PermissionCheck.Outcome.OPAQUE) return;
    extraPermissions.set(f.extra().size());
    missingPermissions.set(f.missing().size());
  }

  @Override
  public void close() {
    synchronized (meters) {
      for (Meter m : meters) registry.remove(m);
      meters.clear();
    }
  }
}
