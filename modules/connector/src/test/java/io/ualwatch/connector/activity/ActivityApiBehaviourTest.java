package io.ualwatch.connector.activity;

import static io.ualwatch.connector.support.ActivityFixture.CLIENT;
import static io.ualwatch.connector.support.ActivityFixture.NOW;
import static io.ualwatch.connector.support.ActivityFixture.SECRET;
import static io.ualwatch.connector.support.ActivityFixture.TENANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.ualwatch.connector.common.ApiException;
import io.ualwatch.connector.support.ActivityFixture;
import io.ualwatch.connector.support.TaskHarness;
import io.ualwatch.connector.support.TestCerts;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.FaultPlan;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Auth, host checks, subscriptions, error mapping and clock skew, against the emulator over HTTP. */
class ActivityApiBehaviourTest {
  static final String EXO = "Audit.Exchange";

  static FixtureTenant smallTenant() {
    FixtureTenant t = new FixtureTenant(TENANT);
    for (int i = 0; i < 6; i++) {
      t.addBlob(EXO, NOW.minus(Duration.ofMinutes(200 - 30L * i)), List.of("{\"Id\":\"r" + i + "a\"}", "{\"Id\":\"r" + i + "b\"}"));
    }
    return t;
  }

  static void drain(TaskHarness h, int records) throws Exception {
    h.runUntil(() -> h.deliveredTo("audit") >= records, Duration.ofSeconds(20), false);
  }

