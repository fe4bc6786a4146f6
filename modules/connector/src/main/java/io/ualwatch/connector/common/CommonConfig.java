package io.ualwatch.connector.common;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Settings shared by both connectors: tenants, cloud, credentials, HTTP, retries, pacing, heartbeats. */
public final class CommonConfig {
  private CommonConfig() {}

  public static final String GROUP_SOURCE = "Source";
  public static final String GROUP_AUTH = "Authentication";
  public static final String GROUP_PACING = "Windows and pacing";
  public static final String GROUP_HTTP = "HTTP and retries";
  public static final String GROUP_OUTPUT = "Output";

  public static final String TENANT_IDS = "tenant.ids";
  public static final String CLOUD = "cloud";
  public static final String AUTH_AUTHORITY = "auth.authority";
  public static final String AUTH_CLIENT_ID = "auth.client.id";
  public static final String AUTH_CLIENT_SECRET = "auth.client.secret";
  public static final String AUTH_CERT_PATH = "auth.certificate.path";
  public static final String AUTH_CERT_PASSWORD = "auth.certificate.password";
  public static final String AUTH_TOKEN_VERSION = "auth.token.endpoint.version";
  public static final String AUTH_REFRESH_MARGIN = "auth.token.refresh.margin.ms";
  public static final String HTTP_CONNECT_TIMEOUT = "http.connect.timeout.ms";
  public static final String HTTP_REQUEST_TIMEOUT = "http.request.timeout.ms";
  public static final String RETRY_INITIAL = "retry.backoff.initial.ms";
  public static final String RETRY_MAX = "retry.backoff.max.ms";
  public static final String RETRY_ATTEMPTS = "retry.max.attempts";
  public static final String CLOCK_DATE_HEADER = "clock.use.server.date";
  public static final String TOPIC = "topic";
  public static final String HEARTBEAT_TOPIC = "heartbeat.topic";
  public static final String HEARTBEAT_INTERVAL = "heartbeat.interval.ms";
  public static final String POLL_INTERVAL = "poll.interval.ms";
  public static final String CLOCK_INTERVAL = "clock.interval.ms";

  /** Internal keys the connector adds to each task's configuration. */
  public static final String TASK_TENANT = "task.tenant";
  public static final String TASK_STREAM = "task.stream";
  public static final String TASK_INDEX = "task.index";
  public static final String TASK_COUNT = "task.count";
  public static final String TOPIC_PARTITIONS = "topic.partitions";

  public static final String DEFAULT_HEARTBEAT_TOPIC = "ualwatch.connect.heartbeat";

