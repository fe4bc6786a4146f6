package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.OcsfFormatter;
import io.ualwatch.model.alert.Severity;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import io.ualwatch.testkit.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `watch` and `replay` against a real embedded broker. */
class WatchReplayITCase {
  static EmbeddedKafka kafka;
  static String bootstrap;
  static final String AUDIT = "ualwatch.audit.raw";
  static final String SIGNINS = "ualwatch.signins.raw";
  static final String ALERTS = "ualwatch.alerts";

  @BeforeAll
  static void broker() {
    kafka = EmbeddedKafka.startTemporary();
    bootstrap = kafka.bootstrapServers();
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  /** Fresh topic names per test, passed with --set, so tests do not see each other's records. */
  static String[] topics(String prefix) {
    return topics(prefix, -1);
  }

  /** Raw topics with this retention.ms (-1: size-bounded, as 'up' creates them). */
  static String[] topics(String prefix, long retentionMs) {
    String audit = prefix + ".audit";
    String signins = prefix + ".signins";
    String alerts = prefix + ".alerts";
    Map<String, String> raw = Map.of("retention.ms", Long.toString(retentionMs));
    kafka.createTopics(List.of(new NewTopic(audit, 2, (short) 1).configs(raw), new NewTopic(signins, 2, (short) 1).configs(raw),
        new NewTopic(alerts, 2, (short) 1)));
    return new String[] {"--set", "topics.audit=" + audit, "--set", "topics.signins=" + signins,
        "--set", "topics.alerts=" + alerts};
  }

  @Test
  void replaySendsEveryRecordRawWithItsEventTimeAndResumesWhereItStopped(@TempDir Path tmp) throws Exception {
    String p = "replay" + UUID.randomUUID().toString().substring(0, 8);
    String[] t = topics(p);
    Path input = CliTest.SCENARIO.resolve("input");
    Path state = tmp.resolve("case.ualwatch-replay.json");
    // what the parser reads: the expected key -> (raw, event time)
    Map<String, AuditEvent> expected = new HashMap<>();
    InputReader reader = new InputReader();
    for (Path f : Inputs.expand(List.of(input))) {
      try (InputStream in = Files.newInputStream(f)) {
        reader.read(in, f.toString(), new ParseListener() {
          @Override public void onEvent(AuditEvent e) { expected.put(e.tenantId + "|" + e.recordId, e); }
          @Override public void onReject(Rejection r) {}
        });
      }
    }

    CliTest.Run first = CliTest.run(concat(new String[] {"replay", input.toString(), "--bootstrap", bootstrap,
        "--state", state.toString(), "--limit", "1000", "--quiet"}, t));
    assertEquals(0, first.code(), first.err());
    assertTrue(first.err().contains("stopped after 1000 records (--limit)"), first.err());
    assertFalse(first.err().contains("warning"), "size-bounded raw topics keep old records: " + first.err());
    JsonNode saved = new ObjectMapper().readTree(state.toFile());
    assertEquals(1000, saved.path("records_sent").asLong());
    assertFalse(saved.path("complete").asBoolean());
    assertEquals(1000, count(p + ".audit") + count(p + ".signins"), "exactly what the progress file says was acknowledged");

    CliTest.Run second = CliTest.run(concat(new String[] {"replay", input.toString(), "--bootstrap", bootstrap,
        "--state", state.toString(), "--quiet"}, t));
    assertEquals(0, second.code(), second.err());
    assertTrue(second.err().contains("resuming at"), second.err());
    assertTrue(second.err().contains("skipped (sent by an earlier run)"), second.err());
    assertTrue(second.err().contains("complete"), second.err());
    assertTrue(new ObjectMapper().readTree(state.toFile()).path("complete").asBoolean());

    // every record exactly once over the two runs, raw bytes untouched, timestamp = event time, key tenant|id
    Map<String, Integer> seen = new HashMap<>();
    for (String topic : List.of(p + ".audit", p + ".signins")) {
      for (ConsumerRecord<byte[], byte[]> r : readAll(topic)) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        seen.merge(key, 1, Integer::sum);
        AuditEvent e = expected.get(key);
        assertTrue(e != null, "unexpected key " + key);
        assertArrayEquals(e.raw.getBytes(StandardCharsets.UTF_8), r.value(), "raw bytes of " + key);
        assertEquals(e.eventTime.toEpochMilli(), r.timestamp(), "Kafka timestamp of " + key);
        assertEquals(e.source == io.ualwatch.model.EventSource.ENTRA_SIGNIN ? p + ".signins" : p + ".audit", r.topic());
      }
    }
    assertEquals(expected.keySet(), seen.keySet());
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "no record sent twice across the interruption");
    assertMergedWithClocks(p, 2);

