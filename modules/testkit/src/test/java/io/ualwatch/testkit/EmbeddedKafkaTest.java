package io.ualwatch.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @Test
  void producesAndConsumesAndKeepsDataAcrossRestart(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("kafka");
    int port;
    try (EmbeddedKafka k = EmbeddedKafka.start(data, 0, false)) {
      port = k.port();
      assertTrue(k.bootstrapServers().startsWith("127.0.0.1:"));
      k.createTopic("t", 2);
      try (var p = new KafkaProducer<String, String>(Map.of("bootstrap.servers", k.bootstrapServers()),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 10; i++) p.send(new ProducerRecord<>("t", "k" + i, "v" + i)).get();
      }
    }
    assertTrue(Files.exists(data.resolve("logs/meta.properties")));
    try (EmbeddedKafka k = EmbeddedKafka.start(data, port, false)) {
      assertEquals(10, readAll(k.bootstrapServers(), "t").size(), "records survive a broker restart");
    }
  }

  static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (var c = new KafkaConsumer<String, String>(Map.of("bootstrap.servers", bootstrap, "group.id", "t",
        "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (out.size() < 10 && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
