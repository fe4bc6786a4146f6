package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.job.UalwatchJob;
import io.ualwatch.testkit.EmbeddedKafka;
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
  final EmbeddedKafka kafka;
  final Config config;
  JobClient job;
  /** Closed first when the stack closes (the web console). */
  private final java.util.List<AutoCloseable> attached = new java.util.ArrayList<>();

  private Stack(EmbeddedKafka kafka, Config config) {
    this.kafka = kafka;
    this.config = config;
  }

  static Stack startBroker(Path dataDir, int port, Config base, PrintStream log) {
    long t0 = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), port, false);
    Config config = base.with(Map.of(JobOptions.BOOTSTRAP.key(), kafka.bootstrapServers()));
    kafka.createTopics(topics(config));
    log.printf("kafka: broker ready on %s (%.1f s), data in %s%n", kafka.bootstrapServers(),
        (System.nanoTime() - t0) / 1e9, dataDir.resolve("kafka"));
    return new Stack(kafka, config);
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
        new NewTopic("ualwatch.connect.heartbeat", 1, (short) 1).configs(Map.of("retention.ms",
            Long.toString(7L * 24 * 3600 * 1000))),
        new NewTopic(c.get(JobOptions.TOPIC_CONTROL).isBlank() ? "ualwatch.control" : c.get(JobOptions.TOPIC_CONTROL), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
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
