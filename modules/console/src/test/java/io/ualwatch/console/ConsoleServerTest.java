package io.ualwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.testkit.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's HTTP API against a real broker: access control, the event stream, evidence, acknowledgements. */
class ConsoleServerTest {
  static EmbeddedKafka kafka;
  static ConsoleServer console;
  static final String TOKEN = "s3cret-" + UUID.randomUUID();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper M = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.startTemporary();
    Map<String, String> raw = Map.of("retention.ms", "-1"); // 2025 timestamps: no time-based deletion, as 'up' does
    kafka.createTopics(List.of(new NewTopic("ualwatch.alerts", 2, (short) 1),
        new NewTopic("ualwatch.audit.raw", 2, (short) 1).configs(raw), new NewTopic("ualwatch.signins.raw", 1, (short) 1).configs(raw)));
    try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), new StringSerializer())) {
      p.send(new ProducerRecord<>("ualwatch.audit.raw", null, TestAlerts.T, TestAlerts.TENANT + "|rec-vps-1",
          TestAlerts.rawRecord("rec-vps-1", TestAlerts.T, "188.166.200.224"))).get();
    }
    console = ConsoleServer.start(ConsoleServer.Settings.defaults(kafka.bootstrapServers()).withPort(0).withToken(TOKEN));
  }

  @AfterAll
  static void stop() {
    console.close();
    kafka.close();
  }

  static String base() {
    return "http://127.0.0.1:" + console.port();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyRequestNeedsTheTokenAndTheLoopbackHostName() throws Exception {
    assertEquals(401, get("/").statusCode());
    assertEquals(401, get("/api/alerts").statusCode());
    assertEquals(401, get("/app.js", "Authorization", "Bearer wrong").statusCode());
    assertEquals(401, get("/api/alerts?token=wrong").statusCode());
    HttpResponse<String> page = get("/?token=" + TOKEN);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<script src=\"app.js\">"));
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
    String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    assertEquals(200, get("/app.js", "Cookie", cookie.substring(0, cookie.indexOf(';'))).statusCode());
    assertEquals(200, get("/world.svg", "Authorization", "Bearer " + TOKEN).statusCode());
    assertEquals(200, get("/api/health", "X-Ualwatch-Token", TOKEN).statusCode());
    assertEquals(404, get("/etc/passwd", "Authorization", "Bearer " + TOKEN).statusCode());
    // a page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host: refused
    try (Socket s = new Socket("127.0.0.1", console.port())) {
      s.getOutputStream().write(("GET /api/alerts?token=" + TOKEN + " HTTP/1.1\r\nHost: evil.example:" + console.port()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertTrue(status.contains(" 403 "), status);
    }
  }

  @Test
  void streamsASnapshotThenNewAlertsAndStoresAcknowledgementsInTheCompactedTopic() throws Exception {
    String id = "ualw-" + UUID.randomUUID().toString().replace("-", "");
    HttpRequest req = HttpRequest.newBuilder(URI.create(base() + "/api/events"))
        .header("Authorization", "Bearer " + TOKEN).build();
    HttpResponse<java.io.InputStream> stream = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertEquals("event: snapshot", nextEvent(events, "event: snapshot"));
      try (KafkaProducer<String, String> p = ConsoleBrowserITCase.transactionalProducer(kafka.bootstrapServers())) {
        ConsoleBrowserITCase.sendAlert(p, TestAlerts.json(TestAlerts.tokenReplay(id, 1)));
      }
      nextEvent(events, "event: alert");
      JsonNode alert = M.readTree(events.readLine().substring("data: ".length()));
      assertEquals(id, alert.path("finding_info").path("uid").asText(), "a committed alert is pushed as it is read");

      // evidence: the raw record is found on the raw topic by key and event time
      JsonNode ev = M.readTree(get("/api/alerts/" + id + "/evidence", "Authorization", "Bearer " + TOKEN).body());
      JsonNode vps = null;
      for (JsonNode r : ev.path("records")) if (r.path("uid").asText().equals("rec-vps-1")) vps = r;
      assertTrue(vps != null && vps.path("raw").asText().contains("\"Id\":\"rec-vps-1\""), ev.toString());
      assertEquals("ualwatch.audit.raw", vps.path("topic").asText());
      JsonNode home = ev.path("records").get(0);
      assertTrue(home.path("note").asText().startsWith("not found"), "a record not on the topic says so: " + home);

      // acknowledgements: JSON only (no cross-site form posts), then written and streamed back
      HttpRequest form = HttpRequest.newBuilder(URI.create(base() + "/api/alerts/" + id + "/ack"))
          .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("state=ACKNOWLEDGED")).build();
      assertEquals(415, HTTP.send(form, HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpRequest unknown = HttpRequest.newBuilder(URI.create(base() + "/api/alerts/ualw-nope/ack"))
          .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
      assertEquals(404, HTTP.send(unknown, HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpRequest ack = HttpRequest.newBuilder(URI.create(base() + "/api/alerts/" + id + "/ack"))
          .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"ACKNOWLEDGED\",\"by\":\"bob\",\"note\":\"known VPN\"}")).build();
      HttpResponse<String> ackResp = HTTP.send(ack, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ackResp.statusCode(), ackResp.body());
      nextEvent(events, "event: ack");
      JsonNode streamed = M.readTree(events.readLine().substring("data: ".length()));
      assertEquals(id, streamed.path("alert_id").asText());
      JsonNode onTopic = ConsoleBrowserITCase.ackOnTopic(kafka.bootstrapServers(), id);
      assertEquals("ACKNOWLEDGED", onTopic.path("state").asText());
      assertEquals("bob", onTopic.path("by").asText());
    } finally {
      stream.body().close();
    }

    // a console started later (another analyst) reads the same queue, acknowledgement included
    try (ConsoleServer second = ConsoleServer.start(ConsoleServer.Settings.defaults(kafka.bootstrapServers()).withPort(0))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      JsonNode snap = null;
      while (System.nanoTime() < deadline) {
        snap = M.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.port() + "/api/alerts"))
            .build(), HttpResponse.BodyHandlers.ofString()).body());
        if (snap.path("caughtUp").asBoolean() && snap.path("acks").has(id)) break;
        Thread.sleep(50);
      }
      assertEquals("ACKNOWLEDGED", snap.path("acks").path(id).path("state").asText(), snap.toString());
      assertFalse(snap.path("alerts").isEmpty());
    }
  }

  @Test
  void manyOpenPagesDoNotStarveOtherRequests() throws Exception {
    List<java.util.concurrent.CompletableFuture<HttpResponse<java.io.InputStream>>> streams = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        streams.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base() + "/api/events"))
            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream()));
      }
      for (var f : streams) assertEquals(200, f.get(20, TimeUnit.SECONDS).statusCode());
      HttpResponse<String> health = get("/api/health", "Authorization", "Bearer " + TOKEN);
      assertEquals(200, health.statusCode());
      assertTrue(M.readTree(health.body()).path("streams").asInt() >= 8, health.body());
    } finally {
      for (var f : streams) f.thenAccept(r -> {
        try {
          r.body().close();
        } catch (java.io.IOException ignored) {
          // closing
        }
      });
    }
  }

  static String nextEvent(BufferedReader r, String wanted) throws Exception {
    for (String line; (line = r.readLine()) != null; ) {
      if (line.equals(wanted)) return line;
    }
    throw new AssertionError("stream ended before " + wanted);
  }
}
