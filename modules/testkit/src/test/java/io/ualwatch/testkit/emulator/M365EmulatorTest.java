package io.ualwatch.testkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator against the documented API rules, over real HTTP. */
class M365EmulatorTest {
  static final String TENANT = "11111111-2222-3333-4444-555555555555";
  static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  MutableClock clock;
  FixtureTenant tenant;
  M365Emulator emu;

  @BeforeEach
  void start() {
    clock = new MutableClock(NOW);
    tenant = new FixtureTenant(TENANT);
    emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("app", "s3cret")).clock(clock)
        .pageSize(2).start();
  }

  @AfterEach
  void stop() {
    emu.close();
  }

  HttpResponse<String> post(String path, String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String token() throws Exception {
    HttpResponse<String> r = post("/" + TENANT + "/oauth2/v2.0/token", "grant_type=client_credentials&client_id=app"
        + "&client_secret=s3cret&scope=" + URLEncoder.encode("https://manage.office.com/.default", StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    return json.readTree(r.body()).path("access_token").asText();
  }

  HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : emu.baseUrl() + url));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  String feed(String op) {
    return "/api/v1.0/" + TENANT + "/activity/feed/" + op;
  }

  String code(HttpResponse<String> r) throws Exception {
    return json.readTree(r.body()).path("error").path("code").asText();
  }

  @Test
  void tokenEndpointV1AndV2AndWrongSecret() throws Exception {
    HttpResponse<String> v1 = post("/" + TENANT + "/oauth2/token",
        "grant_type=client_credentials&client_id=app&client_secret=s3cret&resource=https%3A%2F%2Fmanage.office.com");
    assertEquals(200, v1.statusCode());
    JsonNode n = json.readTree(v1.body());
    assertEquals(3599, n.path("expires_in").asInt());
    assertEquals("https://manage.office.com", n.path("resource").asText());
    assertFalse(token().isEmpty());
    HttpResponse<String> bad = post("/" + TENANT + "/oauth2/v2.0/token",
        "grant_type=client_credentials&client_id=app&client_secret=nope&scope=https%3A%2F%2Fmanage.office.com%2F.default");
    assertEquals(401, bad.statusCode());
    assertTrue(bad.body().contains("AADSTS7000215"));
    assertEquals(2, emu.tokensIssued());
  }

  @Test
  void clientSecretBasicAndAnOwnResourceForKafka() throws Exception {
    emu.close();
    emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("app", "s3cret")).clock(clock)
        .resource("api://ualwatch-kafka/").start();
    // client_secret_basic, as Kafka's OAUTHBEARER login sends it: credentials in the header, not in the body
    String form = "grant_type=client_credentials&scope=" + URLEncoder.encode("api://ualwatch-kafka/.default",
        StandardCharsets.UTF_8);
    HttpResponse<String> ok = postBasic(form, "app", "s3cret");
    assertEquals(200, ok.statusCode(), ok.body());
    String jwt = json.readTree(ok.body()).path("access_token").asText();
    JsonNode claims = json.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    assertEquals("api://ualwatch-kafka", claims.path("aud").asText());
    assertEquals("app", claims.path("appid").asText());
    assertFalse(claims.has("roles"), "no app roles on a resource of its own");
    // a token for that resource is no good for the Management APIs
    assertEquals(401, get(feed("subscriptions/list"), jwt).statusCode());

    HttpResponse<String> wrong = postBasic(form, "app", "nope");
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.body().contains("invalid_client") && wrong.body().contains("AADSTS7000215"), wrong.body());
    HttpResponse<String> twice = postBasic(form + "&client_secret=s3cret", "app", "s3cret");
    assertEquals(400, twice.statusCode(), "one client authentication method only");
    HttpResponse<String> other = postBasic(form + "&client_id=someone-else", "app", "s3cret");
    assertEquals(400, other.statusCode(), "the body and the header name different clients");
    HttpResponse<String> unknown = post("/" + TENANT + "/oauth2/v2.0/token", "grant_type=client_credentials&client_id=app"
        + "&client_secret=s3cret&scope=" + URLEncoder.encode("api://elsewhere/.default", StandardCharsets.UTF_8));
    assertEquals(400, unknown.statusCode());
    assertEquals(1, emu.tokensIssued());
  }

  HttpResponse<String> postBasic(String form, String id, String secret) throws Exception {
    String basic = java.util.Base64.getEncoder().encodeToString((URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    return http.send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + "/" + TENANT + "/oauth2/v2.0/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void subscriptionStartIsIdempotentWithAf20024AndListingNeedsASubscription() throws Exception {
    String t = token();
    HttpResponse<String> none = get(feed("subscriptions/content?contentType=Audit.Exchange"), t);
    assertEquals("AF20022", code(none));
    HttpRequest start = HttpRequest.newBuilder(URI.create(emu.baseUrl() + feed("subscriptions/start?contentType=Audit.Exchange")))
        .header("Authorization", "Bearer " + t).POST(HttpRequest.BodyPublishers.noBody()).build();
    assertEquals(200, http.send(start, HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> again = http.send(start, HttpResponse.BodyHandlers.ofString());
    assertEquals("AF20024", code(again));
    JsonNode list = json.readTree(get(feed("subscriptions/list"), t).body());
    assertEquals("Audit.Exchange", list.get(0).path("contentType").asText());
    assertEquals("enabled", list.get(0).path("status").asText());
  }

  @Test
  void windowRulesAndHalfOpenSelectionAndPaging() throws Exception {
    emu.close();
    emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("app", "s3cret")).clock(clock)
        .pageSize(2).subscribed(true).start();
    String t = token();
    Instant base = Instant.parse("2025-03-10T10:00:00Z");
    for (int i = 0; i <= 6; i++) tenant.addBlob("Audit.Exchange", base.plusSeconds(600L * i), List.of("{\"Id\":\"r" + i + "\"}"));
    String q = feed("subscriptions/content?contentType=Audit.Exchange&startTime=2025-03-10T10:00:00&endTime=2025-03-10T11:00:00");
    List<String> created = new ArrayList<>();
    String url = q;
    int pages = 0;
    while (url != null) {
      HttpResponse<String> r = get(url, t);
      assertEquals(200, r.statusCode(), r.body());
      for (JsonNode item : json.readTree(r.body())) created.add(item.path("contentCreated").asText());
      url = r.headers().firstValue("nextpageuri").orElse(null);
      pages++;
    }
    // 10:00 included, 11:00 excluded (half-open), six blobs over three pages of two
    assertEquals(List.of("2025-03-10T10:00:00.000Z", "2025-03-10T10:10:00.000Z", "2025-03-10T10:20:00.000Z",
        "2025-03-10T10:30:00.000Z", "2025-03-10T10:40:00.000Z", "2025-03-10T10:50:00.000Z"), created);
    assertEquals(3, pages);
    assertEquals("AF20030", code(get(feed("subscriptions/content?contentType=Audit.Exchange&startTime=2025-03-09T10:00&endTime=2025-03-10T10:01"), t)));
    assertEquals("AF20030", code(get(feed("subscriptions/content?contentType=Audit.Exchange&startTime=2025-03-10T10:00&endTime=2025-03-10T10:00"), t)));
    assertEquals("AF20030", code(get(feed("subscriptions/content?contentType=Audit.Exchange&startTime=2025-03-10T10:00"), t)));
    assertEquals("AF20055", code(get(feed("subscriptions/content?contentType=Audit.Exchange&startTime=2025-03-03T11:59&endTime=2025-03-03T12:30"), t)));
    assertEquals("AF20031", code(get(q + "&nextPage=garbage", t)));
    // content created after "now" is not listed yet
    tenant.addBlob("Audit.Exchange", NOW.plusSeconds(60), List.of("{\"Id\":\"future\"}"));
    HttpResponse<String> live = get(feed("subscriptions/content?contentType=Audit.Exchange&startTime=2025-03-10T11:59&endTime=2025-03-10T12:30"), t);
    assertEquals("[]", live.body());
    clock.advance(Duration.ofMinutes(2));
    assertTrue(get(feed("subscriptions/content?contentType=Audit.Exchange&startTime=2025-03-10T11:59&endTime=2025-03-10T12:30"), t).body().contains("contentUri"));
  }

  @Test
  void blobFetchServesRecordsVerbatimAndExpiresAfterSevenDays() throws Exception {
    emu.close();
    emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("app", "s3cret")).clock(clock)
        .subscribed(true).start();
    String t = token();
    String rec = "{ \"Id\" : \"a\",  \"x\":[1, 2] }";
    tenant.addBlob("Audit.General", NOW.minus(Duration.ofDays(7)).plusSeconds(120), List.of(rec, "{\"Id\":\"b\"}"));
    JsonNode items = json.readTree(get(feed("subscriptions/content?contentType=Audit.General&startTime=2025-03-03T12:01&endTime=2025-03-03T13:00"), t).body());
    String uri = items.get(0).path("contentUri").asText();
    assertEquals("2025-03-10T12:02:00.000Z", items.get(0).path("contentExpiration").asText());
    assertEquals("[" + rec + ",{\"Id\":\"b\"}]", get(uri, t).body());
    clock.advance(Duration.ofMinutes(3));
    assertEquals("AF20051", code(get(uri, t)));
  }

  @Test
  void faultsThrottleWithRetryAfterAndTokensExpire() throws Exception {
    emu.close();
    emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("app", "s3cret")).clock(clock)
        .subscribed(true).tokenLifetime(Duration.ofMinutes(10)).start();
    String t = token();
    emu.faults().inject(FaultPlan.Target.LISTING, FaultPlan.Kind.THROTTLE_403, 1, Duration.ofSeconds(7))
        .inject(FaultPlan.Target.LISTING, FaultPlan.Kind.THROTTLE_429, 1, null)
        .inject(FaultPlan.Target.LISTING, FaultPlan.Kind.SERVER_ERROR_500, 1, null);
    String q = feed("subscriptions/content?contentType=Audit.Exchange");
    HttpResponse<String> r1 = get(q, t);
    assertEquals(403, r1.statusCode());
    assertEquals("AF429", code(r1));
    assertEquals("7", r1.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(429, get(q, t).statusCode());
    HttpResponse<String> r3 = get(q, t);
    assertEquals(500, r3.statusCode());
    assertEquals("AF50000", code(r3));
    assertEquals(200, get(q, t).statusCode());
    assertEquals(401, get(q, null).statusCode());
    clock.advance(Duration.ofMinutes(11));
    assertEquals(401, get(q, t).statusCode());
  }

  @Test
  void graphSignInsFilterAndNextLink() throws Exception {
    emu.close();
    emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("app", "s3cret")).clock(clock)
        .graphPageSize(3).start();
    for (int i = 0; i < 10; i++) {
      String type = i % 2 == 0 ? "interactiveUser" : "nonInteractiveUser";
      tenant.addSignIn(new SignInEvent("s" + i, NOW.minusSeconds(600 - 60L * i), type, "{\"id\":\"s" + i + "\"}"));
    }
    HttpResponse<String> tr = post("/" + TENANT + "/oauth2/v2.0/token", "grant_type=client_credentials&client_id=app"
        + "&client_secret=s3cret&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
    String t = json.readTree(tr.body()).path("access_token").asText();
    String filter = "createdDateTime ge " + NOW.minusSeconds(600) + " and createdDateTime lt " + NOW.minusSeconds(60)
        + " and signInEventTypes/any(t: t eq 'nonInteractiveUser')";
    String url = "/beta/auditLogs/signIns?$filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20");
    Set<String> ids = new HashSet<>();
    int pages = 0;
    while (url != null) {
      JsonNode page = json.readTree(get(url, t).body());
      for (JsonNode s : page.path("value")) ids.add(s.path("id").asText());
      url = page.hasNonNull("@odata.nextLink") ? page.path("@odata.nextLink").asText() : null;
      pages++;
    }
    assertEquals(Set.of("s1", "s3", "s5", "s7"), ids); // s9 is at NOW-60s, excluded by lt
    assertEquals(2, pages);
    HttpResponse<String> v1 = get("/v1.0/auditLogs/signIns?$filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20"), t);
    assertEquals(400, v1.statusCode());
    // a management token is not a Graph token
    assertEquals(401, get("/beta/auditLogs/signIns", token()).statusCode());
    assertNotNull(emu.requests().get(0).at());
  }
}
