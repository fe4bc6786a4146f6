package io.ualwatch.connector.signin;

import static io.ualwatch.connector.support.ActivityFixture.CLIENT;
import static io.ualwatch.connector.support.ActivityFixture.NOW;
import static io.ualwatch.connector.support.ActivityFixture.SECRET;
import static io.ualwatch.connector.support.ActivityFixture.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ualwatch.connector.common.ApiException;
import io.ualwatch.connector.support.ClockChecks;
import io.ualwatch.connector.support.FakeSleeper;
import io.ualwatch.connector.support.TaskHarness;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import io.ualwatch.testkit.emulator.MutableClock;
import io.ualwatch.testkit.emulator.SignInEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** The Graph sign-in task against the emulator over HTTP. */
class EntraSignInTaskTest {
  final MutableClock clock = new MutableClock(NOW);
  final FakeSleeper sleeper = new FakeSleeper(clock);

  Map<String, String> props(M365Emulator emu, String type) {
    Map<String, String> m = new HashMap<>();
    m.put("tenant.ids", TENANT);
    m.put("graph.root", emu.baseUrl());
    m.put("auth.authority", emu.baseUrl());
    m.put("auth.client.id", CLIENT);
    m.put("auth.client.secret", SECRET);
    m.put("clock.use.server.date", "false");
    m.put("heartbeat.topic", "hb");
    m.put("page.size", "7");
    m.put("task.tenant", TENANT);
    m.put("task.stream", type);
    return m;
  }

  EntraSignInSourceTask task() {
    return new EntraSignInSourceTask(clock, sleeper, new SimpleMeterRegistry());
  }

  static Map<String, Integer> ids(TaskHarness h) {
    Map<String, Integer> m = new TreeMap<>();
    for (SourceRecord r : h.delivered) {
      if (!r.topic().equals("ualwatch.signins.raw") || TaskHarness.isClock(r)) continue;
      m.merge(((String) r.key()).substring(TENANT.length() + 1), 1, Integer::sum);
      assertTrue(new String((byte[]) r.value(), StandardCharsets.UTF_8).startsWith("{\"id\":"));
    }
    return m;
  }

