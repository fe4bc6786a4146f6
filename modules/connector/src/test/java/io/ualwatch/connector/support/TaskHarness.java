package io.ualwatch.connector.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.ualwatch.model.feed.FeedClock;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Drives a {@link SourceTask} the way a Connect worker does: poll, produce each record to a real broker, and
 * commit a record's source offset only once the broker acknowledged it (in order). {@link #restart()} stops
 * the task and starts a new instance from the committed offsets, like a worker restart.
 */
public final class TaskHarness implements AutoCloseable {
  private final Supplier<? extends SourceTask> factory;
  private final Map<String, String> props;
  private final KafkaProducer<String, byte[]> producer;
  public final Map<Map<String, ?>, Map<String, ?>> committed = new ConcurrentHashMap<>();
  public final List<SourceRecord> delivered = new ArrayList<>();
  public SourceTask task;
  public int restarts;
  public int retriable;

  public TaskHarness(Supplier<? extends SourceTask> factory, Map<String, String> props, String bootstrapServers) {
    this.factory = factory;
    this.props = props;
    this.producer = bootstrapServers == null ? null : new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer());
    start();
  }

  private void start() {
    task = factory.get();
    task.initialize(new SourceTaskContext() {
      @Override
      public Map<String, String> configs() {
        return props;
      }

      @Override
      public OffsetStorageReader offsetStorageReader() {
        return new OffsetStorageReader() {
          @Override
          @SuppressWarnings("unchecked")
          public <T> Map<String, Object> offset(Map<String, T> partition) {
            Map<String, ?> o = committed.get(new HashMap<>(partition));
            return o == null ? null : (Map<String, Object>) new HashMap<>(o);
          }

          @Override
          public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> m = new HashMap<>();
            for (Map<String, T> p : partitions) m.put(p, offset(p));
            return m;
          }
        };
      }

      @Override
      public PluginMetrics pluginMetrics() {
        return null;
      }
    });
    task.start(props);
  }

  /** One poll; every record returned is produced and acknowledged, then its offset committed. */
  public List<SourceRecord> pollOnce() throws Exception {
    List<SourceRecord> recs;
    try {
      recs = task.poll();
    } catch (org.apache.kafka.connect.errors.RetriableException e) {
      retriable++;
      return List.of(); // the worker logs it and polls again
    }
    if (recs == null) return List.of();
    deliver(recs, recs.size());
    return recs;
  }

  /** Produces the first {@code n} records and commits their offsets; the rest are "lost in a crash". */
  public void deliver(List<SourceRecord> recs, int n) throws Exception {
    List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SourceRecord r = recs.get(i);
      if (producer != null) {
        ProducerRecord<String, byte[]> pr = new ProducerRecord<>(r.topic(), r.kafkaPartition(), (String) r.key(), (byte[]) r.value());
        for (Header h : r.headers()) pr.headers().add(h.key(), String.valueOf(h.value()).getBytes());
        acks.add(producer.send(pr));
      }
    }
    for (int i = 0; i < n; i++) {
      RecordMetadata md = producer == null ? null : acks.get(i).get();
      SourceRecord r = recs.get(i);
      delivered.add(r);
      // Like Connect: a null offset is a tombstone for its source partition (clock records have their own).
      if (r.sourcePartition() != null) {
        if (r.sourceOffset() == null) committed.remove(new HashMap<>(r.sourcePartition()));
        else committed.put(new HashMap<>(r.sourcePartition()), r.sourceOffset());
      }
      task.commitRecord(r, md);
    }
  }

  public void restart() {
    task.stop();
    restarts++;
    start();
  }

  /** Polls until {@code done} or the timeout; optionally restarting after every poll that returned records. */
  public void runUntil(BooleanSupplier done, Duration timeout, boolean restartAfterEachBatch) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not reached within " + timeout);
      List<SourceRecord> r = pollOnce();
      if (restartAfterEachBatch && !r.isEmpty()) restart();
    }
  }

  /** Data records (and heartbeats) delivered to {@code topic}: feed clock records are not counted. */
  public long deliveredTo(String topic) {
    return delivered.stream().filter(r -> r.topic().equals(topic) && !isClock(r)).count();
  }

  /** Feed clock records delivered, in order. */
  public List<SourceRecord> clocks() {
    return delivered.stream().filter(TaskHarness::isClock).toList();
  }

  public static boolean isClock(SourceRecord r) {
    return r.headers().lastWithName(FeedClock.CLOCK) != null;
  }

  /** A header's value as text, null when absent. */
  public static String header(SourceRecord r, String name) {
    Header h = r.headers().lastWithName(name);
    return h == null ? null : String.valueOf(h.value());
  }

  @Override
  public void close() {
    if (task != null) task.stop();
    if (producer != null) producer.close(Duration.ofSeconds(5));
  }
}
