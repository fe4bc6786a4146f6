package io.ualwatch.testkit.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.config.Config;
import io.ualwatch.config.KafkaSecurity;
import io.ualwatch.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secure embedded broker: TLS + SCRAM-SHA-512 with the least-privilege ACLs of {@link KafkaAcls}; plaintext,
 * a wrong password and a component acting beyond its grants are refused; the credentials survive a restart.
 */
class SecureBrokerSecurityITCase {
  @TempDir Path dir;

  private static final KafkaAcls.Names NAMES = KafkaAcls.Names.defaults();

  @Test
  void scramOverTlsWithLeastPrivilegeAndNoPlaintext() throws Exception {
    Path data = dir.resolve("kafka");
    Path secrets = dir.resolve("secrets");
    EmbeddedKafka.Secure secure = EmbeddedKafka.Secure.scram(secrets);
    String cliPassword = LocalCa.randomPassword();
    String jobPassword = LocalCa.randomPassword();
    String consolePassword = LocalCa.randomPassword();
    int port;
    try (EmbeddedKafka k = EmbeddedKafka.startSecure(data, 0, false, secure)) {
      port = k.port();
      k.createTopics(List.of(new NewTopic(NAMES.auditTopic(), 1, (short) 1)));
      k.upsertScramUser(KafkaAcls.CLI, cliPassword);
      k.upsertScramUser(KafkaAcls.JOB, jobPassword);
      k.upsertScramUser(KafkaAcls.CONSOLE, consolePassword);
      k.createAcls(KafkaAcls.bindings(NAMES));

      // the CLI (replay) writes the raw topic, configured through the typed options every ualwatch client uses
      Path pw = Files.writeString(dir.resolve("cli.password"), cliPassword + "\n");
      Map<String, String> cli = KafkaSecurity.clientProperties(Config.of(KafkaSecurity.ALL, Map.of(
          "kafka.security.protocol", "sasl-ssl", "kafka.sasl.mechanism", "scram-sha-512",
          "kafka.sasl.username", KafkaAcls.CLI, "kafka.sasl.password-file", pw.toString(),
          "kafka.ssl.truststore", k.caCertificate().toString())), n -> null);
      produce(k.bootstrapServers(), cli, NAMES.auditTopic(), 5);
      // the job reads it in its group
      Map<String, String> job = k.clientProperties(KafkaAcls.JOB, jobPassword);
      assertEquals(5, consume(k.bootstrapServers(), job, NAMES.auditTopic(), NAMES.jobGroup()).size());

      // plaintext is refused: there is no plaintext listener to talk to
      ExecutionException plain = assertThrows(ExecutionException.class, () -> produce(k.bootstrapServers(), Map.of(),
          NAMES.auditTopic(), 1));
      assertFalse(plain.getCause() instanceof TopicAuthorizationException, String.valueOf(plain.getCause()));
      // a wrong password is refused
      ExecutionException wrong = assertThrows(ExecutionException.class, () -> produce(k.bootstrapServers(),
          k.clientProperties(KafkaAcls.CLI, "not-the-password"), NAMES.auditTopic(), 1));
      assertTrue(wrong.getCause() instanceof SaslAuthenticationException, String.valueOf(wrong.getCause()));
      // the console may read the raw topics (evidence) but not write them
      ExecutionException denied = assertThrows(ExecutionException.class, () -> produce(k.bootstrapServers(),
          k.clientProperties(KafkaAcls.CONSOLE, consolePassword), NAMES.auditTopic(), 1));
      assertTrue(denied.getCause() instanceof TopicAuthorizationException, String.valueOf(denied.getCause()));
    }
    // secrets are owner-only files; the data directory's properties file holds no password
    for (Path f : List.of(secure.adminPasswordFile(), secure.caCertificate(), secure.keystore(), secure.keystorePassword())) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
    }
    String admin = Files.readString(secure.adminPasswordFile()).strip();
    String props = Files.readString(data.resolve("server.properties"));
    assertFalse(props.contains(admin), "the admin password is not written into the broker's data directory");
    assertFalse(props.contains(Files.readString(secure.keystorePassword()).strip()));

    // a restart on the same directories keeps the CA, the users and the ACLs
    try (EmbeddedKafka k = EmbeddedKafka.startSecure(data, port, false, secure)) {
      produce(k.bootstrapServers(), k.clientProperties(KafkaAcls.CLI, cliPassword), NAMES.auditTopic(), 1);
      assertEquals(6, consume(k.bootstrapServers(), k.clientProperties(KafkaAcls.JOB, jobPassword),
          NAMES.auditTopic(), NAMES.jobGroup() + "-2").size());
    }
  }

  @Test
  void theAclScriptInDeployIsGeneratedFromTheGrants() throws Exception {
    Path script = Path.of(System.getProperty("user.dir")).resolve("../../deploy/kafka/acls.sh").normalize();
    String expected = KafkaAcls.script(NAMES);
    if (Boolean.getBoolean("docs.update")) {
      Files.createDirectories(script.getParent());
      Files.writeString(script, expected);
      script.toFile().setExecutable(true);
    }
    assertTrue(Files.exists(script), "missing " + script + ": run with -Ddocs.update=true");
    assertEquals(expected, Files.readString(script), "deploy/kafka/acls.sh is stale: run this test with -Ddocs.update=true");
  }

  static void produce(String bootstrap, Map<String, String> security, String topic, int n) throws Exception {
    Map<String, Object> c = new HashMap<>(security);
    c.put("bootstrap.servers", bootstrap);
    c.put("max.block.ms", "8000");
    c.put("delivery.timeout.ms", "8000");
    c.put("request.timeout.ms", "4000");
    c.put("linger.ms", "0");
    try (KafkaProducer<String, String> p = new KafkaProducer<>(c, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        try {
          p.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
        } catch (ExecutionException e) {
          throw e;
        } catch (org.apache.kafka.common.KafkaException e) {
          // metadata failures (authentication, timeouts) surface from send() itself
          throw new ExecutionException(e);
        }
      }
    }
  }

  static List<ConsumerRecord<String, String>> consume(String bootstrap, Map<String, String> security, String topic,
      String group) {
    Map<String, Object> c = new HashMap<>(security);
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", group);
    c.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> k = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      k.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        k.poll(Duration.ofMillis(500)).forEach(out::add);
        if (!out.isEmpty() && k.assignment().stream().allMatch(tp -> k.position(tp) >= k.endOffsets(List.of(tp)).get(tp))) break;
      }
    }
    return out;
  }
}
