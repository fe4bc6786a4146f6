package io.ualwatch.job;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Keeps Kafka records as bytes with their coordinates; parsing happens in {@link ParseFunction}. */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
    if (r.value() == null) return; // tombstone
    out.collect(new RawRecord(r.topic(), r.partition(), r.offset(),
        r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), r.timestamp()));
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }
}
