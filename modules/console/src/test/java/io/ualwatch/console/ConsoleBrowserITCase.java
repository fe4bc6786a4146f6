package io.ualwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.testkit.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The console end to end in a real headless Chromium (Debian's chromium, driven by playwright-core from npm;
 * both installed by src/test/browser/install.sh when missing): real broker, real console server, alerts
 * produced transactionally as the Flink sink does. The page must show the alert live, show an update in the
 * same row, filter, open the detail (explanation, baseline, map pins, raw evidence from the raw topic), and
 * acknowledge it; the acknowledgement must reach the compacted topic and a second analyst's console.
 * Screenshots go to target/browser/.
 */
class ConsoleBrowserITCase {
  static final Path MODULE = Path.of(System.getProperty("ualwatch.repo.root", "../..")).resolve("modules/console");
  static final Path OUT = MODULE.resolve("target/browser");
  static final String ALERTS = "ualwatch.alerts";
  static final String ACKS = "ualwatch.acks";
  static final String AUDIT = "ualwatch.audit.raw";
  static final String SIGNINS = "ualwatch.signins.raw";

  @Test
  void analystSeesOpensAndAcknowledgesALiveAlertInChromium() throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(OUT);
    install();
    long tInstalled = System.nanoTime();
    String id = "ualw-" + UUID.randomUUID().toString().replace("-", "");
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      // raw records carry 2025 event times as timestamps: size-bounded retention, as 'ualwatch up' creates them
      Map<String, String> raw = Map.of("retention.ms", "-1");
      kafka.createTopics(List.of(new NewTopic(ALERTS, 2, (short) 1), new NewTopic(AUDIT, 2, (short) 1).configs(raw),
          new NewTopic(SIGNINS, 2, (short) 1).configs(raw)));
      String bootstrap = kafka.bootstrapServers();
      // the evidence records, raw, keyed tenant|id with their event time as timestamp (as replay and the demo send them)
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 300; i++) { // other traffic around them
          long t = TestAlerts.T - 3_600_000 + i * 12_000L;
          p.send(new ProducerRecord<>(AUDIT, null, t, TestAlerts.TENANT + "|noise-" + i,
              TestAlerts.rawRecord("noise-" + i, t, "12.34.56.207")));
        }
        long home = TestAlerts.T - 22 * 60_000;
        p.send(new ProducerRecord<>(AUDIT, null, home, TestAlerts.TENANT + "|rec-home-1",
            TestAlerts.rawRecord("rec-home-1", home, "12.34.56.207")));
        p.send(new ProducerRecord<>(AUDIT, null, TestAlerts.T, TestAlerts.TENANT + "|rec-vps-1",
            TestAlerts.rawRecord("rec-vps-1", TestAlerts.T, "188.166.200.224")));
        p.flush();
      }
      String token = UUID.randomUUID().toString();
      ConsoleServer.Settings s = new ConsoleServer.Settings(bootstrap, "127.0.0.1", 0, token, ALERTS, ACKS,
          List.of(AUDIT, SIGNINS), 1000, Duration.ofSeconds(10));
      try (ConsoleServer console = ConsoleServer.start(s);
           KafkaProducer<String, String> alerts = transactionalProducer(bootstrap)) {
        long tServing = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("node", OUT.resolve("console-e2e.mjs").toString())
            .directory(OUT.toFile()).redirectError(OUT.resolve("node-stderr.log").toFile());
        io.ualwatch.model.alert.Alert expected = TestAlerts.tokenReplay(id, 2);
        pb.environment().putAll(Map.of("CONSOLE_URL", console.url(), "OUT_DIR", OUT.toString(),
            "CHROMIUM", System.getenv().getOrDefault("UALWATCH_CHROMIUM", "/usr/bin/chromium"),
            "EXPECT_MESSAGE", expected.message, "EXPECT_BASELINE", expected.baseline,
            "EXPECT_RECORD", "rec-vps-1", "EXPECT_PINS", "2", "EXPECT_USER", "allan.sher"));
        Process node = pb.start();
        List<String> transcript = Collections.synchronizedList(new ArrayList<>());
        BlockingQueue<String> fromNode = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
          try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
              transcript.add(line);
              fromNode.add(line);
            }
          } catch (IOException ignored) {
            // process ended
          }
        });
        reader.start();
        PrintWriter toNode = new PrintWriter(node.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
          expect(fromNode, "READY", node, 60);
          long tReady = System.nanoTime();
          sendAlert(alerts, TestAlerts.json(TestAlerts.tokenReplay(id, 1)));
          toNode.println("PRODUCED " + id + " 1");
          String seen1 = expect(fromNode, "SEEN " + id + " 1", node, 30);
          sendAlert(alerts, TestAlerts.json(TestAlerts.tokenReplay(id, 2)));
          toNode.println("PRODUCED " + id + " 2");
          String seen2 = expect(fromNode, "SEEN " + id + " 2", node, 30);
          expect(fromNode, "ACKED " + id, node, 60);
          String timing = expect(fromNode, "TIMING", node, 10);
          assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the browser script ends");
          assertEquals(0, node.exitValue(), "browser script failed: " + transcript + "\n" + stderr());
          long tDone = System.nanoTime();

          JsonNode ack = ackOnTopic(bootstrap, id);
          assertEquals("ACKNOWLEDGED", ack.path("state").asText(), ack.toString());
          assertEquals("alice", ack.path("by").asText());
          assertEquals("token replay confirmed, session revoked", ack.path("note").asText());
          assertEquals(2, ack.path("alert_revision").asInt());
          try (Admin admin = kafka.admin()) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, ACKS);
            Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
            assertEquals("compact", c.get("cleanup.policy").value(), "the acknowledgement topic is compacted");
          }
          for (String png : List.of("console-detail.png", "console-acknowledged.png")) {
            assertTrue(Files.size(OUT.resolve(png)) > 20_000, png + " is a real screenshot");
          }
          String report = String.format("install/check %.1f s, broker+console %.1f s, browser to live page %.1f s, "
                  + "alert r1 visible in %s ms, r2 in %s ms, whole browser part %.1f s, test %.1f s; page timings %s%n",
              (tInstalled - t0) / 1e9, (tServing - tInstalled) / 1e9, (tReady - tServing) / 1e9,
              seen1.split(" ")[3], seen2.split(" ")[3], (tDone - tServing) / 1e9, (tDone - t0) / 1e9,
              timing.substring("TIMING ".length()));
          Files.writeString(OUT.resolve("timings.txt"), report);
          System.out.print("browser test: " + report);
        } finally {
          toNode.close();
          if (node.isAlive()) node.destroyForcibly();
        }
      }
    }
  }

  private static void install() throws Exception {
    Path log = OUT.resolve("install.log");
    Process p = new ProcessBuilder("bash", MODULE.resolve("src/test/browser/install.sh").toString(), OUT.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("installing chromium / playwright-core took over 20 minutes; see " + log);
    }
    if (p.exitValue() != 0) {
      fail("the browser test cannot run: installing chromium / playwright-core failed (exit " + p.exitValue() + "):\n"
          + Files.readString(log));
    }
  }

  private static String expect(BlockingQueue<String> lines, String prefix, Process node, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      String l = lines.poll(200, TimeUnit.MILLISECONDS);
      if (l != null && l.startsWith(prefix)) return l;
      if (l == null && !node.isAlive() && lines.isEmpty()) {
        fail("the browser script ended (exit " + node.exitValue() + ") before '" + prefix + "':\n" + stderr());
      }
    }
    fail("no '" + prefix + "' from the browser script within " + seconds + " s:\n" + stderr());
    return null;
  }

  private static String stderr() {
    try {
      return Files.readString(OUT.resolve("node-stderr.log"));
    } catch (IOException e) {
      return "(no stderr)";
    }
  }

  static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
    KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
        "transactional.id", "test-alerts-" + UUID.randomUUID()), new StringSerializer(), new StringSerializer());
    p.initTransactions();
    return p;
  }

  /** As the Flink sink does: in a transaction, so only read_committed readers see it once committed. */
  static void sendAlert(KafkaProducer<String, String> p, String json) throws Exception {
    p.beginTransaction();
    String id = new ObjectMapper().readTree(json).path("finding_info").path("uid").asText();
    p.send(new ProducerRecord<>(ALERTS, id, json)).get(10, TimeUnit.SECONDS);
    p.commitTransaction();
  }

  static JsonNode ackOnTopic(String bootstrap, String id) throws Exception {
    ObjectMapper m = new ObjectMapper();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
        "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(ACKS, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      JsonNode last = null;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (new String(r.key(), StandardCharsets.UTF_8).equals(id)) last = m.readTree(r.value());
        }
      }
      if (last == null) fail("no acknowledgement for " + id + " on " + ACKS);
      return last;
    }
  }
}
