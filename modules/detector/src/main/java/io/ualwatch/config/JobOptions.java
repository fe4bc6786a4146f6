package io.ualwatch.config;

import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.Severity;
import io.ualwatch.siem.SyslogFacility;
import io.ualwatch.siem.SyslogProtocol;
import java.time.Duration;
import java.util.List;

/** Settings of the Flink job: Kafka, topics, delivery, checkpoints, event time, alert sinks. Declared once here. */
public final class JobOptions {
  private JobOptions() {}

  /** Output guarantee of the alert sink. */
  public enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

  /** Where a new consumer group starts. */
  public enum StartFrom { EARLIEST, LATEST, COMMITTED }

  public static final Option<String> BOOTSTRAP = Option.string("kafka.bootstrap", "127.0.0.1:9092",
      "Kafka bootstrap servers (host:port,…).");
  public static final Option<String> CLIENT_PROPERTIES = Option.string("kafka.client-properties-file", "",
      "Optional Java properties file passed to every Kafka client of the job (e.g. security.protocol=SASL_SSL, "
          + "sasl.mechanism=PLAIN, sasl.jaas.config=… to read an Azure Event Hubs Kafka endpoint).");
  public static final Option<String> GROUP_ID = Option.string("kafka.group-id", "ualwatch-detector",
      "Consumer group of the job's Kafka source (offsets are also kept in Flink checkpoints).");
  public static final Option<StartFrom> START_FROM = Option.enumeration("kafka.start-from", StartFrom.class,
      StartFrom.COMMITTED, "Where to start reading when there is no checkpoint: committed offsets of the group "
          + "(earliest if none), earliest, or latest.");
  public static final Option<String> TOPIC_AUDIT = Option.string("topics.audit", "ualwatch.audit.raw",
      "Topic of raw UAL records (value: the record's JSON, key: tenant|Id).");
  public static final Option<String> TOPIC_SIGNINS = Option.string("topics.signins", "ualwatch.signins.raw",
      "Topic of raw Entra sign-ins (Graph signIn JSON, or {\"records\":[…]} envelopes). Empty to disable.");
  public static final Option<String> TOPIC_ALERTS = Option.string("topics.alerts", "ualwatch.alerts",
      "Topic the alerts go to (key: alert id, value: OCSF Detection Finding JSON unless alerts.kafka.format says "
          + "otherwise).");
  public static final Option<String> TOPIC_DEADLETTER = Option.string("topics.deadletter", "ualwatch.deadletter",
      "Topic for records that could not be parsed, with the reason, the raw bytes and the source offset.");
  public static final Option<String> TOPIC_CONTROL = Option.string("topics.control", "ualwatch.control",
      "Compacted topic of live configuration changes (key = a detection option, value = its new value; a tombstone "
          + "or empty value reverts it), applied by the running job without a restart and kept across restarts; "
          + "written by 'ualwatch rules set|allow|disable|enable|unset'. Always read from its beginning. Empty "
          + "disables live control.");
  public static final Option<Delivery> DELIVERY = Option.enumeration("job.delivery", Delivery.class,
      Delivery.EXACTLY_ONCE, "exactly-once (Kafka transactions committed on checkpoints: alerts are visible to "
          + "read_committed consumers after each checkpoint) or at-least-once (lowest latency; alert ids are "
          + "deterministic, so duplicates upsert onto the same id).");
  public static final Option<Duration> CHECKPOINT_INTERVAL = DetectionOptions.positive(Option.duration(
      "job.checkpoint-interval", Duration.ofSeconds(10), "Checkpoint interval; with exactly-once also the "
          + "latency floor of alerts."));
  public static final Option<Integer> PARALLELISM = Option.integer("job.parallelism", 2,
      "Parallelism of the job.").check(p -> p >= 1 && p <= 1024, "must be between 1 and 1024");
  public static final Option<String> STATE_DIR = Option.string("job.state-dir", "",
      "Checkpoint directory (a file:// or other Flink filesystem URI); empty = a directory under the data dir.");
  public static final Option<Duration> OUT_OF_ORDERNESS = Option.duration("job.watermark.out-of-orderness",
      Duration.ofHours(3), "Watermark lag behind the highest event time seen. Records later than this are still "
          + "processed (never dropped); the watermark drives state expiry, end-of-bucket updates and the checks "
          + "of absence rules (token-without-signin waits for it), so records up to this late never cause an alert "
          + "that is withdrawn later.");
  public static final Option<Duration> IDLENESS = Option.duration("job.watermark.idleness", Duration.ZERO,
      "0 (default): a raw-topic partition that is quiet holds the watermark where its feed clock is, so that one "
          + "feed never runs event time ahead of another (a quiet audit feed is not a finished one). A positive "
          + "value makes a partition with no records for that long not hold the watermark: only for partitions known "
          + "to be unused, since absence rules may then decide before the quiet feed catches up (and withdraw later).")
      .check(d -> !d.isNegative(), "must not be negative");
  public static final Option<Duration> STREAM_TIMEOUT = Option.duration("job.watermark.stream-timeout",
      Duration.ofMinutes(30), "A producer stream (a connector task, a replay) that has written neither records nor "
          + "feed clock records for this long (processing time) stops holding a partition that another, live stream "
          + "also writes to: a removed or dead producer does not stop event time for ever. Producers write a clock "
          + "record at least every minute while they run. 0 = never.")
      .check(d -> !d.isNegative(), "must not be negative");
  public static final Option<Duration> DEDUPE_TTL = DetectionOptions.positive(Option.duration("job.dedupe.ttl",
      Duration.ofDays(8), "How long record ids are remembered to drop the API's duplicates (it serves 7 days)."));
  /** The detector families (as in DetectionGraph). */
  public static final List<String> FAMILIES = List.of("mailbox", "token", "user", "app-consent", "app");
  public static final Option<List<String>> STATE_PACKED_FAMILIES = Option.list("job.state.packed-families",
      List.of("token", "user"), "Detector families whose entities keep all their state in one value (one state "
          + "read and one write per record) instead of one map per slot (reads and writes of single entries). For "
          + "families with small or short-lived entities: a token or session holds about 1.5 KB, a user about 7 KB "
          + "after 30 days. A mailbox or an app keeps a larger baseline and reads a few entries of it per record: "
          + "one map per slot suits it. Families: "
          + String.join(", ", FAMILIES) + ". Changing it changes the state layout: start from the raw topics, not "
          + "from a savepoint taken with another value.")
      .check(l -> FAMILIES.containsAll(l), "must name detector families: " + String.join(", ", FAMILIES));
  public static final Option<Integer> LOCAL_MANAGED_MEMORY_MB = Option.integer("job.local.managed-memory-mb", 512,
      "Managed (off-heap) memory in MB of the Flink MiniCluster that 'up', 'demo', 'replay' and 'bench' start in "
          + "their own process: RocksDB's block cache and write buffers, shared by the operators of a slot. Too little "
          + "and every state read decompresses a block from disk (Flink's local default, 128 MB for all slots, made "
          + "state reads 40 % of the token detector's time). A Flink cluster ignores it and uses its own "
          + "taskmanager.memory.managed.size.")
      .check(n -> n >= 64 && n <= 65536, "must be between 64 and 65536");
  public static final Option<String> TRANSACTIONAL_ID_PREFIX = Option.string("job.transactional-id-prefix",
      "ualwatch", "Prefix of the alert sink's Kafka transactional ids; must be unique per job on a cluster.");

