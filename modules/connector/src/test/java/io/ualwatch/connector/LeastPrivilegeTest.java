package io.ualwatch.connector;

import static io.ualwatch.connector.support.ActivityFixture.CLIENT;
import static io.ualwatch.connector.support.ActivityFixture.NOW;
import static io.ualwatch.connector.support.ActivityFixture.SECRET;
import static io.ualwatch.connector.support.ActivityFixture.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ualwatch.connector.signin.EntraSignInSourceTask;
import io.ualwatch.connector.support.ActivityFixture;
import io.ualwatch.connector.support.FakeSleeper;
import io.ualwatch.connector.support.LogCapture;
import io.ualwatch.connector.support.TaskHarness;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import io.ualwatch.testkit.emulator.MutableClock;
import io.ualwatch.testkit.emulator.SignInEvent;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/**
 * Least privilege, checked at task start against the emulator's Entra-shaped tokens: exact roles are quiet, extra
 * ones get one warning naming them, a missing one an error saying what to grant, opaque tokens nothing; the
 * token never reaches the log.
 */
class LeastPrivilegeTest {
  static final String EXO = "Audit.Exchange";
  static final String LOGGERS = "io.ualwatch.connector";
  final ObjectMapper json = new ObjectMapper();

  static FixtureTenant tenant() {
    FixtureTenant t = new FixtureTenant(TENANT);
    t.addBlob(EXO, NOW.minus(Duration.ofMinutes(90)), List.of("{\"Id\":\"a\"}", "{\"Id\":\"b\"}"));
    t.addBlob("DLP.All", NOW.minus(Duration.ofMinutes(80)), List.of("{\"Id\":\"d\"}"));
    t.addSignIn(new SignInEvent("s1", NOW.minus(Duration.ofMinutes(30)), "interactiveUser", "{\"id\":\"s1\"}"));
    return t;
  }

