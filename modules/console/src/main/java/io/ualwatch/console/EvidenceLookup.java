package io.ualwatch.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Finds the raw records behind an alert's evidence on the raw topics, without an index: records are keyed
 * {@code tenant|record id} (so the partition is known) and carry their event time as the Kafka timestamp (so
 * {@code offsetsForTimes} gives a starting offset at or before the record). From there a bounded scan looks
 * for the key. Memory stays flat whatever the topic size; a record that is not found within the scan limit
 * is reported as such.
 */
public final class EvidenceLookup implements AutoCloseable {
  /** Records scanned per evidence record before giving up. */
  static final int MAX_SCAN = 20_000;
  /** Evidence records looked up per alert. */
  static final int MAX_RECORDS = 25;
  /** Raw text returned per record. */
  static final int MAX_RAW_CHARS = 64 * 1024;
  /** Start this much before the record's event time (clock skew between the record and its timestamp). */
  static final long SLACK_MS = 60_000;

  private final List<String> topics;
  private final KafkaConsumer<byte[], byte[]> consumer;

  public EvidenceLookup(String bootstrap, List<String> rawTopics) {
    this(bootstrap, Map.of(), rawTopics);
  }

  /** A lookup whose consumer also gets the extra client properties {@code kafka} (security.protocol, ssl.*, sasl.*). */
  public EvidenceLookup(String bootstrap, Map<String, String> kafka, List<String> rawTopics) {
    this.topics = rawTopics.stream().filter(t -> t != null && !t.isBlank()).distinct().toList();
    try {
      this.consumer = new KafkaConsumer<>(Brokers.clientConfig(kafka, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
          ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000)), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    } catch (org.apache.kafka.common.KafkaException e) {
      throw Brokers.clientProblem(bootstrap, e);
    }
  }

  /**
   * For each {@code finding_info.related_events[]} of the alert (at most {@link #MAX_RECORDS}), an object with
   * uid, time, type and either {@code raw} (the record text, plus topic/partition/offset) or {@code note}.
   */
  public synchronized ArrayNode lookup(JsonNode alert, Duration budget) {
    ArrayNode out = AlertFeed.MAPPER.createArrayNode();
    String tenant = alert.path("metadata").path("tenant_uid").asText(alert.path("unmapped").path("tenant_id").asText(""));
    long deadline = System.nanoTime() + budget.toNanos();
    int n = 0;
    for (JsonNode ev : alert.path("finding_info").path("related_events")) {
      ObjectNode o = out.addObject();
      String uid = ev.path("uid").asText("");
      o.put("uid", uid);
      o.put("time", ev.path("time").asLong());
      if (ev.has("type")) o.put("type", ev.path("type").asText());
      if (n++ >= MAX_RECORDS) {
        o.put("note", "not looked up: only the first " + MAX_RECORDS + " evidence records are");
        continue;
      }
      if (System.nanoTime() > deadline) {
        o.put("note", "not looked up: the lookup took too long");
        continue;
      }
      byte[] key = (tenant + "|" + uid).getBytes(StandardCharsets.UTF_8);
      boolean found = false;
      for (String topic : topics) {
        if (find(topic, key, ev.path("time").asLong(), deadline, o)) {
          found = true;
          break;
        }
      }
      if (!found && !o.has("note")) {
        o.put("note", "not found on " + String.join(" or ", topics) + " near its event time (expired by retention, "
            + "or sent with another key)");
      }
    }
    return out;
  }

  private boolean find(String topic, byte[] key, long time, long deadline, ObjectNode out) {
    List<PartitionInfo> parts = consumer.partitionsFor(topic);
    if (parts == null || parts.isEmpty()) return false;
    TopicPartition tp = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % parts.size());
    Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(Map.of(tp, Math.max(0, time - SLACK_MS)));
    OffsetAndTimestamp at = start.get(tp);
    if (at == null) return false; // nothing at or after that time in this partition
    long end = consumer.endOffsets(List.of(tp)).get(tp);
    consumer.assign(List.of(tp));
    consumer.seek(tp, at.offset());
    int scanned = 0;
    while (scanned < MAX_SCAN && System.nanoTime() < deadline && consumer.position(tp) < end) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        scanned++;
        if (r.key() != null && Arrays.equals(r.key(), key) && r.value() != null) {
          String raw = new String(r.value(), StandardCharsets.UTF_8);
          out.put("topic", topic);
          out.put("partition", tp.partition());
          out.put("offset", r.offset());
          if (raw.length() > MAX_RAW_CHARS) {
            out.put("raw", raw.substring(0, MAX_RAW_CHARS));
            out.put("truncated", true);
          } else {
            out.put("raw", raw);
          }
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(1));
  }
}