  public static final Option<AlertFormat> ALERTS_FORMAT = Option.enumeration("alerts.kafka.format",
      AlertFormat.class, AlertFormat.OCSF, "Format of the values on topics.alerts: ocsf (OCSF 1.3 Detection Finding "
          + "JSON), ecs (Elastic Common Schema JSON) or cef (a CEF line). The key is always the alert id. The "
          + "watch and console commands read OCSF: change this only for a topic that only a SIEM reads.");
  public static final Option<String> TOPIC_ALERTS_ECS = Option.string("alerts.kafka.ecs-topic", "",
      "Also publish every alert revision as ECS JSON to this topic (key: alert id), e.g. for the Elasticsearch "
          + "sink connector in deploy/siem/elasticsearch. Empty = off.");
  public static final Option<String> TOPIC_ALERTS_CEF = Option.string("alerts.kafka.cef-topic", "",
      "Also publish every alert revision as a CEF line to this topic (key: alert id). Empty = off.");
  public static final Option<Boolean> SYSLOG_ENABLED = Option.bool("alerts.syslog.enabled", false,
      "Also send every alert revision to a syslog receiver (RFC 5424; at-least-once, flushed on every checkpoint).");
  public static final Option<String> SYSLOG_HOST = Option.string("alerts.syslog.host", "",
      "Syslog receiver host name or address (required when alerts.syslog.enabled).");
  public static final Option<Integer> SYSLOG_PORT = Option.integer("alerts.syslog.port", 6514,
      "Syslog receiver port (6514 is the RFC 5425 port for TLS; plain syslog is usually 514).")
      .check(p -> p >= 1 && p <= 65535, "must be a port between 1 and 65535");
  public static final Option<SyslogProtocol> SYSLOG_PROTOCOL = Option.enumeration("alerts.syslog.protocol",
      SyslogProtocol.class, SyslogProtocol.TCP_TLS, "tcp-tls (RFC 5425), tcp (RFC 6587 octet counting) or udp "
          + "(RFC 5426, one datagram per alert, cut at alerts.syslog.max-message-bytes).");
  public static final Option<AlertFormat> SYSLOG_FORMAT = Option.enumeration("alerts.syslog.format",
      AlertFormat.class, AlertFormat.CEF, "Format of the syslog MSG: cef, ocsf or ecs (JSON on one line).");
  public static final Option<SyslogFacility> SYSLOG_FACILITY = Option.enumeration("alerts.syslog.facility",
      SyslogFacility.class, SyslogFacility.LOCAL0, "Syslog facility (kern … local7); the severity comes from the "
          + "alert: critical 2, high 3, medium 4, low 5, informational 6.");
  public static final Option<String> SYSLOG_HOSTNAME = Option.string("alerts.syslog.hostname", "",
      "HOSTNAME field of the messages; empty = this machine's host name.");
  public static final Option<String> SYSLOG_APP_NAME = Option.string("alerts.syslog.app-name", "ualwatch",
      "APP-NAME field of the messages.").check(s -> !s.isBlank() && s.length() <= 48 && s.chars().allMatch(c -> c > 32 && c < 127),
      "must be 1 to 48 printable ASCII characters without spaces");
  public static final Option<Severity> SYSLOG_MIN_SEVERITY = Option.enumeration("alerts.syslog.min-severity",
      Severity.class, Severity.INFORMATIONAL, "Only alerts of at least this severity go to syslog (routing by "
          + "severity: e.g. high sends high and critical). Every revision of such an alert is sent.");
  public static final Option<Integer> SYSLOG_MAX_MESSAGE_BYTES = Option.integer("alerts.syslog.max-message-bytes",
      8192, "UDP only: datagrams are cut to this many bytes (RFC 5426 receivers must accept 480 and should accept "
          + "2048; rsyslog's default limit is 8 KiB). TCP and TLS messages are never cut.")
      .check(n -> n >= 480 && n <= 65_000, "must be between 480 and 65000");
  public static final Option<Duration> SYSLOG_CONNECT_TIMEOUT = DetectionOptions.positive(Option.duration(
      "alerts.syslog.connect-timeout", Duration.ofSeconds(10), "Connect and TLS handshake timeout."));
  public static final Option<String> SYSLOG_TRUSTSTORE = Option.string("alerts.syslog.tls.truststore", "",
      "PKCS#12 or JKS file with the CA (or certificate) that signed the receiver's certificate; empty = the JVM's "
          + "default trust store.");
  public static final Option<String> SYSLOG_TRUSTSTORE_PASSWORD = Option.string(
      "alerts.syslog.tls.truststore-password", "", "Password of the trust store (may be empty for PKCS#12 "
          + "certificates-only stores).").asSecret();
  public static final Option<String> SYSLOG_KEYSTORE = Option.string("alerts.syslog.tls.keystore", "",
      "PKCS#12 or JKS file with a client key and certificate, for receivers that require mutual TLS; empty = none.");
  public static final Option<String> SYSLOG_KEYSTORE_PASSWORD = Option.string("alerts.syslog.tls.keystore-password",
      "", "Password of the client key store and its key.").asSecret();
  public static final Option<Boolean> SYSLOG_VERIFY_HOSTNAME = Option.bool("alerts.syslog.tls.verify-hostname", true,
      "Check that the receiver's certificate names alerts.syslog.host (RFC 5425 §5.2). Turn off only for receivers "
          + "addressed by a name their certificate does not carry.");
  /** The alert sinks that {@link #PSEUDONYMISE_SINKS} can name (as in UalwatchJob.alertSinks). */
  public static final List<String> ALERT_SINKS = List.of("alerts", "ecs", "cef", "syslog");
  public static final Option<List<String>> PSEUDONYMISE_SINKS = Option.list("alerts.pseudonymise.sinks", List.of(),
      "Alert sinks that get pseudonymous alerts: alerts (topics.alerts, which watch and the console also read), ecs "
          + "(alerts.kafka.ecs-topic), cef (alerts.kafka.cef-topic), syslog. In them every user principal name / mail "
          + "address becomes upn-<hex>@d-<hex>.pseudo.invalid and every IP address an address in 2001:db8::/32, by a "
          + "keyed HMAC-SHA256: the same user or address always gives the same token, so alerts can still be "
          + "correlated, but only a holder of the key can tell whose token it is. Replaced in the user, mailbox, "
          + "endpoint and evidence fields and inside the message, baseline, evidence details, facts and entities; the "
          + "alert id, the rule, tenant, app, token and session ids, record ids and the geolocation are kept. The "
          + "other sinks and the raw topics are unchanged. Empty (default) = off. See docs/security.md.")
      .check(l -> ALERT_SINKS.containsAll(l), "must name alert sinks: " + String.join(", ", ALERT_SINKS));
  public static final Option<String> PSEUDONYMISE_KEY_FILE = Option.string("alerts.pseudonymise.key-file", "",
      "File whose content (one trailing newline ignored) is the HMAC key of alerts.pseudonymise.sinks, at least 32 "
          + "bytes, e.g. from 'openssl rand -base64 32'. Read at start and by every task of the job (a Flink "
          + "cluster needs it on its task managers). Keep it readable by the ualwatch user only: with it, anyone can "
          + "check whether a token is a given user. A new key gives new tokens (no correlation across the change).");
  public static final Option<String> PSEUDONYMISE_KEY_ENV = Option.string("alerts.pseudonymise.key-env", "",
      "Environment variable holding the HMAC key (instead of alerts.pseudonymise.key-file). The key itself is never "
          + "an option value.");
  public static final Option<Boolean> PSEUDONYMISE_DROP_DETAIL = Option.bool(
      "alerts.pseudonymise.drop-evidence-detail", true, "In the sinks of alerts.pseudonymise.sinks also drop what "
          + "names mail content: the evidence detail texts (synced folder paths, forwarding targets, client details), "
          + "and the folders and rules facts (folder paths, inbox rule names), whose values are also cut out of the "
          + "message as [redacted]. ualwatch extracts no message subjects or item ids into alerts.");

