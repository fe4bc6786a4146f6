package io.ualwatch.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Records arrive hours late and out of order; the alerts must not depend on it. The same tenant is processed
 * in event-time order, and in arrival orders where every record is delayed by a random 0–3 h (three seeds),
 * and the final alert sets are compared: ids, status, severity, times, record counts and messages.
 */
class OrderIndependenceTest {
  static List<TenantSimulator.Record> records;
  static DetectionSettings settings;

  @BeforeAll
  static void generate() {
    // every attack and benign behaviour the simulator knows, so every rule is exercised
    TenantSimulator sim = TestSupport.everyKind(11);
    records = new ArrayList<>();
    sim.generate(records::add);
    settings = TestSupport.defaults();
  }

  static List<TenantSimulator.Record> shuffledWithin(long maxDelayMs, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    record Arrival(long at, TenantSimulator.Record rec) {}
    List<Arrival> l = new ArrayList<>();
    for (TenantSimulator.Record rec : records) l.add(new Arrival(rec.time() + r.nextLong(maxDelayMs + 1), rec));
    l.sort(Comparator.comparingLong(Arrival::at));
    return l.stream().map(Arrival::rec).toList();
  }

  @Test
  void alertsDoNotDependOnArrivalOrderWithinThreeHours() {
    // the engine's watermark lags 3 h (the job default): records up to 3 h late never cause a transient alert
    List<Alert> ordered = TestSupport.run(TestSupport.parse(records), settings, false).all();
    assertFalse(ordered.isEmpty(), "the injected attacks raise alerts");
    java.util.Set<String> rules = new java.util.TreeSet<>();
    ordered.forEach(a -> rules.add(a.ruleId));
    assertEquals(new java.util.TreeSet<>(io.ualwatch.detect.DetectionGraph.rules().stream().map(r -> r.id()).toList()),
        rules, "every rule fires in this tenant");
    List<String> expected = TestSupport.fingerprint(ordered);
    for (long seed : new long[] {1, 2, 3}) {
      List<AuditEvent> shuffled = TestSupport.parse(shuffledWithin(3 * 3_600_000L, seed));
      List<String> got = TestSupport.fingerprint(TestSupport.run(shuffled, settings, false).all());
      assertEquals(expected, got, "arrival order with seed " + seed);
    }
  }

  @Test
  void reverseDayOrderGivesTheSameAlertIds() {
    // Far beyond the 3-hour bound: whole days in reverse order (a responder replaying exports newest first).
    List<TenantSimulator.Record> byDayReversed = new ArrayList<>(records);
    byDayReversed.sort(Comparator.comparingLong((TenantSimulator.Record r) -> -Math.floorDiv(r.time(), 86_400_000L))
        .thenComparingLong(TenantSimulator.Record::time));
    List<Alert> ordered = TestSupport.run(TestSupport.parse(records), settings, false).active();
    List<Alert> reversed = TestSupport.run(TestSupport.parse(byDayReversed), settings, false).active();
    assertEquals(ids(ordered), ids(reversed));
  }

  @Test
  void rocksDbStyleCopiesGiveTheSameResultAsInMemoryObjects() {
    List<String> fast = TestSupport.fingerprint(TestSupport.run(TestSupport.parse(records), settings, false).all());
    List<String> copied = TestSupport.fingerprint(TestSupport.run(TestSupport.parse(records), settings, true).all());
    assertEquals(fast, copied);
  }

  static List<String> ids(List<Alert> l) {
    return l.stream().map(a -> a.id + " " + a.ruleId).sorted().toList();
  }
}
