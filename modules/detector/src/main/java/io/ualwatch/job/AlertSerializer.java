package io.ualwatch.job;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.OcsfFormatter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Alerts to Kafka: key = alert id (SIEMs and compaction upsert on it), value = OCSF Detection Finding. */
public final class AlertSerializer implements KafkaRecordSerializationSchema<Alert> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public AlertSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Alert a, KafkaSinkContext context, Long timestamp) {
    RecordHeaders h = new RecordHeaders();
    h.add("ualwatch.rule", a.ruleId.getBytes(StandardCharsets.UTF_8));
    h.add("ualwatch.status", a.status.name().getBytes(StandardCharsets.UTF_8));
    h.add("ualwatch.severity", a.severity.name().getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, null, a.id.getBytes(StandardCharsets.UTF_8),
        OcsfFormatter.toJsonString(a).getBytes(StandardCharsets.UTF_8), h);
  }
}
