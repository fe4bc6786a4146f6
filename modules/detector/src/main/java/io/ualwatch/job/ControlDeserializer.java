package io.ualwatch.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Control topic records: key = option key, value = new value (null or empty = revert). */
public final class ControlDeserializer implements KafkaRecordDeserializationSchema<TenantFact> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<TenantFact> out) {
    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8).strip();
    String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    out.collect(TenantFact.control(key, value, r.topic() + "/" + r.partition() + "@" + r.offset()));
  }

  @Override
  public TypeInformation<TenantFact> getProducedType() {
    return TypeInformation.of(TenantFact.class);
  }
}
