package io.ualwatch.connector.activity;

import static io.ualwatch.connector.support.ActivityFixture.NOW;
import static io.ualwatch.connector.support.ActivityFixture.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.connector.support.ActivityFixture;
import io.ualwatch.connector.support.ClockChecks;
import io.ualwatch.connector.support.TaskHarness;
import io.ualwatch.connector.support.Topics;
import io.ualwatch.testkit.EmbeddedKafka;
import io.ualwatch.testkit.emulator.ContentBlob;
import io.ualwatch.testkit.emulator.FaultPlan;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Management Activity task against the emulator over real HTTP, producing to a real broker, driven like a
 * Connect worker (offsets committed after the broker's ack). Time is simulated: the emulator and the task share a
 * clock that jumps when the task waits.
 */
class ManagementActivityTaskTest {
  static final String EXO = "Audit.Exchange";
  static final ObjectMapper JSON = new ObjectMapper();
  static final AtomicInteger TOPICS = new AtomicInteger();
  static EmbeddedKafka kafka;

  @BeforeAll
  static void broker() {
    kafka = EmbeddedKafka.startTemporary();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  static String[] topics() {
    int n = TOPICS.incrementAndGet();
    String t = "audit-" + n;
    String hb = "hb-" + n;
    kafka.createTopic(t, 2);
    kafka.createTopic(hb, 1);
    return new String[] {t, hb};
  }

  static FixtureTenant synthetic(long seed, Duration span, Duration every, int perBlob, double dupRate) {
    return FixtureTenant.synthetic(TENANT, seed).contentTypes(EXO)
        .between(NOW.minus(span), NOW.minus(Duration.ofMinutes(30))).blobEvery(every).recordsPerBlob(perBlob)
        .duplicateRate(dupRate).build();
  }

  /** Topic content must equal the served records as a multiset (the API's duplicates included), keyed tenant|Id. */
  static void assertExactlyOnce(ActivityFixture f, String topic) throws Exception {
    List<String> expected = f.expectedRecords(EXO);
    List<ConsumerRecord<String, byte[]>> got = Topics.readAll(kafka.bootstrapServers(), topic, expected.size(),
        Duration.ofSeconds(30));
    assertEquals(Topics.counts(expected), Topics.valueCounts(got));
    for (ConsumerRecord<String, byte[]> r : got) {
      String id = JSON.readTree(r.value()).path("Id").asText();
      assertEquals(TENANT + "|" + id, r.key());
      assertEquals(EXO, new String(r.headers().lastHeader("contentType").value(), StandardCharsets.UTF_8));
      assertEquals(TENANT, new String(r.headers().lastHeader("tenant").value(), StandardCharsets.UTF_8));
      assertTrue(r.headers().lastHeader("contentId") != null && r.headers().lastHeader("contentCreated") != null);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"NextPageUri", "NextPageUrl"})
  void followsEveryPageOfManyPagesWithPublisherIdentifierOnEveryCall(String header) throws Exception {
    String[] t = topics();
    FixtureTenant tenant = synthetic(1, Duration.ofHours(10), Duration.ofMinutes(5), 10, 0.05);
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b.pageSize(7).nextPageHeader(header).shuffleListing(3))) {
      Map<String, String> props = f.props(EXO, t[0], t[1]);
      props.put("window.size.ms", Long.toString(Duration.ofHours(3).toMillis()));
      int expected = f.expectedRecords(EXO).size();
      try (TaskHarness h = new TaskHarness(f::newTask, props, kafka.bootstrapServers())) {
        h.runUntil(() -> h.deliveredTo(t[0]) >= expected, Duration.ofSeconds(60), false);
        for (int i = 0; i < 5; i++) h.pollOnce(); // caught up: nothing more may come
        assertEquals(expected, h.deliveredTo(t[0]));
        assertEquals(expected, (int) f.counter("records"));
        assertEquals(tenant.allBlobs().size(), (int) f.counter("blobs"));
        long dups = expected - f.expectedRecords(EXO).stream().distinct().count();
        assertTrue(dups > 0);
        assertEquals(dups, (long) f.counter("duplicates"));
      }
      assertExactlyOnce(f, t[0]);
      List<RecordedRequest> reqs = f.emulator.requests();
      long nextPages = reqs.stream().filter(r -> r.kind().equals("listing") && r.query().contains("nextPage=")).count();
      assertTrue(nextPages >= 15, "followed " + nextPages + " next pages");
      for (RecordedRequest r : reqs) {
        if (!r.kind().equals("token")) assertEquals(TENANT, r.publisherIdentifier(), r.path());
      }
      assertEquals(1, f.emulator.tokensIssued());
      assertTrue(f.emulator.subscriptions(TENANT).contains(EXO), "the task started the subscription");
    }
  }

  @Test
  void withTopicPartitionsEveryRecordOfTheTaskGoesToItsOwnPartition() throws Exception {
    String[] t = topics();
    FixtureTenant tenant = synthetic(5, Duration.ofHours(2), Duration.ofMinutes(10), 6, 0);
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b)) {
      Map<String, String> props = f.props(EXO, t[0], t[1]);
      props.put("topic.partitions", "2");
      props.put("task.index", "5");
      int expected = f.expectedRecords(EXO).size();
      try (TaskHarness h = new TaskHarness(f::newTask, props, kafka.bootstrapServers())) {
        h.runUntil(() -> h.deliveredTo(t[0]) >= expected, Duration.ofSeconds(60), false);
      }
      List<ConsumerRecord<String, byte[]>> got = Topics.readAll(kafka.bootstrapServers(), t[0], expected,
          Duration.ofSeconds(30));
      assertEquals(expected, got.size());
      assertTrue(got.stream().allMatch(r -> r.partition() == 1), "task 5 of a 2-partition topic writes partition 1");
    }
  }

  static final String STREAM = "mgmt|" + TENANT + "|" + EXO;

  /** Records of the blobs listed as available before {@code t}: what a clock at t says was delivered. */
  static Map<String, Integer> servedBefore(FixtureTenant tenant, long t) {
    Map<String, Integer> m = new TreeMap<>();
    for (ContentBlob b : tenant.allBlobs()) {
      if (b.contentType().equals(EXO) && b.contentCreated().toEpochMilli() < t) {
        for (String r : b.records()) m.merge(r, 1, Integer::sum);
      }
    }
    return m;
  }

  /** Polls, the clock moving a second per poll, until {@code expected} records are out; then {@code idle} polls. */
  static void runTicking(ActivityFixture f, TaskHarness h, String topic, int expected, int idle) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (h.deliveredTo(topic) < expected) {
      assertTrue(System.nanoTime() < deadline, "timed out with " + h.deliveredTo(topic) + " of " + expected);
      h.pollOnce();
      f.clock.advance(Duration.ofSeconds(1));
    }
    for (int i = 0; i < idle; i++) h.pollOnce();
  }

  @Test
  void feedClocksGoIntoTheTasksPartitionAndNeverClaimMoreThanWasDelivered() throws Exception {
    FixtureTenant tenant = synthetic(6, Duration.ofHours(5), Duration.ofMinutes(7), 5, 0.05);
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b.pageSize(4))) {
      Map<String, String> props = f.props(EXO, "audit", "hb");
      props.put("window.size.ms", Long.toString(Duration.ofMinutes(50).toMillis()));
      props.put("poll.max.records", "3"); // blobs go out over several polls: a clock in between must not skip ahead
      props.put("clock.interval.ms", "1000");
      props.put("topic.partitions", "4");
      props.put("task.index", "1");
      props.put("task.count", "2");
      int expected = f.expectedRecords(EXO).size();
      try (TaskHarness h = new TaskHarness(f::newTask, props, null)) {
        runTicking(f, h, "audit", expected, 20);
        assertEquals(expected, h.deliveredTo("audit"));
        List<Long> clocks = ClockChecks.check(h, "audit", STREAM, 1, Set.of(1), t -> servedBefore(tenant, t));
        assertTrue(clocks.size() >= 20, clocks.size() + " clocks");
        assertTrue(clocks.stream().distinct().count() >= 5, "the position moved with the windows: " + clocks);
        Instant last = Instant.ofEpochMilli(clocks.get(clocks.size() - 1));
        Instant newest = tenant.allBlobs().stream().map(ContentBlob::contentCreated).max(Instant::compareTo).orElseThrow();
        assertTrue(last.isAfter(newest) && last.isAfter(f.clock.instant().minus(Duration.ofMinutes(5))),
            "caught up, the clock is at the live edge: " + last);
        assertEquals(clocks.size(), (int) f.counter("clocks"));
        // Idle: the sleeps end in time for the next clock, so a quiet stream shows it is alive.
        int before = h.clocks().size();
        Instant from = f.clock.instant();
        for (int i = 0; i < 30; i++) h.pollOnce();
        long secs = Duration.between(from, f.clock.instant()).toSeconds();
        assertTrue(h.clocks().size() - before >= secs / 2 && secs >= 10, (h.clocks().size() - before) + " clocks in "
            + secs + " s idle");
      }
    }
  }

  @Test
  void taskZeroAlsoClocksThePartitionsNoTaskWritesTo() throws Exception {
    FixtureTenant tenant = synthetic(7, Duration.ofHours(2), Duration.ofMinutes(10), 3, 0);
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b)) {
      Map<String, String> props = f.props(EXO, "audit", "hb");
      props.put("topic.partitions", "3");
      props.put("clock.interval.ms", "1000");
      // Through the connector's task fan-out: one tenant x one content type = task 0 of 1.
      ManagementActivitySourceConnector c = new ManagementActivitySourceConnector();
      c.start(props);
      List<Map<String, String>> tasks = c.taskConfigs(1);
      assertEquals("1", tasks.get(0).get("task.count"));
      int expected = f.expectedRecords(EXO).size();
      try (TaskHarness h = new TaskHarness(f::newTask, tasks.get(0), null)) {
        runTicking(f, h, "audit", expected, 5);
        ClockChecks.check(h, "audit", STREAM, 0, Set.of(0, 1, 2), t -> servedBefore(tenant, t));
      }
    }
  }

  @Test
  void restartAfterEverySingleBlobEmitsEveryRecordExactlyOnceAndNeverRefetchesAFinishedBlob() throws Exception {
    String[] t = topics();
    FixtureTenant tenant = synthetic(2, Duration.ofHours(4), Duration.ofMinutes(6), 8, 0.1);
    tenant.addBlob(EXO, NOW.minus(Duration.ofMinutes(200)), List.of()); // an empty blob in the middle
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b.pageSize(5))) {
      int expected = f.expectedRecords(EXO).size();
      try (TaskHarness h = new TaskHarness(f::newTask, f.props(EXO, t[0], t[1]), kafka.bootstrapServers())) {
        h.runUntil(() -> h.deliveredTo(t[0]) >= expected, Duration.ofSeconds(90), true);
        for (int i = 0; i < 5; i++) {
          h.pollOnce();
          h.restart();
        }
        assertEquals(expected, h.deliveredTo(t[0]));
        assertTrue(h.restarts >= tenant.allBlobs().size() - 1, "restarted " + h.restarts + " times");
      }
      assertExactlyOnce(f, t[0]);
      long blobFetches = f.emulator.requests().stream().filter(r -> r.kind().equals("blob")).count();
      assertEquals(tenant.allBlobs().size(), blobFetches, "each blob fetched once despite a restart after each");
    }
  }

  @Test
  void crashInTheMiddleOfBlobsResumesAtTheExactRecord() throws Exception {
    String[] t = topics();
    FixtureTenant tenant = synthetic(3, Duration.ofHours(3), Duration.ofMinutes(7), 12, 0.05);
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b.pageSize(4))) {
      Map<String, String> props = f.props(EXO, t[0], t[1]);
      props.put("poll.max.records", "5");
      int expected = f.expectedRecords(EXO).size();
      Random rnd = new Random(42);
      try (TaskHarness h = new TaskHarness(f::newTask, props, kafka.bootstrapServers())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (h.deliveredTo(t[0]) < expected) {
          assertTrue(System.nanoTime() < deadline, "timed out");
          List<SourceRecord> batch = h.task.poll();
          if (batch == null || batch.isEmpty()) continue;
          int keep = rnd.nextInt(batch.size() + 1); // the worker dies after producing `keep` of them
          h.deliver(batch, keep);
          h.restart();
        }
      }
      assertExactlyOnce(f, t[0]);
    }
  }

  @Test
  void throttlingStormsAndServerErrorsAreRetriedHonouringRetryAfter() throws Exception {
    String[] t = topics();
    FixtureTenant tenant = synthetic(4, Duration.ofHours(3), Duration.ofMinutes(10), 5, 0);
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b)) {
      f.emulator.faults()
          .inject(FaultPlan.Target.TOKEN, FaultPlan.Kind.THROTTLE_429, 2, Duration.ofSeconds(2))
          .inject(FaultPlan.Target.LISTING, FaultPlan.Kind.THROTTLE_429, 4, Duration.ofSeconds(7))
          .inject(FaultPlan.Target.BLOB, FaultPlan.Kind.THROTTLE_403, 12, Duration.ofSeconds(3))
          .inject(FaultPlan.Target.BLOB, FaultPlan.Kind.SERVER_ERROR_500, 3, null)
          .inject(FaultPlan.Target.LISTING, FaultPlan.Kind.UNAVAILABLE_503, 2, null);
      Map<String, String> props = f.props(EXO, t[0], t[1]);
      props.put("retry.max.attempts", "5");
      int expected = f.expectedRecords(EXO).size();
      try (TaskHarness h = new TaskHarness(f::newTask, props, kafka.bootstrapServers())) {
        h.runUntil(() -> h.deliveredTo(t[0]) >= expected, Duration.ofSeconds(60), false);
        assertEquals(2 + 4 + 12, (int) f.counter("throttles"));
        assertTrue(h.retriable >= 2, "a storm longer than retry.max.attempts yields a retriable error, not a failure");
      }
      assertExactlyOnce(f, t[0]);
      long waitedForListing = f.sleeper.sleeps.stream().filter(d -> d.compareTo(Duration.ofSeconds(7)) >= 0
          && d.compareTo(Duration.ofSeconds(8)) <= 0).count();
      assertTrue(waitedForListing >= 4, "Retry-After: 7 honoured: " + f.sleeper.sleeps);
      long waitedForBlob = f.sleeper.sleeps.stream().filter(d -> d.compareTo(Duration.ofSeconds(3)) >= 0
          && d.compareTo(Duration.ofMillis(3300)) <= 0).count();
      assertTrue(waitedForBlob >= 10, "Retry-After: 3 honoured: " + f.sleeper.sleeps);
      assertEquals(2 + 4 + 12 + 3 + 2, f.emulator.faults().injected());
    }
  }

  @Test
  void expiredBlobsAreSkippedCountedAndTheRestDelivered() throws Exception {
    String[] t = topics();
    // The emulator's clock runs 2 minutes ahead of the task's, so some blobs look alive to the task but the
    // server answers AF20051, and others are already past contentExpiration per the listing.
    FixtureTenant tenant = new FixtureTenant(TENANT);
    Instant edge = NOW.minus(Duration.ofDays(7));
    ContentBlob a = tenant.addBlob(EXO, edge.plus(Duration.ofSeconds(8 * 60 + 20)), List.of("{\"Id\":\"a1\"}"));
    ContentBlob a2 = tenant.addBlob(EXO, edge.plus(Duration.ofSeconds(8 * 60 + 45)), List.of("{\"Id\":\"a2\"}"));
    ContentBlob b = tenant.addBlob(EXO, edge.plus(Duration.ofMinutes(10)), List.of("{\"Id\":\"b1\"}"));
    tenant.addBlob(EXO, edge.plus(Duration.ofMinutes(60)), List.of("{\"Id\":\"c1\"}", "{\"Id\":\"c2\"}"));
    try (ActivityFixture f = new ActivityFixture(tenant).start(x -> x)) {
      f.emulator.faults().inject(FaultPlan.Target.BLOB, FaultPlan.Kind.THROTTLE_429, 1, Duration.ofMinutes(11));
      Map<String, String> props = f.props(EXO, t[0], t[1]);
      props.put("retention.margin.ms", Long.toString(Duration.ofMinutes(10).toMillis()));
      props.put("start.lookback.ms", Long.toString(Duration.ofDays(8).toMillis()));
      java.time.Clock behind = java.time.Clock.offset(f.clock, Duration.ofMinutes(-2));
      try (TaskHarness h = new TaskHarness(() -> f.newTask(behind), props, kafka.bootstrapServers())) {
        h.runUntil(() -> h.deliveredTo(t[0]) >= 2, Duration.ofSeconds(30), false);
        assertEquals(3, (int) f.counter("blobs.expired"));
        assertEquals(2, h.deliveredTo(t[0]));
      }
      long serverExpired = f.emulator.requests().stream().filter(r -> r.kind().equals("blob") && r.status() == 400).count();
      assertEquals(2, serverExpired, "a1 and b1 answered AF20051 by the server; a2 skipped from the listing");
      List<ConsumerRecord<String, byte[]>> got = Topics.readAll(kafka.bootstrapServers(), t[0], 2, Duration.ofSeconds(20));
      assertEquals(Map.of("{\"Id\":\"c1\"}", 1, "{\"Id\":\"c2\"}", 1), Topics.valueCounts(got));
      assertTrue(a.contentCreated().isBefore(a2.contentCreated()) && a2.contentCreated().isBefore(b.contentCreated()));
    }
  }

  @Test
  void aSevenDayGapIsClampedWithACounterAndCollectionGoesOn() throws Exception {
    String[] t = topics();
    // Content every 30 min over 10 days; the task runs for the first day, is down 8 days, then restarts.
    FixtureTenant tenant = FixtureTenant.synthetic(TENANT, 5).contentTypes(EXO)
        .between(NOW.minus(Duration.ofHours(20)), NOW.plus(Duration.ofDays(8)).plus(Duration.ofHours(2)))
        .blobEvery(Duration.ofMinutes(30)).recordsPerBlob(2).build();
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b)) {
      Map<String, String> props = f.props(EXO, t[0], t[1]);
      props.put("window.size.ms", Long.toString(Duration.ofHours(24).toMillis()));
      try (TaskHarness h = new TaskHarness(f::newTask, props, kafka.bootstrapServers())) {
        long firstDay = tenant.allBlobs().stream().filter(b -> b.contentCreated().isBefore(NOW.minusSeconds(90))).count() * 2;
        h.runUntil(() -> h.deliveredTo(t[0]) >= firstDay, Duration.ofSeconds(30), false);
        Instant stoppedAt = f.clock.instant();
        String committedCursor = h.committed.values().iterator().next().get("cursor").toString();
        h.task.stop();
        f.clock.set(stoppedAt.plus(Duration.ofDays(8)));
        h.restart();
        Instant floor = f.clock.instant().minus(Duration.ofDays(7)).plus(Duration.ofMinutes(5));
        long gapExpected = Duration.between(Instant.parse(committedCursor), floor).toSeconds();
        long after = tenant.allBlobs().stream().filter(b -> !b.contentCreated().isBefore(floor.plusSeconds(1))
            && b.contentCreated().isBefore(f.clock.instant().minusSeconds(90))).count() * 2;
        h.runUntil(() -> h.deliveredTo(t[0]) >= firstDay + after, Duration.ofSeconds(60), false);
        double gap = f.counter("clamped.gap.seconds");
        assertTrue(Math.abs(gap - gapExpected) <= 2, "gap counted " + gap + " s, expected about " + gapExpected);
        assertTrue(gap > Duration.ofHours(23).toSeconds());
        assertEquals(firstDay + after, h.deliveredTo(t[0]));
      }
      boolean rejected = f.emulator.requests().stream().anyMatch(r -> r.kind().equals("listing") && r.status() == 400);
      assertTrue(!rejected, "no listing was refused for reaching past the 7 days");
    }
  }

  @Test
  void emptyWindowsAdvanceTheCommittedCursorThroughHeartbeats() throws Exception {
    String[] t = topics();
    FixtureTenant tenant = new FixtureTenant(TENANT);
    tenant.addBlob(EXO, NOW.minus(Duration.ofMinutes(40)), List.of("{\"Id\":\"only\"}"));
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b)) {
      Map<String, String> props = f.props(EXO, t[0], t[1]);
      props.put("heartbeat.interval.ms", "0");
      try (TaskHarness h = new TaskHarness(f::newTask, props, kafka.bootstrapServers())) {
        h.runUntil(() -> h.deliveredTo(t[0]) >= 1, Duration.ofSeconds(30), false);
        for (int i = 0; i < 4; i++) h.pollOnce(); // caught up: a heartbeat carries the cursor
        assertTrue(h.deliveredTo(t[1]) >= 1);
        Instant cursor = Instant.parse(h.committed.values().iterator().next().get("cursor").toString());
        assertTrue(cursor.isAfter(NOW.minus(Duration.ofMinutes(10))), "committed cursor " + cursor);
        f.emulator.clearRequests();
        h.restart();
        for (int i = 0; i < 3; i++) h.pollOnce();
        long listings = f.emulator.requests().stream().filter(r -> r.kind().equals("listing")).count();
        assertTrue(listings <= 2, "a restart lists from the committed cursor, not 24 h back: " + listings);
        assertEquals(1, h.deliveredTo(t[0]));
      }
    }
  }

  @Test
  void recordsAreEmittedByteForByte() throws Exception {
    String[] t = topics();
    FixtureTenant tenant = new FixtureTenant(TENANT);
    List<String> recs = new ArrayList<>(List.of(
        "{ \"Id\" : \"x1\",\n  \"CreationTime\":\"2025-03-10T10:00:00\", \"Nested\": {\"Id\":\"inner\", \"a\":[1,2,{\"b\":null}]} }",
        "{\"CreationTime\":\"2025-03-10T09:00:00\",\"Id\":\"x2\",\"Text\":\"caf\\u00e9 \\\"quoted\\\" \u00e9\u4e2d\"}",
        "{\"Id\":\"x3\",\"Big\":12345678901234567890123,\"F\":1.50e+3}"));
    tenant.addBlob(EXO, NOW.minus(Duration.ofMinutes(30)), recs);
    try (ActivityFixture f = new ActivityFixture(tenant).start(b -> b)) {
      try (TaskHarness h = new TaskHarness(f::newTask, f.props(EXO, t[0], t[1]), kafka.bootstrapServers())) {
        h.runUntil(() -> h.deliveredTo(t[0]) >= 3, Duration.ofSeconds(30), false);
      }
      List<ConsumerRecord<String, byte[]>> got = Topics.readAll(kafka.bootstrapServers(), t[0], 3, Duration.ofSeconds(20));
      assertEquals(Topics.counts(recs), Topics.valueCounts(got));
      assertTrue(got.stream().anyMatch(r -> r.key().equals(TENANT + "|x1")), "the top-level Id, not a nested one");
    }
  }
}