  @Test
  void pagesThroughEachEventTypeSeparatelyWithRestartsAndLateArrivalsInTheOverlap() throws Exception {
    FixtureTenant t = FixtureTenant.synthetic(TENANT, 9).contentTypes()
        .between(NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofMinutes(5))).signInEvery(Duration.ofSeconds(90)).build();
    try (M365Emulator emu = M365Emulator.builder().tenant(t).clock(clock).graphPageSize(50)
        .app(AppRegistration.withSecret(CLIENT, SECRET)).start()) {
      for (String type : List.of("interactiveUser", "nonInteractiveUser")) {
        long expected = t.allSignIns().stream().filter(s -> s.eventType().equals(type)).count();
        try (TaskHarness h = new TaskHarness(this::task, props(emu, type), null)) {
          h.runUntil(() -> ids(h).size() >= expected, Duration.ofSeconds(30), true);
          for (int i = 0; i < 5; i++) h.pollOnce();
          Map<String, Integer> got = ids(h);
          assertEquals(expected, got.size(), type);
          assertTrue(got.values().stream().allMatch(n -> n == 1), "no id twice: " + got);
          // A sign-in that shows up late, 4 minutes before the cursor, is caught by the overlap, once.
          Instant cursor = Instant.parse(h.committed.values().iterator().next().get("cursor").toString());
          t.addSignIn(new SignInEvent("late-" + type, cursor.minus(Duration.ofMinutes(4)), type, "{\"id\":\"late-" + type + "\"}"));
          h.runUntil(() -> ids(h).containsKey("late-" + type), Duration.ofSeconds(10), false);
          h.restart();
          for (int i = 0; i < 5; i++) h.pollOnce();
          assertEquals(expected + 1, ids(h).size());
          assertTrue(ids(h).values().stream().allMatch(n -> n == 1), "nothing re-emitted after the restart");
        }
      }
      assertTrue(emu.requests().stream().filter(r -> r.kind().equals("graph")).anyMatch(r -> r.query().contains("skiptoken")));
    }
  }

  /** Sign-ins of {@code type} created before {@code t}: what a clock at t says was delivered. */
  static Map<String, Integer> servedBefore(FixtureTenant t, String type, long time) {
    Map<String, Integer> m = new TreeMap<>();
    for (SignInEvent s : t.allSignIns()) {
      if (s.eventType().equals(type) && s.createdDateTime().toEpochMilli() < time) m.merge(s.json(), 1, Integer::sum);
    }
    return m;
  }

  @Test
  void feedClocksTrailTheCursorByTheOverlapAndTaskZeroCoversTheUnownedPartitions() throws Exception {
    FixtureTenant t = FixtureTenant.synthetic(TENANT, 11).contentTypes()
        .between(NOW.minus(Duration.ofHours(4)), NOW.minus(Duration.ofMinutes(5))).signInEvery(Duration.ofSeconds(70)).build();
    try (M365Emulator emu = M365Emulator.builder().tenant(t).clock(clock).graphPageSize(50)
        .app(AppRegistration.withSecret(CLIENT, SECRET)).start()) {
      String type = "nonInteractiveUser";
      String stream = "signin|" + TENANT + "|" + type;
      long expected = t.allSignIns().stream().filter(s -> s.eventType().equals(type)).count();
      // {task index, task count, topic partitions, data partition}
      for (int[] c : new int[][] {{1, 2, 4, 1}, {0, 2, 4, 0}}) {
        Map<String, String> p = props(emu, type);
        p.put("start.lookback.ms", Long.toString(Duration.ofHours(5).toMillis()));
        p.put("poll.max.records", "5");
        p.put("clock.interval.ms", "1000");
        p.put("task.index", Integer.toString(c[0]));
        p.put("task.count", Integer.toString(c[1]));
        p.put("topic.partitions", Integer.toString(c[2]));
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (TaskHarness h = new TaskHarness(() -> new EntraSignInSourceTask(clock, sleeper, reg), p, null)) {
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (ids(h).size() < expected) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            h.pollOnce();
            clock.advance(Duration.ofSeconds(1));
          }
          for (int i = 0; i < 20; i++) h.pollOnce();
          Set<Integer> clockPartitions = c[0] == 0 ? Set.of(0, 2, 3) : Set.of(1);
          List<Long> clocks = ClockChecks.check(h, "ualwatch.signins.raw", stream, c[3], clockPartitions,
              time -> servedBefore(t, type, time));
          assertTrue(clocks.stream().distinct().count() >= 5, "the position moved with the windows: " + clocks);
          Instant last = Instant.ofEpochMilli(clocks.get(clocks.size() - 1));
          Instant cursor = Instant.parse(h.committed.get(Map.of("tenant", TENANT, "signInEventType", type))
              .get("cursor").toString());
          // The position is the cursor minus window.overlap.ms (10 min): at least the committed one's, at most the
          // live edge's (now - window.end.lag.ms).
          assertTrue(!last.isBefore(cursor.minus(Duration.ofMinutes(10)))
              && !last.isAfter(clock.instant().minus(Duration.ofMinutes(12))), last + " vs cursor " + cursor);
          assertEquals(h.clocks().size(), (int) reg.find("ualwatch.connector.clocks").counter().count());
        }
      }
    }
  }

  @Test
  void signInsWhoseOwnTimeLiesOutsideTheListedWindowAreNotReEmittedByTheOverlap() throws Exception {
    // The service filters on a time the record does not show (a replayed history, a clock mismatch): every
    // window's overlap lists them again, and only the remembered ids keep them from being emitted twice.
    FixtureTenant t = new FixtureTenant(TENANT);
    for (int i = 0; i < 40; i++) {
      String id = "old-" + i;
      t.addSignIn(new SignInEvent(id, NOW.minus(Duration.ofMinutes(100 - 2 * i)), "interactiveUser",
          "{\"id\":\"" + id + "\",\"createdDateTime\":\"2025-01-0" + (1 + i % 9) + "T10:00:00Z\"}"));
    }
    try (M365Emulator emu = M365Emulator.builder().tenant(t).clock(clock).graphPageSize(50)
        .app(AppRegistration.withSecret(CLIENT, SECRET)).start()) {
      Map<String, String> p = props(emu, "interactiveUser");
      p.put("start.lookback.ms", Long.toString(Duration.ofHours(2).toMillis()));
      try (TaskHarness h = new TaskHarness(this::task, p, null)) {
        h.runUntil(() -> ids(h).size() >= 40, Duration.ofSeconds(30), true);
        for (int i = 0; i < 5; i++) h.pollOnce();
        Map<String, Integer> got = ids(h);
        assertEquals(40, got.size());
        assertTrue(got.values().stream().allMatch(n -> n == 1), "no id twice: " + got);
      }
    }
  }

  @Test
  void aForeignNextLinkIsRefused() throws Exception {
    FixtureTenant t = FixtureTenant.synthetic(TENANT, 10).contentTypes()
        .between(NOW.minus(Duration.ofHours(1)), NOW.minus(Duration.ofMinutes(5))).signInEvery(Duration.ofSeconds(20)).build();
    try (M365Emulator emu = M365Emulator.builder().tenant(t).clock(clock).graphPageSize(5)
        .app(AppRegistration.withSecret(CLIENT, SECRET)).start()) {
      emu.graphNextLinkBase("http://127.0.0.2:" + emu.port());
      try (TaskHarness h = new TaskHarness(this::task, props(emu, "interactiveUser"), null)) {
        ApiException e = assertThrows(ApiException.class, () -> h.runUntil(() -> false, Duration.ofSeconds(20), false));
        assertTrue(e.getMessage().contains("refusing to send the API token to http://127.0.0.2"), e.getMessage());
      }
      assertTrue(emu.requests().stream().noneMatch(r -> r.query() != null && r.query().contains("skiptoken")));
    }
  }

  @Test
  void v1OnlyServesInteractiveSignIns() {
    Map<String, String> p = new HashMap<>(Map.of("tenant.ids", TENANT, "auth.client.id", CLIENT,
        "auth.client.secret", SECRET, "graph.api.version", "v1.0"));
    ConfigException e = assertThrows(ConfigException.class, () -> new SignInConfig(p));
    assertTrue(e.getMessage().contains("beta"), e.getMessage());
    p.put("signin.event.types", "interactiveUser");
    assertEquals("https://graph.microsoft.com", new SignInConfig(p).graphRoot());
  }
}
