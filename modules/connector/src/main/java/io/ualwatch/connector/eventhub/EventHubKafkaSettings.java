package io.ualwatch.connector.eventhub;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The alternative to pulling sign-ins from Graph: Entra diagnostic settings stream them to an Event Hub, whose
 * Kafka-compatible endpoint is read like any Kafka topic. Every setting under {@link #PREFIX} is passed through
 * to the Kafka consumer verbatim (minus the prefix), e.g.
 *
 * <pre>
 * eventhub.kafka.bootstrap.servers=NAMESPACE.servicebus.windows.net:9093
 * eventhub.kafka.security.protocol=SASL_SSL
 * eventhub.kafka.sasl.mechanism=PLAIN
 * eventhub.kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \
 *     username="$ConnectionString" password="${env:EVENTHUB_CONNECTION_STRING}";
 * eventhub.kafka.group.id=ualwatch
 * eventhub.topic=insights-logs-signinlogs
 * </pre>
 *
 * Each message is a {@code {"records":[…]}} envelope; route on each record's {@code category}.
 */
public final class EventHubKafkaSettings {
  public static final String PREFIX = "eventhub.kafka.";
  public static final String TOPIC = "eventhub.topic";

  private EventHubKafkaSettings() {}

  /** The consumer properties: every {@code eventhub.kafka.*} entry without the prefix. */
  public static Properties consumerProperties(Map<String, String> config) {
    Properties p = new Properties();
    config.forEach((k, v) -> {
      if (k.startsWith(PREFIX) && k.length() > PREFIX.length()) p.setProperty(k.substring(PREFIX.length()), v);
    });
    if (!p.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException(PREFIX + "bootstrap.servers is required");
    }
    return p;
  }

  /** The properties for logs: JAAS configs, passwords, secrets and keys masked. */
  public static Map<String, String> redacted(Properties p) {
    Map<String, String> m = new TreeMap<>();
    for (String k : p.stringPropertyNames()) m.put(k, sensitive(k) ? "[hidden]" : p.getProperty(k));
    return m;
  }

  static boolean sensitive(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("jaas") || k.contains("password") || k.contains("secret") || k.endsWith(".key")
        || k.contains("token") || k.contains("credential");
  }
}
