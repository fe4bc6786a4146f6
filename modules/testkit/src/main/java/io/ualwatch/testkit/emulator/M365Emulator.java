package io.ualwatch.testkit.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP emulator of the parts of Microsoft's cloud the connectors use, on 127.0.0.1, following the public
 * documentation:
 *
 * <ul>
 *   <li>Entra token endpoint, v1 ({@code /{tenant}/oauth2/token}, {@code resource=}) and v2
 *       ({@code /{tenant}/oauth2/v2.0/token}, {@code scope=…/.default}); client secret (in the body or as HTTP
 *       Basic, {@code client_secret_basic}) or RS256 JWT client assertion verified against the registered certificate ({@code x5t}, {@code aud}, {@code iss}/{@code sub},
 *       {@code nbf}/{@code exp}, {@code jti} replay).</li>
 *   <li>Office 365 Management Activity API under {@code /api/v1.0/{tenant}/activity/feed/}: subscriptions
 *       start/stop/list (AF20024 when already enabled), content listing with the window rules (both or neither,
 *       ≤ 24 h, start &lt; end, start ≤ 7 days ago; half-open on {@code contentCreated}), {@code NextPageUri}
 *       paging with a configurable page size, blob fetch (AF20051 once expired), AF20022 without a
 *       subscription.</li>
 *   <li>Graph {@code /v1.0|beta/auditLogs/signIns} with {@code $filter} on {@code createdDateTime} and
 *       {@code signInEventTypes}, {@code $top}, {@code @odata.nextLink} paging.</li>
 * </ul>
 *
 * <p>Time comes from an injectable {@link Clock}: content becomes visible when the clock reaches its
 * {@code contentCreated}. Faults (throttling, 5xx, 401) are injected through {@link #faults()}.
 *
 * <p>Access tokens are shaped like Entra's v1 app-only tokens: an RS256 JWT signed with an emulator key (published
 * at {@code /{tenant}/discovery/keys} and {@code /{tenant}/discovery/v2.0/keys}, see {@link #tokenSigningKey()})
 * whose payload carries {@code aud} (the resource), {@code iss}, {@code tid}, {@code appid}/{@code appidacr},
 * {@code oid}/{@code sub}, {@code idtyp=app}, {@code roles} (the app's roles on that resource, see
 * {@link AppRegistration}), {@code iat}/{@code nbf}/{@code exp}, {@code uti}, {@code ver}. The APIs accept exactly
 * the tokens issued (and not revoked); a token without the API's role gets the API's 403 (AF10001 /
 * Authorization_RequestDenied). {@link Builder#opaqueTokens(boolean)} issues opaque random strings instead.
 * Note: the JDK server always sends a {@code Date} header with the system time.
 */
public final class M365Emulator implements AutoCloseable {
  public static final String MANAGEMENT_RESOURCE = "https://manage.office.com";
  public static final String GRAPH_RESOURCE = "https://graph.microsoft.com";
  public static final List<String> CONTENT_TYPES = List.of("Audit.AzureActiveDirectory", "Audit.Exchange",
      "Audit.SharePoint", "Audit.General", "DLP.All");
  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final DateTimeFormatter CONTENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final Pattern TOKEN_PATH = Pattern.compile("^/([^/]+)/oauth2/(v2\\.0/)?token$");
  private static final Pattern FEED_PATH = Pattern.compile("^/api/v1\\.0/([^/]+)/activity/feed/(.+)$");
  private static final Pattern GRAPH_PATH = Pattern.compile("^/(v1\\.0|beta)/auditLogs/signIns$");
  private static final Pattern KEYS_PATH = Pattern.compile("^/([^/]+)/discovery/(v2\\.0/)?keys$");
  private static final Pattern FILTER_TIME = Pattern.compile(
      "createdDateTime\\s+(ge|gt|le|lt)\\s+([0-9][0-9:.TZ+\\-]+)");
  private static final Pattern FILTER_TYPE = Pattern.compile(
      "signInEventTypes/any\\(\\s*(\\w+)\\s*:\\s*\\1\\s+eq\\s+'(\\w+)'\\s*\\)");

  static {
    // The JDK server writes headers and body separately; with Nagle's algorithm on, the client's delayed ACK
    // adds ~40 ms to every response. Read once when the server classes load, so set it before the first start.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, EmulatedTenant> tenants;
  private final Map<String, AppRegistration> apps;
  private final Clock clock;
  private final int pageSize;
  private final int graphPageSize;
  private final Duration tokenLifetime;
  private final String managementResource;
  private final String graphResource;
  private final boolean alreadyEnabledIsError;
  private final boolean staleSubscriptionList;
  private final String nextPageHeader;
  private final Long shuffleSeed;
  private final boolean opaqueTokens;
  private final Set<String> extraResources;
  private final FaultPlan faults = new FaultPlan();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
  private final List<String> everyToken = new CopyOnWriteArrayList<>();
  private final Set<String> usedJtis = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<String>> subscriptions = new ConcurrentHashMap<>();
  private final Map<String, ContentBlob> listed = new ConcurrentHashMap<>();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile String nextPageBase;
  private volatile String contentUriBase;
  private volatile String graphNextLinkBase;

  private record IssuedToken(String tenant, String clientId, String audience, Set<String> roles, Instant expiresAt) {}

  /** An error answer: HTTP status and JSON body. */
  private static final class ApiFailure extends Exception {
    final int status;
    final String body;
    final Duration retryAfter;

    ApiFailure(int status, String body, Duration retryAfter) {
      super(null, null, false, false);
      this.status = status;
      this.body = body;
      this.retryAfter = retryAfter;
    }
  }

  private M365Emulator(Builder b) throws IOException {
    this.tenants = Map.copyOf(b.tenants);
    this.apps = Map.copyOf(b.apps);
    this.clock = b.clock;
    this.pageSize = b.pageSize;
    this.graphPageSize = b.graphPageSize;
    this.tokenLifetime = b.tokenLifetime;
    this.managementResource = b.managementResource;
    this.graphResource = b.graphResource;
    this.alreadyEnabledIsError = b.alreadyEnabledIsError;
    this.staleSubscriptionList = b.staleSubscriptionList;
    this.nextPageHeader = b.nextPageHeader;
    this.shuffleSeed = b.shuffleSeed;
    this.opaqueTokens = b.opaqueTokens;
    this.extraResources = Set.copyOf(b.extraResources);
    for (String t : tenants.keySet()) subscriptions.put(t, ConcurrentHashMap.newKeySet());
    if (b.subscribed) for (String t : tenants.keySet()) subscriptions.get(t).addAll(CONTENT_TYPES);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 64);
    this.executor = Executors.newFixedThreadPool(b.threads, r -> {
      Thread t = new Thread(r, "m365-emulator");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code http://127.0.0.1:port}: API root, token authority and Graph root all at once. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public FaultPlan faults() {
    return faults;
  }

  /** Every request answered so far, in order. */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
  }

  public int tokensIssued() {
    return tokensIssued.get();
  }

  /** The public key that verifies the access tokens (RS256), shared by every emulator in the JVM. */
  public static RSAPublicKey tokenSigningKey() {
    return (RSAPublicKey) SigningKey.PAIR.getPublic();
  }

  /** The {@code kid} (and {@code x5t}) of {@link #tokenSigningKey()} in token headers and the key set. */
  public static String tokenSigningKeyId() {
    return SigningKey.KID;
  }

  /** The emulator's token signing key, generated once per JVM (RSA 2048 takes a moment). */
  private static final class SigningKey {
    static final KeyPair PAIR;
    static final String KID;

    static {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PAIR = g.generateKeyPair();
        KID = Base64.getUrlEncoder().withoutPadding().encodeToString(
            MessageDigest.getInstance("SHA-1").digest(PAIR.getPublic().getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Every access token issued so far, revoked ones included (for tests that scan output for leaked tokens). */
  public List<String> issuedTokens() {
    return List.copyOf(everyToken);
  }

  /** Invalidates every token issued so far (the next API call with one gets 401). */
  public void revokeTokens() {
    tokens.clear();
  }

  /** Content types with an enabled subscription for the tenant. */
  public Set<String> subscriptions(String tenantId) {
    return Set.copyOf(subscriptions.getOrDefault(tenantId, Set.of()));
  }

  /** Builds NextPageUri values on another base URL (e.g. a foreign host), or null for this server. */
  public void nextPageBase(String base) {
    this.nextPageBase = base;
  }

  /** Builds contentUri values on another base URL, or null for this server. */
  public void contentUriBase(String base) {
    this.contentUriBase = base;
  }

  /** Builds {@code @odata.nextLink} values on another base URL, or null for this server. */
  public void graphNextLinkBase(String base) {
    this.graphNextLinkBase = base;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------------------------------------ dispatch

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    String rawQuery = ex.getRequestURI().getRawQuery();
    Map<String, String> q = parseQuery(rawQuery);
    String kind = "unknown";
    int status;
    try {
      Matcher m;
      if ((m = TOKEN_PATH.matcher(path)).matches()) {
        kind = "token";
        status = token(ex, m.group(1), m.group(2) != null);
      } else if ((m = FEED_PATH.matcher(path)).matches()) {
        String op = m.group(2);
        kind = op.startsWith("subscriptions/content") ? "listing"
            : op.startsWith("subscriptions/") ? "subscriptions" : op.startsWith("audit/") ? "blob" : "unknown";
        status = feed(ex, m.group(1), op, q, kind);
      } else if ((m = GRAPH_PATH.matcher(path)).matches()) {
        kind = "graph";
        status = graph(ex, m.group(1), q);
      } else if (KEYS_PATH.matcher(path).matches()) {
        kind = "keys";
        status = send(ex, 200, keySet(), null);
      } else {
        status = send(ex, 404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"no such resource\"}}", null);
      }
    } catch (ApiFailure f) {
      status = send(ex, f.status, f.body, f.retryAfter);
    } catch (RuntimeException e) {
      status = send(ex, 500, errorBody("AF50000", "emulator failure: " + e), null);
    }
    requests.add(new RecordedRequest(ex.getRequestMethod(), path, rawQuery, kind,
        ex.getRequestHeaders().getFirst("Authorization") != null, q.get("PublisherIdentifier"), status,
        clock.instant()));
  }

  private void injectFault(FaultPlan.Target target) throws ApiFailure {
    Optional<FaultPlan.Fault> f = faults.next(target);
    if (f.isEmpty()) return;
    Duration ra = f.get().retryAfter();
    boolean graph = target == FaultPlan.Target.GRAPH;
    switch (f.get().kind()) {
      case THROTTLE_429 -> throw new ApiFailure(429, graph ? graphError("TooManyRequests", "Too many requests.")
          : errorBody("AF429", "Too many requests. Method=" + target + ", PublisherId=emulated"), ra);
      case THROTTLE_403 -> throw new ApiFailure(403,
          errorBody("AF429", "Too many requests. Method=" + target + ", PublisherId=emulated"), ra);
      case SERVER_ERROR_500 -> throw new ApiFailure(500, errorBody("AF50000", "An internal error occurred."), ra);
      case UNAVAILABLE_503 -> throw new ApiFailure(503, "", ra);
      case UNAUTHORIZED_401 -> throw new ApiFailure(401, errorBody("Unauthorized", "Token rejected."), null);
      default -> throw new IllegalStateException();
    }
  }

  // --------------------------------------------------------------------------------------------------- token

  private int token(HttpExchange ex, String tenant, boolean v2) throws IOException, ApiFailure {
    if (!"POST".equals(ex.getRequestMethod())) throw aad(405, "invalid_request", 900561, "use POST");
    injectFault(FaultPlan.Target.TOKEN);
    Map<String, String> form = parseQuery(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (!tenants.containsKey(tenant)) throw aad(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found.");
    if (!"client_credentials".equals(form.get("grant_type"))) {
      throw aad(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    }
    basicClientCredentials(ex, form);
    AppRegistration app = apps.get(form.getOrDefault("client_id", ""));
    if (app == null) throw aad(400, "unauthorized_client", 700016, "Application not found in the directory.");
    String audience;
    if (v2) {
      String scope = form.getOrDefault("scope", "");
      if (!scope.endsWith("/.default")) throw aad(400, "invalid_scope", 1002012, "scope must end with /.default");
      audience = scope.substring(0, scope.length() - "/.default".length());
    } else {
      audience = form.getOrDefault("resource", "");
    }
    audience = stripSlash(audience);
    if (!audience.equals(managementResource) && !audience.equals(graphResource) && !extraResources.contains(audience)) {
      throw aad(400, "invalid_resource", 500011, "The resource principal named " + audience + " was not found.");
    }
    String tokenUrl = baseUrl() + ex.getRequestURI().getRawPath();
    if (form.containsKey("client_secret")) {
      if (app.secret() == null || !MessageDigest.isEqual(app.secret().getBytes(StandardCharsets.UTF_8),
          form.get("client_secret").getBytes(StandardCharsets.UTF_8))) {
        throw aad(401, "invalid_client", 7000215, "Invalid client secret provided.");
      }
    } else if (JWT_BEARER.equals(form.get("client_assertion_type")) && form.containsKey("client_assertion")) {
      verifyAssertion(app, form.get("client_assertion"), tokenUrl);
    } else {
      throw aad(401, "invalid_client", 7000218, "The request body must contain client_assertion or client_secret.");
    }
    Instant now = clock.instant();
    Instant exp = now.plus(tokenLifetime);
    Set<String> roles = extraResources.contains(audience) && !audience.equals(managementResource)
        && !audience.equals(graphResource) ? Set.of() : app.rolesFor(audience.equals(graphResource));
    String token = opaqueTokens ? randomToken()
        : accessToken(tenant, app, audience, roles, now, exp, form.containsKey("client_secret") ? "1" : "2");
    tokens.put(token, new IssuedToken(tenant, app.clientId(), audience, roles, exp));
    everyToken.add(token);
    tokensIssued.incrementAndGet();
    ObjectNode out = json.createObjectNode();
    out.put("token_type", "Bearer");
    out.put("expires_in", tokenLifetime.toSeconds());
    out.put("ext_expires_in", tokenLifetime.toSeconds());
    if (!v2) {
      out.put("expires_on", Long.toString(exp.getEpochSecond()));
      out.put("resource", audience);
    }
    out.put("access_token", token);
    return send(ex, 200, out.toString(), null);
  }

  /**
   * Client authentication {@code client_secret_basic} (RFC 6749 section 2.3.1, as Kafka's OAUTHBEARER login sends it):
   * {@code Authorization: Basic base64(urlencode(client_id):urlencode(client_secret))}. Its credentials are put
   * into {@code form} as if they had been posted; a {@code client_id} in the body that names another client is
   * refused, and so is a secret in both places.
   */
  private static void basicClientCredentials(HttpExchange ex, Map<String, String> form) throws ApiFailure {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) return;
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw aad(401, "invalid_client", 7000218, "Malformed Basic authorization header.");
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) throw aad(401, "invalid_client", 7000218, "Malformed Basic authorization header.");
    String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
    String secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
    if (form.containsKey("client_id") && !form.get("client_id").equals(id)) {
      throw aad(400, "invalid_request", 900144, "client_id in the body and in the Authorization header differ.");
    }
    if (form.containsKey("client_secret") || form.containsKey("client_assertion")) {
      throw aad(400, "invalid_request", 900144, "Use one client authentication method only.");
    }
    form.put("client_id", id);
    form.put("client_secret", secret);
  }

  /** An Entra-shaped v1 app-only access token (see the class comment), RS256-signed with {@link SigningKey}. */
  private String accessToken(String tenant, AppRegistration app, String audience, Set<String> roles, Instant now,
      Instant exp, String appidacr) {
    ObjectNode h = json.createObjectNode();
    h.put("typ", "JWT");
    h.put("alg", "RS256");
    h.put("x5t", SigningKey.KID);
    h.put("kid", SigningKey.KID);
    String sp = UUID.nameUUIDFromBytes(("service-principal|" + tenant + "|" + app.clientId())
        .getBytes(StandardCharsets.UTF_8)).toString();
    ObjectNode p = json.createObjectNode();
    p.put("aud", audience);
    p.put("iss", "https://sts.windows.net/" + tenant + "/");
    p.put("iat", now.getEpochSecond());
    p.put("nbf", now.getEpochSecond());
    p.put("exp", exp.getEpochSecond());
    p.put("appid", app.clientId());
    p.put("appidacr", appidacr);
    p.put("idp", "https://sts.windows.net/" + tenant + "/");
    p.put("idtyp", "app");
    p.put("oid", sp);
    // Entra leaves the claim out when the app holds no role on the resource.
    if (!roles.isEmpty()) {
      ArrayNode r = p.putArray("roles");
      roles.stream().sorted().forEach(r::add);
    }
    p.put("sub", sp);
    p.put("tid", tenant);
    byte[] uti = new byte[16];
    random.nextBytes(uti);
    p.put("uti", Base64.getUrlEncoder().withoutPadding().encodeToString(uti));
    p.put("ver", "1.0");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signed = b64.encodeToString(h.toString().getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(p.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(SigningKey.PAIR.getPrivate());
      sig.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + b64.encodeToString(sig.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JWKS document of the token signing key, like Entra's {@code discovery/keys}. */
  private String keySet() {
    RSAPublicKey k = tokenSigningKey();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    ObjectNode out = json.createObjectNode();
    ObjectNode key = out.putArray("keys").addObject();
    key.put("kty", "RSA");
    key.put("use", "sig");
    key.put("alg", "RS256");
    key.put("kid", SigningKey.KID);
    key.put("x5t", SigningKey.KID);
    key.put("n", b64.encodeToString(unsigned(k.getModulus().toByteArray())));
    key.put("e", b64.encodeToString(unsigned(k.getPublicExponent().toByteArray())));
    return out.toString();
  }

  private static byte[] unsigned(byte[] b) {
    return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  private void verifyAssertion(AppRegistration app, String jwt, String tokenUrl) throws ApiFailure {
    if (app.certificate() == null) throw aad(401, "invalid_client", 700027, "No certificate registered for the app.");
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) throw aad(401, "invalid_client", 50027, "Malformed JWT client assertion.");
    JsonNode header;
    JsonNode claims;
    try {
      header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
      claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IOException | IllegalArgumentException e) {
      throw aad(401, "invalid_client", 50027, "Malformed JWT client assertion.");
    }
    if (!"RS256".equals(header.path("alg").asText())) throw aad(401, "invalid_client", 5002738, "alg must be RS256");
    try {
      byte[] thumb = MessageDigest.getInstance("SHA-1").digest(app.certificate().getEncoded());
      String x5t = Base64.getUrlEncoder().withoutPadding().encodeToString(thumb);
      if (!x5t.equals(header.path("x5t").asText())) {
        throw aad(401, "invalid_client", 700027, "Client assertion contains an unknown certificate thumbprint (x5t).");
      }
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initVerify(app.certificate().getPublicKey());
      sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!sig.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        throw aad(401, "invalid_client", 700027, "Client assertion failed signature validation.");
      }
    } catch (ApiFailure f) {
      throw f;
    } catch (Exception e) {
      throw aad(401, "invalid_client", 700027, "Client assertion failed signature validation.");
    }
    if (!tokenUrl.equals(claims.path("aud").asText())) {
      throw aad(401, "invalid_client", 700212, "The audience claim must be the token endpoint " + tokenUrl + ".");
    }
    if (!app.clientId().equals(claims.path("iss").asText()) || !app.clientId().equals(claims.path("sub").asText())) {
      throw aad(401, "invalid_client", 700023, "iss and sub must be the client id.");
    }
    long now = clock.instant().getEpochSecond();
    if (!claims.has("exp") || claims.path("exp").asLong() <= now - 300) {
      throw aad(401, "invalid_client", 700024, "Client assertion is not within its valid time range (exp).");
    }
    if (claims.has("nbf") && claims.path("nbf").asLong() > now + 300) {
      throw aad(401, "invalid_client", 700024, "Client assertion is not within its valid time range (nbf).");
    }
    String jti = claims.path("jti").asText("");
    if (jti.isEmpty() || !usedJtis.add(jti)) throw aad(401, "invalid_client", 700025, "jti missing or replayed.");
  }

  private IssuedToken authorize(HttpExchange ex, String audience, String tenant) throws ApiFailure {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    boolean graph = audience.equals(graphResource);
    if (h == null || !h.startsWith("Bearer ")) {
      throw new ApiFailure(401, graph ? graphError("InvalidAuthenticationToken", "Access token is empty.")
          : errorBody("Unauthorized", "Authorization header missing."), null);
    }
    IssuedToken t = tokens.get(h.substring("Bearer ".length()));
    if (t == null || !clock.instant().isBefore(t.expiresAt)) {
      throw new ApiFailure(401, graph ? graphError("InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
          : errorBody("Unauthorized", "Access token has expired or is invalid."), null);
    }
    if (!t.audience.equals(audience)) {
      throw new ApiFailure(401, errorBody("Unauthorized", "Token audience is not " + audience + "."), null);
    }
    if (tenant != null && !tenant.equals(t.tenant)) {
      throw new ApiFailure(401, errorBody("AF20010", "The tenant ID passed in the URL (" + tenant
          + ") does not match the tenant ID passed in the access token (" + t.tenant + ")."), null);
    }
    String role = graph ? "AuditLog.Read.All" : "ActivityFeed.Read";
    if (!t.roles.contains(role)) {
      throw new ApiFailure(403, graph
          ? graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
          // The reference's error table: "The permission set ({0}) sent in the request did not include the
          // expected permission ActivityFeed.Read." (it gives no HTTP status; 403 is ours).
          : errorBody("AF10001", "The permission set (" + String.join(",", new java.util.TreeSet<>(t.roles))
              + ") sent in the request did not include the expected permission ActivityFeed.Read."), null);
    }
    return t;
  }

  // ----------------------------------------------------------------------------------------- activity feed

  private int feed(HttpExchange ex, String tenant, String op, Map<String, String> q, String kind)
      throws IOException, ApiFailure {
    if (!tenants.containsKey(tenant)) {
      throw new ApiFailure(400, errorBody("AF20012", "Tenant " + tenant + " is not configured."), null);
    }
    injectFault(switch (kind) {
      case "listing" -> FaultPlan.Target.LISTING;
      case "blob" -> FaultPlan.Target.BLOB;
      default -> FaultPlan.Target.SUBSCRIPTIONS;
    });
    authorize(ex, managementResource, tenant);
    Set<String> subs = subscriptions.get(tenant);
    switch (op) {
      case "subscriptions/start" -> {
        requireMethod(ex, "POST");
        String ct = contentType(q);
        if (subs.contains(ct) && alreadyEnabledIsError) {
          throw new ApiFailure(400, errorBody("AF20024", "The subscription is already enabled. No property change."), null);
        }
        subs.add(ct);
        return send(ex, 200, subscription(ct).toString(), null);
      }
      case "subscriptions/stop" -> {
        requireMethod(ex, "POST");
        subs.remove(contentType(q));
        return send(ex, 204, "", null);
      }
      case "subscriptions/list" -> {
        ArrayNode arr = json.createArrayNode();
        if (!staleSubscriptionList) for (String ct : CONTENT_TYPES) if (subs.contains(ct)) arr.add(subscription(ct));
        return send(ex, 200, arr.toString(), null);
      }
      case "subscriptions/content" -> {
        return listContent(ex, tenant, q, subs);
      }
      default -> {
        if (op.startsWith("audit/")) return blob(ex, tenant, URLDecoder.decode(op.substring(6), StandardCharsets.UTF_8));
        throw new ApiFailure(404, errorBody("NotFound", "no such operation"), null);
      }
    }
  }

  private ObjectNode subscription(String ct) {
    ObjectNode o = json.createObjectNode();
    o.put("contentType", ct);
    o.put("status", "enabled");
    o.putNull("webhook");
    return o;
  }

  private static String contentType(Map<String, String> q) throws ApiFailure {
    String ct = q.get("contentType");
    if (ct == null || !CONTENT_TYPES.contains(ct)) {
      throw new ApiFailure(400, errorBody("AF20020", "The content type " + ct + " is invalid."), null);
    }
    return ct;
  }

  private int listContent(HttpExchange ex, String tenant, Map<String, String> q, Set<String> subs)
      throws IOException, ApiFailure {
    String ct = contentType(q);
    if (!subs.contains(ct)) {
      throw new ApiFailure(400, errorBody("AF20022", "No subscription found for the specified content type."), null);
    }
    Instant now = clock.instant();
    String s = q.get("startTime");
    String e = q.get("endTime");
    Instant start;
    Instant end;
    if (s == null && e == null) {
      end = now;
      start = now.minus(Duration.ofHours(24));
    } else if (s == null || e == null) {
      throw windowError("Either both or neither of start time and end time must be specified.");
    } else {
      start = parseApiTime(s);
      end = parseApiTime(e);
      if (!start.isBefore(end)) throw windowError("The start time must be before the end time.");
      if (Duration.between(start, end).compareTo(Duration.ofHours(24)) > 0) {
        throw windowError("The start time and end time must be no more than 24 hours apart.");
      }
      if (start.isBefore(now.minus(Duration.ofDays(7)))) {
        throw new ApiFailure(400, errorBody("AF20055",
            "Start time cannot be more than 7 days in the past. StartTime=" + s), null);
      }
    }
    EmulatedTenant t = tenants.get(tenant);
    Instant visibleUntil = now.plusNanos(1); // contentCreated <= now is available
    Instant to = end.isBefore(visibleUntil) ? end : visibleUntil;
    List<ContentBlob> items = new ArrayList<>(t.blobs(ct, start, to));
    items.removeIf(b -> b.contentCreated().isBefore(start) || !b.contentCreated().isBefore(to));
    items.sort(Comparator.comparing(ContentBlob::contentCreated).thenComparing(ContentBlob::contentId));
    String queryKey = tenant + "|" + ct + "|" + start + "|" + end;
    if (shuffleSeed != null) Collections.shuffle(items, new Random(shuffleSeed ^ queryKey.hashCode()));
    int offset = 0;
    if (q.containsKey("nextPage")) offset = decodePageToken(q.get("nextPage"), queryKey, "AF20031");
    int to2 = Math.min(items.size(), offset + pageSize);
    ArrayNode arr = json.createArrayNode();
    String uriBase = contentUriBase != null ? contentUriBase : baseUrl();
    for (ContentBlob b : items.subList(Math.min(offset, items.size()), to2)) {
      listed.put(tenant + "|" + b.contentId(), b);
      ObjectNode o = arr.addObject();
      o.put("contentType", b.contentType());
      o.put("contentId", b.contentId());
      o.put("contentUri", uriBase + "/api/v1.0/" + tenant + "/activity/feed/audit/"
          + URLEncoder.encode(b.contentId(), StandardCharsets.UTF_8));
      o.put("contentCreated", CONTENT_TIME.format(b.contentCreated()));
      o.put("contentExpiration", CONTENT_TIME.format(b.contentExpiration()));
    }
    if (to2 < items.size()) {
      String base = nextPageBase != null ? nextPageBase : baseUrl();
      String next = base + ex.getRequestURI().getRawPath() + "?contentType=" + ct + "&startTime=" + q.getOrDefault("startTime", "")
          + "&endTime=" + q.getOrDefault("endTime", "") + "&nextPage=" + encodePageToken(to2, queryKey);
      if (q.containsKey("PublisherIdentifier")) {
        next += "&PublisherIdentifier=" + URLEncoder.encode(q.get("PublisherIdentifier"), StandardCharsets.UTF_8);
      }
      ex.getResponseHeaders().set(nextPageHeader, next);
    }
    return send(ex, 200, arr.toString(), null);
  }

  private int blob(HttpExchange ex, String tenant, String contentId) throws IOException, ApiFailure {
    ContentBlob b = listed.get(tenant + "|" + contentId);
    if (b == null) {
      throw new ApiFailure(400, errorBody("AF20050", "The specified content (" + contentId + ") doesn't exist."), null);
    }
    if (!clock.instant().isBefore(b.contentExpiration())) {
      throw new ApiFailure(400, errorBody("AF20051",
          "Content requested with the key " + contentId + " has already expired. Content older than 7 days cannot be retrieved."),
          null);
    }
    StringBuilder sb = new StringBuilder(b.records().size() * 800 + 2).append('[');
    for (int i = 0; i < b.records().size(); i++) {
      if (i > 0) sb.append(',');
      sb.append(b.records().get(i));
    }
    return send(ex, 200, sb.append(']').toString(), null);
  }

  private static ApiFailure windowError(String msg) {
    return new ApiFailure(400, errorBody("AF20030", msg), null);
  }

  /** {@code YYYY-MM-DD}, {@code YYYY-MM-DDTHH:MM}, {@code YYYY-MM-DDTHH:MM:SS}, always UTC (a Z is tolerated). */
  static Instant parseApiTime(String s) throws ApiFailure {
    String t = s.endsWith("Z") ? s.substring(0, s.length() - 1) : s;
    try {
      if (t.length() == 10) return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new ApiFailure(400, errorBody("AF20002", "Invalid time format: " + s), null);
    }
  }

  // ---------------------------------------------------------------------------------------------------- graph

  private int graph(HttpExchange ex, String version, Map<String, String> q) throws IOException, ApiFailure {
    injectFault(FaultPlan.Target.GRAPH);
    IssuedToken tok = authorize(ex, graphResource, null);
    EmulatedTenant t = tenants.get(tok.tenant);
    String filter = q.getOrDefault("$filter", "");
    Instant from = Instant.EPOCH;
    Instant to = clock.instant().plusNanos(1);
    Matcher m = FILTER_TIME.matcher(filter);
    while (m.find()) {
      Instant v;
      try {
        v = OffsetDateTime.parse(m.group(2)).toInstant();
      } catch (DateTimeParseException e) {
        throw new ApiFailure(400, graphError("BadRequest", "Invalid filter clause: " + m.group(2)), null);
      }
      switch (m.group(1)) {
        case "ge" -> from = max(from, v);
        case "gt" -> from = max(from, v.plusNanos(1));
        case "lt" -> to = min(to, v);
        default -> to = min(to, v.plusNanos(1));
      }
    }
    Set<String> types = new LinkedHashSet<>();
    Matcher tm = FILTER_TYPE.matcher(filter);
    while (tm.find()) types.add(tm.group(2));
    if (!types.isEmpty() && version.equals("v1.0")) {
      throw new ApiFailure(400, graphError("BadRequest", "Invalid filter clause: signInEventTypes is beta only."), null);
    }
    if (types.isEmpty()) types.add("interactiveUser");
    List<SignInEvent> all = new ArrayList<>();
    for (SignInEvent s : t.signIns(from, to)) {
      if (types.contains(s.eventType()) && !s.createdDateTime().isBefore(from) && s.createdDateTime().isBefore(to)) {
        all.add(s);
      }
    }
    all.sort(Comparator.comparing(SignInEvent::createdDateTime).reversed().thenComparing(SignInEvent::id));
    int top = Math.min(graphPageSize, Integer.parseInt(q.getOrDefault("$top", Integer.toString(graphPageSize))));
    String queryKey = tok.tenant + "|" + version + "|" + filter + "|" + top;
    int offset = q.containsKey("$skiptoken") ? decodePageToken(q.get("$skiptoken"), queryKey, "BadRequest") : 0;
    int end = Math.min(all.size(), offset + top);
    StringBuilder sb = new StringBuilder("{\"@odata.context\":\"" + graphResource + "/" + version
        + "/$metadata#auditLogs/signIns\",\"value\":[");
    for (int i = offset; i < end; i++) {
      if (i > offset) sb.append(',');
      sb.append(all.get(i).json());
    }
    sb.append(']');
    if (end < all.size()) {
      String base = graphNextLinkBase != null ? graphNextLinkBase : baseUrl();
      String next = base + "/" + version + "/auditLogs/signIns?$filter=" + enc(filter) + "&$top=" + top
          + "&$skiptoken=" + encodePageToken(end, queryKey);
      sb.append(",\"@odata.nextLink\":").append(json.writeValueAsString(next));
    }
    return send(ex, 200, sb.append('}').toString(), null);
  }

  // -------------------------------------------------------------------------------------------------- helpers

  private static String encodePageToken(int offset, String queryKey) {
    String raw = offset + ":" + Integer.toHexString(queryKey.hashCode());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static int decodePageToken(String token, String queryKey, String code) throws ApiFailure {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] p = raw.split(":");
      if (p.length == 2 && p[1].equals(Integer.toHexString(queryKey.hashCode()))) return Integer.parseInt(p[0]);
    } catch (IllegalArgumentException ignored) {
      // fall through
    }
    throw new ApiFailure(400, code.startsWith("AF") ? errorBody(code, "Invalid nextPage Input: " + token)
        : graphError(code, "Invalid $skiptoken"), null);
  }

  private static void requireMethod(HttpExchange ex, String method) throws ApiFailure {
    if (!method.equals(ex.getRequestMethod())) {
      throw new ApiFailure(405, errorBody("MethodNotAllowed", "use " + method), null);
    }
  }

  private String randomToken() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return "emu." + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static Map<String, String> parseQuery(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return m;
    for (String kv : raw.split("&")) {
      int i = kv.indexOf('=');
      String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
      String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
      m.putIfAbsent(k, v);
    }
    return m;
  }

  private static String errorBody(String code, String message) {
    return "{\"error\":{\"code\":\"" + code + "\",\"message\":" + quote(message) + "}}";
  }

  private static String graphError(String code, String message) {
    return "{\"error\":{\"code\":\"" + code + "\",\"message\":" + quote(message) + ",\"innerError\":{}}}";
  }

  private static ApiFailure aad(int status, String error, int code, String description) {
    return new ApiFailure(status, "{\"error\":\"" + error + "\",\"error_description\":"
        + quote("AADSTS" + code + ": " + description) + ",\"error_codes\":[" + code + "]}", null);
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  private static int send(HttpExchange ex, int status, String body, Duration retryAfter) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    if (retryAfter != null) {
      long secs = (retryAfter.toMillis() + 999) / 1000;
      ex.getResponseHeaders().set("Retry-After", Long.toString(secs));
    }
    if (b.length > 0) ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(b);
      }
    }
    ex.close();
    return status;
  }

  // -------------------------------------------------------------------------------------------------- builder

  /** Builds and starts an emulator. */
  public static final class Builder {
    private final Map<String, EmulatedTenant> tenants = new LinkedHashMap<>();
    private final Map<String, AppRegistration> apps = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private int pageSize = 100;
    private int graphPageSize = 1000;
    private Duration tokenLifetime = Duration.ofSeconds(3599);
    private String managementResource = MANAGEMENT_RESOURCE;
    private String graphResource = GRAPH_RESOURCE;
    private boolean alreadyEnabledIsError = true;
    private boolean subscribed;
    private boolean staleSubscriptionList;
    private String nextPageHeader = "NextPageUri";
    private Long shuffleSeed;
    private boolean opaqueTokens;
    private final Set<String> extraResources = new LinkedHashSet<>();
    private int port;
    private int threads = 4;

    public Builder tenant(EmulatedTenant t) { tenants.put(t.tenantId(), t); return this; }
    public Builder app(AppRegistration a) { apps.put(a.clientId(), a); return this; }
    public Builder clock(Clock c) { this.clock = c; return this; }
    /** Items per content listing page before a NextPageUri is sent (default 100). */
    public Builder pageSize(int n) { this.pageSize = n; return this; }
    /** Upper bound on Graph page size ($top), default 1000. */
    public Builder graphPageSize(int n) { this.graphPageSize = n; return this; }
    public Builder tokenLifetime(Duration d) { this.tokenLifetime = d; return this; }
    public Builder managementResource(String r) { this.managementResource = stripSlash(r); return this; }
    public Builder graphResource(String r) { this.graphResource = stripSlash(r); return this; }
    /** Answer a start for an enabled subscription with AF20024 (default) or with 200. */
    public Builder alreadyEnabledIsError(boolean b) { this.alreadyEnabledIsError = b; return this; }
    /** subscriptions/list answers an empty list even for enabled subscriptions (start then says AF20024). */
    public Builder staleSubscriptionList(boolean b) { this.staleSubscriptionList = b; return this; }
    /** Start with every content type subscribed (default: none, the connector must start them). */
    public Builder subscribed(boolean b) { this.subscribed = b; return this; }
    /** Name of the paging header, e.g. {@code NextPageUrl} as the troubleshooting page spells it. */
    public Builder nextPageHeader(String name) { this.nextPageHeader = name; return this; }
    /** List items in a seeded random order instead of by contentCreated. */
    public Builder shuffleListing(long seed) { this.shuffleSeed = seed; return this; }
    /** Issue opaque random access tokens instead of JWTs (as some token services do). */
    public Builder opaqueTokens(boolean b) { this.opaqueTokens = b; return this; }
    /**
     * Another resource (API) tokens can be asked for, e.g. {@code api://ualwatch-kafka} for brokers that validate
     * OAUTHBEARER tokens against this emulator's key set. Its tokens carry no roles, and the emulated Microsoft
     * APIs refuse them (wrong audience).
     */
    public Builder resource(String r) { this.extraResources.add(stripSlash(r)); return this; }
    public Builder port(int p) { this.port = p; return this; }
    public Builder threads(int n) { this.threads = n; return this; }

    public M365Emulator start() {
      if (tenants.isEmpty()) throw new IllegalStateException("at least one tenant");
      try {
        return new M365Emulator(this);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

}