  public static final Option<Integer> METRICS_PORT = Option.integer("metrics.prometheus.port", -1,
      "Serve the job's metrics (Flink's and ualwatch's: records parsed and rejected per reason, alert revisions per "
          + "rule and severity, …) in the Prometheus format at http://metrics.prometheus.host:PORT/metrics, from the "
          + "process that runs the job on a local MiniCluster (ualwatch up). -1 (default) = off, 0 = a free "
          + "port. On a Flink cluster configure the reporter in its config.yaml instead (docs/operations.md).")
      .check(p -> p >= -1 && p <= 65535, "must be -1 (off), 0 (a free port) or a port up to 65535");
  public static final Option<String> METRICS_HOST = Option.string("metrics.prometheus.host", "127.0.0.1",
      "Address the metrics endpoint listens on (default this machine only; the metrics name users, rules and "
          + "topics, so expose them only to your monitoring network).");

  public static final Option<String> GEO_DIR = Option.string("geo.dir", "",
      "Directory of the fetched geo/ASN data (default ~/.cache/ualwatch/geo or $UALWATCH_GEO_DIR).");
  public static final Option<String> GEO_CITY_V4 = Option.string("geo.city-v4", "",
      "Use this MaxMind DB City file for IPv4 instead of the fetched DB-IP data (GeoLite2/GeoIP2 City, which "
          + "holds both families, or DB-IP's IPv4 file).");
  public static final Option<String> GEO_CITY_V6 = Option.string("geo.city-v6", "",
      "City file for IPv6 when geo.city-v4 is set and holds IPv4 only.");
  public static final Option<String> GEO_ASN_V4 = Option.string("geo.asn-v4", "",
      "ASN table (start,end,asn,organisation numeric CSV) for IPv4 when overriding the fetched data.");
  public static final Option<String> GEO_ASN_V6 = Option.string("geo.asn-v6", "",
      "ASN table for IPv6 when overriding the fetched data.");

