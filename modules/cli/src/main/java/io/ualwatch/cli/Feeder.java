package io.ualwatch.cli;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.feed.FeedClock;
import io.ualwatch.model.order.OrderedReader;
import io.ualwatch.model.parse.Rejection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records into the raw topics: every record goes, raw and untouched, to the audit or sign-in topic keyed by
 * tenant|id, with its event time as the Kafka timestamp and the feed's stream in a header; {@link #clock} writes a
 * feed clock record into every partition of both topics (see {@link FeedClock}), so that the job's event time
 * follows this feed. {@link #sendOrdered} sends files in the canonical merged order, with clock records as it goes.
 */
final class Feeder implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String auditTopic;
  private final String signinTopic;
  private final String stream;
  private final byte[] streamBytes;
  long sent;
  /** Clock records written. */
  long clocks;
  long rejected;
  /** Records sent per topic. */
  final java.util.Map<String, Long> perTopic = new java.util.TreeMap<>();
  /** The first send the broker refused (checked by {@link #flush()}). */
  private final java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
  private final org.apache.kafka.clients.producer.Callback onAck = (md, ex) -> {
    if (ex != null) failure.compareAndSet(null, ex);
  };

  Feeder(String bootstrap, String auditTopic, String signinTopic) {
    this(bootstrap, auditTopic, signinTopic, "feeder");
  }

  /** A feeder whose records and clock records belong to {@code stream}. */
  Feeder(String bootstrap, String auditTopic, String signinTopic, String stream) {
    this(bootstrap, auditTopic, signinTopic, stream, Map.of());
  }

  /** A feeder with extra client properties (security: {@link KafkaClients}). */
  Feeder(String bootstrap, String auditTopic, String signinTopic, String stream, Map<String, ?> clientProperties) {
    Map<String, Object> c = new java.util.HashMap<>(clientProperties);
    c.putAll(Map.of("bootstrap.servers", bootstrap, "acks", "all",
        "compression.type", "lz4", "linger.ms", "20", "batch.size", Integer.toString(512 * 1024),
        "enable.idempotence", "true"));
    this.producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    this.auditTopic = auditTopic;
    this.signinTopic = signinTopic;
    this.stream = stream;
    this.streamBytes = FeedClock.bytes(stream);
  }

  /**
   * Sends the files' records in the canonical merged order ({@link OrderedReader}: the audit and sign-in topics
   * advance together, whatever the order inside the files), with a clock record every 2,000 records and an ending
   * one at the end.
   */
  void sendOrdered(List<Path> files) throws InterruptedException {
    long[] last = {Long.MIN_VALUE};
    new OrderedReader(files, io.ualwatch.engine.HuntRunner::openFile, OrderedReader.Options.defaults())
        .run(new OrderedReader.Sink() {
          @Override public void onEvent(AuditEvent e) {
            send(e);
            last[0] = e.eventTime.toEpochMilli();
            if (sent % 2000 == 0) clock(last[0], false);
          }
          @Override public void onReject(Rejection r) { rejected++; }
        });
    if (last[0] != Long.MIN_VALUE) clock(last[0], true);
  }

  /**
   * Writes a clock record of this feed's stream at {@code time} into every partition of each topic this feeder has
   * sent a record to. A topic it sent nothing to gets no clock: a replay of sign-ins alone says nothing about the
   * audit feed, whose partitions then keep holding event time until their own feed comes.
   */
  void clock(long time, boolean end) {
    for (String topic : signinTopic.isBlank() ? List.of(auditTopic) : List.of(auditTopic, signinTopic)) {
      if (!perTopic.containsKey(topic)) continue;
      int n = partitions.computeIfAbsent(topic, t -> producer.partitionsFor(t).size());
      for (int p = 0; p < n; p++) {
        RecordHeaders h = new RecordHeaders();
        h.add(FeedClock.STREAM, streamBytes);
        h.add(FeedClock.CLOCK, FeedClock.bytes(Long.toString(time)));
        if (end) h.add(FeedClock.END, FeedClock.bytes("true"));
        producer.send(new ProducerRecord<>(topic, p, time, FeedClock.key(stream), null, h), onAck);
        clocks++;
      }
    }
  }

  private final Map<String, Integer> partitions = new java.util.HashMap<>();

  void send(AuditEvent e) {
    String topic = e.source == EventSource.ENTRA_SIGNIN && !signinTopic.isBlank() ? signinTopic : auditTopic;
    byte[] key = (e.tenantId + "|" + e.recordId).getBytes(StandardCharsets.UTF_8);
    RecordHeaders h = new RecordHeaders();
    h.add(FeedClock.STREAM, streamBytes);
    producer.send(new ProducerRecord<>(topic, null, e.eventTime.toEpochMilli(), key,
        e.raw.getBytes(StandardCharsets.UTF_8), h), onAck);
    sent++;
    perTopic.merge(topic, 1L, Long::sum);
  }

  /** Sends bytes as they are (used to show what happens to a malformed record). */
  void sendRaw(String key, String value) {
    producer.send(new ProducerRecord<>(auditTopic, key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8)));
  }

  /** Waits until the broker acknowledged everything sent so far; throws when it refused any record. */
  void flush() {
    producer.flush();
    Exception e = failure.get();
    if (e != null) {
      throw new Main.Failure("the broker did not accept a record: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
