package io.ualwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.testkit.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console exposed: HTTPS (a self-signed certificate made with the JDK's keytool in the test), the token on
 * every path, nothing of an alert or a raw record or the token in what an unauthenticated client gets, CSRF-safe
 * acknowledgements, security headers, the refusal to listen on another address without TLS and a token, and the
 * Kafka client properties reaching every client the console creates.
 */
class ConsoleSecurityTest {
  @TempDir
  static Path dir;

  static EmbeddedKafka kafka;
  static ConsoleServer console;
  static final String TOKEN = "tok-" + UUID.randomUUID();
  static final String STORE_PASSWORD = "pw-" + UUID.randomUUID();
  static final String ALERT_ID = "ualw-" + UUID.randomUUID().toString().replace("-", "");
  static final String RAW_IP = "188.166.200.224";
  static Path p12;
  static Path certPem;
  static Path keyPem;
  static Path passwordFile;
  static HttpClient https;
  static final ObjectMapper M = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    p12 = dir.resolve("console.p12");
    keytool("-genkeypair", "-alias", "console", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    passwordFile = dir.resolve("console.p12.password");
    Files.writeString(passwordFile, STORE_PASSWORD + "\n");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, STORE_PASSWORD.toCharArray());
    }
    Certificate cert = ks.getCertificate("console");
    certPem = dir.resolve("console.crt");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    keyPem = dir.resolve("console.key");
    Files.writeString(keyPem, pem("PRIVATE KEY", ((PrivateKey) ks.getKey("console", STORE_PASSWORD.toCharArray())).getEncoded()));

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("console", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    https = HttpClient.newBuilder().sslContext(client).connectTimeout(Duration.ofSeconds(10)).build();

    kafka = EmbeddedKafka.startTemporary();
    Map<String, String> raw = Map.of("retention.ms", "-1");
    kafka.createTopics(List.of(new NewTopic("ualwatch.alerts", 1, (short) 1),
        new NewTopic("ualwatch.audit.raw", 2, (short) 1).configs(raw), new NewTopic("ualwatch.signins.raw", 1, (short) 1).configs(raw)));
    try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), new StringSerializer())) {
      p.send(new ProducerRecord<>("ualwatch.audit.raw", null, TestAlerts.T, TestAlerts.TENANT + "|rec-vps-1",
          TestAlerts.rawRecord("rec-vps-1", TestAlerts.T, RAW_IP))).get();
    }
    try (KafkaProducer<String, String> p = ConsoleBrowserITCase.transactionalProducer(kafka.bootstrapServers())) {
      ConsoleBrowserITCase.sendAlert(p, TestAlerts.json(TestAlerts.tokenReplay(ALERT_ID, 1)));
    }
    console = ConsoleServer.start(ConsoleServer.Settings.defaults(kafka.bootstrapServers()).withPort(0).withToken(TOKEN)
        .withTls(TlsMaterial.pem(certPem, keyPem)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (console.feed().alert(ALERT_ID) == null && System.nanoTime() < deadline) Thread.sleep(50);
    assertNotNull(console.feed().alert(ALERT_ID), "the alert was read");
  }

  @AfterAll
  static void stop() {
    if (console != null) console.close();
    if (kafka != null) kafka.close();
  }

  static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.add("-noprompt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
    assertEquals(0, p.exitValue(), out);
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  static String base() {
    return "https://127.0.0.1:" + console.port();
  }

  static HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    return send("GET", path, null, headers);
  }

  /** Every path the console answers, and a few it does not. */
  static List<String> paths() {
    return List.of("/", "/index.html", "/app.js", "/app.css", "/world.svg", "/api/alerts", "/api/health",
        "/api/alerts/" + ALERT_ID + "/evidence", "/api/no-such", "/etc/passwd");
  }

  static void assertSecurityHeaders(HttpResponse<?> r) {
    var h = r.headers();
    assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(null), r.uri().toString());
    assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(null));
    assertEquals("DENY", h.firstValue("X-Frame-Options").orElse(null));
    assertTrue(h.firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
    assertEquals("no-store", h.firstValue("Cache-Control").orElse(null), r.uri().toString());
  }

  static void assertRevealsNothing(HttpResponse<String> r) {
    String all = r.body() + r.headers().map();
    for (String secret : List.of(TOKEN, ALERT_ID, RAW_IP, "rec-vps-1", "allan.sher", TestAlerts.TENANT)) {
      assertFalse(all.contains(secret), r.request().method() + " " + r.uri() + " shows " + secret + ": " + all);
    }
  }

  @Test
  void servesHttpsOnlyWithTls12Or13() throws Exception {
    assertTrue(console.url().startsWith("https://127.0.0.1:" + console.port() + "/?token="), console.url());
    HttpResponse<String> health = get("/api/health", "Authorization", "Bearer " + TOKEN);
    assertEquals(200, health.statusCode(), health.body());
    assertTrue(M.readTree(health.body()).path("alerts").asInt() >= 1);
    assertEquals("TLSv1.3", health.sslSession().orElseThrow().getProtocol());
    SSLContext ctx = https.sslContext();
    for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", console.port())) {
        s.setEnabledProtocols(new String[] {protocol});
        s.startHandshake();
        assertEquals(protocol, s.getSession().getProtocol());
      }
    }
    // plain HTTP to the TLS port: no HTTP answer, nothing of the queue
    try (Socket s = new Socket("127.0.0.1", console.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET /api/alerts?token=" + TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1:" + console.port()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer;
      try {
        answer = new String(s.getInputStream().readNBytes(4096), StandardCharsets.ISO_8859_1);
      } catch (SocketTimeoutException | java.net.SocketException e) {
        answer = "";
      }
      assertFalse(answer.startsWith("HTTP/"), answer);
      assertFalse(answer.contains(ALERT_ID), answer);
    }
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + console.port() + "/api/health")).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void withoutTheTokenEveryPathIs401AndShowsNoAlertNoRecordAndNoToken() throws Exception {
    String cookieName = "__Host-ualwatch_token_" + console.port();
    List<String[]> wrong = List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
        new String[] {"Authorization", "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)},
        new String[] {"X-Ualwatch-Token", TOKEN + "x"}, new String[] {"Cookie", cookieName + "=wrong"},
        new String[] {"Cookie", "ualwatch_token_" + console.port() + "=" + TOKEN + "x"},
        new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString(("x:" + TOKEN + "x").getBytes())});
    for (String[] headers : wrong) {
      for (String path : paths()) {
        for (String method : List.of("GET", "HEAD")) {
          HttpResponse<String> r = send(method, path, null, headers);
          assertEquals(401, r.statusCode(), method + " " + path + " with " + List.of(headers));
          assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
          assertTrue(r.headers().allValues("Set-Cookie").isEmpty(), "no cookie for a stranger");
          assertSecurityHeaders(r);
          assertRevealsNothing(r);
        }
      }
      HttpResponse<String> events = get("/api/events", headers);
      assertEquals(401, events.statusCode());
      assertRevealsNothing(events);
      HttpResponse<String> ack = send("POST", "/api/alerts/" + ALERT_ID + "/ack", "{\"state\":\"ACKNOWLEDGED\"}",
          concat(headers, "Content-Type", "application/json", "Origin", base()));
      assertEquals(401, ack.statusCode());
      assertRevealsNothing(ack);
    }
    HttpResponse<String> query = get("/api/alerts/" + ALERT_ID + "/evidence?token=" + TOKEN.toUpperCase());
    assertEquals(401, query.statusCode());
    assertRevealsNothing(query);
  }

  static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void withTheTokenEveryPathAnswersAndTheCookieIsSecure() throws Exception {
    HttpResponse<String> page = get("/?token=" + TOKEN);
    assertEquals(200, page.statusCode());
    assertSecurityHeaders(page);
    String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.startsWith("__Host-ualwatch_token_" + console.port() + "="), cookie);
    for (String attr : List.of("Secure", "HttpOnly", "SameSite=Strict", "Path=/")) {
      assertTrue(cookie.contains(attr), attr + " in " + cookie);
    }
    String c = cookie.substring(0, cookie.indexOf(';'));
    for (String path : List.of("/", "/index.html", "/app.js", "/app.css", "/world.svg", "/api/alerts", "/api/health")) {
      for (String[] auth : List.of(new String[] {"Authorization", "Bearer " + TOKEN},
          new String[] {"X-Ualwatch-Token", TOKEN}, new String[] {"Cookie", c})) {
        HttpResponse<String> r = get(path, auth);
        assertEquals(200, r.statusCode(), path + " " + auth[0]);
        assertSecurityHeaders(r);
      }
    }
    assertTrue(get("/api/alerts", "Cookie", c).body().contains(ALERT_ID));
    HttpResponse<String> ev = get("/api/alerts/" + ALERT_ID + "/evidence", "Authorization", "Bearer " + TOKEN);
    assertEquals(200, ev.statusCode(), ev.body());
    assertTrue(ev.body().contains(RAW_IP), "the raw record, for the authenticated: " + ev.body());
    HttpResponse<String> notFound = get("/api/alerts/ualw-none/evidence?token=" + TOKEN);
    assertEquals(404, notFound.statusCode());
    assertFalse(notFound.body().contains(TOKEN), "an error does not echo the token: " + notFound.body());
    assertEquals(404, get("/etc/passwd", "Cookie", c).statusCode());

    HttpResponse<InputStream> stream = https.send(HttpRequest.newBuilder(URI.create(base() + "/api/events"))
        .header("Cookie", c).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      assertEquals(200, stream.statusCode());
      assertEquals("no-store", stream.headers().firstValue("Cache-Control").orElse(null));
      assertEquals("event: snapshot", ConsoleServerTest.nextEvent(r, "event: snapshot"));
      assertTrue(r.readLine().contains(ALERT_ID));
    }
  }

  @Test
  void anAcknowledgementNeedsJsonAndTheConsolesOwnOrigin() throws Exception {
    String c = get("/?token=" + TOKEN).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    String path = "/api/alerts/" + ALERT_ID + "/ack";
    String body = "{\"state\":\"ACKNOWLEDGED\",\"by\":\"carol\"}";
    String own = base();
    // the cookie is sent by the browser by itself: the page's own Origin is needed
    assertRefused(403, send("POST", path, body, "Cookie", c, "Content-Type", "application/json"));
    assertRefused(403, send("POST", path, body, "Cookie", c, "Content-Type", "application/json",
        "Origin", "https://evil.example"));
    assertRefused(403, send("POST", path, body, "Cookie", c, "Content-Type", "application/json",
        "Origin", "http://127.0.0.1:" + console.port()));
    assertRefused(403, send("POST", path, body, "Cookie", c, "Content-Type", "application/json", "Origin", "null"));
    assertRefused(403, send("POST", path, body, "Cookie", c, "Content-Type", "application/json",
        "Origin", own, "Sec-Fetch-Site", "cross-site"));
    assertRefused(415, send("POST", path, "state=ACKNOWLEDGED", "Cookie", c,
        "Content-Type", "application/x-www-form-urlencoded", "Origin", own));
    assertRefused(415, send("POST", path, body, "Cookie", c, "Content-Type", "text/plain", "Origin", own));
    assertRefused(415, send("POST", path, body, "Cookie", c, "Origin", own));
    // a foreign Origin is refused even with the token in a header
    assertRefused(403, send("POST", path, body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json",
        "Origin", "https://evil.example"));
    assertRefused(405, send("GET", path, null, "Authorization", "Bearer " + TOKEN));

    HttpResponse<String> fromPage = send("POST", path, body, "Cookie", c, "Content-Type", "application/json",
        "Origin", own);
    assertEquals(200, fromPage.statusCode(), fromPage.body());
    assertEquals("carol", M.readTree(fromPage.body()).path("by").asText());
    assertEquals(200, send("POST", path, body, "Cookie", c, "Content-Type", "application/json",
        "Sec-Fetch-Site", "same-origin").statusCode(), "a browser that leaves Origin out says same-origin");
    assertEquals(200, send("POST", path, "{\"state\":\"OPEN\"}", "Authorization", "Bearer " + TOKEN,
        "Content-Type", "application/json").statusCode(), "a script with the token in a header needs no Origin");
  }

  static void assertRefused(int code, HttpResponse<String> r) throws Exception {
    assertEquals(code, r.statusCode(), r.request().headers().map() + " -> " + r.body());
    assertFalse(r.body().contains(TOKEN), r.body());
    if (!r.body().isEmpty()) assertTrue(M.readTree(r.body()).has("error"), r.body());
  }

  @Test
  void anotherAddressThanLoopbackNeedsTlsAndAToken() throws Exception {
    ConsoleServer.Settings open = ConsoleServer.Settings.defaults(kafka.bootstrapServers()).withPort(0).withBind("0.0.0.0");
    TlsMaterial tls = TlsMaterial.pem(certPem, keyPem);
    for (ConsoleServer.Settings s : List.of(open, open.withToken(TOKEN), open.withTls(tls))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConsoleServer.start(s).close());
      assertTrue(e.getMessage().startsWith("listening on 0.0.0.0 lets other machines reach the alert queue"), e.getMessage());
      assertTrue(e.getMessage().contains("127.0.0.1"), "says how to stay local: " + e.getMessage());
      assertFalse(e.getMessage().contains(TOKEN));
    }
    assertTrue(open.exposureProblem().contains("TLS") && open.exposureProblem().contains("token"), open.exposureProblem());
    assertTrue(open.withTls(tls).exposureProblem().contains("needs an access token"));
    assertTrue(open.withToken(TOKEN).exposureProblem().contains("needs TLS"));
    assertNull(open.withToken(TOKEN).withBehindTlsProxy(true).exposureProblem(), "a TLS proxy in front");
    assertTrue(ConsoleServer.Settings.defaults("x").withBehindTlsProxy(true).exposureProblem().contains("token"),
        "behind a proxy, even on loopback, the token is needed");
    assertNull(ConsoleServer.Settings.defaults("x").exposureProblem(), "loopback without a token stays allowed");
    try (ConsoleServer exposed = ConsoleServer.start(open.withToken(TOKEN).withTls(tls))) {
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exposed.port()
          + "/api/health")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(exposed.url().startsWith("https://"), exposed.url());
      assertEquals(401, https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exposed.port() + "/"))
          .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  void aPkcs12KeystoreWithItsPasswordInAFileOrAnEnvironmentVariable() throws Exception {
    try (ConsoleServer c = ConsoleServer.start(ConsoleServer.Settings.defaults(kafka.bootstrapServers()).withPort(0)
        .withToken(TOKEN).withTls(TlsMaterial.pkcs12WithPasswordFile(p12, passwordFile)))) {
      HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + c.port()
          + "/api/health")).header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
    }
    assertNotNull(TlsMaterial.pkcs12WithPasswordEnv(p12, "CONSOLE_P12_PASSWORD")
        .sslContext(Map.of("CONSOLE_P12_PASSWORD", STORE_PASSWORD)::get));
    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
        () -> TlsMaterial.pkcs12WithPasswordEnv(p12, "CONSOLE_P12_PASSWORD").sslContext(n -> null));
    assertTrue(unset.getMessage().contains("CONSOLE_P12_PASSWORD") && unset.getMessage().contains("not set"),
        unset.getMessage());
    Path wrongPw = dir.resolve("wrong.password");
    Files.writeString(wrongPw, "not-" + STORE_PASSWORD);
    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> TlsMaterial.pkcs12WithPasswordFile(p12, wrongPw).sslContext());
    assertTrue(wrong.getMessage().contains("the password is wrong"), wrong.getMessage());
    assertFalse(wrong.getMessage().contains(STORE_PASSWORD), "the message never shows a password");
    assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(null, null, p12, passwordFile, "X"));
    assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(null, null, p12, null, null));
    assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(certPem, null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> new TlsMaterial(certPem, keyPem, p12, passwordFile, null));
  }

  @Test
  void pemProblemsAreNamed() throws Exception {
    Path otherKey = dir.resolve("other.key");
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    Files.writeString(otherKey, pem("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded()));
    assertMessage(TlsMaterial.pem(certPem, otherKey), "does not belong to the first certificate");
    Path encrypted = dir.resolve("enc.key");
    Files.writeString(encrypted, pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
    assertMessage(TlsMaterial.pem(certPem, encrypted), "is encrypted");
    Path pkcs1 = dir.resolve("rsa.key");
    Files.writeString(pkcs1, pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
    assertMessage(TlsMaterial.pem(certPem, pkcs1), "openssl pkcs8 -topk8 -nocrypt");
    assertMessage(TlsMaterial.pem(keyPem, keyPem), "no PEM certificate");
    assertMessage(TlsMaterial.pem(dir.resolve("missing.crt"), keyPem), "cannot read the TLS certificate chain");
    // both in one file, the key after the chain
    Path both = dir.resolve("both.pem");
    Files.writeString(both, Files.readString(certPem) + Files.readString(keyPem));
    assertNotNull(TlsMaterial.pem(both, both).sslContext());
  }

  static void assertMessage(TlsMaterial tls, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tls::sslContext);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  /** Records the configuration of every Kafka client that loads it as a metrics reporter. */
  public static final class RecordingReporter implements MetricsReporter {
    static final Queue<Map<String, ?>> CONFIGS = new ConcurrentLinkedQueue<>();

    @Override public void configure(Map<String, ?> configs) {
      CONFIGS.add(Map.copyOf(configs));
    }

    @Override public void init(List<KafkaMetric> metrics) {}

    @Override public void metricChange(KafkaMetric metric) {}

    @Override public void metricRemoval(KafkaMetric metric) {}

    @Override public void close() {}
  }

  @Test
  void theKafkaClientPropertiesReachEveryClientAndTheConsolesOwnSettingsWin() throws Exception {
    RecordingReporter.CONFIGS.clear();
    Map<String, String> extra = Map.of("metric.reporters", RecordingReporter.class.getName(),
        "isolation.level", "read_uncommitted", "bootstrap.servers", "nowhere.invalid:9092");
    ConsoleServer.Settings s = ConsoleServer.Settings.defaults(kafka.bootstrapServers()).withPort(0).withKafka(extra);
    assertFalse(s.toString().contains("read_uncommitted"), "values of Kafka properties are not printed: " + s);
    assertFalse(s.withToken(TOKEN).toString().contains(TOKEN), "nor the token");
    try (ConsoleServer c = ConsoleServer.start(s)) {
      List<Map<String, ?>> configs = List.copyOf(RecordingReporter.CONFIGS);
      boolean admin = false;
      boolean feed = false;
      boolean evidence = false;
      boolean producer = false;
      for (Map<String, ?> m : configs) {
        assertEquals(kafka.bootstrapServers(), String.valueOf(m.get("bootstrap.servers")), "the console's bootstrap wins");
        if (m.containsKey("key.serializer")) {
          producer |= "all".equals(String.valueOf(m.get("acks")));
        } else if (m.containsKey("key.deserializer")) {
          assertEquals("read_committed", m.get("isolation.level"), "the console reads committed alerts only");
          feed |= "earliest".equals(m.get("auto.offset.reset"));
          evidence |= m.containsKey("max.poll.records");
        } else {
          admin |= m.containsKey("reconnect.backoff.max.ms");
        }
      }
      assertTrue(admin && feed && evidence && producer,
          "admin " + admin + ", feed " + feed + ", evidence " + evidence + ", producer " + producer + ": " + configs);
      assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port()
          + "/api/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
    // security settings that cannot work: a clear failure, before anything listens
    Brokers.UnreachableException e = assertThrows(Brokers.UnreachableException.class, () -> ConsoleServer.start(
        ConsoleServer.Settings.defaults(kafka.bootstrapServers()).withPort(0).withKafka(Map.of("security.protocol", "SSL",
            "ssl.truststore.location", dir.resolve("no-such-truststore.p12").toString(),
            "ssl.truststore.password", STORE_PASSWORD))).close());
    assertTrue(e.getMessage().contains("security settings"), e.getMessage());
    assertFalse(e.getMessage().contains(STORE_PASSWORD), "the message never shows a password: " + e.getMessage());
    // a TLS client against this plaintext broker: refused, not silently downgraded
    ConsoleServer.Settings tlsClient = new ConsoleServer.Settings(kafka.bootstrapServers(), "127.0.0.1", 0, null,
        "ualwatch.alerts", "ualwatch.acks", List.of("ualwatch.audit.raw"), 100, Duration.ofSeconds(3))
        .withKafka(Map.of("security.protocol", "SSL"));
    assertThrows(Brokers.UnreachableException.class, () -> ConsoleServer.start(tlsClient).close());
  }
}
