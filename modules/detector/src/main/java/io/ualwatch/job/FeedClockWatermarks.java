package io.ualwatch.job;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks of one raw-topic partition from the feed clocks of the streams that write into it (see
 * {@link io.ualwatch.model.feed.FeedClock}): the watermark is the lowest stream position minus the out-of-orderness
 * bound, so a partition shared by two producers follows the slower one, and a producer that is quiet but alive
 * (its clock records keep coming) holds event time where it is instead of being skipped as idle.
 *
 * <ul>
 *   <li>A stream's position is the highest event time of its records or the highest time of its clock records.
 *   <li>A stream that sent a clock record with the end mark no longer counts; a partition whose streams have all
 *       ended emits its furthest position (everything is delivered, so without the bound) and holds there; it is
 *       idle (it has nothing more to say) once nothing has been written to it for {@code streamTimeoutMs}.
 *   <li>A stream silent for {@code streamTimeoutMs} (processing time) no longer counts while another stream of the
 *       partition is alive: a dead producer does not hold a shared partition for ever. While no stream of the
 *       partition is alive, all of them count: the partition holds.
 *   <li>A partition nobody has written to holds the watermark at its start, unless {@code idleMs} is positive
 *       (then it is idle after that long without records: the old behaviour, which lets the other feeds run the
 *       clock and makes absence rules decide early).
 *   <li>Dead letters carry no event time and do not move anything.
 * </ul>
 */
public final class FeedClockWatermarks implements WatermarkGenerator<ParsedRecord> {
  private static final class Stream {
    long position = Long.MIN_VALUE;
    long lastSeen;
    boolean ended;
  }

  private final long outOfOrdernessMs;
  private final long streamTimeoutMs;
  private final long idleMs;
  private final LongSupplier wallClock;
  private final Map<String, Stream> streams = new HashMap<>();
  private final long started;
  private long lastRecord;
  private long emitted = Long.MIN_VALUE;
  private boolean idle;

  public FeedClockWatermarks(long outOfOrdernessMs, long streamTimeoutMs, long idleMs, LongSupplier wallClock) {
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.streamTimeoutMs = streamTimeoutMs;
    this.idleMs = idleMs;
    this.wallClock = wallClock;
    this.started = wallClock.getAsLong();
    this.lastRecord = started;
  }

  @Override
  public void onEvent(ParsedRecord r, long eventTimestamp, WatermarkOutput output) {
    long t;
    if (r.event != null && r.event.eventTime != null) t = r.event.eventTime.toEpochMilli();
    else if (r.isClock()) t = r.clock;
    else return; // a dead letter: no event time
    long now = wallClock.getAsLong();
    lastRecord = now;
    Stream s = streams.computeIfAbsent(r.stream == null ? "" : r.stream, k -> new Stream());
    if (t > s.position) s.position = t;
    s.lastSeen = now;
    s.ended = r.isClock() && r.end;
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = wallClock.getAsLong();
    if (streams.isEmpty()) {
      if (idleMs > 0 && now - started >= idleMs) markIdle(output);
      return; // nobody wrote here yet: hold
    }
    boolean anyAlive = false;
    boolean anyOpen = false;
    for (Stream s : streams.values()) {
      if (s.ended) continue;
      anyOpen = true;
      if (streamTimeoutMs <= 0 || now - s.lastSeen <= streamTimeoutMs) anyAlive = true;
    }
    if (!anyOpen) {
      // Every stream has said it is finished: everything up to the furthest position is here, so that position is
      // the watermark (no out-of-orderness margin). The partition then holds there, not idle, for the stream
      // timeout: another producer often takes over the same partitions right after (connectors after a backfill,
      // a second replay), and an idle partition would let the other partitions run event time ahead of records
      // it is about to receive (and Flink forwards no watermark from an idle source at drain). Only when nobody
      // has written for the stream timeout does it stop holding the others.
      long end = Long.MIN_VALUE;
      for (Stream s : streams.values()) end = Math.max(end, s.position);
      if (end != Long.MIN_VALUE && end > emitted) {
        emitted = end;
        idle = false;
        output.emitWatermark(new Watermark(emitted));
        return;
      }
      if (streamTimeoutMs <= 0 || now - lastRecord >= streamTimeoutMs) markIdle(output);
      return;
    }
    if (idleMs > 0 && now - lastRecord >= idleMs) {
      markIdle(output);
      return;
    }
    long min = Long.MAX_VALUE;
    for (Stream s : streams.values()) {
      if (s.ended) continue;
      boolean alive = streamTimeoutMs <= 0 || now - s.lastSeen <= streamTimeoutMs;
      if (alive || !anyAlive) min = Math.min(min, s.position);
    }
    if (min == Long.MIN_VALUE || min == Long.MAX_VALUE) return;
    long wm = min - outOfOrdernessMs - 1;
    if (wm > emitted || idle) {
      emitted = Math.max(emitted, wm);
      idle = false;
      output.emitWatermark(new Watermark(emitted));
    }
  }

  private void markIdle(WatermarkOutput output) {
    if (!idle) {
      idle = true;
      output.markIdle();
    }
  }

  /** The partition's position per stream (for tests and the feed lag). */
  Map<String, Long> positions() {
    Map<String, Long> m = new HashMap<>();
    streams.forEach((k, v) -> m.put(k, v.position));
    return m;
  }
}