  public static ConfigDef define(ConfigDef d, String defaultTopic, long defaultPollMs) {
    int o = 0;
    d.define(TENANT_IDS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ListValidator.nonEmpty("tenant id"), Importance.HIGH,
        "Tenant GUIDs to collect. The connector runs one task per tenant and stream (content type or sign-in "
            + "event type).", GROUP_SOURCE, ++o, Width.LONG, "Tenants");
    d.define(CLOUD, Type.STRING, Cloud.COMMERCIAL.key, ConfigDef.ValidString.in(Cloud.keys()), Importance.HIGH,
        "Cloud preset (commercial, gcc, gcc-high, dod). It only fills the API root, authority and resource "
            + "settings that are left empty.", GROUP_SOURCE, ++o, Width.SHORT, "Cloud");
    o = 0;
    d.define(AUTH_AUTHORITY, Type.STRING, "", Importance.MEDIUM,
        "Token authority, e.g. https://login.microsoftonline.com. Empty: the cloud preset's. The token endpoint "
            + "is <authority>/<tenant>/oauth2/v2.0/token (or /oauth2/token for v1).", GROUP_AUTH, ++o, Width.LONG,
        "Authority");
    d.define(AUTH_CLIENT_ID, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
        Importance.HIGH, "Application (client) id of the app registration.", GROUP_AUTH, ++o, Width.MEDIUM,
        "Client id");
    d.define(AUTH_CLIENT_SECRET, Type.PASSWORD, null, Importance.HIGH,
        "Client secret. Give it through a config provider, e.g. ${env:UALWATCH_CLIENT_SECRET} or "
            + "${file:/etc/ualwatch/secrets.properties:client.secret}, so that it is not stored in the connector "
            + "config. Exactly one of this and auth.certificate.path.", GROUP_AUTH, ++o, Width.MEDIUM,
        "Client secret");
    d.define(AUTH_CERT_PATH, Type.STRING, "", Importance.HIGH,
        "Certificate credential: a PKCS#12 file (.pfx/.p12) or a PEM file with an unencrypted PKCS#8 'PRIVATE "
            + "KEY' and its 'CERTIFICATE'. RSA, at least 2048 bits. Used to sign an RS256 client assertion.",
        GROUP_AUTH, ++o, Width.LONG, "Certificate file");
    d.define(AUTH_CERT_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM,
        "Password of the PKCS#12 certificate file (use a config provider).", GROUP_AUTH, ++o, Width.MEDIUM,
        "Certificate password");
    d.define(AUTH_TOKEN_VERSION, Type.STRING, "v2", ConfigDef.ValidString.in("v1", "v2"), Importance.LOW,
        "Token endpoint: v2 (scope=<resource>/.default) or v1 (resource=<resource>).", GROUP_AUTH, ++o,
        Width.SHORT, "Token endpoint version");
    d.define(AUTH_REFRESH_MARGIN, Type.LONG, 300_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
        "Refresh a cached token this long before it expires (tokens live 3599 s).", GROUP_AUTH, ++o,
        Width.SHORT, "Token refresh margin");
    o = 0;
    d.define(HTTP_CONNECT_TIMEOUT, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "TCP/TLS connect timeout.", GROUP_HTTP, ++o, Width.SHORT, "Connect timeout");
    d.define(HTTP_REQUEST_TIMEOUT, Type.LONG, 120_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Timeout of one HTTP request, body included.", GROUP_HTTP, ++o, Width.SHORT, "Request timeout");
    d.define(RETRY_INITIAL, Type.LONG, 1_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "First back-off after a throttled (AF429 as HTTP 429 or 403), 5xx/AF50000 or I/O failure; doubles per "
            + "attempt, with jitter. A Retry-After header is always honoured as a minimum.", GROUP_HTTP, ++o,
        Width.SHORT, "Initial back-off");
    d.define(RETRY_MAX, Type.LONG, 300_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Back-off ceiling (Retry-After may ask for more and is honoured).", GROUP_HTTP, ++o, Width.SHORT,
        "Max back-off");
    d.define(RETRY_ATTEMPTS, Type.INT, 10, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Transient failures in a row before the poll gives up with a retriable error; Connect polls again and "
            + "the task resumes where it was (it is not failed).", GROUP_HTTP, ++o, Width.SHORT, "Attempts");
    d.define(CLOCK_DATE_HEADER, Type.BOOLEAN, true, Importance.LOW,
        "Correct for local clock skew with the API's Date response header: window ends never pass the "
            + "earlier of the two clocks, the 7-day floor uses the later.", GROUP_HTTP, ++o, Width.SHORT,
        "Use server Date");
    o = 0;
    d.define(TOPIC, Type.STRING, defaultTopic, new ConfigDef.NonEmptyString(), Importance.HIGH,
        "Kafka topic the records go to.", GROUP_OUTPUT, ++o, Width.MEDIUM, "Topic");
    d.define(HEARTBEAT_TOPIC, Type.STRING, DEFAULT_HEARTBEAT_TOPIC, Importance.MEDIUM,
        "Topic for small heartbeat records that carry the source offset when a window completes without "
            + "producing records (Connect commits offsets only with records). Empty disables heartbeats; empty "
            + "windows are then re-listed after a restart.", GROUP_OUTPUT, ++o, Width.MEDIUM, "Heartbeat topic");
    d.define(HEARTBEAT_INTERVAL, Type.LONG, 300_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
        "At most one heartbeat per task per this interval.", GROUP_OUTPUT, ++o, Width.SHORT, "Heartbeat interval");
    d.define(POLL_INTERVAL, Type.LONG, defaultPollMs, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
        "When caught up (the next window would end in the future), wait this long before listing again.",
        GROUP_PACING, 100, Width.SHORT, "Poll interval");
    d.define(TOPIC_PARTITIONS, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
        "Partitions of the topic, to give each (tenant, stream) task its own partition: task i writes to partition "
            + "i mod this. Each partition then holds one stream in the order the API served it, which is what the "
            + "detection job's per-partition event-time watermarks assume: two streams that progress at different "
            + "speeds (say interactive and non-interactive sign-ins catching up on a 7-day backlog) in one partition "
            + "make the faster one push the watermark past records the slower one has not delivered yet. Set it to "
            + "the topic's partition count, at least the number of tasks if possible. 0 = Kafka's key hashing.",
        GROUP_OUTPUT, ++o, Width.SHORT, "Topic partitions");
    d.define(CLOCK_INTERVAL, Type.LONG, 30_000L, ConfigDef.Range.atLeast(1_000L), Importance.LOW,
        "Feed clocks: at most once per this interval (and about this often while idle) each task writes a clock "
            + "record (no value, key ualwatch.clock|<stream>, headers ualwatch.stream and ualwatch.clock = the "
            + "event time in epoch ms up to which its stream has delivered everything) into its partition of the "
            + "topic; task 0 also writes into the partitions no task owns (topic.partitions above the number of "
            + "tasks). Data records carry their stream in the header ualwatch.stream. The detection job takes each "
            + "partition's watermark from these, so a quiet feed holds event time where it is instead of leaving a "
            + "partition stuck or skipped. Keep it well below the job's job.watermark.stream-timeout. With "
            + "topic.partitions=0 a task's clock goes to the one partition its key hashes to.",
        GROUP_OUTPUT, ++o, Width.SHORT, "Feed clock interval");
    d.defineInternal(TASK_TENANT, Type.STRING, "", Importance.LOW);
    d.defineInternal(TASK_INDEX, Type.INT, 0, Importance.LOW);
    d.defineInternal(TASK_COUNT, Type.INT, 0, Importance.LOW);
    d.defineInternal(TASK_STREAM, Type.STRING, "", Importance.LOW);
    return d;
  }

  /** Typed view over a parsed connector config. */
  public static class View {
    protected final AbstractConfig c;

    public View(AbstractConfig c) {
      this.c = c;
    }

    public List<String> tenants() { return c.getList(TENANT_IDS); }
    public Cloud cloud() { return Cloud.of(c.getString(CLOUD)); }
    public String authority() { return orElse(c.getString(AUTH_AUTHORITY), cloud().authority); }
    public String clientId() { return c.getString(AUTH_CLIENT_ID); }
    public boolean tokenV2() { return "v2".equals(c.getString(AUTH_TOKEN_VERSION)); }
    public Duration refreshMargin() { return ms(AUTH_REFRESH_MARGIN); }
    public Duration connectTimeout() { return ms(HTTP_CONNECT_TIMEOUT); }
    public Duration requestTimeout() { return ms(HTTP_REQUEST_TIMEOUT); }
    public Backoff backoff() { return new Backoff(ms(RETRY_INITIAL), ms(RETRY_MAX)); }
    public int maxAttempts() { return c.getInt(RETRY_ATTEMPTS); }
    public boolean useDateHeader() { return c.getBoolean(CLOCK_DATE_HEADER); }
    public String topic() { return c.getString(TOPIC); }
    public String heartbeatTopic() { return c.getString(HEARTBEAT_TOPIC).strip(); }
    public Duration heartbeatInterval() { return ms(HEARTBEAT_INTERVAL); }
    public Duration pollInterval() { return ms(POLL_INTERVAL); }
    public String taskTenant() { return c.getString(TASK_TENANT); }
    public String taskStream() { return c.getString(TASK_STREAM); }
    public int taskIndex() { return c.getInt(TASK_INDEX); }
    /** Tasks of the connector (0 when unknown: a task configuration from before the option existed). */
    public int taskCount() { return c.getInt(TASK_COUNT); }
    public Duration clockInterval() { return ms(CLOCK_INTERVAL); }

    /** The partition this task writes to, or null for Kafka's key hashing. */
    public Integer taskPartition() {
      int n = c.getInt(TOPIC_PARTITIONS);
      return n == 0 ? null : c.getInt(TASK_INDEX) % n;
    }

    /**
     * The partitions this task writes feed clock records to: its own ({@link #taskPartition()}), and for task 0
     * also every partition no task writes to, i.e. {@code [min(task.count, n), n)} since task i owns {@code i mod n}
     * (all others when the task count is unknown: a clock in a partition another task owns only adds a stream
     * there whose claim, having delivered nothing into it, is trivially true). With key hashing: {@code [null]}.
     */
    public List<Integer> clockPartitions() {
      int n = c.getInt(TOPIC_PARTITIONS);
      if (n == 0) return java.util.Collections.singletonList(null);
      List<Integer> out = new java.util.ArrayList<>();
      out.add(taskPartition());
      if (taskIndex() == 0) {
        int owned = taskCount() <= 0 ? 1 : Math.min(taskCount(), n);
        for (int p = owned; p < n; p++) out.add(p);
      }
      return List.copyOf(out);
    }

    public Duration ms(String key) {
      return Duration.ofMillis(c.getLong(key));
    }

    /** The credential, exactly one of secret and certificate. Errors name the keys, never the values. */
    public ClientCredential credential() {
      Password secret = c.getPassword(AUTH_CLIENT_SECRET);
      String cert = c.getString(AUTH_CERT_PATH).strip();
      boolean hasSecret = secret != null && !secret.value().isEmpty();
      if (hasSecret == !cert.isEmpty()) {
        throw new ConfigException("set exactly one of " + AUTH_CLIENT_SECRET + " and " + AUTH_CERT_PATH);
      }
      if (hasSecret) return new ClientCredential.Secret(secret.value());
      Password pw = c.getPassword(AUTH_CERT_PASSWORD);
      return ClientCredential.Certificate.load(Path.of(cert), pw == null ? null : pw.value());
    }

    public ServerClock serverClock(Clock local) {
      return new ServerClock(local, useDateHeader());
    }

    protected static String orElse(String v, String dflt) {
      return v == null || v.isBlank() ? dflt : v.strip();
    }

    /** Checks an endpoint URL: absolute, https (or http on a loopback address). */
    public static ApiOrigin checkedOrigin(String key, String url) {
      ApiOrigin o;
      try {
        o = ApiOrigin.of(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key, url, "must be an absolute https URL");
      }
      if (!o.secureOrLoopback()) throw new ConfigException(key, url, "must use https (plain http only on loopback)");
      return o;
    }
  }

  /** Copies the connector config into one task config per (tenant, stream), numbered 0.. of task.count. */
  public static List<Map<String, String>> taskConfigs(Map<String, String> props, List<String> tenants,
      List<String> streams) {
    List<Map<String, String>> out = new java.util.ArrayList<>();
    String count = Integer.toString(tenants.size() * streams.size());
    for (String t : tenants) {
      for (String s : streams) {
        Map<String, String> m = new java.util.HashMap<>(props);
        m.put(TASK_TENANT, t.strip());
        m.put(TASK_STREAM, s.strip());
        m.put(TASK_INDEX, Integer.toString(out.size()));
        m.put(TASK_COUNT, count);
        out.add(m);
      }
    }
    return out;
  }
}
