package io.ualwatch.console;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Talking to the broker before doing anything else, so that a wrong address fails fast with a useful message. */
public final class Brokers {
  private Brokers() {}

  /** The broker could not be reached or answered with an error; the message says what to check. */
  public static final class UnreachableException extends RuntimeException {
    public UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static Admin admin(String bootstrap, Duration timeout) {
    return admin(bootstrap, timeout, Map.of());
  }

  /**
   * An admin client; {@code kafka} holds extra client properties (security.protocol, ssl.*, sasl.*) applied
   * under the console's own settings.
   *
   * @throws UnreachableException when the client cannot be created from those properties (a missing truststore, …)
   */
  public static Admin admin(String bootstrap, Duration timeout, Map<String, String> kafka) {
    int ms = (int) Math.max(1000, timeout.toMillis());
    try {
      return Admin.create(clientConfig(kafka, Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
          AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000)));
    } catch (KafkaException e) {
      throw clientProblem(bootstrap, e);
    }
  }

  /**
   * The properties of a Kafka client: the extra ones ({@code kafka}: security settings and the like) first,
   * then the client's own, which win (the bootstrap address, isolation level, serialisation, …).
   */
  static Map<String, Object> clientConfig(Map<String, String> kafka, Map<String, ?> own) {
    Map<String, Object> props = new HashMap<>();
    if (kafka != null) props.putAll(kafka);
    props.putAll(own);
    return props;
  }

  /** A client that could not be created from its properties; names the root cause, never a property's value. */
  static UnreachableException clientProblem(String bootstrap, KafkaException e) {
    Throwable deepest = e;
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (root instanceof KafkaException) deepest = root;
    }
    String why = deepest.getMessage() + (root == deepest ? "" : " (" + root.getClass().getSimpleName() + ": "
        + root.getMessage() + ")");
    return new UnreachableException("cannot create a Kafka client for " + bootstrap + ": " + why
        + ". Check the Kafka client security settings (security.protocol, ssl.*, sasl.*).", e);
  }

  /**
   * Waits up to {@code timeout} for the cluster to answer, then checks that the named topics exist.
   *
   * @throws UnreachableException naming the address, the timeout and what to do about it
   */
  public static void requireReachable(String bootstrap, Duration timeout, String... topics) {
    requireReachable(bootstrap, Map.of(), timeout, topics);
  }

  /**
   * As {@link #requireReachable(String, Duration, String...)}, with extra client properties ({@code kafka}:
   * security.protocol, ssl.*, sasl.*).
   *
   * @throws UnreachableException naming the address, the timeout and what to do about it
   */
  public static void requireReachable(String bootstrap, Map<String, String> kafka, Duration timeout, String... topics) {
    try (Admin admin = admin(bootstrap, timeout, kafka)) {
      try {
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof AuthenticationException a) throw refused(bootstrap, a);
        throw unreachable(bootstrap, kafka, timeout, e);
      } catch (TimeoutException e) {
        throw unreachable(bootstrap, kafka, timeout, e);
      }
      if (topics.length == 0) return;
      Set<String> names;
      try {
        names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new UnreachableException("the broker at " + bootstrap + " did not list its topics within "
            + seconds(timeout) + " s: " + e.getMessage(), e);
      }
      for (String t : topics) {
        if (!names.contains(t)) {
          throw new UnreachableException("topic " + t + " does not exist on " + bootstrap
              + ". 'ualwatch up' creates ualwatch's topics; for another cluster create it, or name yours with"
              + " --set topics.…=NAME.", null);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted while connecting to " + bootstrap, e);
    }
  }

  /** Creates a compacted topic when it does not exist yet (one partition, the cluster's replication factor). */
  public static void ensureCompactedTopic(String bootstrap, Duration timeout, String topic) {
    ensureCompactedTopic(bootstrap, Map.of(), timeout, topic);
  }

  /** As {@link #ensureCompactedTopic(String, Duration, String)}, with extra client properties ({@code kafka}). */
  public static void ensureCompactedTopic(String bootstrap, Map<String, String> kafka, Duration timeout, String topic) {
    try (Admin admin = admin(bootstrap, timeout, kafka)) {
      Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (names.contains(topic)) return;
      NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
          .configs(Map.of("cleanup.policy", "compact"));
      try {
        admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted while creating " + topic, e);
    } catch (TimeoutException | ExecutionException e) {
      throw new UnreachableException("could not create the compacted topic " + topic + " on " + bootstrap + ": "
          + e.getMessage() + ". Create it yourself (cleanup.policy=compact) or check the client's permissions.", e);
    }
  }

  private static UnreachableException unreachable(String bootstrap, Map<String, String> kafka, Duration timeout,
      Exception e) {
    boolean secured = kafka != null && kafka.containsKey("security.protocol")
        && !"PLAINTEXT".equalsIgnoreCase(kafka.get("security.protocol"));
    return new UnreachableException("cannot reach a Kafka broker at " + bootstrap + " within " + seconds(timeout)
        + " s. Is one running there? Start one with 'ualwatch up', or point at yours with --bootstrap HOST:PORT"
        + " (and --timeout SECONDS for a slow network)." + (secured ? ""
            : " A broker that requires TLS or SASL looks like this to a plaintext client: configure the Kafka client "
                + "security settings (kafka.security.protocol, kafka.sasl.*, kafka.ssl.* in the --config file; see "
                + "docs/security.md)."), e);
  }

  private static UnreachableException refused(String bootstrap, AuthenticationException e) {
    return new UnreachableException("the Kafka broker at " + bootstrap + " refused the connection's security: "
        + e.getMessage() + ". Check the Kafka client security settings (security.protocol, the truststore or CA "
        + "certificate, the SASL mechanism and credentials).", e);
  }

  private static long seconds(Duration d) {
    return Math.max(1, Math.round(d.toMillis() / 1000.0));
  }
}
