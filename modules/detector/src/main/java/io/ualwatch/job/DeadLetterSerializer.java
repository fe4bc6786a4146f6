package io.ualwatch.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead letters as JSON {origin, topic, partition, offset, reason, message, raw, rawTruncated, time}, keyed by origin. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  public static String toJson(DeadLetter d) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("origin", d.origin);
    o.put("topic", d.topic);
    o.put("partition", d.partition);
    o.put("offset", d.offset);
    o.put("reason", d.reason);
    o.put("message", d.message);
    o.put("raw", d.raw);
    o.put("rawTruncated", d.rawTruncated);
    o.put("time", d.time);
    return o.toString();
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, d.origin.getBytes(StandardCharsets.UTF_8),
        toJson(d).getBytes(StandardCharsets.UTF_8));
  }
}
