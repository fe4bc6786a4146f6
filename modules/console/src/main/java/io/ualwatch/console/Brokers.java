package io.ualwatch.console;

import java.time.Duration;
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
    int ms = (int) Math.max(1000, timeout.toMillis());
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
  }

  /**
   * Waits up to {@code timeout} for the cluster to answer, then checks that the named topics exist.
   *
   * @throws UnreachableException naming the address, the timeout and what to do about it
   */
  public static void requireReachable(String bootstrap, Duration timeout, String... topics) {
    try (Admin admin = admin(bootstrap, timeout)) {
      try {
        admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new UnreachableException("cannot reach a Kafka broker at " + bootstrap + " within " + seconds(timeout)
            + " s. Is one running there? Start one with 'ualwatch up', or point at yours with --bootstrap HOST:PORT"
            + " (and --timeout SECONDS for a slow network).", e);
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
    try (Admin admin = admin(bootstrap, timeout)) {
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

  private static long seconds(Duration d) {
    return Math.max(1, Math.round(d.toMillis() / 1000.0));
  }
}
