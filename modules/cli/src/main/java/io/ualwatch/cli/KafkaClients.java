package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.job.UalwatchJob;
import java.util.HashMap;
import java.util.Map;

/**
 * Kafka client settings of the CLI's own clients (replay, watch, the connectors' worker): the same security
 * options as the job ({@link io.ualwatch.config.KafkaSecurity}, plus kafka.client-properties-file), so one
 * configuration file secures every client.
 */
final class KafkaClients {
  private KafkaClients() {}

  /** Security (and any extra) client properties from {@code config}, merged under {@code base}'s keys. */
  static Map<String, Object> with(Config config, Map<String, ?> base) {
    Map<String, Object> m = new HashMap<>();
    UalwatchJob.clientProperties(config).forEach((k, v) -> m.put(k.toString(), v));
    m.putAll(base);
    return m;
  }

  /** The security (and any extra) client properties as strings, for the console's clients and {@code Brokers}. */
  static Map<String, String> strings(Config config) {
    Map<String, String> m = new HashMap<>();
    UalwatchJob.clientProperties(config).forEach((k, v) -> m.put(k.toString(), v.toString()));
    return m;
  }

  /** The same properties with a prefix (Connect's {@code producer.}, {@code consumer.}, {@code admin.}). */
  static Map<String, String> prefixed(Config config, String prefix) {
    Map<String, String> m = new HashMap<>();
    UalwatchJob.clientProperties(config).forEach((k, v) -> m.put(prefix + k, v.toString()));
    return m;
  }
}
