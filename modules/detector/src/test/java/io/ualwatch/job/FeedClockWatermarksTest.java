package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.model.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** The per-partition watermark follows the slowest live stream, holds while quiet, and ignores dead letters. */
class FeedClockWatermarksTest {
  static final long H = 3_600_000L;
  long now = 1_000_000;
  final List<Long> emitted = new ArrayList<>();
  boolean idle;

  final WatermarkOutput out = new WatermarkOutput() {
    @Override public void emitWatermark(Watermark w) {
      emitted.add(w.getTimestamp());
      idle = false;
    }
    @Override public void markIdle() { idle = true; }
    @Override public void markActive() { idle = false; }
  };

  FeedClockWatermarks gen(long idleMs) {
    return new FeedClockWatermarks(3 * H, 30 * 60_000L, idleMs, () -> now);
  }

  static ParsedRecord event(String stream, long t) {
    AuditEvent e = new AuditEvent();
    e.eventTime = Instant.ofEpochMilli(t);
    ParsedRecord r = ParsedRecord.of(e);
    r.stream = stream;
    return r;
  }

  long last() {
    return emitted.isEmpty() ? Long.MIN_VALUE : emitted.get(emitted.size() - 1);
  }

  @Test
  void theSlowerStreamOfAPartitionHoldsItAndAQuietFeedIsNotIdle() {
    FeedClockWatermarks g = gen(0);
    g.onPeriodicEmit(out);
    assertTrue(emitted.isEmpty(), "nobody wrote yet: hold");
    assertFalse(idle, "an empty partition holds, it is not idle");
    g.onEvent(event("a", 100 * H), 0, out);
    g.onEvent(event("b", 90 * H), 0, out);
    g.onPeriodicEmit(out);
    assertEquals(87 * H - 1, last(), "slower stream b minus the bound");
    g.onEvent(ParsedRecord.clock("b", 95 * H, false), 0, out);
    g.onPeriodicEmit(out);
    assertEquals(92 * H - 1, last(), "b's clock moved it");
    now += 10 * 60_000L; // ten quiet minutes
    g.onPeriodicEmit(out);
    assertFalse(idle);
    assertEquals(92 * H - 1, last());
    ParsedRecord dead = ParsedRecord.of(new DeadLetter());
    dead.stream = "b";
    g.onEvent(dead, 999 * H, out);
    g.onPeriodicEmit(out);
    assertEquals(92 * H - 1, last(), "a dead letter carries no event time");
  }

  @Test
  void aDeadStreamStopsHoldingOnlyWhileAnotherIsAliveAndAnEndedOneNever() {
    FeedClockWatermarks g = gen(0);
    g.onEvent(event("a", 100 * H), 0, out);
    g.onEvent(event("b", 50 * H), 0, out);
    g.onPeriodicEmit(out);
    assertEquals(47 * H - 1, last());
    now += 40 * 60_000L; // both silent past the timeout: the partition holds
    g.onPeriodicEmit(out);
    assertEquals(47 * H - 1, last());
    g.onEvent(ParsedRecord.clock("a", 101 * H, false), 0, out); // a is alive, b is dead
    g.onPeriodicEmit(out);
    assertEquals(98 * H - 1, last());
    g.onEvent(ParsedRecord.clock("a", 102 * H, true), 0, out); // a ends; b is the only open one
    g.onPeriodicEmit(out);
    assertEquals(98 * H - 1, last(), "never backwards");
    g.onEvent(ParsedRecord.clock("b", 60 * H, true), 0, out); // all ended
    g.onPeriodicEmit(out);
    assertEquals(102 * H, last(), "all ended: everything is delivered, the furthest position without the bound");
    g.onPeriodicEmit(out);
    assertFalse(idle, "it holds there: another producer may take the partition over right away (connectors after a "
        + "backfill), and an idle partition would let the others run ahead of what it is about to receive");
    int n = emitted.size();
    g.onPeriodicEmit(out);
    assertEquals(n, emitted.size(), "said once");
    now += 31 * 60_000L; // nobody wrote for the stream timeout
    g.onPeriodicEmit(out);
    assertTrue(idle, "then idle: a finished partition holds nobody for ever");
    g.onEvent(event("c", 110 * H), 0, out); // a new producer
    g.onPeriodicEmit(out);
    assertFalse(idle);
    assertEquals(107 * H - 1, last(), "the new stream moves it on");
  }

  @Test
  void aPositiveIdlenessMakesAQuietPartitionIdleAsBefore() {
    FeedClockWatermarks g = gen(60_000L);
    now += 61_000L;
    g.onPeriodicEmit(out);
    assertTrue(idle, "empty for a minute: idle");
    g.onEvent(event("", 10 * H), 0, out);
    g.onPeriodicEmit(out);
    assertFalse(idle);
    assertEquals(7 * H - 1, last());
  }
}
