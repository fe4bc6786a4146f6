package io.ualwatch.connector.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.model.feed.FeedClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import org.apache.kafka.connect.source.SourceRecord;

/** Checks a task's feed clock records (see {@link FeedClock}) against what it delivered. */
public final class ClockChecks {
  private ClockChecks() {}

  /**
   * Walks {@code h.delivered} in order and asserts: every data record of {@code topic} names {@code stream} and goes
   * to {@code dataPartition}; every clock record has no value, key {@code ualwatch.clock|<stream>}, the stream
   * header, a CLOCK that never goes back, and goes to one of {@code clockPartitions}, each of which gets clocks; and
   * when a clock says T, every record the API served with an event time before T ({@code servedBefore}, as a
   * multiset of values) was delivered before it.
   *
   * @return the clock values, one per clock record, in order
   */
  public static List<Long> check(TaskHarness h, String topic, String stream, Integer dataPartition,
      Set<Integer> clockPartitions, LongFunction<Map<String, Integer>> servedBefore) {
    Map<String, Integer> deliveredSoFar = new HashMap<>();
    List<Long> clocks = new ArrayList<>();
    Set<Integer> clocked = new TreeSet<>();
    String key = new String(FeedClock.key(stream), StandardCharsets.UTF_8);
    long last = Long.MIN_VALUE;
    Map<Long, Boolean> checked = new HashMap<>();
    for (SourceRecord r : h.delivered) {
      if (!r.topic().equals(topic)) continue;
      assertEquals(stream, TaskHarness.header(r, FeedClock.STREAM), "every record names its stream");
      if (!TaskHarness.isClock(r)) {
        assertEquals(dataPartition, r.kafkaPartition(), "data records go to the task's own partition");
        assertNotNull(r.value());
        deliveredSoFar.merge(new String((byte[]) r.value(), StandardCharsets.UTF_8), 1, Integer::sum);
        continue;
      }
      assertNull(r.value(), "a clock record has no value");
      assertEquals(key, r.key());
      assertTrue(clockPartitions.contains(r.kafkaPartition()), "clock into partition " + r.kafkaPartition());
      clocked.add(r.kafkaPartition());
      Long t = FeedClock.parseClock(TaskHarness.header(r, FeedClock.CLOCK).getBytes(StandardCharsets.US_ASCII));
      assertNotNull(t);
      assertTrue(t >= last, "clock went back from " + last + " to " + t);
      last = t;
      clocks.add(t);
      if (checked.put(t, true) == null) {
        for (var e : servedBefore.apply(t).entrySet()) {
          int got = deliveredSoFar.getOrDefault(e.getKey(), 0);
          assertTrue(got >= e.getValue(), "clock " + java.time.Instant.ofEpochMilli(t) + " written before "
              + e.getKey().substring(0, Math.min(120, e.getKey().length())) + "… (event time before it) was delivered");
        }
      }
    }
    assertEquals(clockPartitions, clocked, "every clock partition gets clock records");
    return clocks;
  }
}
