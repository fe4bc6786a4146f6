package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Tails the alerts topic (read_committed) and the dead-letter topic, printing one readable line per alert
 * revision and per rejected record, and keeping the latest revision of every alert id.
 */
final class AlertWatcher implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
  final AtomicLong deadLetters = new AtomicLong();
  volatile long firstAlertAtNanos;
  private Thread thread;
  private volatile boolean stop;

  private Map<String, ?> clientProperties = Map.of();

  /** A watcher whose consumer also gets {@code clientProperties} (security). */
  AlertWatcher(String bootstrap, String alertsTopic, String deadLetterTopic, PrintStream out, boolean color,
      Map<String, ?> clientProperties) {
    this.clientProperties = clientProperties;
    start(bootstrap, alertsTopic, deadLetterTopic, out, color);
  }

  AlertWatcher(String bootstrap, String alertsTopic, String deadLetterTopic, PrintStream out, boolean color) {
    start(bootstrap, alertsTopic, deadLetterTopic, out, color);
  }

  private void start(String bootstrap, String alertsTopic, String deadLetterTopic, PrintStream out, boolean color) {
    thread = new Thread(() -> loop(bootstrap, alertsTopic, deadLetterTopic, out, color), "alert-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(String bootstrap, String alerts, String dead, PrintStream out, boolean color) {
    Map<String, Object> props = new java.util.HashMap<>(clientProperties);
    props.putAll(Map.of("bootstrap.servers", bootstrap, "group.id", "ualwatch-watch-" + System.nanoTime(),
        "auto.offset.reset", "earliest", "isolation.level", "read_committed", "enable.auto.commit", "false"));
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.subscribe(List.of(alerts, dead));
      while (!stop) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          try {
            JsonNode n = MAPPER.readTree(new String(r.value(), StandardCharsets.UTF_8));
            if (r.topic().equals(dead)) {
              deadLetters.incrementAndGet();
              out.println("dead letter  " + n.path("reason").asText() + " at " + n.path("origin").asText() + ": "
                  + n.path("message").asText());
            } else {
              if (firstAlertAtNanos == 0) firstAlertAtNanos = System.nanoTime();
              String id = n.path("finding_info").path("uid").asText();
              latest.merge(id, n, (a, b) -> b.path("unmapped").path("revision").asInt()
                  >= a.path("unmapped").path("revision").asInt() ? b : a);
              out.println(OcsfText.line(n, color));
            }
          } catch (Exception e) {
            out.println("unreadable record on " + r.topic() + ": " + e.getMessage());
          }
        }
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      // closing
    }
  }

  long activeCount() {
    return latest.values().stream().filter(n -> !"WITHDRAWN".equals(n.path("unmapped").path("alert_status").asText()))
        .count();
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
