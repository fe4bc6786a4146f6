package io.ualwatch.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
 * first authorised page load sets); without it the answer is 401.
 */
public final class ConsoleServer implements AutoCloseable {
  /** What the console connects to and how it serves. */
  public record Settings(String bootstrap, String bind, int port, String token, String alertsTopic,
      String acksTopic, List<String> rawTopics, int maxAlerts, Duration timeout) {
    public Settings {
      if (bind == null || bind.isBlank()) bind = "127.0.0.1";
      if (token != null && token.isBlank()) token = null;
      if (maxAlerts <= 0) maxAlerts = 20_000;
      if (timeout == null) timeout = Duration.ofSeconds(10);
    }

    public static Settings defaults(String bootstrap) {
      return new Settings(bootstrap, "127.0.0.1", 8080, null, "ualwatch.alerts", "ualwatch.acks",
          List.of("ualwatch.audit.raw", "ualwatch.signins.raw"), 20_000, Duration.ofSeconds(10));
    }

    public Settings withPort(int p) {
      return new Settings(bootstrap, bind, p, token, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout);
    }

    public Settings withToken(String t) {
      return new Settings(bootstrap, bind, port, t, alertsTopic, acksTopic, rawTopics, maxAlerts, timeout);
    }
  }

  static final int MAX_STREAMS = 32;
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
    this.cookieName = "ualwatch_token_" + http.getAddress().getPort();
  }

  /**
   * Checks the broker, creates the acknowledgement topic if needed, starts reading, and serves.
   *
   * @throws Brokers.UnreachableException when the broker does not answer within the timeout
   * @throws BindException when the port is taken
   */
  public static ConsoleServer start(Settings s) throws IOException {
    Brokers.requireReachable(s.bootstrap(), s.timeout(), s.alertsTopic());
    Brokers.ensureCompactedTopic(s.bootstrap(), s.timeout(), s.acksTopic());
    InetAddress addr = InetAddress.getByName(s.bind());
    HttpServer http = HttpServer.create(new InetSocketAddress(addr, s.port()), 64);
    AlertFeed feed = new AlertFeed(s.bootstrap(), s.alertsTopic(), s.acksTopic(), s.maxAlerts());
    EvidenceLookup ev = null;
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      feed.start();
      ev = new EvidenceLookup(s.bootstrap(), s.rawTopics());
      producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap(),
          ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.MAX_BLOCK_MS_CONFIG, s.timeout().toMillis()), new ByteArraySerializer(), new ByteArraySerializer());
    } catch (RuntimeException e) {
      feed.close();
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
    return "http://" + host + ":" + port() + "/" + (settings.token() == null ? ""
        : "?token=" + java.net.URLEncoder.encode(settings.token(), StandardCharsets.UTF_8));
  }

  public AlertFeed feed() {
    return feed;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      var h = ex.getResponseHeaders();
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("X-Frame-Options", "DENY");
      h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
          + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      if (loopback && !hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
        // a page on another site that rebinds its name to 127.0.0.1 must not read the queue
        send(ex, 403, "text/plain", "unexpected Host header: open the console as 127.0.0.1 or localhost");
        return;
      }
      if (!authorised(ex)) {
        h.set("WWW-Authenticate", "Bearer realm=\"ualwatch\"");
        send(ex, 401, "text/plain", "401: this console needs its access token: open the URL that 'ualwatch console' "
            + "printed (…/?token=…), or send 'Authorization: Bearer TOKEN'");
        return;
      }
      String method = ex.getRequestMethod();
      if (path.startsWith("/api/")) {
        h.set("Cache-Control", "no-store");
        api(ex, method, path);
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

  private void api(HttpExchange ex, String method, String path) throws IOException {
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
          StandardCharsets.UTF_8));
    } else {
      sendError(ex, 404, "no such endpoint: " + method + " " + path);
    }
  }

  private void ack(HttpExchange ex, String id) throws IOException {
    String ct = ex.getRequestHeaders().getFirst("Content-Type");
    if (ct == null || !ct.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      // a cross-site form cannot send JSON without a CORS preflight, which this server never grants
      sendError(ex, 415, "send the acknowledgement as application/json");
      return;
    }
    String origin = ex.getRequestHeaders().getFirst("Origin");
    if (origin != null && !hostAllowed(origin.replaceFirst("^https?://", ""))) {
      sendError(ex, 403, "cross-origin request refused");
      return;
    }
    ObjectNode alert = feed.alert(id);
    if (alert == null) {
      sendError(ex, 404, "no alert " + id);
      return;
    }
    JsonNode body;
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(16 * 1024);
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

  private boolean authorised(HttpExchange ex) {
    String token = settings.token();
    if (token == null) return true;
    var req = ex.getRequestHeaders();
    String auth = req.getFirst("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && same(auth.substring(7).strip(), token)) {
      return true;
    }
    if (same(req.getFirst("X-Ualwatch-Token"), token)) return true;
    String q = ex.getRequestURI().getRawQuery();
    if (q != null) {
      for (String kv : q.split("&")) {
        int i = kv.indexOf('=');
        if (i > 0 && kv.substring(0, i).equals("token")
            && same(URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8), token)) {
          // the page's own requests (scripts, the event stream) then authenticate with the cookie
          ex.getResponseHeaders().add("Set-Cookie", cookieName + "=" + cookieValue(token)
              + "; Path=/; HttpOnly; SameSite=Strict");
          return true;
        }
      }
    }
    List<String> cookies = req.get("Cookie");
    if (cookies != null) {
      for (String header : cookies) {
        for (String c : header.split(";")) {
          String kv = c.strip();
          if (kv.startsWith(cookieName + "=") && same(kv.substring(cookieName.length() + 1), cookieValue(token))) {
            return true;
          }
        }
      }
    }
    return false;
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
