package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.connector.ConnectorProfiles;
import io.ualwatch.testkit.connect.EmbeddedConnect;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.EmulatedTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * The ingestion half of the embedded stack: the Microsoft 365 emulator serving a tenant over HTTP on loopback,
 * and the real ualwatch connectors (Management Activity API and Entra sign-ins) running in an embedded Kafka
 * Connect standalone worker, writing into the raw topics the job reads. The emulator's app registration gets a
 * fresh random secret per run, kept in a file the connectors read through Connect's {@code file} config
 * provider, so it never appears in a connector config, the REST view or a log.
 */
final class ConnectorFeed implements AutoCloseable {
  static final String AUDIT_CONNECTOR = "ualwatch-activity";
  static final String SIGNIN_CONNECTOR = "ualwatch-signins";
  static final String CLIENT_ID = "ualwatch-local";

  final M365Emulator emulator;
  final EmbeddedConnect connect;
  private final String bootstrap;
  private final List<String> rawTopics;
  private final Config config;

  private ConnectorFeed(M365Emulator emulator, EmbeddedConnect connect, String bootstrap, List<String> rawTopics,
      Config config) {
    this.emulator = emulator;
    this.connect = connect;
    this.bootstrap = bootstrap;
    this.rawTopics = rawTopics;
    this.config = config;
  }

  /**
   * Starts the emulator for {@code tenants} and both connectors against it.
   *
   * @param lookback how far back a connector without stored offsets starts listing
   * @param stateDir connect offsets live here (a restart on it resumes)
   * @param secretsDir the emulator app's client secret file lives here (0600), apart from everything else written
   */
  static ConnectorFeed start(Config config, String bootstrap, List<? extends EmulatedTenant> tenants,
      Duration lookback, Path stateDir, Path secretsDir, PrintStream log) throws IOException {
    Files.createDirectories(stateDir);
    Files.createDirectories(secretsDir);
    byte[] rnd = new byte[24];
    new SecureRandom().nextBytes(rnd);
    String secret = HexFormat.of().formatHex(rnd);
    Path secrets = secretsDir.resolve("emulator-app.properties");
    Files.deleteIfExists(stateDir.resolve("emulator-app.properties")); // where earlier versions kept it
    io.ualwatch.testkit.security.LocalCa.writeOwnerOnly(secrets, "client.secret=" + secret + "\n");
    M365Emulator.Builder b = M365Emulator.builder().app(AppRegistration.withSecret(CLIENT_ID, secret)).pageSize(50);
    tenants.forEach(b::tenant);
    M365Emulator emulator = b.start();
    try {
      List<String> ids = tenants.stream().map(EmulatedTenant::tenantId).toList();
      String secretRef = "${file:" + secrets + ":client.secret}";
      Map<String, String> activity = ConnectorProfiles.activityOnEmulator(emulator.baseUrl(), ids, CLIENT_ID, secretRef);
      Map<String, String> signin = ConnectorProfiles.signInsOnEmulator(emulator.baseUrl(), ids, CLIENT_ID, secretRef);
      ConnectorFeed f = run(config, bootstrap, activity, signin, lookback, stateDir, emulator, log);
      log.printf("emulator: Microsoft 365 APIs for %d tenant(s) at %s (token endpoint, /activity/feed, "
          + "/auditLogs/signIns)%n", ids.size(), emulator.baseUrl());
      return f;
    } catch (RuntimeException e) {
      emulator.close();
      throw e;
    }
  }

  /** Both connectors against real tenants in {@code cloud}, with the given credential settings (provider references). */
  static ConnectorFeed startForTenants(Config config, String bootstrap, String cloud, List<String> tenants,
      String clientId, Map<String, String> credential, Duration lookback, Path stateDir, PrintStream log) {
    return run(config, bootstrap, ConnectorProfiles.activity(cloud, tenants, clientId, credential),
        ConnectorProfiles.signIns(cloud, tenants, clientId, credential), lookback, stateDir, null, log);
  }

