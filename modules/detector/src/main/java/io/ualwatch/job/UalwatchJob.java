package io.ualwatch.job;

import io.ualwatch.config.Config;
import io.ualwatch.config.ConfigException;
import io.ualwatch.config.JobOptions;
import io.ualwatch.config.KafkaSecurity;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.detect.DetectionGraph;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.Family;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.siem.SyslogAlertSink;
import io.ualwatch.siem.SyslogProtocol;
import io.ualwatch.siem.SyslogSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The ualwatch Flink job. {@link #build} wires the graph from any source and sinks, so the live job, the
 * demo, replay and the integration tests run the same operators; {@link #main} only wires Kafka to it.
 *
 * <pre>
 * raw records, parsed in the source with per-partition event time (bad → dead letters)
 *   → de-duplicate by record id → enrich (geo, ASN)
 *   → detector families keyed by mailbox / token / … (tenant-wide facts broadcast to them) → alerts
 *   → every configured alert sink ({@link #alertSinks}: the alerts topic, optional ECS/CEF topics, syslog),
 *     pseudonymised on the way for the sinks in alerts.pseudonymise.sinks ({@link PseudonymizeFunction})
 * </pre>
 * Every stateful operator has a stable uid; names are readable in the Flink UI.
 */
public final class UalwatchJob {
  public static final String NAME = "ualwatch-detector";

  private UalwatchJob() {}

  /** An alert sink with the name its operator uid is derived from ({@code sink-alerts}, {@code sink-alerts-<name>}). */
  public record AlertSink(String name, Sink<Alert> sink) {}

  /** Builds the detection graph on {@code env} with one alert sink. */
  public static void build(StreamExecutionEnvironment env, Source<ParsedRecord, ?, ?> source, Sink<Alert> alerts,
      Sink<DeadLetter> deadLetters, Config config) {
    build(env, source, List.of(new AlertSink("", alerts)), deadLetters, config);
  }

  /** Builds the detection graph on {@code env}; every alert revision goes to every sink. */
  public static void build(StreamExecutionEnvironment env, Source<ParsedRecord, ?, ?> source,
      List<AlertSink> alertSinks, Sink<DeadLetter> deadLetters, Config config) {
    build(env, source, null, alertSinks, deadLetters, config);
  }

  /**
   * Builds the detection graph on {@code env} with live control: {@code control} (null for none) delivers
   * configuration changes (see {@link ControlDeserializer}) that every detector applies without a restart.
   */
  public static void build(StreamExecutionEnvironment env, Source<ParsedRecord, ?, ?> source,
      Source<TenantFact, ?, ?> control, List<AlertSink> alertSinks, Sink<DeadLetter> deadLetters, Config config) {
    WatermarkStrategy<ParsedRecord> wm = rawWatermarks(config);
    DataStream<TenantFact> controlStream = control == null ? null
        : env.fromSource(control, controlWatermarks(), "control topic").uid("source-control").setParallelism(1);
    buildFrom(env.fromSource(source, wm, "raw audit records (parsed)").uid("source-raw"), controlStream, alertSinks,
        deadLetters, config);
  }

  /**
   * Event time is assigned in the source, per partition, from the feed clocks of the streams writing into it
   * ({@link FeedClockWatermarks}): the job's watermark is the minimum over all partitions, so a topic read ahead of
   * another never moves it past records still waiting elsewhere, and a quiet feed holds it instead of being
   * skipped as idle.
   */
  public static WatermarkStrategy<ParsedRecord> rawWatermarks(Config config) {
    long ooo = config.get(JobOptions.OUT_OF_ORDERNESS).toMillis();
    long timeout = config.get(JobOptions.STREAM_TIMEOUT).toMillis();
    long idle = config.get(JobOptions.IDLENESS).toMillis();
    return WatermarkStrategy.<ParsedRecord>forGenerator(ctx -> new FeedClockWatermarks(ooo, timeout, idle,
            System::currentTimeMillis))
        .withTimestampAssigner((r, kafkaTs) -> r.event != null ? r.event.eventTime.toEpochMilli()
            : r.isClock() ? r.clock : Long.MIN_VALUE);
  }

  /**
   * The control stream never holds event time back: it says "no event time will come from me" (the maximum
   * watermark), so the detectors' watermark stays that of the records. Control changes apply in processing
   * order, when they arrive.
   */
  static WatermarkStrategy<TenantFact> controlWatermarks() {
    return WatermarkStrategy.forGenerator(ctx -> new org.apache.flink.api.common.eventtime.WatermarkGenerator<>() {
      @Override
      public void onEvent(TenantFact event, long eventTimestamp, org.apache.flink.api.common.eventtime.WatermarkOutput out) {
      }

      @Override
      public void onPeriodicEmit(org.apache.flink.api.common.eventtime.WatermarkOutput out) {
        out.emitWatermark(new org.apache.flink.api.common.eventtime.Watermark(Long.MAX_VALUE));
      }
    });
  }

  /** Builds the graph on a stream of parsed records that already carries event time and watermarks. */
  public static void buildFrom(DataStream<ParsedRecord> source, List<AlertSink> alertSinks,
      Sink<DeadLetter> deadLetters, Config config) {
    buildFrom(source, null, alertSinks, deadLetters, config);
  }

  /** As above, with an optional stream of raw control records (null: configuration fixed at start). */
  public static void buildFrom(DataStream<ParsedRecord> source, DataStream<TenantFact> control,
      List<AlertSink> alertSinks, Sink<DeadLetter> deadLetters, Config config) {
    Map<String, String> cfg = new HashMap<>(config.explicitValues());
    // Chained operators hand each other the same object instead of a copy per hop (and per output of the
    // five-way route): no operator keeps a reference to its input past processing it, and what an operator
    // changes in an event (enrichment adds the geo fields) is meant for every operator after it.
    source.getExecutionEnvironment().getConfig().enableObjectReuse();
    SingleOutputStreamOperator<AuditEvent> parsed = source
        .process(new ParseFunction()).returns(EventTypes.AUDIT_EVENT).uid("parse").name("dead letters out");
    DataStream<DeadLetter> rejected = parsed.getSideOutput(ParseFunction.DEAD_LETTERS);
    SingleOutputStreamOperator<TenantFact> checked = null;
    if (control != null) {
      checked = control.process(new ControlFunction()).uid("control-check").name("control: check").setParallelism(1);
      rejected = rejected.union(checked.getSideOutput(ControlFunction.DEAD_LETTERS));
    }
    rejected.sinkTo(deadLetters).uid("sink-deadletter").name("dead letters");

    DataStream<AuditEvent> events = parsed
        .keyBy(e -> e.tenantId + "|" + e.recordId)
        .process(new DedupeFunction(config.get(JobOptions.DEDUPE_TTL))).returns(EventTypes.AUDIT_EVENT)
        .uid("dedupe").name("de-duplicate by record id")
        .map(new EnrichFunction(cfg)).returns(EventTypes.AUDIT_EVENT)
        .uid("enrich").name("enrich: geo + ASN");

    // Tenant-wide facts, broadcast to the families that read them together with the checked control changes (the
    // families that read no facts get the control changes alone): hours with sign-ins, and days on which a client
    // app read mail in the tenant. Only the small fact crosses the network, once per (tenant, app, day).
    DataStream<TenantFact> signInHours = events
        .filter(AuditEvent::isSignIn).uid("sign-ins").name("sign-ins")
        .keyBy(e -> e.tenantId)
        .process(new FeedMonitorFunction()).uid("feed-monitor").name("sign-in feed monitor");
    DataStream<TenantFact> appDays = events
        .flatMap((AuditEvent e, org.apache.flink.util.Collector<TenantFact> c) -> {
          String app = e.effectiveClientApp();
          if (app != null && e.isMailAccess() && e.eventTime != null) {
            c.collect(TenantFact.appDay(e.tenantId, app, DetectionSettings.dayOf(e.eventTime.toEpochMilli())));
          }
        }).returns(TenantFact.class).uid("app-days").name("app days of mail access")
        .keyBy(TenantAppDaysFunction::keyOf)
        .process(new TenantAppDaysFunction(
            config.get(io.ualwatch.config.DetectionOptions.BASELINE_RETENTION).toMillis()))
        .uid("tenant-app-days").name("tenant app days");
    DataStream<TenantFact> factStream = signInHours.union(appDays);
    org.apache.flink.streaming.api.datastream.BroadcastStream<TenantFact> facts =
        (checked == null ? factStream : factStream.union(checked))
            .broadcast(BroadcastFamilyFunction.FACTS, BroadcastFamilyFunction.CONTROL);
    org.apache.flink.streaming.api.datastream.BroadcastStream<TenantFact> controlOnly = checked == null ? null
        : checked.broadcast(BroadcastFamilyFunction.FACTS, BroadcastFamilyFunction.CONTROL);

    List<DataStream<Alert>> outputs = new ArrayList<>();
    for (Family f : DetectionGraph.families()) {
      var keyed = events
          .flatMap((AuditEvent e, org.apache.flink.util.Collector<KeyedEvent> c) ->
              f.keys(e, k -> c.collect(new KeyedEvent(k, e))))
          .returns(EventTypes.KEYED_EVENT)
          .uid("route-" + f.name()).name("route to " + f.name())
          .keyBy(k -> k.key);
      DataStream<Alert> out = f.needsTenantFacts()
          ? keyed.connect(facts).process(new BroadcastFamilyFunction(f, cfg))
              .uid("family-" + f.name()).name("detect: " + f.name())
          : controlOnly != null
              ? keyed.connect(controlOnly).process(new BroadcastFamilyFunction(f, cfg))
                  .uid("family-" + f.name()).name("detect: " + f.name())
              : keyed.process(new FamilyFunction(f, cfg)).uid("family-" + f.name()).name("detect: " + f.name());
      outputs.add(out);
    }
    DataStream<Alert> all = outputs.get(0);
    for (int i = 1; i < outputs.size(); i++) all = all.union(outputs.get(i));
    PseudonymizeFunction pseudonymize = PseudonymizeFunction.of(config); // null: no sink is pseudonymised
    for (AlertSink s : alertSinks) {
      String suffix = s.name().isEmpty() ? "" : "-" + s.name();
      DataStream<Alert> in = pseudonymize == null ? all : pseudonymize.forSink(all, s.name());
      in.sinkTo(s.sink()).uid("sink-alerts" + suffix).name("alerts" + (s.name().isEmpty() ? "" : " (" + s.name() + ")"));
    }
  }

  /** Flink settings the job needs: RocksDB (incremental checkpoints), checkpoints, no Kryo fallbacks. */
  public static Configuration flinkConfiguration(Config config, Path dataDir) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    String dir = config.get(JobOptions.STATE_DIR);
    if (dir.isBlank()) dir = dataDir.resolve("checkpoints").toUri().toString();
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // Incremental checkpoints: each checkpoint uploads only the RocksDB files written since the last one, so its
    // cost follows the write rate, not the (growing) state size. SSD-style options: no limit on open files,
    // compaction in the background threads.
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(org.apache.flink.state.rocksdb.RocksDBOptions.PREDEFINED_OPTIONS, "FLASH_SSD_OPTIMIZED");
    // State values are small and read once per record: decompressing a block on every read cost more CPU than
    // the disk it saves; bloom filters answer "not there" (new record ids, new tokens) without reading a block.
    conf.set(org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL,
        List.of(org.rocksdb.CompressionType.NO_COMPRESSION));
    conf.set(org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
    // only the MiniCluster started in this process reads this; a cluster's task managers have their own
    conf.set(org.apache.flink.configuration.TaskManagerOptions.MANAGED_MEMORY_SIZE,
        org.apache.flink.configuration.MemorySize.ofMebiBytes(config.get(JobOptions.LOCAL_MANAGED_MEMORY_MB)));
    int metricsPort = config.get(JobOptions.METRICS_PORT);
    if (metricsPort >= 0) {
      // the local MiniCluster's reporters: one endpoint for its job manager and task manager (one JVM)
      conf.setString("metrics.reporter.ualwatch.factory.class",
          io.ualwatch.job.metrics.PrometheusEndpointFactory.class.getName());
      conf.setString("metrics.reporter.ualwatch.host", config.get(JobOptions.METRICS_HOST));
      conf.setString("metrics.reporter.ualwatch.port", Integer.toString(metricsPort));
    }
    return conf;
  }

  /** An environment configured for the job (local MiniCluster when run outside a cluster). */
  public static StreamExecutionEnvironment environment(Config config, Configuration flinkConf) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
    env.setParallelism(config.get(JobOptions.PARALLELISM));
    CheckpointingMode mode = config.get(JobOptions.DELIVERY) == JobOptions.Delivery.EXACTLY_ONCE
        ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE;
    env.enableCheckpointing(config.get(JobOptions.CHECKPOINT_INTERVAL).toMillis(), mode);
    return env;
  }

  /**
   * Kafka client properties of every client of the job: the typed security options ({@link KafkaSecurity}, secrets
   * read from their files or environment variables) plus {@code kafka.client-properties-file} for anything else. A
   * key set both ways with different values is an error rather than a silent winner.
   */
  public static Properties clientProperties(Config config) {
    Properties p = new Properties();
    String file = config.get(JobOptions.CLIENT_PROPERTIES);
    if (!file.isBlank()) {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        p.load(in);
      } catch (IOException e) {
        throw new ConfigException("kafka.client-properties-file: cannot read " + file + ": " + e.getMessage());
      }
    }
    for (Map.Entry<String, String> e : KafkaSecurity.clientProperties(config).entrySet()) {
      Object had = p.get(e.getKey());
      if (had != null && !had.equals(e.getValue())) {
        throw new ConfigException("kafka.client-properties-file sets " + e.getKey() + " and the kafka.security/"
            + "kafka.sasl/kafka.ssl options set it differently: keep it in one place");
      }
      p.put(e.getKey(), e.getValue());
    }
    return p;
  }

  /** The raw topics as a Kafka source; bounded to the offsets at start when {@code bounded}. */
  public static KafkaSource<ParsedRecord> kafkaSource(Config config, boolean bounded) {
    List<String> topics = new ArrayList<>();
    topics.add(config.get(JobOptions.TOPIC_AUDIT));
    if (!config.get(JobOptions.TOPIC_SIGNINS).isBlank()) topics.add(config.get(JobOptions.TOPIC_SIGNINS));
    OffsetsInitializer start = switch (config.get(JobOptions.START_FROM)) {
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
      case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    };
    KafkaSourceBuilder<ParsedRecord> b = KafkaSource.<ParsedRecord>builder()
        .setBootstrapServers(config.get(JobOptions.BOOTSTRAP))
        .setTopics(topics)
        .setGroupId(config.get(JobOptions.GROUP_ID))
        .setStartingOffsets(start)
        .setDeserializer(new ParsingDeserializer())
        .setProperties(clientProperties(config))
        .setProperty("isolation.level", "read_committed")
        .setProperty("commit.offsets.on.checkpoint", "true");
    if (bounded) b.setBounded(OffsetsInitializer.latest());
    return b.build();
  }

  /**
   * The control topic as a source, always from its beginning (it is compacted: the current overrides), or null
   * when {@code topics.control} is empty. Bounded runs read what is there at start.
   */
  public static KafkaSource<TenantFact> controlSource(Config config, boolean bounded) {
    String topic = config.get(JobOptions.TOPIC_CONTROL);
    if (topic.isBlank()) return null;
    KafkaSourceBuilder<TenantFact> b = KafkaSource.<TenantFact>builder()
        .setBootstrapServers(config.get(JobOptions.BOOTSTRAP))
        .setTopics(topic)
        .setGroupId(config.get(JobOptions.GROUP_ID) + "-control")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new ControlDeserializer())
        .setProperties(clientProperties(config))
        .setProperty("isolation.level", "read_committed")
        .setProperty("partition.discovery.interval.ms", "60000");
    if (bounded) b.setBounded(OffsetsInitializer.latest());
    return b.build();
  }

  /** The alerts topic sink, in {@code alerts.kafka.format}. */
  public static KafkaSink<Alert> alertSink(Config config) {
    return kafkaAlertSink(config, config.get(JobOptions.TOPIC_ALERTS), config.get(JobOptions.ALERTS_FORMAT), "alerts");
  }

  static KafkaSink<Alert> kafkaAlertSink(Config config, String topic, AlertFormat format, String txSuffix) {
    return KafkaSink.<Alert>builder()
        .setBootstrapServers(config.get(JobOptions.BOOTSTRAP))
        .setKafkaProducerConfig(clientProperties(config))
        .setRecordSerializer(new AlertSerializer(topic, format))
        .setDeliveryGuarantee(guarantee(config))
        .setTransactionalIdPrefix(config.get(JobOptions.TRANSACTIONAL_ID_PREFIX) + "-" + txSuffix)
        .setProperty("transaction.timeout.ms", "600000")
        .build();
  }

  /**
   * Every configured alert sink: the alerts topic, then the optional ECS and CEF topics and the syslog sink
   * ({@code alerts.*} options). Several at once are fine: each gets every revision.
   */
  public static List<AlertSink> alertSinks(Config config) {
    List<AlertSink> l = new ArrayList<>();
    l.add(new AlertSink("", alertSink(config)));
    String ecs = config.get(JobOptions.TOPIC_ALERTS_ECS);
    if (!ecs.isBlank()) l.add(new AlertSink("ecs", kafkaAlertSink(config, ecs, AlertFormat.ECS, "alerts-ecs")));
    String cef = config.get(JobOptions.TOPIC_ALERTS_CEF);
    if (!cef.isBlank()) l.add(new AlertSink("cef", kafkaAlertSink(config, cef, AlertFormat.CEF, "alerts-cef")));
    if (config.get(JobOptions.SYSLOG_ENABLED)) l.add(new AlertSink("syslog", new SyslogAlertSink(syslogSettings(config))));
    return l;
  }

  /** The syslog sink's settings from the {@code alerts.syslog.*} options. */
  public static SyslogSettings syslogSettings(Config config) {
    String host = config.get(JobOptions.SYSLOG_HOST);
    if (host.isBlank()) {
      throw new ConfigException(JobOptions.SYSLOG_HOST.key() + " must be set when " + JobOptions.SYSLOG_ENABLED.key()
          + " is true");
    }
    if (config.get(JobOptions.SYSLOG_PROTOCOL) != SyslogProtocol.TCP_TLS
        && (!config.get(JobOptions.SYSLOG_TRUSTSTORE).isBlank() || !config.get(JobOptions.SYSLOG_KEYSTORE).isBlank())) {
      throw new ConfigException("alerts.syslog.tls.* is set but " + JobOptions.SYSLOG_PROTOCOL.key() + " is not tcp-tls");
    }
    return new SyslogSettings(host, config.get(JobOptions.SYSLOG_PORT), config.get(JobOptions.SYSLOG_PROTOCOL),
        config.get(JobOptions.SYSLOG_FORMAT), config.get(JobOptions.SYSLOG_FACILITY),
        config.get(JobOptions.SYSLOG_HOSTNAME), config.get(JobOptions.SYSLOG_APP_NAME),
        config.get(JobOptions.SYSLOG_MIN_SEVERITY), config.get(JobOptions.SYSLOG_MAX_MESSAGE_BYTES),
        config.get(JobOptions.SYSLOG_CONNECT_TIMEOUT), config.get(JobOptions.SYSLOG_TRUSTSTORE),
        config.get(JobOptions.SYSLOG_TRUSTSTORE_PASSWORD), config.get(JobOptions.SYSLOG_KEYSTORE),
        config.get(JobOptions.SYSLOG_KEYSTORE_PASSWORD), config.get(JobOptions.SYSLOG_VERIFY_HOSTNAME));
  }

  public static KafkaSink<DeadLetter> deadLetterSink(Config config) {
    return KafkaSink.<DeadLetter>builder()
        .setBootstrapServers(config.get(JobOptions.BOOTSTRAP))
        .setKafkaProducerConfig(clientProperties(config))
        .setRecordSerializer(new DeadLetterSerializer(config.get(JobOptions.TOPIC_DEADLETTER)))
        .setDeliveryGuarantee(guarantee(config))
        .setTransactionalIdPrefix(config.get(JobOptions.TRANSACTIONAL_ID_PREFIX) + "-deadletter")
        .setProperty("transaction.timeout.ms", "600000")
        .build();
  }

  private static DeliveryGuarantee guarantee(Config config) {
    return config.get(JobOptions.DELIVERY) == JobOptions.Delivery.EXACTLY_ONCE
        ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
  }

  /** Wires Kafka to the graph and submits it (locally or, when run by a Flink cluster, to that cluster). */
  public static JobClient startKafkaJob(Config config, Configuration flinkConf, boolean bounded) throws Exception {
    StreamExecutionEnvironment env = environment(config, flinkConf);
    build(env, kafkaSource(config, bounded), controlSource(config, bounded), alertSinks(config), deadLetterSink(config), config);
    return env.executeAsync(NAME);
  }

  /**
   * Entry point for a Flink cluster: {@code flink run ualwatch-detector-job.jar [--config FILE] [--set k=v]…}.
   */
  public static void main(String[] args) throws Exception {
    Config config = parseArgs(args);
    StreamExecutionEnvironment env = environment(config, new Configuration());
    build(env, kafkaSource(config, false), controlSource(config, false), alertSinks(config), deadLetterSink(config), config);
    env.execute(NAME);
  }

  static Config parseArgs(String[] args) {
    Path file = null;
    Map<String, String> set = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> file = Path.of(args[++i]);
        case "--set" -> {
          String kv = args[++i];
          int eq = kv.indexOf('=');
          if (eq <= 0) throw new ConfigException("--set expects key=value, got '" + kv + "'");
          set.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        default -> throw new ConfigException("unknown argument '" + args[i] + "'; use --config FILE and --set key=value");
      }
    }
    Config c = file == null ? UalwatchOptions.defaults() : UalwatchOptions.load(file);
    return set.isEmpty() ? c : c.with(set);
  }
}