  @Test
  void clientSecretOnTheV1AndV2EndpointsWithOneCachedToken() throws Exception {
    for (String version : List.of("v1", "v2")) {
      try (ActivityFixture f = new ActivityFixture(smallTenant()).start(b -> b)) {
        Map<String, String> p = f.props(EXO, "audit", "hb");
        p.put("auth.token.endpoint.version", version);
        try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
          drain(h, 12);
        }
        assertEquals(1, f.emulator.tokensIssued(), version);
        String tokenPath = version.equals("v1") ? "/oauth2/token" : "/oauth2/v2.0/token";
        assertTrue(f.emulator.requests().stream().anyMatch(r -> r.path().endsWith(tokenPath)), version);
      }
    }
  }

  @Test
  void certificateCredentialAsPkcs12AndPemSignsAnAssertionTheEmulatorVerifies(@TempDir Path dir) throws Exception {
    TestCerts.Cert cert = TestCerts.create(dir, "ualwatch-test");
    for (boolean pem : new boolean[] {false, true}) {
      try (ActivityFixture f = new ActivityFixture(smallTenant())
          .start(b -> b.app(AppRegistration.withCertificate(CLIENT, cert.certificate())))) {
        Map<String, String> p = f.props(EXO, "audit", "hb");
        p.remove("auth.client.secret");
        if (pem) {
          p.put("auth.certificate.path", cert.pem().toString());
        } else {
          p.put("auth.certificate.path", cert.pkcs12().toString());
          p.put("auth.certificate.password", cert.password());
        }
        try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
          drain(h, 12);
        }
        assertEquals(1, f.emulator.tokensIssued());
      }
    }
    // A certificate the app registration does not know is refused: the message says what to check.
    TestCerts.Cert other = TestCerts.create(dir, "other");
    try (ActivityFixture f = new ActivityFixture(smallTenant())
        .start(b -> b.app(AppRegistration.withCertificate(CLIENT, other.certificate())))) {
      Map<String, String> p = f.props(EXO, "audit", "hb");
      p.remove("auth.client.secret");
      p.put("auth.certificate.path", cert.pem().toString());
      try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
        ApiException e = assertThrows(ApiException.class, h::pollOnce);
        assertTrue(e.getMessage().contains("thumbprint") && e.getMessage().contains("auth.client.id"), e.getMessage());
      }
    }
  }

  @Test
  void aWrongSecretFailsWithTheAadErrorAndNeverShowsTheSecret() throws Exception {
    try (ActivityFixture f = new ActivityFixture(smallTenant()).start(b -> b)) {
      Map<String, String> p = f.props(EXO, "audit", "hb");
      p.put("auth.client.secret", "wrong-secret-0f9e8d");
      try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
        ApiException e = assertThrows(ApiException.class, h::pollOnce);
        assertTrue(e.getMessage().contains("AADSTS7000215"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret-0f9e8d"));
        assertFalse(e.getMessage().contains(SECRET));
      }
    }
  }

  @Test
  void tokensAreRefreshedBeforeExpiryAndOnceOnA401() throws Exception {
    try (ActivityFixture f = new ActivityFixture(smallTenant()).start(b -> b.tokenLifetime(Duration.ofMinutes(20)))) {
      Map<String, String> p = f.props(EXO, "audit", "hb");
      try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
        drain(h, 12);
        assertEquals(1, f.emulator.tokensIssued());
        f.emulator.faults().inject(FaultPlan.Target.LISTING, FaultPlan.Kind.UNAUTHORIZED_401, 1, null);
        f.tenant.addBlob(EXO, f.clock.instant().plusSeconds(1), List.of("{\"Id\":\"late\"}"));
        h.runUntil(() -> h.deliveredTo("audit") >= 13, Duration.ofSeconds(20), false);
        assertEquals(2, f.emulator.tokensIssued(), "a 401 refreshes the token once and retries");
        // Hours of idle polling: the 20-minute tokens are renewed ahead of expiry, never used expired. (Idle
        // polls also wake up for feed clock records, so count hours, not polls.)
        Instant from = f.clock.instant();
        for (int i = 0; i < 2_000 && Duration.between(from, f.clock.instant()).toMinutes() < 300; i++) h.pollOnce();
        long quarters = Duration.between(from, f.clock.instant()).toMinutes() / 15;
        assertTrue(quarters >= 4 && f.emulator.tokensIssued() >= 2 + quarters - 1, "renewed " + f.emulator.tokensIssued());
        assertTrue(f.emulator.requests().stream().noneMatch(r -> r.status() == 401 && !r.kind().equals("listing")));
      }
    }
  }

  @Test
  void nextPageUriOrContentUriOnAForeignHostIsRefusedAndNeverGetsTheToken() throws Exception {
    List<String> foreignAuth = new CopyOnWriteArrayList<>();
    HttpServer foreign = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    foreign.createContext("/", ex -> {
      foreignAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    foreign.start();
    try {
      String foreignBase = "http://127.0.0.1:" + foreign.getAddress().getPort();
      for (String which : List.of("nextPage", "contentUri")) {
        try (ActivityFixture f = new ActivityFixture(smallTenant()).start(b -> b.pageSize(1))) {
          if (which.equals("nextPage")) f.emulator.nextPageBase(foreignBase);
          else f.emulator.contentUriBase(foreignBase);
          Map<String, String> p = f.props(EXO, "audit", "hb");
          p.put("window.size.ms", Long.toString(Duration.ofHours(24).toMillis())); // one window, listed before any fetch
          try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
            ApiException e = assertThrows(ApiException.class,
                () -> h.runUntil(() -> false, Duration.ofSeconds(20), false));
            assertTrue(e.getMessage().contains("refusing to send the API token to " + foreignBase), e.getMessage());
            assertEquals(0, h.deliveredTo("audit"));
          }
        }
      }
      assertEquals(List.of(), foreignAuth, "the foreign host received no request, so no Authorization header");
    } finally {
      foreign.stop(0);
    }
  }

  @Test
  void subscriptionsAreStartedIdempotentlyAndRestartedOnAf20022() throws Exception {
    try (ActivityFixture f = new ActivityFixture(smallTenant()).start(b -> b)) {
      try (TaskHarness h = new TaskHarness(f::newTask, f.props(EXO, "audit", "hb"), null)) {
        drain(h, 6);
        assertEquals(java.util.Set.of(EXO), f.emulator.subscriptions(TENANT));
        // An admin (or the 12-hour bootstrap) loses the subscription: AF20022 on listing -> start it, list again.
        stopSubscription(f);
        f.tenant.addBlob(EXO, f.clock.instant().plusSeconds(1), List.of("{\"Id\":\"after\"}"));
        h.runUntil(() -> h.deliveredTo("audit") >= 13, Duration.ofSeconds(20), false);
        assertTrue(f.emulator.requests().stream().anyMatch(r -> r.status() == 400 && r.kind().equals("listing")));
      }
    }
    try (ActivityFixture f = new ActivityFixture(smallTenant()).start(b -> b)) {
      Map<String, String> p = f.props(EXO, "audit", "hb");
      p.put("subscriptions.start", "false");
      try (TaskHarness h = new TaskHarness(f::newTask, p, null)) {
        ApiException e = assertThrows(ApiException.class, h::pollOnce);
        assertTrue(e.getMessage().contains("subscriptions.start=true"), e.getMessage());
      }
    }
  }

  @Test
  void af20024OnStartCountsAsSuccess() throws Exception {
    // subscriptions/list lags behind (shows nothing) while the subscription exists: start answers AF20024.
    try (ActivityFixture f = new ActivityFixture(smallTenant()).start(b -> b.subscribed(true).staleSubscriptionList(true))) {
      try (TaskHarness h = new TaskHarness(f::newTask, f.props(EXO, "audit", "hb"), null)) {
        drain(h, 12);
      }
      assertTrue(f.emulator.requests().stream().anyMatch(r -> r.path().endsWith("/subscriptions/start") && r.status() == 400));
    }
  }

  @Test
  void missingPermissionFailsWithWhatToFix() throws Exception {
    try (ActivityFixture f = new ActivityFixture(smallTenant())
        .start(b -> b.app(AppRegistration.withSecret(CLIENT, SECRET).roles("AuditLog.Read.All")))) {
      try (TaskHarness h = new TaskHarness(f::newTask, f.props(EXO, "audit", "hb"), null)) {
        ConnectException e = assertThrows(ConnectException.class, h::pollOnce);
        assertTrue(e.getMessage().contains("AF10001") && e.getMessage().contains("ActivityFeed.Read (Application)")
            && e.getMessage().contains("admin consent"), e.getMessage());
      }
    }
  }

  @Test
  void aHostClockAheadOfTheServerNeverListsPastTheServersNow() throws Exception {
    // Real time here: the emulator's Date header carries the host clock, so the emulator runs on it and the
    // task's clock is 10 minutes ahead. A blob becomes available 2 s from now.
    for (boolean useDate : new boolean[] {true, false}) {
      FixtureTenant t = new FixtureTenant(TENANT);
      Instant soon = Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      t.addBlob(EXO, Instant.now().minusSeconds(30), List.of("{\"Id\":\"early\"}"));
      t.addBlob(EXO, soon, List.of("{\"Id\":\"soon\"}"));
      try (ActivityFixture f = new ActivityFixture(t)) {
        f.emulator = M365Emulator.builder().tenant(t).app(AppRegistration.withSecret(CLIENT, SECRET)).start();
        Map<String, String> p = f.props(EXO, "audit", "hb");
        p.put("clock.use.server.date", Boolean.toString(useDate));
        p.put("window.end.lag.ms", "1000");
        p.put("poll.interval.ms", "200");
        p.put("start.lookback.ms", "1200000");
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
        io.ualwatch.connector.common.Sleeper real = io.ualwatch.connector.common.Sleeper.real();
        try (TaskHarness h = new TaskHarness(() -> new ManagementActivitySourceTask(ahead, real, f.registry), p, null)) {
          long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
          while (System.nanoTime() < deadline && h.deliveredTo("audit") < 2) h.pollOnce();
          if (useDate) {
            assertEquals(2, h.deliveredTo("audit"), "with the Date header the late blob is collected");
          } else {
            assertEquals(1, h.deliveredTo("audit"), "without it the window passed the blob before it existed");
          }
        }
      }
    }
  }

  private static void stopSubscription(ActivityFixture f) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    String tok = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create(f.emulator.baseUrl() + "/" + TENANT + "/oauth2/v2.0/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + CLIENT
            + "&client_secret=" + SECRET + "&scope=https%3A%2F%2Fmanage.office.com%2F.default")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body()).path("access_token").asText();
    http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.emulator.baseUrl() + "/api/v1.0/" + TENANT
        + "/activity/feed/subscriptions/stop?contentType=" + EXO)).header("Authorization", "Bearer " + tok)
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }
}
