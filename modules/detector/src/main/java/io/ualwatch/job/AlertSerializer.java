package io.ualwatch.job;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Alerts to Kafka: key = alert id (SIEMs and compaction upsert on it), value = the alert in the sink's format
 * (OCSF Detection Finding by default, ECS JSON or a CEF line). Headers carry the rule, status, severity,
 * revision, format and schema version so consumers can route without parsing the value.
 */
public final class AlertSerializer implements KafkaRecordSerializationSchema<Alert> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final AlertFormat format;

  public AlertSerializer(String topic) {
    this(topic, AlertFormat.OCSF);
  }

  public AlertSerializer(String topic, AlertFormat format) {
    this.topic = topic;
    this.format = format;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Alert a, KafkaSinkContext context, Long timestamp) {
    RecordHeaders h = new RecordHeaders();
    h.add("ualwatch.rule", utf8(a.ruleId));
    h.add("ualwatch.status", utf8(a.status.name()));
    h.add("ualwatch.severity", utf8(a.severity.name()));
    h.add("ualwatch.revision", utf8(Integer.toString(a.revision)));
    h.add("ualwatch.format", utf8(format.label()));
    h.add("ualwatch.schema-version", utf8(Alert.SCHEMA_VERSION));
    return new ProducerRecord<>(topic, null, null, utf8(a.id), utf8(format.render(a)), h);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
