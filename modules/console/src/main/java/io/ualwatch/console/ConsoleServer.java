package io.ualwatch.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The analysts' web console: a small page served by the JDK's HTTP server, a live alert list pushed with
 * server-sent events from a read_committed reader of the alerts topic, the detail of an alert with the raw
 * evidence records, and acknowledgements written to a compacted topic (key = alert id) that every console
 * reads back, so several analysts share one queue.
 *
 * <p>Binds to loopback unless told otherwise. With a token, every request needs it (header
 * {@code Authorization: Bearer …} or {@code X-Ualwatch-Token}, query parameter {@code token}, or the cookie the
 * first authorised page load sets); without it the answer is 401, whatever the path (page, API, event stream,
 * evidence, acknowledgement), and the body says nothing about alerts, records or the token.
 *
 * <p>With {@link TlsMaterial} it serves HTTPS only (TLS 1.2 and 1.3) and the cookie is {@code Secure}. Another
 * address than loopback needs both TLS and a token ({@link Settings#exposureProblem()}); a console behind a
 * reverse proxy that terminates TLS ({@link Settings#behindTlsProxy()}) needs the token. Every response carries
 * {@code nosniff}, {@code no-referrer} (the {@code ?token=} address does not leak), frame denial, a strict CSP and
 * {@code Cache-Control: no-store}. An acknowledgement is JSON only and, unless the token came in a header, must
 * come from the console's own page (its {@code Origin}, or {@code Sec-Fetch-Site: same-origin}).
 *
 * <p>Every Kafka client it creates (the alert feed, the evidence lookup, admin clients, the acknowledgement
 * producer) gets {@link Settings#kafka()}: the client security settings (security.protocol, ssl.*, sasl.*).
 */
public final class ConsoleServer implements AutoCloseable {
  /**
   * What the console connects to and how it serves.
   *
   * @param tls the HTTPS key and certificate; {@code null} serves plain HTTP (loopback, or behind a TLS proxy)
   * @param behindTlsProxy a reverse proxy in front terminates TLS: plain HTTP is allowed on another address than
   *     loopback (the token is still required), the cookie is {@code Secure}, the proxy's {@code Host} or
   *     {@code X-Forwarded-Host} is accepted and an acknowledgement's {@code Origin} must be {@code https://} that host
   * @param kafka extra properties for every Kafka client of the console (security.protocol, ssl.*, sasl.*);
   *     the console's own client settings win over them
   */
  public record Settings(String bootstrap, String bind, int port, String token, String alertsTopic,
      String acksTopic, List<String> rawTopics, int maxAlerts, Duration timeout, TlsMaterial tls,
      boolean behindTlsProxy, Map<String, String> kafka) {
    public Settings {
      if (bind == null || bind.isBlank()) bind = "127.0.0.1";
      if (token != null && token.isBlank()) token = null;
      if (maxAlerts <= 0) maxAlerts = 20_000;
      if (timeout == null) timeout = Duration.ofSeconds(10);
      kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
    }

    /** Plain HTTP, no extra Kafka client properties. */
    public Settings(String bootstrap, String bind, int port, String token, String alertsTopic, String acksTopic,
        List<String> rawTopics, int maxAlerts, Duration timeout) {
      this(bootstrap, bind, port, token, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout, null, false, Map.of());
    }

    public static Settings defaults(String bootstrap) {
      return new Settings(bootstrap, "127.0.0.1", 8080, null, "ualwatch.alerts", "ualwatch.acks",
          List.of("ualwatch.audit.raw", "ualwatch.signins.raw"), 20_000, Duration.ofSeconds(10));
    }

    public Settings withPort(int p) {
      return new Settings(bootstrap, bind, p, token, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout, tls,
          behindTlsProxy, kafka);
    }

    public Settings withToken(String t) {
      return new Settings(bootstrap, bind, port, t, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout, tls,
          behindTlsProxy, kafka);
    }

    public Settings withBind(String b) {
      return new Settings(bootstrap, b, port, token, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout, tls,
          behindTlsProxy, kafka);
    }

    public Settings withTls(TlsMaterial t) {
      return new Settings(bootstrap, bind, port, token, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout, t,
          behindTlsProxy, kafka);
    }

    public Settings withBehindTlsProxy(boolean b) {
      return new Settings(bootstrap, bind, port, token, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout, tls,
          b, kafka);
    }

    public Settings withKafka(Map<String, String> k) {
      return new Settings(bootstrap, bind, port, token, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout, tls,
          behindTlsProxy, k);
    }

    /**
     * Why these settings would expose the alert queue, or {@code null} when they do not: another address than
     * loopback needs a token and TLS (or {@link #behindTlsProxy()}); behind a proxy the token is needed anyway.
     */
    public String exposureProblem() {
      boolean loopback;
      try {
        loopback = InetAddress.getByName(bind).isLoopbackAddress();
      } catch (IOException e) {
        return "cannot resolve the console's bind address " + bind + ": " + e.getMessage();
      }
      if (behindTlsProxy && token == null) {
        return "a console behind a TLS proxy is reachable from other machines: it needs an access token";
      }
      if (loopback) return null;
      boolean encrypted = tls != null || behindTlsProxy;
      if (token != null && encrypted) return null;
      return "listening on " + bind + " lets other machines reach the alert queue and the raw audit records: that "
          + "needs " + (token == null && !encrypted ? "TLS (a certificate and key, or a PKCS#12 keystore) and an "
              + "access token" : token == null ? "an access token" : "TLS (a certificate and key, or a PKCS#12 "
              + "keystore), or a reverse proxy in front that terminates TLS (behind-TLS-proxy mode)")
          + "; or listen on 127.0.0.1 (this machine only)";
    }

    /** The settings without their secrets: the token and the Kafka property values are left out. */
    @Override
    public String toString() {
      return "Settings[bootstrap=" + bootstrap + ", bind=" + bind + ", port=" + port + ", token="
          + (token == null ? "none" : "(hidden)") + ", alertsTopic=" + alertsTopic + ", acksTopic=" + acksTopic
          + ", rawTopics=" + rawTopics + ", maxAlerts=" + maxAlerts + ", timeout=" + timeout + ", tls=" + tls
          + ", behindTlsProxy=" + behindTlsProxy + ", kafka=" + new java.util.TreeSet<>(kafka.keySet()) + "]";
    }
  }

  /** How a request proved it may come in. */
  private enum Auth {
    /** No token is configured. */
    OPEN,
    /** The token in a header: not something a page on another site can send. */
    HEADER,
    /** The token in the query string. */
    QUERY,
    /** The cookie: sent by the browser by itself, so a state change also needs proof it comes from this page. */
    COOKIE
  }

  static final int MAX_STREAMS = 32;
  /** The largest request body read (an acknowledgement with its note is well under it). */
  static final int MAX_BODY = 16 * 1024;
  static final Set<String> ACK_STATES = Set.of("ACKNOWLEDGED", "OPEN");
  private static final String WEB = "/io/ualwatch/console/web/";
  private static final Map<String, String> STATIC = Map.of(
      "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/app.css", "app.css",
      "/world.svg", "world.svg");

  private final Settings settings;
  private final HttpServer http;
  private final ExecutorService pool;
  private final AlertFeed feed;
  private final EvidenceLookup evidence;
  private final KafkaProducer<byte[], byte[]> ackProducer;
  private final AtomicInteger streams = new AtomicInteger();
  private final String cookieName;
  private final boolean loopback;
  private final boolean secure;
  private volatile boolean closing;

  private ConsoleServer(Settings s, HttpServer http, ExecutorService pool, AlertFeed feed, EvidenceLookup evidence,
      KafkaProducer<byte[], byte[]> ackProducer, boolean loopback) {
    this.settings = s;
    this.http = http;
    this.pool = pool;
    this.feed = feed;
    this.evidence = evidence;
    this.ackProducer = ackProducer;
    this.loopback = loopback;
    this.secure = s.tls() != null || s.behindTlsProxy();
    // under HTTPS the __Host- prefix keeps a plain-HTTP page of the same host from planting or shadowing it
    this.cookieName = (secure ? "__Host-" : "") + "ualwatch_token_" + http.getAddress().getPort();
  }

  /**
   * Checks the exposure and the TLS material, checks the broker, creates the acknowledgement topic if needed,
   * starts reading, and serves.
   *
   * @throws IllegalArgumentException when the settings would expose the queue ({@link Settings#exposureProblem()})
   *     or the TLS material cannot be used (the message says which file and why)
   * @throws Brokers.UnreachableException when the broker does not answer within the timeout
   * @throws BindException when the port is taken
   */
  public static ConsoleServer start(Settings s) throws IOException {
    String exposure = s.exposureProblem();
    if (exposure != null) throw new IllegalArgumentException(exposure);
    SSLContext ssl = s.tls() == null ? null : s.tls().sslContext();
    Brokers.requireReachable(s.bootstrap(), s.kafka(), s.timeout(), s.alertsTopic());
    Brokers.ensureCompactedTopic(s.bootstrap(), s.kafka(), s.timeout(), s.acksTopic());
    InetAddress addr = InetAddress.getByName(s.bind());
    HttpServer http;
    if (ssl == null) {
      http = HttpServer.create(new InetSocketAddress(addr, s.port()), 64);
    } else {
      HttpsServer https = HttpsServer.create(new InetSocketAddress(addr, s.port()), 64);
      https.setHttpsConfigurator(new HttpsConfigurator(ssl) {
        @Override
        public void configure(HttpsParameters p) {
          p.setSSLParameters(TlsMaterial.serverParameters(getSSLContext()));
        }
      });
      http = https;
    }
    AlertFeed feed = null;
    EvidenceLookup ev = null;
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      feed = new AlertFeed(s.bootstrap(), s.kafka(), s.alertsTopic(), s.acksTopic(), s.maxAlerts());
      feed.start();
      ev = new EvidenceLookup(s.bootstrap(), s.kafka(), s.rawTopics());
      try {
        producer = new KafkaProducer<>(Brokers.clientConfig(s.kafka(), Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap(),
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.MAX_BLOCK_MS_CONFIG, s.timeout().toMillis())), new ByteArraySerializer(), new ByteArraySerializer());
      } catch (org.apache.kafka.common.KafkaException e) {
        throw Brokers.clientProblem(s.bootstrap(), e);
      }
    } catch (RuntimeException e) {
      if (feed != null) feed.close();
      if (ev != null) ev.close();
      http.stop(0);
      throw e;
    }
    // every open page holds a thread for its event stream: the pool grows to MAX_STREAMS + 8 before anything
    // queues (a pool that queued past a small core size would leave the next page waiting for ever)
    ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_STREAMS + 8, MAX_STREAMS + 8, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(256), r -> {
          Thread t = new Thread(r, "console-http");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    http.setExecutor(pool);
    ConsoleServer server = new ConsoleServer(s, http, pool, feed, ev, producer, addr.isLoopbackAddress());
    http.createContext("/", server::handle);
    http.start();
    return server;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** The address to open, with the token when one is required. */
  public String url() {
    String host = http.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1"
        : http.getAddress().getAddress().getHostAddress();
    if (host.contains(":")) host = "[" + host + "]";
    return (settings.tls() != null ? "https://" : "http://") + host + ":" + port() + "/" + (settings.token() == null ? ""
        : "?token=" + java.net.URLEncoder.encode(settings.token(), StandardCharsets.UTF_8));
  }

  public AlertFeed feed() {
    return feed;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      var h = ex.getResponseHeaders();
      securityHeaders(h);
      // the body is read before any answer, whatever the answer: a connection whose request body was left
      // unread can stall the next request on it (seen with the JDK's HTTPS server under keep-alive)
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_BODY);
        if (in.read() != -1) {
          h.set("Connection", "close");
          send(ex, 413, "text/plain", "request body over " + MAX_BODY + " bytes");
          return;
        }
      }
      if (loopback && !settings.behindTlsProxy() && !hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
        // a page on another site that rebinds its name to 127.0.0.1 must not read the queue
        send(ex, 403, "text/plain", "unexpected Host header: open the console as 127.0.0.1 or localhost");
        return;
      }
      Auth auth = authorised(ex);
      if (auth == null) {
        h.set("WWW-Authenticate", "Bearer realm=\"ualwatch\"");
        send(ex, 401, "text/plain", "401: this console needs its access token: open the URL that 'ualwatch console' "
            + "printed (…/?token=…), or send 'Authorization: Bearer TOKEN'");
        return;
      }
      String method = ex.getRequestMethod();
      if (path.startsWith("/api/")) {
        api(ex, method, path, auth, body);
        return;
      }
      String file = STATIC.get(path);
      if (file == null || !method.equals("GET") && !method.equals("HEAD")) {
        send(ex, 404, "text/plain", "not found: " + path);
        return;
      }
      String type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css"
          : file.endsWith(".svg") ? "image/svg+xml" : "text/html";
      try (InputStream in = ConsoleServer.class.getResourceAsStream(WEB + file)) {
        if (in == null) {
          send(ex, 500, "text/plain", "missing resource " + file);
          return;
        }
        send(ex, 200, type + "; charset=utf-8", in.readAllBytes());
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /**
   * Set on every response before anything else (where a handler sets one of them itself, its value stays): no
   * type sniffing, no referrer (the {@code ?token=} address must not leak to other sites), no framing, a strict
   * CSP and no caching (alerts and raw records must not stay in a shared or disk cache).
   */
  private static void securityHeaders(com.sun.net.httpserver.Headers h) {
    setIfMissing(h, "X-Content-Type-Options", "nosniff");
    setIfMissing(h, "Referrer-Policy", "no-referrer");
    setIfMissing(h, "X-Frame-Options", "DENY");
    setIfMissing(h, "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    setIfMissing(h, "Cache-Control", "no-store");
    setIfMissing(h, "Cross-Origin-Resource-Policy", "same-origin");
    setIfMissing(h, "Cross-Origin-Opener-Policy", "same-origin");
  }

  private static void setIfMissing(com.sun.net.httpserver.Headers h, String name, String value) {
    if (!h.containsKey(name)) h.set(name, value);
  }

  private void api(HttpExchange ex, String method, String path, Auth auth, byte[] body) throws IOException {
    if (path.equals("/api/events") && method.equals("GET")) {
      stream(ex);
    } else if (path.equals("/api/alerts") && method.equals("GET")) {
      sendJson(ex, 200, feed.snapshot());
    } else if (path.equals("/api/health") && method.equals("GET")) {
      ObjectNode o = AlertFeed.MAPPER.createObjectNode();
      o.put("caughtUp", feed.caughtUp());
      o.put("alerts", feed.size());
      o.put("streams", streams.get());
      sendJson(ex, 200, o);
    } else if (path.startsWith("/api/alerts/") && path.endsWith("/evidence") && method.equals("GET")) {
      String id = URLDecoder.decode(path.substring("/api/alerts/".length(), path.length() - "/evidence".length()),
          StandardCharsets.UTF_8);
      ObjectNode a = feed.alert(id);
      if (a == null) {
        sendError(ex, 404, "no alert " + id);
        return;
      }
      ObjectNode o = AlertFeed.MAPPER.createObjectNode();
      o.put("alert_id", id);
      o.set("records", evidence.lookup(a, Duration.ofSeconds(5)));
      sendJson(ex, 200, o);
    } else if (path.startsWith("/api/alerts/") && path.endsWith("/ack")) {
      if (!method.equals("POST")) {
        sendError(ex, 405, "use POST");
        return;
      }
      ack(ex, URLDecoder.decode(path.substring("/api/alerts/".length(), path.length() - "/ack".length()),
          StandardCharsets.UTF_8), auth, body);
    } else {
      sendError(ex, 404, "no such endpoint: " + method + " " + path);
    }
  }

  private void ack(HttpExchange ex, String id, Auth auth, byte[] bytes) throws IOException {
    String ct = ex.getRequestHeaders().getFirst("Content-Type");
    if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      // a cross-site form cannot send JSON without a CORS preflight, which this server never grants
      sendError(ex, 415, "send the acknowledgement as application/json");
      return;
    }
    String crossSite = crossSiteProblem(ex, auth);
    if (crossSite != null) {
      sendError(ex, 403, crossSite);
      return;
    }
    ObjectNode alert = feed.alert(id);
    if (alert == null) {
      sendError(ex, 404, "no alert " + id);
      return;
    }
    JsonNode body;
    try {
      body = AlertFeed.MAPPER.readTree(bytes);
    } catch (IOException e) {
      sendError(ex, 400, "the body is not JSON: " + e.getMessage());
      return;
    }
    String state = body.path("state").asText("ACKNOWLEDGED").toUpperCase(Locale.ROOT);
    if (!ACK_STATES.contains(state)) {
      sendError(ex, 400, "state must be ACKNOWLEDGED or OPEN");
      return;
    }
    ObjectNode ack = AlertFeed.MAPPER.createObjectNode();
    ack.put("alert_id", id);
    ack.put("state", state);
    ack.put("by", clip(body.path("by").asText("analyst"), 80));
    ack.put("note", clip(body.path("note").asText(""), 1000));
    ack.put("time", Instant.now().toString());
    ack.put("alert_revision", alert.path("unmapped").path("revision").asInt());
    try {
      ackProducer.send(new ProducerRecord<>(settings.acksTopic(), id.getBytes(StandardCharsets.UTF_8),
          AlertFeed.MAPPER.writeValueAsBytes(ack))).get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      sendError(ex, 503, "the acknowledgement was not written to " + settings.acksTopic() + ": " + e.getMessage());
      return;
    }
    sendJson(ex, 200, ack);
  }

  /** Server-sent events: a snapshot first, then every alert revision and acknowledgement as it is read. */
  private void stream(HttpExchange ex) throws IOException {
    if (streams.incrementAndGet() > MAX_STREAMS) {
      streams.decrementAndGet();
      sendError(ex, 503, "too many open consoles (" + MAX_STREAMS + ")");
      return;
    }
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(10_000);
    java.util.concurrent.atomic.AtomicBoolean overflow = new java.util.concurrent.atomic.AtomicBoolean();
    AlertFeed.Listener listener = new AlertFeed.Listener() {
      @Override public void onAlert(ObjectNode alert) {
        offer("alert", alert);
      }

      @Override public void onAck(ObjectNode ack) {
        offer("ack", ack);
      }

      private void offer(String event, ObjectNode data) {
        if (!queue.offer(event(event, data))) overflow.set(true);
      }
    };
    feed.addListener(listener);
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      // the snapshot is taken after the listener is registered: nothing falls in between (a revision may
      // come twice, which the page handles as an upsert)
      write(out, "retry: 2000\n\n" + event("snapshot", feed.snapshot()));
      boolean wasCaughtUp = feed.caughtUp();
      while (!closing) {
        String next = queue.poll(15, TimeUnit.SECONDS);
        if (overflow.get()) return; // the browser was too slow: it reconnects and gets a fresh snapshot
        if (next == null) {
          write(out, ": keep-alive\n\n");
        } else {
          StringBuilder sb = new StringBuilder(next);
          List<String> more = new java.util.ArrayList<>();
          queue.drainTo(more, 500);
          for (String m : more) sb.append(m);
          write(out, sb.toString());
        }
        if (!wasCaughtUp && feed.caughtUp()) {
          wasCaughtUp = true;
          write(out, "event: caughtup\ndata: {}\n\n");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      feed.removeListener(listener);
      streams.decrementAndGet();
    }
  }

  private static String event(String name, JsonNode data) {
    try {
      return "event: " + name + "\ndata: " + AlertFeed.MAPPER.writeValueAsString(data) + "\n\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * Why a state-changing request may come from a page on another site, or {@code null}. The browser sends the
   * cookie by itself, so a request authorised by the cookie (or by nothing, without a token) must show that it
   * comes from the console's own page: an {@code Origin} equal to this server's, or, where a browser leaves
   * {@code Origin} out, {@code Sec-Fetch-Site: same-origin}. A token in a header cannot be sent by another site's
   * page (it would need a CORS preflight, never granted), so such a client (a script) may leave both out; an
   * {@code Origin} or {@code Sec-Fetch-Site} that is there must still match.
   */
  private String crossSiteProblem(HttpExchange ex, Auth auth) {
    var req = ex.getRequestHeaders();
    String site = req.getFirst("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      return "cross-site request refused: acknowledge from the console's own page";
    }
    String origin = req.getFirst("Origin");
    if (origin == null) {
      if (auth == Auth.HEADER || auth == Auth.QUERY || "same-origin".equalsIgnoreCase(site)) return null;
      return "the acknowledgement has no Origin header: send it from the console's page, or authenticate with "
          + "'Authorization: Bearer TOKEN'";
    }
    String expected = ownOrigin(ex);
    if (expected == null || !origin.strip().equalsIgnoreCase(expected)) {
      return "cross-origin request refused: acknowledge from the console's own page";
    }
    return null;
  }

  /** This server's origin as the browser sees it (scheme and the Host it was asked for), or {@code null}. */
  private String ownOrigin(HttpExchange ex) {
    var req = ex.getRequestHeaders();
    String host = null;
    if (settings.behindTlsProxy()) {
      String fwd = req.getFirst("X-Forwarded-Host");
      if (fwd != null && !fwd.isBlank()) host = fwd.split(",")[0].strip();
    }
    if (host == null) host = req.getFirst("Host");
    if (host == null || host.isBlank()) return null;
    if (loopback && !settings.behindTlsProxy() && !hostAllowed(host)) return null;
    return (secure ? "https://" : "http://") + host.strip().toLowerCase(Locale.ROOT);
  }

  private Auth authorised(HttpExchange ex) {
    String token = settings.token();
    if (token == null) return Auth.OPEN;
    var req = ex.getRequestHeaders();
    String auth = req.getFirst("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && same(auth.substring(7).strip(), token)) {
      return Auth.HEADER;
    }
    if (same(req.getFirst("X-Ualwatch-Token"), token)) return Auth.HEADER;
    String q = ex.getRequestURI().getRawQuery();
    if (q != null) {
      for (String kv : q.split("&")) {
        int i = kv.indexOf('=');
        if (i > 0 && kv.substring(0, i).equals("token")
            && same(URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8), token)) {
          // the page's own requests (scripts, the event stream) then authenticate with the cookie
          ex.getResponseHeaders().add("Set-Cookie", cookieName + "=" + cookieValue(token)
              + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""));
          return Auth.QUERY;
        }
      }
    }
    List<String> cookies = req.get("Cookie");
    if (cookies != null) {
      for (String header : cookies) {
        for (String c : header.split(";")) {
          String kv = c.strip();
          if (kv.startsWith(cookieName + "=") && same(kv.substring(cookieName.length() + 1), cookieValue(token))) {
            return Auth.COOKIE;
          }
        }
      }
    }
    return null;
  }

  private static String cookieValue(String token) {
    return java.net.URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  private static boolean same(String given, String expected) {
    if (given == null) return false;
    return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  private boolean hostAllowed(String host) {
    if (host == null) return false;
    int port = port();
    String h = host.strip().toLowerCase(Locale.ROOT);
    return h.equals("127.0.0.1:" + port) || h.equals("localhost:" + port) || h.equals("[::1]:" + port)
        || h.equals(settings.bind() + ":" + port);
  }

  private static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static void sendError(HttpExchange ex, int code, String message) throws IOException {
    ObjectNode o = AlertFeed.MAPPER.createObjectNode();
    o.put("error", message);
    sendJson(ex, code, o);
  }

  private static void sendJson(HttpExchange ex, int code, JsonNode body) throws IOException {
    send(ex, code, "application/json; charset=utf-8", AlertFeed.MAPPER.writeValueAsBytes(body));
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    send(ex, code, type + (type.contains("charset") ? "" : "; charset=utf-8"), body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(code, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    http.stop(0);
    pool.shutdownNow();
    feed.close();
    evidence.close();
    ackProducer.close(Duration.ofSeconds(2));
  }
}