  /** Runs one Management Activity task to its first records and returns the least-privilege log lines. */
  static List<LogCapture.Line> activityRun(UnaryOperator<M365Emulator.Builder> emu, String contentTypes,
      String stream, LogCapture logs) throws Exception {
    try (ActivityFixture f = new ActivityFixture(tenant()).start(emu)) {
      Map<String, String> p = f.props(stream, "audit", "hb");
      p.put("content.types", contentTypes);
      try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
        h.runUntil(() -> h.deliveredTo("audit") >= 1, Duration.ofSeconds(20), false);
      }
      assertNoTokenIn(logs, f.emulator);
      return checkLines(logs);
    }
  }

  static List<LogCapture.Line> checkLines(LogCapture logs) {
    return logs.lines().stream().filter(l -> l.message().contains("app registration")
        || l.message().contains("not a JWT")).toList();
  }

  static void assertNoTokenIn(LogCapture logs, M365Emulator emu) {
    String all = logs.text();
    assertFalse(emu.issuedTokens().isEmpty());
    for (String t : emu.issuedTokens()) {
      assertFalse(all.contains(t), "an access token is in the log");
      if (t.split("\\.").length == 3) assertFalse(all.contains(t.split("\\.")[2]), "a token signature is in the log");
    }
    assertFalse(all.contains(SECRET), "the client secret is in the log");
    assertFalse(all.matches("(?s).*eyJ[A-Za-z0-9_-]{10,}\\.eyJ.*"), "something JWT-shaped is in the log");
  }

  @Test
  void exactRolesLogNoWarning() throws Exception {
    try (LogCapture logs = new LogCapture(LOGGERS)) {
      List<LogCapture.Line> lines = activityRun(b -> b, EXO, EXO, logs);
      assertTrue(lines.stream().noneMatch(l -> l.level().equals("WARN") || l.level().equals("ERROR")), lines.toString());
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).message().contains("holds exactly the Office 365 Management APIs permissions this "
          + "connector needs (ActivityFeed.Read)"), lines.toString());
    }
  }

  @Test
  void extraRolesGetOneWarningPerTaskStartNamingThem() throws Exception {
    FixtureTenant t = tenant();
    MutableClock clock = new MutableClock(NOW);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (LogCapture logs = new LogCapture(LOGGERS);
        M365Emulator emu = M365Emulator.builder().tenant(t).clock(clock)
            .app(AppRegistration.withSecret(CLIENT, SECRET).grant("Mail.Read", "Directory.ReadWrite.All",
                "ActivityFeed.ReadDlp")).start()) {
      Map<String, String> p = signInProps(emu);
      try (TaskHarness h = new TaskHarness(() -> new EntraSignInSourceTask(clock, new FakeSleeper(clock), registry), p,
          null)) {
        h.runUntil(() -> h.deliveredTo("ualwatch.signins.raw") >= 1, Duration.ofSeconds(20), false);
        List<LogCapture.Line> warns = logs.lines("WARN", "that ualwatch does not need");
        assertEquals(1, warns.size(), logs.text());
        // The Graph token carries the Graph roles only: ActivityFeed.ReadDlp is on the other API's tokens.
        assertTrue(warns.get(0).message().contains(TENANT + " interactiveUser: the app registration " + CLIENT
            + " has Directory.ReadWrite.All, Mail.Read on Microsoft Graph that ualwatch does not need; remove them "
            + "(least privilege)"), warns.get(0).message());
        assertTrue(warns.get(0).message().contains("needs only AuditLog.Read.All"), warns.get(0).message());
        assertEquals(2.0, registry.get("ualwatch.connector.permissions.extra").gauge().value());
        assertEquals(0.0, registry.get("ualwatch.connector.permissions.missing").gauge().value());

        // A refreshed token (after a 401) is not checked again; a restarted task is, once.
        emu.revokeTokens();
        clock.advance(Duration.ofMinutes(20));
        for (int i = 0; i < 3; i++) h.pollOnce();
        assertTrue(emu.tokensIssued() >= 2);
        assertEquals(1, logs.lines("WARN", "that ualwatch does not need").size(), logs.text());
        h.restart();
        h.pollOnce();
        assertEquals(2, logs.lines("WARN", "that ualwatch does not need").size(), logs.text());
      }
      assertNoTokenIn(logs, emu);
    }
  }

  @Test
  void aMissingRoleIsAnErrorSayingWhatToGrantBeforeTheApiRefuses() throws Exception {
    try (LogCapture logs = new LogCapture(LOGGERS);
        ActivityFixture f = new ActivityFixture(tenant())
            .start(b -> b.app(AppRegistration.withSecret(CLIENT, SECRET).roles("AuditLog.Read.All")))) {
      try (TaskHarness h = new TaskHarness(f::newTask, f.props(EXO, "audit", "hb"), null)) {
        ConnectException e = assertThrows(ConnectException.class, h::pollOnce);
        assertTrue(e.getMessage().contains("AF10001"), e.getMessage());
      }
      List<LogCapture.Line> errors = logs.lines("ERROR", "lacks ActivityFeed.Read");
      assertEquals(1, errors.size(), logs.text());
      String m = errors.get(0).message();
      assertTrue(m.contains(TENANT + " Audit.Exchange: the app registration " + CLIENT + " lacks ActivityFeed.Read on "
          + "Office 365 Management APIs, which this connector needs") && m.contains("Add a permission > Office 365 "
          + "Management APIs > Application permissions > ActivityFeed.Read") && m.contains("Grant admin consent"), m);
      assertTrue(logs.lines("WARN", "does not need").isEmpty(), logs.text());
      assertNoTokenIn(logs, f.emulator);
    }
  }

  @Test
  void readDlpIsNotExtraWhenDlpAllIsCollected() throws Exception {
    UnaryOperator<M365Emulator.Builder> dlp = b -> b.app(AppRegistration.withSecret(CLIENT, SECRET)
        .grant("ActivityFeed.ReadDlp"));
    try (LogCapture logs = new LogCapture(LOGGERS)) {
      // content.types is the connector's: the Audit.Exchange task of a connector that also collects DLP.All agrees.
      List<LogCapture.Line> with = activityRun(dlp, EXO + ",DLP.All", EXO, logs);
      assertTrue(with.stream().noneMatch(l -> l.level().equals("WARN") || l.level().equals("ERROR")), with.toString());
      logs.clear();
      List<LogCapture.Line> without = activityRun(dlp, EXO, EXO, logs);
      assertEquals(1, without.stream().filter(l -> l.level().equals("WARN")).count(), without.toString());
      assertTrue(without.get(0).message().contains("has ActivityFeed.ReadDlp on Office 365 Management APIs that "
          + "ualwatch does not need"), without.toString());
      logs.clear();
      // DLP.All without ReadDlp: fine (least privilege), one INFO line saying what that means.
      List<LogCapture.Line> plain = activityRun(b -> b, "DLP.All", "DLP.All", logs);
      assertTrue(plain.stream().noneMatch(l -> l.level().equals("WARN") || l.level().equals("ERROR")), plain.toString());
      assertEquals(1, plain.stream().filter(l -> l.message().contains("does not have ActivityFeed.ReadDlp")).count(),
          plain.toString());
    }
  }

  @Test
  void opaqueTokensAreNotChecked() throws Exception {
    try (LogCapture logs = new LogCapture(LOGGERS)) {
      List<LogCapture.Line> lines = activityRun(b -> b.opaqueTokens(true), EXO, EXO, logs);
      assertEquals(1, lines.size(), lines.toString());
      assertEquals("DEBUG", lines.get(0).level());
      assertTrue(lines.get(0).message().contains("not a JWT"));
    }
  }

  @Test
  void emulatorTokensAreSignedEntraShapedJwtsWithTheRolesOfTheirAudience() throws Exception {
    try (M365Emulator emu = M365Emulator.builder().tenant(tenant()).clock(new MutableClock(NOW))
        .app(AppRegistration.withSecret(CLIENT, SECRET).grant("Mail.Read", "ActivityFeed.ReadDlp")).start()) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      for (String resource : List.of(M365Emulator.MANAGEMENT_RESOURCE, M365Emulator.GRAPH_RESOURCE)) {
        String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(emu.baseUrl() + "/" + TENANT
                + "/oauth2/token")).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + CLIENT
                + "&client_secret=" + SECRET + "&resource=" + java.net.URLEncoder.encode(resource, StandardCharsets.UTF_8)))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String token = json.readTree(body).path("access_token").asText();
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, token);
        Signature sig = Signature.getInstance("SHA256withRSA");
        sig.initVerify(M365Emulator.tokenSigningKey());
        sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(sig.verify(Base64.getUrlDecoder().decode(parts[2])), "RS256 signature");
        JsonNode h = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertEquals("RS256", h.path("alg").asText());
        assertEquals(M365Emulator.tokenSigningKeyId(), h.path("kid").asText());
        JsonNode c = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals(resource, c.path("aud").asText());
        assertEquals(TENANT, c.path("tid").asText());
        assertEquals(CLIENT, c.path("appid").asText());
        assertEquals("app", c.path("idtyp").asText());
        assertEquals(NOW.getEpochSecond(), c.path("iat").asLong());
        assertEquals(NOW.getEpochSecond(), c.path("nbf").asLong());
        assertEquals(NOW.getEpochSecond() + 3599, c.path("exp").asLong());
        String roles = c.path("roles").toString();
        assertEquals(resource.equals(M365Emulator.GRAPH_RESOURCE) ? "[\"AuditLog.Read.All\",\"Mail.Read\"]"
            : "[\"ActivityFeed.Read\",\"ActivityFeed.ReadDlp\"]", roles);
      }
      JsonNode keys = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(emu.baseUrl()
          + "/" + TENANT + "/discovery/v2.0/keys")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(M365Emulator.tokenSigningKeyId(), keys.path("keys").path(0).path("kid").asText());
    }
  }

  @Test
  void graphWithoutAuditLogReadAllIs403AuthorizationRequestDenied() throws Exception {
    MutableClock clock = new MutableClock(NOW);
    try (LogCapture logs = new LogCapture(LOGGERS);
        M365Emulator emu = M365Emulator.builder().tenant(tenant()).clock(clock)
            .app(AppRegistration.withSecret(CLIENT, SECRET).roles("ActivityFeed.Read", "User.Read.All")).start()) {
      try (TaskHarness h = new TaskHarness(() -> new EntraSignInSourceTask(clock, new FakeSleeper(clock),
          new SimpleMeterRegistry()), signInProps(emu), null)) {
        ConnectException e = assertThrows(ConnectException.class, h::pollOnce);
        assertTrue(e.getMessage().contains("403") && e.getMessage().contains("Authorization_RequestDenied"),
            e.getMessage());
      }
      String err = logs.lines("ERROR", "lacks AuditLog.Read.All on Microsoft Graph").get(0).message();
      assertTrue(err.contains("Grant admin consent"), err);
      assertEquals(1, logs.lines("WARN", "has User.Read.All on Microsoft Graph that ualwatch does not need").size(),
          logs.text());
      assertNoTokenIn(logs, emu);
    }
  }

  static Map<String, String> signInProps(M365Emulator emu) {
    Map<String, String> m = new HashMap<>();
    m.put("tenant.ids", TENANT);
    m.put("graph.root", emu.baseUrl());
    m.put("auth.authority", emu.baseUrl());
    m.put("auth.client.id", CLIENT);
    m.put("auth.client.secret", SECRET);
    m.put("clock.use.server.date", "false");
    m.put("heartbeat.topic", "hb");
    m.put("task.tenant", TENANT);
    m.put("task.stream", "interactiveUser");
    m.put("start.lookback.ms", Long.toString(Duration.ofHours(1).toMillis()));
    return m;
  }
}
