package io.ualwatch.connector.support;

import io.ualwatch.model.feed.FeedClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic back from the broker. */
public final class Topics {
  private Topics() {}

  /**
   * The data records in the topic (feed clock records left out), waiting until at least {@code min} arrived (or
   * the timeout).
   */
  public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, int min, Duration timeout) {
    return read(bootstrap, topic, min, timeout, r -> !isClock(r));
  }

  /** The feed clock records in the topic, waiting until at least {@code min} of them arrived (or the timeout). */
  public static List<ConsumerRecord<String, byte[]>> readClocks(String bootstrap, String topic, int min,
      Duration timeout) {
    return read(bootstrap, topic, min, timeout, Topics::isClock);
  }

  public static boolean isClock(ConsumerRecord<?, ?> r) {
    return r.headers().lastHeader(FeedClock.CLOCK) != null;
  }

  public static String header(ConsumerRecord<?, ?> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, int min, Duration timeout,
      java.util.function.Predicate<ConsumerRecord<String, byte[]>> keep) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "read-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"), new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      int emptyAfterMin = 0;
      while (System.nanoTime() < deadline) {
        var batch = c.poll(Duration.ofMillis(200));
        for (var r : batch) if (keep.test(r)) out.add(r);
        if (out.size() >= min) {
          if (batch.isEmpty() && ++emptyAfterMin >= 3) break; // settled: nothing more is coming
        }
      }
    }
    return out;
  }

  /** Multiset of values as text, sorted for readable diffs. */
  public static Map<String, Integer> valueCounts(List<ConsumerRecord<String, byte[]>> recs) {
    Map<String, Integer> m = new TreeMap<>();
    for (var r : recs) m.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum);
    return m;
  }

  public static Map<String, Integer> counts(List<String> values) {
    Map<String, Integer> m = new TreeMap<>();
    for (String v : values) m.merge(v, 1, Integer::sum);
    return m;
  }
}
