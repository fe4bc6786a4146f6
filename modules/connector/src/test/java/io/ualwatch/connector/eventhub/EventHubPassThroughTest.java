package io.ualwatch.connector.eventhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Event Hub route for sign-ins: a consumer built only from pass-through {@code eventhub.kafka.*} settings reads
 * {@code {"records":[…]}} envelopes. Locally this runs over PLAINTEXT against the embedded broker; SASL_SSL to
 * a real Event Hub is not exercised here (only that its settings pass through verbatim and are masked in logs).
 */
class EventHubPassThroughTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void saslSslSettingsPassThroughVerbatimAndAreMaskedForLogs() {
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" "
        + "password=\"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=abc123=\";";
    Properties p = EventHubKafkaSettings.consumerProperties(Map.of(
        "eventhub.kafka.bootstrap.servers", "ns.servicebus.windows.net:9093",
        "eventhub.kafka.security.protocol", "SASL_SSL", "eventhub.kafka.sasl.mechanism", "PLAIN",
        "eventhub.kafka.sasl.jaas.config", jaas, "eventhub.topic", "insights-logs-signinlogs", "other", "x"));
    assertEquals(jaas, p.getProperty("sasl.jaas.config"));
    assertEquals("SASL_SSL", p.getProperty("security.protocol"));
    assertEquals(4, p.size());
    Map<String, String> shown = EventHubKafkaSettings.redacted(p);
    assertEquals("[hidden]", shown.get("sasl.jaas.config"));
    assertFalse(shown.toString().contains("abc123"));
  }

  @Test
  void aConsumerConfiguredOnlyThroughPassThroughPropertiesReadsEnvelopes() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      kafka.createTopic("insights-logs-signinlogs", 1);
      String e1 = "{\"records\":[{\"time\":\"2025-03-10T10:00:00.1234567Z\",\"category\":\"SignInLogs\","
          + "\"properties\":{\"id\":\"a\",\"createdDateTime\":\"2025-03-10T10:00:00+00:00\"}},{\"time\":\"2025-03-10T10:00:01.0000000Z\","
          + "\"category\":\"NonInteractiveUserSignInLogs\",\"properties\":{\"id\":\"b\"}}]}";
      String e2 = "{\"records\":[{\"category\":\"NonInteractiveUserSignInLogs\",\"properties\":{\"id\":\"c\"}},"
          + "{\"category\":\"AuditLogs\",\"properties\":{\"id\":\"d\"}}]}";
      try (KafkaProducer<String, byte[]> prod = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
          new StringSerializer(), new ByteArraySerializer())) {
        for (String e : List.of(e1, e2)) prod.send(new ProducerRecord<>("insights-logs-signinlogs", e.getBytes(StandardCharsets.UTF_8))).get();
      }
      Map<String, String> config = new HashMap<>();
      config.put("eventhub.kafka.bootstrap.servers", kafka.bootstrapServers());
      config.put("eventhub.kafka.security.protocol", "PLAINTEXT");
      config.put("eventhub.kafka.group.id", "ualwatch-eventhub-test");
      config.put("eventhub.kafka.auto.offset.reset", "earliest");
      config.put("eventhub.topic", "insights-logs-signinlogs");
      Map<String, Integer> byCategory = new TreeMap<>();
      try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(EventHubKafkaSettings.consumerProperties(config),
          new StringDeserializer(), new ByteArrayDeserializer())) {
        c.subscribe(List.of(config.get(EventHubKafkaSettings.TOPIC)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int envelopes = 0;
        while (envelopes < 2 && System.nanoTime() < deadline) {
          for (var r : c.poll(Duration.ofMillis(200))) {
            envelopes++;
            for (JsonNode rec : JSON.readTree(r.value()).path("records")) byCategory.merge(rec.path("category").asText(), 1, Integer::sum);
          }
        }
      }
      assertEquals(Map.of("AuditLogs", 1, "NonInteractiveUserSignInLogs", 2, "SignInLogs", 1), byCategory);
    }
  }
}