  public static final List<Option<?>> ALL = List.of(BOOTSTRAP, CLIENT_PROPERTIES, GROUP_ID, START_FROM, TOPIC_AUDIT,
      TOPIC_SIGNINS, TOPIC_ALERTS, TOPIC_DEADLETTER, TOPIC_CONTROL, DELIVERY, CHECKPOINT_INTERVAL, PARALLELISM, STATE_DIR,
      OUT_OF_ORDERNESS, IDLENESS, STREAM_TIMEOUT, DEDUPE_TTL, STATE_PACKED_FAMILIES, LOCAL_MANAGED_MEMORY_MB, TRANSACTIONAL_ID_PREFIX, ALERTS_FORMAT, TOPIC_ALERTS_ECS, TOPIC_ALERTS_CEF,
      SYSLOG_ENABLED, SYSLOG_HOST, SYSLOG_PORT, SYSLOG_PROTOCOL, SYSLOG_FORMAT, SYSLOG_FACILITY, SYSLOG_HOSTNAME,
      SYSLOG_APP_NAME, SYSLOG_MIN_SEVERITY, SYSLOG_MAX_MESSAGE_BYTES, SYSLOG_CONNECT_TIMEOUT, SYSLOG_TRUSTSTORE,
      SYSLOG_TRUSTSTORE_PASSWORD, SYSLOG_KEYSTORE, SYSLOG_KEYSTORE_PASSWORD, SYSLOG_VERIFY_HOSTNAME,
      PSEUDONYMISE_SINKS, PSEUDONYMISE_KEY_FILE, PSEUDONYMISE_KEY_ENV, PSEUDONYMISE_DROP_DETAIL, METRICS_PORT,
      METRICS_HOST, GEO_DIR, GEO_CITY_V4, GEO_CITY_V6, GEO_ASN_V4,
      GEO_ASN_V6);
}
