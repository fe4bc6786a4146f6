package io.ualwatch.testkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.testkit.sim.TenantSimulator;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulator served live: every record once, published 60 min to 24 h after it happened, stable blobs. */
class SimulatedTenantTest {
  static final LocalDate START = LocalDate.parse("2026-01-05");

  static TenantSimulator sim() {
    return new TenantSimulator(TenantSimulator.Settings.of(7, 4, START, 4,
        List.of(TenantSimulator.Attack.tokenReplay(1, 2))));
  }

  @Test
  void listingHourByHourDeliversEveryAuditRecordOnceAndLateAsTheApiDoes() {
    SimulatedTenant t = new SimulatedTenant(sim());
    Map<String, Long> eventTime = new HashMap<>();
    for (int d = 0; d < 2; d++) {
      for (TenantSimulator.Record r : sim().day(d)) {
        if (r.feed() == TenantSimulator.Feed.AUDIT) eventTime.put(r.json(), r.time());
      }
    }
    Instant from = START.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    Instant end = from.plus(Duration.ofDays(3)); // two days of records, published up to a day later
    Map<String, Integer> served = new HashMap<>();
    for (String type : M365Emulator.CONTENT_TYPES) {
      for (Instant w = from; w.isBefore(end); w = w.plus(Duration.ofHours(1))) {
        List<ContentBlob> blobs = t.blobs(type, w, w.plus(Duration.ofHours(1)));
        assertEquals(blobs, t.blobs(type, w, w.plus(Duration.ofHours(1))), "the same range gives the same blobs");
        for (ContentBlob b : blobs) {
          assertTrue(!b.contentCreated().isBefore(w) && b.contentCreated().isBefore(w.plus(Duration.ofHours(1))));
          for (String r : b.records()) {
            served.merge(r, 1, Integer::sum);
            Long at = eventTime.get(r);
            if (at == null) continue; // a day-2 record published early enough to fall in the range
            long delay = b.contentCreated().toEpochMilli() - at;
            assertTrue(delay >= Duration.ofMinutes(60).toMillis() && delay <= Duration.ofHours(24).plusMinutes(10).toMillis(),
                "published " + Duration.ofMillis(delay) + " after the event");
            assertTrue(r.contains("\"Workload\":\"" + type.substring(6)) || type.equals("Audit.General"), r);
          }
        }
      }
    }
    for (String r : eventTime.keySet()) assertEquals(1, served.getOrDefault(r, 0), "served once: " + r);
    assertTrue(served.values().stream().allMatch(n -> n == 1));
  }

  @Test
  void signInsAreListedFromTheirOwnTimeWithTheirGraphEventType() {
    SimulatedTenant t = new SimulatedTenant(sim());
    Instant from = START.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    long expected = sim().day(0).stream().filter(r -> r.feed() == TenantSimulator.Feed.SIGNIN).count();
    List<SignInEvent> got = t.signIns(from, from.plus(Duration.ofDays(1)));
    assertEquals(expected, got.size());
    assertTrue(got.stream().anyMatch(s -> s.eventType().equals("interactiveUser")));
    for (SignInEvent s : got) {
      assertEquals(s.json().contains("\"isInteractive\":false") ? "nonInteractiveUser" : "interactiveUser", s.eventType());
    }
  }
}
