package io.ualwatch.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The console's view of the alert queue: reads the alerts topic (read_committed, from the beginning, the
 * highest revision per alert id wins) and the compacted acknowledgement topic (latest value per alert id),
 * and tells its listeners about every change. No consumer group: every console instance reads everything,
 * so several analysts' consoles show the same queue.
 */
public final class AlertFeed implements AutoCloseable {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Told about changes, on the feed's thread; must not block. */
  public interface Listener {
    void onAlert(ObjectNode alert);

    void onAck(ObjectNode ack);
  }

  private final String alertsTopic;
  private final String acksTopic;
  private final int maxAlerts;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, ObjectNode> alerts = new LinkedHashMap<>();
  private final Map<String, ObjectNode> acks = new HashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stop;
  private volatile boolean caughtUp;
  private volatile long unreadable;

  public AlertFeed(String bootstrap, String alertsTopic, String acksTopic, int maxAlerts) {
    this(bootstrap, Map.of(), alertsTopic, acksTopic, maxAlerts);
  }

  /**
   * A feed whose consumer also gets the extra client properties {@code kafka} (security.protocol, ssl.*,
   * sasl.*); the feed's own settings (read_committed, no commits) win over them.
   */
  public AlertFeed(String bootstrap, Map<String, String> kafka, String alertsTopic, String acksTopic, int maxAlerts) {
    this.alertsTopic = alertsTopic;
    this.acksTopic = acksTopic;
    this.maxAlerts = maxAlerts;
    try {
      this.consumer = new KafkaConsumer<>(Brokers.clientConfig(kafka, Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    } catch (org.apache.kafka.common.KafkaException e) {
      throw Brokers.clientProblem(bootstrap, e);
    }
    this.thread = new Thread(this::loop, "console-feed");
    this.thread.setDaemon(true);
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  public void removeListener(Listener l) {
    listeners.remove(l);
  }

  public AlertFeed start() {
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : List.of(alertsTopic, acksTopic)) {
      // a topic created a moment ago may not be in the broker's metadata yet
      List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + 10_000_000_000L;
      while ((infos == null || infos.isEmpty()) && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
        infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
      }
      if (infos == null || infos.isEmpty()) throw new IllegalStateException("topic " + t + " has no partitions");
      for (PartitionInfo p : infos) parts.add(new TopicPartition(t, p.partition()));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    endOffsets = new HashMap<>(end);
    started = true;
    thread.start();
    return this;
  }

  private Map<TopicPartition, Long> endOffsets;
  private volatile boolean started;

  private void loop() {
    try {
      while (!stop) {
        var records = consumer.poll(Duration.ofMillis(250));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (r.value() == null) {
            if (r.topic().equals(acksTopic) && r.key() != null) forgetAck(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
            continue;
          }
          JsonNode n;
          try {
            n = MAPPER.readTree(r.value());
          } catch (Exception e) {
            unreadable++;
            continue;
          }
          if (!(n instanceof ObjectNode o)) {
            unreadable++;
            continue;
          }
          if (r.topic().equals(alertsTopic)) {
            onAlert(o);
          } else {
            onAck(o);
          }
        }
        if (!caughtUp) checkCaughtUp();
      }
    } catch (WakeupException | InterruptException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void checkCaughtUp() {
    for (Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) return;
    }
    caughtUp = true;
  }

  private void onAlert(ObjectNode a) {
    String id = a.path("finding_info").path("uid").asText("");
    if (id.isEmpty()) {
      unreadable++;
      return;
    }
    synchronized (this) {
      ObjectNode prev = alerts.get(id);
      if (prev != null && prev.path("unmapped").path("revision").asInt() > a.path("unmapped").path("revision").asInt()) {
        return; // an older revision arriving late: the upsert stream keeps the highest
      }
      alerts.remove(id);
      alerts.put(id, a);
      if (alerts.size() > maxAlerts) {
        Iterator<String> it = alerts.keySet().iterator();
        String oldest = it.next();
        it.remove();
        acks.remove(oldest);
      }
    }
    for (Listener l : listeners) l.onAlert(a);
  }

  private void onAck(ObjectNode ack) {
    String id = ack.path("alert_id").asText("");
    if (id.isEmpty()) {
      unreadable++;
      return;
    }
    synchronized (this) {
      acks.put(id, ack);
    }
    for (Listener l : listeners) l.onAck(ack);
  }

  private void forgetAck(String id) {
    ObjectNode open = MAPPER.createObjectNode();
    open.put("alert_id", id);
    open.put("state", "OPEN");
    onAck(open);
  }

  public synchronized ObjectNode alert(String id) {
    return alerts.get(id);
  }

  public synchronized ObjectNode ack(String id) {
    return acks.get(id);
  }

  public synchronized int size() {
    return alerts.size();
  }

  public boolean caughtUp() {
    return caughtUp;
  }

  public long unreadable() {
    return unreadable;
  }

  /** Everything known now: {@code {alerts: [...], acks: {id: ack}, caughtUp}}. */
  public synchronized ObjectNode snapshot() {
    ObjectNode o = MAPPER.createObjectNode();
    ArrayNode list = o.putArray("alerts");
    for (ObjectNode a : alerts.values()) list.add(a);
    ObjectNode ak = o.putObject("acks");
    for (Map.Entry<String, ObjectNode> e : acks.entrySet()) ak.set(e.getKey(), e.getValue());
    o.put("caughtUp", caughtUp);
    return o;
  }

  @Override
  public void close() {
    stop = true;
    if (!started) {
      consumer.close(Duration.ofSeconds(1));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