  private static ConnectorFeed run(Config config, String bootstrap, Map<String, String> activityProfile,
      Map<String, String> signinProfile, Duration lookback, Path stateDir, M365Emulator emulator, PrintStream log) {
    long t0 = System.nanoTime();
    // the worker's own clients and its tasks' producers get the same security settings as every ualwatch client
    Map<String, String> security = new HashMap<>(KafkaClients.prefixed(config, ""));
    security.putAll(KafkaClients.prefixed(config, "producer."));
    security.putAll(KafkaClients.prefixed(config, "consumer."));
    security.putAll(KafkaClients.prefixed(config, "admin."));
    EmbeddedConnect connect = EmbeddedConnect.builder(bootstrap).stateDir(stateDir).workerProperties(security).start();
    try {
      String audit = config.get(JobOptions.TOPIC_AUDIT);
      String signins = config.get(JobOptions.TOPIC_SIGNINS);
      Map<String, String> activity = new HashMap<>(activityProfile);
      activity.put("start.lookback.ms", Long.toString(lookback.toMillis()));
      activity.put("topic", audit);
      activity.put("topic.partitions", Integer.toString(partitions(config, bootstrap, audit)));
      Map<String, String> signin = new HashMap<>(signinProfile);
      signin.put("start.lookback.ms", Long.toString(lookback.toMillis()));
      signin.put("topic", signins);
      signin.put("topic.partitions", Integer.toString(partitions(config, bootstrap, signins)));
      if (emulator != null) {
        activity.put("poll.interval.ms", "2000");
        signin.put("poll.interval.ms", "2000");
      }
      connect.putConnector(AUDIT_CONNECTOR, activity);
      connect.putConnector(SIGNIN_CONNECTOR, signin);
      connect.awaitRunning(AUDIT_CONNECTOR, Integer.parseInt(activity.get("tasks.max")), Duration.ofSeconds(60));
      connect.awaitRunning(SIGNIN_CONNECTOR, Integer.parseInt(signin.get("tasks.max")), Duration.ofSeconds(60));
      log.printf("connect: Management Activity and Entra sign-in connectors running in an embedded Kafka Connect "
          + "worker (%.1f s), REST %s%n", (System.nanoTime() - t0) / 1e9, connect.restUrl());
      return new ConnectorFeed(emulator, connect, bootstrap, List.of(audit, signins), config);
    } catch (RuntimeException e) {
      connect.close();
      throw e;
    }
  }

  /** The topic's partition count: each connector task gets its own partition (see topic.partitions). */
  static int partitions(Config config, String bootstrap, String topic) {
    try (Admin admin = Admin.create(KafkaClients.with(config, Map.of("bootstrap.servers", bootstrap)))) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    } catch (Exception e) {
      throw new Main.Failure("could not describe topic " + topic + ": " + e.getMessage(), e);
    }
  }

  /** Reads the raw topics for {@link #rawCounts()}, from where the previous call stopped. */
  private org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> counter;
  private final Map<String, Long> dataCounts = new HashMap<>();

  /**
   * Data records in the raw topics so far, per topic. The connectors' feed clock records (no value, header
   * {@code ualwatch.clock}, see {@link io.ualwatch.model.feed.FeedClock}) are not data and not counted, so end
   * offsets will not do: the topics are read (once, incrementally) up to their end offsets.
   */
  Map<String, Long> rawCounts() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    try {
      if (counter == null) {
        counter = new org.apache.kafka.clients.consumer.KafkaConsumer<>(KafkaClients.with(config,
            Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", "false", "max.poll.records", "5000")),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        List<TopicPartition> parts = new java.util.ArrayList<>();
        for (String t : rawTopics) {
          counter.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
        }
        counter.assign(parts);
        counter.seekToBeginning(parts);
      }
      Map<TopicPartition, Long> end = counter.endOffsets(counter.assignment());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (end.entrySet().stream().anyMatch(e -> counter.position(e.getKey()) < e.getValue())
          && System.nanoTime() < deadline) {
        for (var r : counter.poll(Duration.ofMillis(200))) {
          if (r.headers().lastHeader(io.ualwatch.model.feed.FeedClock.CLOCK) == null) {
            dataCounts.merge(r.topic(), 1L, Long::sum);
          }
        }
      }
    } catch (Exception e) {
      throw new Main.Failure("could not read the raw topics: " + e.getMessage(), e);
    }
    for (String t : rawTopics) out.put(t, dataCounts.getOrDefault(t, 0L));
    return out;
  }

  /** Fails when a connector or one of its tasks failed (the message carries Connect's trace). */
  void assertHealthy() {
    connect.assertNotFailed(AUDIT_CONNECTOR);
    connect.assertNotFailed(SIGNIN_CONNECTOR);
  }

  @Override
  public void close() {
    try {
      if (counter != null) counter.close();
      connect.close();
    } finally {
      if (emulator != null) emulator.close();
    }
  }
}
