package io.ualwatch.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.connector.support.Topics;
import io.ualwatch.model.feed.FeedClock;
import io.ualwatch.testkit.EmbeddedKafka;
import io.ualwatch.testkit.connect.EmbeddedConnect;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.ContentBlob;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both connectors in a real Kafka Connect worker ({@link EmbeddedConnect}) against the emulator and a real
 * broker: every record arrives, secrets come from the file and env config providers and appear neither in the
 * REST config views nor in any log line, a worker restart resumes without re-emitting, and every partition of
 * both topics gets feed clock records (the sign-in topic has a partition no task owns: task 0 clocks it).
 */
class ConnectWorkerITCase {
  static final String TENANT = "4f1c2b3a-9d8e-4c7b-a6f5-e4d3c2b1a091";
  static final String FILE_SECRET = "file-provided-secret-5d1e";
  static final String ENV_SECRET = "env-provided-test-secret-7f3c"; // set by surefire (see the pom)

  @Test
  void bothConnectorsRunInAWorkerAndResumeAfterARestart(@TempDir Path dir) throws Exception {
    StringBuffer logs = new StringBuffer();
    AbstractAppender capture = captureLogs(logs);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    FixtureTenant tenant = FixtureTenant.synthetic(TENANT, 77).between(now.minus(Duration.ofHours(3)), now.minusSeconds(120))
        .blobEvery(Duration.ofMinutes(10)).recordsPerBlob(5).duplicateRate(0.05).signInEvery(Duration.ofMinutes(2)).build();
    Path secrets = dir.resolve("secrets.properties");
    Files.writeString(secrets, "client.secret=" + FILE_SECRET + "\n");
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        M365Emulator emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("audit-app", FILE_SECRET))
            .app(AppRegistration.withSecret("signin-app", ENV_SECRET)).start()) {
      kafka.createTopic("ualwatch.audit.raw", 2);
      kafka.createTopic("ualwatch.signins.raw", 3);
      kafka.createTopic("ualwatch.connect.heartbeat", 1);
      Map<String, String> audit = new java.util.HashMap<>(ConnectorProfiles.activityOnEmulator(emu.baseUrl(),
          List.of(TENANT), "audit-app", "${file:" + secrets + ":client.secret}"));
      audit.put("start.lookback.ms", Long.toString(Duration.ofHours(4).toMillis()));
      audit.put("topic.partitions", "2");
      Map<String, String> signins = new java.util.HashMap<>(ConnectorProfiles.signInsOnEmulator(emu.baseUrl(),
          List.of(TENANT), "signin-app", "${env:UALWATCH_TEST_CLIENT_SECRET}"));
      signins.put("start.lookback.ms", Long.toString(Duration.ofHours(4).toMillis()));
      signins.put("topic.partitions", "3");

      List<String> expectedAudit = new ArrayList<>();
      for (ContentBlob b : tenant.allBlobs()) expectedAudit.addAll(b.records());
      int expectedSignIns = tenant.allSignIns().size();
      Path state = dir.resolve("connect");
      String rest;
      try (EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).stateDir(state).start()) {
        connect.putConnector("ual-audit", audit);
        connect.putConnector("ual-signins", signins);
        connect.awaitRunning("ual-audit", 4, Duration.ofSeconds(60));
        connect.awaitRunning("ual-signins", 2, Duration.ofSeconds(60));
        var got = Topics.readAll(kafka.bootstrapServers(), "ualwatch.audit.raw", expectedAudit.size(), Duration.ofSeconds(60));
        assertEquals(Topics.counts(expectedAudit), Topics.valueCounts(got));
        var si = Topics.readAll(kafka.bootstrapServers(), "ualwatch.signins.raw", expectedSignIns, Duration.ofSeconds(60));
        assertEquals(expectedSignIns, si.size());
        connect.assertNotFailed("ual-audit");
        connect.assertNotFailed("ual-signins");
        assertClocksInEveryPartition(kafka.bootstrapServers(), "ualwatch.audit.raw", 2, "mgmt|" + TENANT + "|");
        assertClocksInEveryPartition(kafka.bootstrapServers(), "ualwatch.signins.raw", 3, "signin|" + TENANT + "|");
        rest = connect.restUrl().toString();
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("connectors/ual-audit/config", "connectors/ual-audit/tasks",
            "connectors/ual-signins/config", "connectors/ual-signins/tasks", "connectors?expand=info")) {
          String body = http.send(HttpRequest.newBuilder(URI.create(rest + path)).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          assertFalse(body.contains(FILE_SECRET) || body.contains(ENV_SECRET), path + " shows a secret: " + body);
          if (path.endsWith("config")) assertTrue(body.contains("${"), path + " keeps the provider reference");
        }
      }
      // Restart the worker on the same offsets file; new content arrives meanwhile.
      Instant later = Instant.now().plusSeconds(1);
      tenant.addBlob("Audit.Exchange", later, List.of("{\"Id\":\"after-restart-1\"}", "{\"Id\":\"after-restart-2\"}"));
      expectedAudit.add("{\"Id\":\"after-restart-1\"}");
      expectedAudit.add("{\"Id\":\"after-restart-2\"}");
      try (EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).stateDir(state).start()) {
        connect.putConnector("ual-audit", audit);
        connect.awaitRunning("ual-audit", 4, Duration.ofSeconds(60));
        var got = Topics.readAll(kafka.bootstrapServers(), "ualwatch.audit.raw", expectedAudit.size(), Duration.ofSeconds(60));
        assertEquals(Topics.counts(expectedAudit), Topics.valueCounts(got), "resumed without re-emitting");
      }
    } finally {
      detach(capture);
    }
    String all = logs.toString();
    assertTrue(all.contains("ManagementActivitySourceConnector"), "the capture saw the worker's INFO logs");
    assertFalse(all.contains(FILE_SECRET), "a log line shows the file secret");
    assertFalse(all.contains(ENV_SECRET), "a log line shows the env secret");
  }

  /** Every partition holds clock records (no value, stream and clock headers) of the connector's streams. */
  static void assertClocksInEveryPartition(String bootstrap, String topic, int partitions, String streamPrefix) {
    var clocks = Topics.readClocks(bootstrap, topic, partitions, Duration.ofSeconds(30));
    java.util.Set<Integer> seen = new java.util.TreeSet<>();
    for (var r : clocks) {
      seen.add(r.partition());
      assertTrue(r.value() == null, "a clock record has no value");
      String stream = Topics.header(r, FeedClock.STREAM);
      assertTrue(stream != null && stream.startsWith(streamPrefix), topic + " clock of stream " + stream);
      assertEquals("ualwatch.clock|" + stream, r.key());
      Long t = FeedClock.parseClock(r.headers().lastHeader(FeedClock.CLOCK).value());
      assertTrue(t != null && t > Instant.now().minus(Duration.ofHours(5)).toEpochMilli(), "clock " + t);
    }
    assertEquals(partitions, seen.size(), topic + ": clock records in partitions " + seen);
  }

  static AbstractAppender captureLogs(StringBuffer out) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    AbstractAppender app = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent e) {
        out.append(e.getLoggerName()).append(' ').append(e.getMessage().getFormattedMessage()).append('\n');
        if (e.getThrown() != null) {
          StringWriter sw = new StringWriter();
          e.getThrown().printStackTrace(new PrintWriter(sw));
          out.append(sw);
        }
      }
    };
    app.start();
    ctx.getConfiguration().addAppender(app);
    ctx.getConfiguration().getRootLogger().addAppender(app, Level.ALL, null);
    ctx.updateLoggers();
    Configurator.setLevel("org.apache.kafka.connect", Level.INFO);
    Configurator.setLevel("org.apache.kafka.common.config", Level.INFO);
    Configurator.setLevel("io.ualwatch", Level.DEBUG);
    return app;
  }

  static void detach(AbstractAppender app) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    ctx.getConfiguration().getRootLogger().removeAppender(app.getName());
    Configurator.setLevel("org.apache.kafka.connect", Level.ERROR);
    Configurator.setLevel("org.apache.kafka.common.config", Level.ERROR);
    Configurator.setLevel("io.ualwatch", Level.WARN);
    ctx.updateLoggers();
    app.stop();
  }
}