    CliTest.Run third = CliTest.run(concat(new String[] {"replay", input.toString(), "--bootstrap", bootstrap,
        "--state", state.toString(), "--quiet"}, t));
    assertEquals(0, third.code());
    assertTrue(third.err().contains("already sent completely"), third.err());
  }

  @Test
  void aNewestFirstExportIsSentMergedByEventTimeWithTheSignIns(@TempDir Path tmp) throws Exception {
    String p = "newest" + UUID.randomUUID().toString().substring(0, 8);
    String[] t = topics(p);
    // the scenario's audit records newest first, as Purview exports them; the sign-ins as they are
    Path input = CliTest.SCENARIO.resolve("input");
    List<String> lines;
    try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(input.resolve("audit.ndjson.gz")))) {
      lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    }
    java.util.Collections.reverse(lines);
    Path dir = Files.createDirectories(tmp.resolve("case"));
    Files.write(dir.resolve("0-audit-newest-first.ndjson"), lines, StandardCharsets.UTF_8);
    Files.copy(input.resolve("signins.ndjson.gz"), dir.resolve("1-signins.ndjson.gz"));
    CliTest.Run run = CliTest.run(concat(new String[] {"replay", dir.toString(), "--bootstrap", bootstrap,
        "--state", tmp.resolve("s.json").toString(), "--sort-memory", "1", "--temp-dir", tmp.resolve("spill").toString(),
        "--quiet"}, t));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("not in event-time order"), run.err());
    assertEquals(lines.size(), count(p + ".audit"));
    assertMergedWithClocks(p, 1);
  }

  @Test
  void replayStoppedWithASignalSavesOnlyAcknowledgedProgressAndResumes(@TempDir Path tmp) throws Exception {
    String p = "sigterm" + UUID.randomUUID().toString().substring(0, 8);
    String[] t = topics(p);
    Path input = CliTest.SCENARIO.resolve("input/audit.ndjson.gz"); // 2,759 records over 20 days of event time
    Path state = tmp.resolve("s.ualwatch-replay.json");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.ualwatch.cli.Main", "replay", input.toString(),
        "--bootstrap", bootstrap, "--state", state.toString(), "--speed", "400000", "--quiet"));
    cmd.addAll(List.of(t));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("replay.log").toFile()).start();
    ObjectMapper m = new ObjectMapper();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // wait until it has saved some progress (it saves every second), then stop it as Ctrl-C or kill would
    while (System.nanoTime() < deadline && proc.isAlive()
        && !(Files.exists(state) && m.readTree(state.toFile()).path("records_sent").asLong() > 0)) {
      Thread.sleep(50);
    }
    assertTrue(proc.isAlive(), "still running when stopped: " + Files.readString(tmp.resolve("replay.log")));
    proc.destroy(); // SIGTERM: the shutdown hook lets replay flush and save
    assertTrue(proc.waitFor(30, TimeUnit.SECONDS));
    String log = Files.readString(tmp.resolve("replay.log"));
    assertTrue(log.contains("interrupted: progress saved in"), log);
    JsonNode saved = m.readTree(state.toFile());
    long sent = saved.path("records_sent").asLong();
    assertFalse(saved.path("complete").asBoolean());
    assertTrue(sent > 0 && sent < 2759, "stopped part-way: " + sent);
    assertEquals(sent, count(p + ".audit"), "the saved progress is exactly what the broker acknowledged");

    CliTest.Run resume = CliTest.run(concat(new String[] {"replay", input.toString(), "--bootstrap", bootstrap,
        "--state", state.toString(), "--quiet"}, t));
    assertEquals(0, resume.code(), resume.err());
    Map<String, Integer> keys = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(p + ".audit")) keys.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
    assertEquals(2759, keys.size(), "every record after the resume");
    assertTrue(keys.values().stream().allMatch(n -> n == 1), "none twice");
  }

  @Test
  void replayAtNTimesEventTimeSpeedTakesTheScaledTime(@TempDir Path tmp) throws Exception {
    String p = "speed" + UUID.randomUUID().toString().substring(0, 8);
    String[] t = topics(p, 86_400_000L); // a day of time-based retention: these 2025 records would be deleted soon
    Path f = tmp.resolve("three.ndjson");
    Instant base = Instant.parse("2025-03-18T09:00:00Z");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      // 0 s, 2 s, 4 s apart in event time: at --speed 4 that is about one second of wall time
      sb.append("{\"CreationTime\":\"").append(base.plusSeconds(2L * i).toString().replace("Z", ""))
          .append("\",\"Id\":\"speed-").append(i).append("\",\"Operation\":\"MailItemsAccessed\",\"RecordType\":50,")
          .append("\"OrganizationId\":\"t1\",\"UserId\":\"a@b.c\",\"MailboxOwnerUPN\":\"a@b.c\",\"ClientIPAddress\":\"12.34.56.7\"}\n");
    }
    Files.writeString(f, sb);
    long t0 = System.nanoTime();
    CliTest.Run r = CliTest.run(concat(new String[] {"replay", f.toString(), "--bootstrap", bootstrap, "--state",
        tmp.resolve("s.json").toString(), "--speed", "4", "--quiet"}, t));
    double secs = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().matches("(?s).*records sent\\s+3\\n.*"), r.err());
    assertTrue(secs >= 0.95, "4 s of event time at 4x takes at least 1 s, took " + secs);
    assertTrue(r.err().contains("older than the time-based retention of " + p + ".audit (retention.ms 1d)"), r.err());
    assertTrue(r.err().contains("retention.ms=-1"), "says how to fix it: " + r.err());
  }

  @Test
  void watchShowsMatchingAlertsUpdatesAndCountsFromTheBeginning() throws Exception {
    String p = "watch" + UUID.randomUUID().toString().substring(0, 8);
    String[] t = topics(p);
    try (KafkaProducer<String, String> prod = producer()) {
      send(prod, p + ".alerts", alert("ualw-a1", 1, "token-multi-network", Severity.CRITICAL, "alice@contoso.com"));
      send(prod, p + ".alerts", alert("ualw-b1", 1, "mailbox-new-client-app", Severity.LOW, "bob@contoso.com"));
      send(prod, p + ".alerts", alert("ualw-a1", 2, "token-multi-network", Severity.CRITICAL, "alice@contoso.com"));
      send(prod, p + ".alerts", alert("ualw-a1", 1, "token-multi-network", Severity.CRITICAL, "alice@contoso.com")); // stale
      send(prod, p + ".alerts", alert("ualw-c1", 1, "token-multi-network", Severity.HIGH, "carol@contoso.com"));
    }
    CliTest.Run r = CliTest.run(concat(new String[] {"watch", "--bootstrap", bootstrap, "--from-beginning",
        "--min-severity", "high", "--max", "3", "--no-color"}, t));
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    assertTrue(out.contains("CRITICAL  token-multi-network #1") && out.contains("alice@contoso.com"), out);
    assertTrue(out.contains("188.166.200.224 (Amsterdam, NL) AS14061 DigitalOcean, LLC"), "where: " + out);
    assertTrue(out.contains("↳ update r2"), "the second revision is shown as an update: " + out);
    assertTrue(out.contains("HIGH      token-multi-network #2") && out.contains("carol@contoso.com"), out);
    assertFalse(out.contains("bob@contoso.com"), "low severity is filtered out");
    assertEquals(1, out.split("update r", -1).length - 1, "the stale revision is not shown again");
    assertTrue(r.err().contains("token-multi-network") && r.err().contains("alerts shown: 3"), r.err());

    CliTest.Run user = CliTest.run(concat(new String[] {"watch", "--bootstrap", bootstrap, "--from-beginning",
        "--user", "BOB@", "--rule", "mailbox-new-client-app", "--max", "1", "--json"}, t));
    assertEquals(0, user.code(), user.err());
    JsonNode n = new ObjectMapper().readTree(user.out().strip());
    assertEquals("ualw-b1", n.path("finding_info").path("uid").asText(), "--json prints the OCSF alert, one per line");
  }

  @Test
  void watchStartsAtTheEndByDefaultAndLooksBackWithSince() throws Exception {
    String p = "tail" + UUID.randomUUID().toString().substring(0, 8);
    String[] t = topics(p);
    try (KafkaProducer<String, String> prod = producer()) {
      long now = System.currentTimeMillis();
      prod.send(new ProducerRecord<>(p + ".alerts", null, now - 3 * 3_600_000L, "ualw-old",
          alert("ualw-old", 1, "token-multi-network", Severity.HIGH, "old@contoso.com"))).get();
      prod.send(new ProducerRecord<>(p + ".alerts", null, now - 600_000L, "ualw-recent",
          alert("ualw-recent", 1, "token-multi-network", Severity.HIGH, "recent@contoso.com"))).get();
    }
    CliTest.Run since = CliTest.run(concat(new String[] {"watch", "--bootstrap", bootstrap, "--since", "1h", "--max", "1",
        "--json"}, t));
    assertEquals(0, since.code(), since.err());
    assertTrue(since.out().contains("ualw-recent") && !since.out().contains("ualw-old"), since.out());

    // default: only what is published after watch started
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      Future<Integer> watch = ex.submit(() -> Main.run(concat(new String[] {"watch", "--bootstrap", bootstrap,
          "--max", "1", "--json"}, t)));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!err.toString(StandardCharsets.UTF_8).contains("watching") && System.nanoTime() < deadline) {
        assertFalse(watch.isDone(), err.toString(StandardCharsets.UTF_8));
        Thread.sleep(20);
      }
      try (KafkaProducer<String, String> prod = producer()) {
        send(prod, p + ".alerts", alert("ualw-new", 1, "token-multi-network", Severity.HIGH, "new@contoso.com"));
      }
      assertEquals(0, watch.get(30, TimeUnit.SECONDS));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
      ex.shutdownNow();
    }
    String o = out.toString(StandardCharsets.UTF_8);
    assertTrue(o.contains("ualw-new"), o);
    assertFalse(o.contains("ualw-old") || o.contains("ualw-recent"), "starts at the end: " + o);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("from the end"), err.toString(StandardCharsets.UTF_8));
  }

  static String alert(String id, int rev, String rule, Severity sev, String user) {
    Alert a = new Alert();
    a.id = id;
    a.ruleId = rule;
    a.ruleName = rule;
    a.revision = rev;
    a.status = rev == 1 ? AlertStatus.NEW : AlertStatus.UPDATED;
    a.severity = sev;
    a.tenantId = "t1";
    a.time = Instant.parse("2025-03-18T14:52:56Z").toEpochMilli();
    a.firstSeen = a.time;
    a.lastSeen = a.time + rev * 60_000L;
    a.bucket = "2025-03-18";
    a.user = user;
    a.mailbox = user;
    Endpoint e = new Endpoint();
    e.ip = "188.166.200.224";
    e.country = "NL";
    e.city = "Amsterdam";
    e.asn = 14061L;
    e.asOrg = "DigitalOcean, LLC";
    a.source = e;
    a.endpoints.add(e);
    a.message = "a test alert for " + user;
    a.evidenceCount = rev * 2;
    return OcsfFormatter.toJsonString(a);
  }

  static KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer());
  }

  static void send(KafkaProducer<String, String> p, String topic, String json) throws Exception {
    String id = new ObjectMapper().readTree(json).path("finding_info").path("uid").asText();
    p.send(new ProducerRecord<>(topic, id, json)).get(10, TimeUnit.SECONDS);
  }

  /** The data records of a topic (feed clock records left out). */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readEverything(topic)) {
      if (r.headers().lastHeader(io.ualwatch.model.feed.FeedClock.CLOCK) == null) out.add(r);
    }
    return out;
  }

  /** Every record of a topic, feed clock records included. */
  static List<ConsumerRecord<byte[], byte[]>> readEverything(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic)) parts.add(new TopicPartition(topic, pi.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) out.add(r);
      }
    }
    return out;
  }

  /**
   * The replay went out merged by event time: in every partition of both topics the data records' timestamps never
   * go back by more than the time between two clock records, every partition has clock records of the replay's
   * stream, no clock is ahead of a later data record of its partition, and the last clock of each ends the stream.
   */
  static void assertMergedWithClocks(String prefix, int expectedStreams) {
    for (String topic : List.of(prefix + ".audit", prefix + ".signins")) {
      Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : readEverything(topic)) {
        byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
      }
      assertEquals(2, byPartition.size(), topic + ": both partitions written");
      for (var e : byPartition.entrySet()) {
        long clock = Long.MIN_VALUE;
        long clocks = 0;
        boolean ended = false;
        java.util.Set<String> streams = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : e.getValue()) {
          var ch = r.headers().lastHeader(io.ualwatch.model.feed.FeedClock.CLOCK);
          streams.add(new String(r.headers().lastHeader(io.ualwatch.model.feed.FeedClock.STREAM).value(),
              StandardCharsets.UTF_8));
          if (ch != null) {
            long t = Long.parseLong(new String(ch.value(), StandardCharsets.UTF_8));
            assertTrue(t >= clock, topic + "/" + e.getKey() + ": clocks never go back");
            clock = t;
            clocks++;
            ended = r.headers().lastHeader(io.ualwatch.model.feed.FeedClock.END) != null;
          } else {
            assertTrue(r.timestamp() >= clock, topic + "/" + e.getKey() + ": a record at " + r.timestamp()
                + " after a clock at " + clock + ": not merged by event time");
          }
        }
        assertTrue(clocks > 0, topic + "/" + e.getKey() + " has clock records");
        assertTrue(ended, topic + "/" + e.getKey() + ": the last clock ends the stream");
        assertEquals(1, streams.size(), "one stream, the replay's: " + streams);
      }
    }
  }

  static long count(String topic) {
    return readAll(topic).size();
  }

  static String[] concat(String[] a, String[] b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
