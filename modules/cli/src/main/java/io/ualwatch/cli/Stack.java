package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.job.UalwatchJob;
import io.ualwatch.testkit.EmbeddedKafka;
import io.ualwatch.testkit.security.KafkaAcls;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.NewTopic;

/** The embedded stack: a KRaft broker with ualwatch's topics, and the detection job on a local MiniCluster. */
final class Stack implements AutoCloseable {
  static final String DEFAULT_CONTROL_TOPIC = "ualwatch.control";
  static final String HEARTBEAT_TOPIC = "ualwatch.connect.heartbeat";

  final EmbeddedKafka kafka;
  /** The job's configuration (with the job's credentials on a secure broker). */
  final Config config;
  /** Users, ACLs and per-component configurations on a secure broker; null on the plaintext one. */
  final LocalSecurity security;
  JobClient job;
  /** Closed first when the stack closes (the web console). */
  private final java.util.List<AutoCloseable> attached = new java.util.ArrayList<>();

  private Stack(EmbeddedKafka kafka, Config config, LocalSecurity security) {
    this.kafka = kafka;
    this.config = config;
    this.security = security;
  }

  static Stack startBroker(Path dataDir, int port, Config base, PrintStream log) {
    return startBroker(dataDir, port, base, log, false);
  }

  /**
   * Starts the broker with ualwatch's topics; {@code secure}: TLS + SCRAM only, with the component users and ACLs of
   * {@link LocalSecurity} (secrets in {@code <dataDir>/secrets}).
   */
  static Stack startBroker(Path dataDir, int port, Config base, PrintStream log, boolean secure) {
    long t0 = System.nanoTime();
    Path secrets = dataDir.resolve("secrets");
    EmbeddedKafka kafka = secure
        ? EmbeddedKafka.startSecure(dataDir.resolve("kafka"), port, false, EmbeddedKafka.Secure.scram(secrets))
        : EmbeddedKafka.start(dataDir.resolve("kafka"), port, false);
    try {
      Config config = base.with(Map.of(JobOptions.BOOTSTRAP.key(), kafka.bootstrapServers()));
      kafka.createTopics(topics(config));
      LocalSecurity security = secure ? LocalSecurity.setUp(kafka, secrets, config) : null;
      log.printf("kafka: broker ready on %s (%.1f s), data in %s%n", kafka.bootstrapServers(),
          (System.nanoTime() - t0) / 1e9, dataDir.resolve("kafka"));
      if (secure) {
        log.printf("kafka: TLS (local CA %s) + SASL SCRAM-SHA-512 only, ACLs enforced; one user per component (%s), "
            + "passwords and client settings in %s (readable by you only)%n", kafka.caCertificate(),
            String.join(", ", KafkaAcls.PRINCIPALS), secrets);
      }
      return new Stack(kafka, secure ? security.configFor(KafkaAcls.JOB) : config, security);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /**
   * The configuration of the component {@code principal} ({@link KafkaAcls#PRINCIPALS}): its own user on a secure
   * broker, the stack's configuration otherwise.
   */
  Config configFor(String principal) {
    return security == null ? config : security.configFor(principal);
  }

  static List<NewTopic> topics(Config c) {
    // Raw records carry their event time as the Kafka timestamp, and replays send exports that are months old:
    // time-based retention would let the broker delete a replay minutes after it was written, possibly before
    // the job read it. The raw topics are bounded by size instead (4 GiB per partition).
    Map<String, String> raw = Map.of("retention.ms", "-1", "retention.bytes", Long.toString(4L << 30),
        "compression.type", "lz4");
    return List.of(
        // One partition per connector task (4 content types; interactive and non-interactive sign-ins), so that
        // each partition holds one stream in API order and the job's per-partition watermarks stay exact.
        new NewTopic(c.get(JobOptions.TOPIC_AUDIT), 4, (short) 1).configs(raw),
        new NewTopic(c.get(JobOptions.TOPIC_SIGNINS), 2, (short) 1).configs(raw),
        new NewTopic(c.get(JobOptions.TOPIC_ALERTS), 2, (short) 1),
        new NewTopic(c.get(JobOptions.TOPIC_DEADLETTER), 1, (short) 1).configs(Map.of("retention.ms",
            Long.toString(30L * 24 * 3600 * 1000))),
        new NewTopic(HEARTBEAT_TOPIC, 1, (short) 1).configs(Map.of("retention.ms",
            Long.toString(7L * 24 * 3600 * 1000))),
        new NewTopic(c.get(JobOptions.TOPIC_CONTROL).isBlank() ? DEFAULT_CONTROL_TOPIC : c.get(JobOptions.TOPIC_CONTROL), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
        new NewTopic(ConsoleSupport.ACKS_TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
  }

  void startJob(Path dataDir, PrintStream log) throws Exception {
    Configuration flink = UalwatchJob.flinkConfiguration(config, dataDir);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofSeconds(2));
    long t0 = System.nanoTime();
    job = UalwatchJob.startKafkaJob(config, flink, false);
    log.printf("flink: job %s submitted to the local MiniCluster (%.1f s), parallelism %d, %s, checkpoints every %s%n",
        job.getJobID(), (System.nanoTime() - t0) / 1e9, config.get(JobOptions.PARALLELISM),
        config.get(JobOptions.DELIVERY).name().toLowerCase().replace('_', '-'),
        io.ualwatch.config.Durations.format(config.get(JobOptions.CHECKPOINT_INTERVAL)));
  }

  /** Closes {@code c} when the stack closes, before the job and the broker. */
  <T extends AutoCloseable> T attach(T c) {
    attached.add(c);
    return c;
  }

  @Override
  public void close() {
    for (AutoCloseable c : attached) {
      try {
        c.close();
      } catch (Exception ignored) {
        // shutting down anyway
      }
    }
    if (job != null) {
      try {
        job.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // shutting down anyway
      }
    }
    kafka.close();
  }
}
