package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.engine.TestSupport;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import io.ualwatch.testkit.EmbeddedKafka;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a real KRaft broker and a shared MiniCluster with parallelism 2, exactly-once: every
 * scenario under samples/scenarios (each its own tenant, all in one stream) gives exactly the expected alert ids
 * on the alerts topic read with read_committed (the ids `hunt` finds in the files: live and replay agree),
 * benign scenarios give none, and malformed records land in the dead-letter topic with reason and offset.
 */
class UalwatchJobITCase {
  static final Path STATE = tmp();

  @RegisterExtension
  static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(flinkConf()).build());

  static EmbeddedKafka kafka;

  static Path tmp() {
    try {
      return Files.createTempDirectory("ualwatch-it-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Configuration flinkConf() {
    Configuration c = UalwatchJob.flinkConfiguration(UalwatchOptions.defaults(), STATE);
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    return c;
  }

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.startTemporary();
    TestSupport.geo(); // fetch the geo data before the clock of the job starts
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void everyScenarioThroughKafkaGivesTheExpectedAlertIdsAndDeadLetters() throws Exception {
    String p = "it1.";
    Config config = UalwatchOptions.of(Map.of(
        JobOptions.BOOTSTRAP.key(), kafka.bootstrapServers(),
        JobOptions.TOPIC_AUDIT.key(), p + "audit", JobOptions.TOPIC_SIGNINS.key(), p + "signins",
        JobOptions.TOPIC_ALERTS.key(), p + "alerts", JobOptions.TOPIC_DEADLETTER.key(), p + "dead",
        JobOptions.START_FROM.key(), "earliest", JobOptions.CHECKPOINT_INTERVAL.key(), "1s",
        JobOptions.PARALLELISM.key(), "2", JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "it1"));
    // no time retention: the records carry their 2025 event times as timestamps, and the broker's retention check
    // (30 s after start, then every 5 min) would otherwise delete every closed segment before the job reads it
    Map<String, String> keep = Map.of("retention.ms", "-1");
    for (String t : List.of("audit", "signins", "alerts")) {
      kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(p + t, 2, (short) 1).configs(keep)));
    }
    kafka.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(p + "dead", 1, (short) 1).configs(keep)));

    // every scenario (each its own tenant) through one job, as a stream of mixed tenants would go
    List<Path> scenarios;
    try (var l = Files.list(TestSupport.repoRoot().resolve("samples/scenarios"))) {
      scenarios = l.filter(Files::isDirectory).sorted().toList();
    }
    TreeSet<String> expected = new TreeSet<>();
    List<Path> inputs = new ArrayList<>();
    for (Path scenario : scenarios) {
      try (var l = Files.list(scenario.resolve("input"))) {
        inputs.addAll(l.sorted().toList());
      }
    }
    // live traffic: every tenant's records interleaved in event-time order, as the connectors deliver them
    int produced = produceMerged(inputs, config);
    for (Path scenario : scenarios) {
      for (JsonNode n : new ObjectMapper().readTree(scenario.resolve("expected-alerts.json").toFile())) {
        expected.add(n.path("id").asText() + " " + n.path("rule").asText() + " " + n.path("severity").asText()
            + " (" + scenario.getFileName() + ")");
      }
    }
    try (var producer = producer()) {
      producer.send(new ProducerRecord<>(p + "audit", "x|broken".getBytes(), "{\"CreationTime\": \"2025-03-18T09:00:00\", "
          .getBytes(StandardCharsets.UTF_8))).get();
      producer.send(new ProducerRecord<>(p + "audit", "x|nojson".getBytes(), "not json at all".getBytes())).get();
    }

    StreamExecutionEnvironment env = UalwatchJob.environment(config, new Configuration());
    UalwatchJob.build(env, UalwatchJob.kafkaSource(config, true), UalwatchJob.alertSink(config),
        UalwatchJob.deadLetterSink(config), config);
    JobClient job = env.executeAsync("it-scenarios");
    job.getJobExecutionResult().get(); // bounded source: finishes, the last transaction commits at the end

    Map<String, JsonNode> latest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(p + "alerts")) {
      JsonNode n = new ObjectMapper().readTree(r.value());
      String id = n.path("finding_info").path("uid").asText();
      assertEquals(id, new String(r.key(), StandardCharsets.UTF_8), "alert records are keyed by alert id");
      JsonNode prev = latest.get(id);
      if (prev == null || n.path("unmapped").path("revision").asInt() > prev.path("unmapped").path("revision").asInt()) {
        latest.put(id, n);
      }
    }
    Map<String, String> scenarioOf = new HashMap<>();
    for (String e : expected) scenarioOf.put(e.substring(0, e.indexOf(' ')), e.substring(e.indexOf('(')));
    TreeSet<String> actual = new TreeSet<>();
    for (JsonNode n : latest.values()) {
      if (n.path("unmapped").path("alert_status").asText().equals("WITHDRAWN")) continue;
      String id = n.path("finding_info").path("uid").asText();
      actual.add(id + " " + n.path("finding_info").path("analytic").path("uid").asText() + " "
          + n.path("severity").asText().toUpperCase() + " " + scenarioOf.getOrDefault(id, "(unexpected)"));
      assertEquals(2004, n.path("class_uid").asInt());
    }
    StringBuilder unexpected = new StringBuilder();
    for (JsonNode n : latest.values()) {
      String id = n.path("finding_info").path("uid").asText();
      if (n.path("unmapped").path("alert_status").asText().equals("WITHDRAWN") && scenarioOf.containsKey(id)) {
        unexpected.append("\n  withdrawn: ").append(n.path("message").asText());
      }
      if (!scenarioOf.containsKey(id) && !n.path("unmapped").path("alert_status").asText().equals("WITHDRAWN")) {
        unexpected.append("\n  unexpected: ").append(n.path("message").asText()).append(" tenant=")
            .append(n.path("unmapped").path("tenant_id").asText()).append(" time=")
            .append(n.path("unmapped").path("time_iso").asText());
      }
    }
    assertEquals(expected, actual, "alerts from " + produced + " records of " + scenarios.size()
        + " scenarios through Kafka and Flink" + unexpected);
    List<ConsumerRecord<byte[], byte[]>> dead = readAll(p + "dead");
    assertEquals(2, dead.size(), "both malformed records are dead-lettered");
    for (ConsumerRecord<byte[], byte[]> r : dead) {
      JsonNode n = new ObjectMapper().readTree(r.value());
      assertEquals("MALFORMED_JSON", n.path("reason").asText());
      assertTrue(n.path("origin").asText().startsWith(p + "audit/"), n.toString());
      assertTrue(n.path("offset").asLong() >= 0);
      assertTrue(!n.path("raw").asText().isEmpty());
    }
  }

  /** A MailItemsAccessed record of {@code user} with {@code token}, from {@code ip}, at {@code time}. */
  static String access(String id, String user, String token, String ip, String time) {
    return "{\"CreationTime\":\"" + time + "\",\"Id\":\"" + id + "\",\"Operation\":\"MailItemsAccessed\","
        + "\"OrganizationId\":\"7f0c1d2e-0000-4000-8000-00000000c0de\",\"RecordType\":50,\"ResultStatus\":\"Succeeded\","
        + "\"UserType\":0,\"Version\":1,\"Workload\":\"Exchange\",\"UserId\":\"" + user + "\","
        + "\"AppId\":\"00000002-0000-0ff1-ce00-000000000000\",\"ClientAppId\":\"d3590ed6-52b3-4102-aeff-aad2292ab01c\","
        + "\"ClientIPAddress\":\"" + ip + "\",\"ExternalAccess\":false,\"LogonType\":0,\"MailboxOwnerUPN\":\"" + user + "\","
        + "\"OperationProperties\":[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"},{\"Name\":\"IsThrottled\",\"Value\":\"False\"}],"
        + "\"OperationCount\":1,\"AppAccessContext\":{\"IssuedAtTime\":\"" + time + "\",\"UniqueTokenId\":\"" + token + "\"}}";
  }

  /** One token used at home (Comcast, Seattle) and 20 minutes later from DigitalOcean: token-multi-network. */
  static void replayedToken(KafkaProducer<byte[], byte[]> producer, String topic, String user, String token, String hour)
      throws Exception {
    String t1 = "2025-06-02T" + hour + ":05:00";
    String t2 = "2025-06-02T" + hour + ":25:00";
    producer.send(new ProducerRecord<>(topic, (token + "-1").getBytes(), access(token + "-1", user, token,
        "73.158.64.10", t1).getBytes(StandardCharsets.UTF_8))).get();
    producer.send(new ProducerRecord<>(topic, (token + "-2").getBytes(), access(token + "-2", user, token,
        "188.166.200.17", t2).getBytes(StandardCharsets.UTF_8))).get();
  }

  /** Alerts of a token (its id in the message), waiting up to {@code seconds} for at least {@code min}. */
  static List<JsonNode> alertsOfToken(String topic, String token, int min, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<JsonNode> found;
    do {
      found = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : readNow(topic)) {
        JsonNode n = new ObjectMapper().readTree(r.value());
        if (n.path("message").asText().contains(token)) found.add(n);
      }
      if (found.size() >= min) return found;
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    return found;
  }

  /**
   * Replays a new token of {@code user} (prefix + round) each round until one's alert carries a configuration
   * version that {@code version} accepts: a condition to wait on for a control change to reach the detectors.
   * Null when none did within {@code seconds}.
   */
  static JsonNode canary(KafkaProducer<byte[], byte[]> producer, String p, String user, String prefix, String hour,
      java.util.function.Predicate<String> version, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    for (int round = 1; System.nanoTime() < deadline; round++) {
      String token = prefix + round;
      replayedToken(producer, p + "audit", user, token, hour);
      for (JsonNode a : alertsOfToken(p + "alerts", token, 1, 20)) {
        if (version.test(a.path("unmapped").path("config_version").asText())) return a;
      }
    }
    return null;
  }

  @Test
  void liveControlChangesAnAllowListInTheRunningJobAndRejectsBadChanges() throws Exception {
    String p = "it2.";
    Config config = UalwatchOptions.of(Map.of(
        JobOptions.BOOTSTRAP.key(), kafka.bootstrapServers(),
        JobOptions.TOPIC_AUDIT.key(), p + "audit", JobOptions.TOPIC_SIGNINS.key(), "",
        JobOptions.TOPIC_ALERTS.key(), p + "alerts", JobOptions.TOPIC_DEADLETTER.key(), p + "dead",
        JobOptions.TOPIC_CONTROL.key(), p + "control",
        JobOptions.START_FROM.key(), "earliest", JobOptions.CHECKPOINT_INTERVAL.key(), "1s",
        JobOptions.PARALLELISM.key(), "2", JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "it2"));
    kafka.createTopic(p + "audit", 2);
    kafka.createTopic(p + "alerts", 2);
    kafka.createTopic(p + "dead", 1);
    kafka.createTopic(p + "control", 1);
    StreamExecutionEnvironment env = UalwatchJob.environment(config, new Configuration());
    UalwatchJob.build(env, UalwatchJob.kafkaSource(config, false), UalwatchJob.controlSource(config, false),
        UalwatchJob.alertSinks(config), UalwatchJob.deadLetterSink(config), config);
    JobClient job = env.executeAsync("it-live-control");
    try (var producer = producer()) {
      String alice = "alice@contoso-it.example";
      String bob = "bob@contoso-it.example";
      replayedToken(producer, p + "audit", alice, "tokAlice1", "09");
      List<JsonNode> first = alertsOfToken(p + "alerts", "tokAlice1", 1, 90);
      assertTrue(!first.isEmpty(), "the rule fires before any change");
      String baseVersion = first.get(0).path("unmapped").path("config_version").asText();

      // allow-list alice live, and send a change the job must refuse
      producer.send(new ProducerRecord<>(p + "control", "detect.allow.users".getBytes(), alice.getBytes())).get();
      producer.send(new ProducerRecord<>(p + "control", "detect.suppression".getBytes(), "2h".getBytes())).get();
      List<ConsumerRecord<byte[], byte[]>> dead;
      long deadline = System.nanoTime() + 60_000_000_000L;
      do {
        Thread.sleep(500);
        dead = readNow(p + "dead");
      } while (dead.isEmpty() && System.nanoTime() < deadline);
      assertEquals(1, dead.size(), "the refused change is dead-lettered");
      JsonNode d = new ObjectMapper().readTree(dead.get(0).value());
      assertEquals(ControlFunction.REJECTED, d.path("reason").asText());
      assertTrue(d.path("message").asText().contains("cannot be changed live"), d.toString());
      // the accepted change has reached the detectors once bob's alerts carry another configuration version
      JsonNode bobs = canary(producer, p, bob, "tokBob", "11", v -> !v.equals(baseVersion), 90);
      assertTrue(bobs != null, "the job keeps detecting for others");
      assertTrue(!bobs.path("unmapped").path("config_version").asText().equals(baseVersion),
          "raised under the changed configuration version: " + bobs);
      replayedToken(producer, p + "audit", alice, "tokAlice2", "11");
      assertEquals(List.of(), alertsOfToken(p + "alerts", "tokAlice2", 1, 3), "alice is allow-listed live");

      // revert (tombstone): alice is watched again, once bob's alerts are back on the base version
      producer.send(new ProducerRecord<>(p + "control", "detect.allow.users".getBytes(), null)).get();
      assertTrue(canary(producer, p, bob, "tokBobR", "13", baseVersion::equals, 90) != null,
          "the revert reached the detectors");
      replayedToken(producer, p + "audit", alice, "tokAlice3", "13");
      List<JsonNode> again = alertsOfToken(p + "alerts", "tokAlice3", 1, 90);
      assertTrue(!again.isEmpty(), "reverted: the rule fires for alice again");
      assertEquals(baseVersion, again.get(0).path("unmapped").path("config_version").asText());
    } finally {
      job.cancel().get();
    }
  }

  static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all",
        "linger.ms", "10"), new ByteArraySerializer(), new ByteArraySerializer());
  }

  static int produceMerged(List<Path> files, Config config) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    new io.ualwatch.model.order.OrderedReader(files, io.ualwatch.engine.HuntRunner::openFile,
        io.ualwatch.model.order.OrderedReader.Options.defaults())
        .run(new io.ualwatch.model.order.OrderedReader.Sink() {
          @Override public void onEvent(AuditEvent e) {
            String topic = config.get(e.source == EventSource.ENTRA_SIGNIN ? JobOptions.TOPIC_SIGNINS : JobOptions.TOPIC_AUDIT);
            records.add(new ProducerRecord<>(topic, null, e.eventTime.toEpochMilli(),
                (e.tenantId + "|" + e.recordId).getBytes(StandardCharsets.UTF_8), e.raw.getBytes(StandardCharsets.UTF_8)));
          }
          @Override public void onReject(Rejection r) { throw new AssertionError(r.toString()); }
        });
    try (var producer = producer()) {
      for (var r : records) producer.send(r);
      producer.flush();
    }
    return records.size();
  }

  static int produce(Path input, Config config) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    InputReader reader = new InputReader();
    try (var files = Files.list(input)) {
      for (Path f : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          reader.read(in, f.toString(), new ParseListener() {
            @Override public void onEvent(AuditEvent e) {
              String topic = config.get(e.source == EventSource.ENTRA_SIGNIN ? JobOptions.TOPIC_SIGNINS : JobOptions.TOPIC_AUDIT);
              records.add(new ProducerRecord<>(topic, null, e.eventTime.toEpochMilli(),
                  (e.tenantId + "|" + e.recordId).getBytes(StandardCharsets.UTF_8), e.raw.getBytes(StandardCharsets.UTF_8)));
            }
            @Override public void onReject(Rejection r) { throw new AssertionError(r.toString()); }
          });
        }
      }
    }
    try (var producer = producer()) {
      for (var r : records) producer.send(r);
      producer.flush();
    }
    return records.size();
  }

  /** Everything committed in {@code topic} right now (no consumer group, nothing committed). */
  static List<ConsumerRecord<byte[], byte[]>> readNow(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var c = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
        "enable.auto.commit", "false", "isolation.level", "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<org.apache.kafka.common.TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.currentTimeMillis() + 15_000;
      while (System.currentTimeMillis() < deadline && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (var c = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
        "group.id", "it-reader-" + topic, "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 15_000;
      int emptyPolls = 0;
      while (System.currentTimeMillis() < deadline && emptyPolls < 10) {
        var batch = c.poll(Duration.ofMillis(300));
        if (batch.isEmpty() && !out.isEmpty()) emptyPolls++;
        batch.forEach(out::add);
      }
    }
    return out;
  }
}
