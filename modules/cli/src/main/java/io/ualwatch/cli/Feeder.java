package io.ualwatch.cli;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends audit-log files into the raw topics: every record the parser reads goes, raw and untouched, to the
 * audit or sign-in topic keyed by tenant|id, with its event time as the Kafka timestamp.
 */
final class Feeder implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String auditTopic;
  private final String signinTopic;
  private final InputReader reader = new InputReader();
  long sent;
  long rejected;
  /** Records sent per topic. */
  final java.util.Map<String, Long> perTopic = new java.util.TreeMap<>();
  /** The first send the broker refused (checked by {@link #flush()}). */
  private final java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
  private final org.apache.kafka.clients.producer.Callback onAck = (md, ex) -> {
    if (ex != null) failure.compareAndSet(null, ex);
  };

  Feeder(String bootstrap, String auditTopic, String signinTopic) {
    this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all",
        "compression.type", "lz4", "linger.ms", "20", "batch.size", Integer.toString(512 * 1024),
        "enable.idempotence", "true"), new ByteArraySerializer(), new ByteArraySerializer());
    this.auditTopic = auditTopic;
    this.signinTopic = signinTopic;
  }

  void feed(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      reader.read(in, file.toString(), new ParseListener() {
        @Override public void onEvent(AuditEvent e) { send(e); }
        @Override public void onReject(Rejection r) { rejected++; }
      });
    }
  }

  void send(AuditEvent e) {
    String topic = e.source == EventSource.ENTRA_SIGNIN && !signinTopic.isBlank() ? signinTopic : auditTopic;
    byte[] key = (e.tenantId + "|" + e.recordId).getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(topic, null, e.eventTime.toEpochMilli(), key,
        e.raw.getBytes(StandardCharsets.UTF_8)), onAck);
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
