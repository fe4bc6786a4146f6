package io.ualwatch.config;

import java.time.Duration;
import java.util.List;

/** Settings of the Flink job: Kafka, topics, delivery, checkpoints, event time. Declared once here. */
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
      "Topic the alerts go to (key: alert id, value: OCSF Detection Finding JSON).");
  public static final Option<String> TOPIC_DEADLETTER = Option.string("topics.deadletter", "ualwatch.deadletter",
      "Topic for records that could not be parsed, with the reason, the raw bytes and the source offset.");
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
  public static final Option<Duration> IDLENESS = DetectionOptions.positive(Option.duration("job.watermark.idleness",
      Duration.ofMinutes(1), "A source partition with no records for this long does not hold the watermark back."));
  public static final Option<Duration> DEDUPE_TTL = DetectionOptions.positive(Option.duration("job.dedupe.ttl",
      Duration.ofDays(8), "How long record ids are remembered to drop the API's duplicates (it serves 7 days)."));
  public static final Option<String> TRANSACTIONAL_ID_PREFIX = Option.string("job.transactional-id-prefix",
      "ualwatch", "Prefix of the alert sink's Kafka transactional ids; must be unique per job on a cluster.");

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
      TOPIC_SIGNINS, TOPIC_ALERTS, TOPIC_DEADLETTER, DELIVERY, CHECKPOINT_INTERVAL, PARALLELISM, STATE_DIR,
      OUT_OF_ORDERNESS, IDLENESS, DEDUPE_TTL, TRANSACTIONAL_ID_PREFIX, GEO_DIR, GEO_CITY_V4, GEO_CITY_V6, GEO_ASN_V4,
      GEO_ASN_V6);
}
