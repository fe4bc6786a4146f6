package io.ualwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecurityTest {
  @TempDir Path dir;

  private static Config config(Map<String, String> v) {
    return Config.of(KafkaSecurity.ALL, v);
  }

  @Test
  void keysAreUniqueAndUnderKafka() {
    Set<String> keys = new HashSet<>();
    for (Option<?> o : KafkaSecurity.ALL) {
      assertTrue(keys.add(o.key()), "duplicate key " + o.key());
      assertTrue(o.key().startsWith("kafka."), o.key());
    }
  }

  @Test
  void plaintextByDefaultAddsNothing() {
    assertTrue(KafkaSecurity.clientProperties(config(Map.of()), n -> null).isEmpty());
  }

  @Test
  void scramOverTlsWithPemTrustAndPasswordFile() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Path pw = Files.writeString(dir.resolve("pw"), "s3cr\"et\\x\n");
    Map<String, String> p = KafkaSecurity.clientProperties(config(Map.of("kafka.security.protocol", "sasl-ssl",
        "kafka.sasl.mechanism", "scram-sha-512", "kafka.sasl.username", "job", "kafka.sasl.password-file",
        pw.toString(), "kafka.ssl.truststore", ca.toString())), n -> null);
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
    assertEquals("PEM", p.get("ssl.truststore.type"));
    assertEquals(ca.toAbsolutePath().toString(), p.get("ssl.truststore.location"));
    assertEquals("https", p.get("ssl.endpoint.identification.algorithm"));
    // the trailing newline of the file is not part of the password; quotes and backslashes are escaped for JAAS
    assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"job\" "
        + "password=\"s3cr\\\"et\\\\x\";", p.get("sasl.jaas.config"));
  }

  @Test
  void passwordFromTheEnvironment() {
    Map<String, String> p = KafkaSecurity.clientProperties(config(Map.of("kafka.security.protocol", "sasl-ssl",
        "kafka.sasl.mechanism", "plain", "kafka.sasl.username", "$ConnectionString", "kafka.sasl.password-env",
        "EH")), Map.of("EH", "Endpoint=sb://x/;SharedAccessKey=k")::get);
    assertEquals("PLAIN", p.get("sasl.mechanism"));
    assertTrue(p.get("sasl.jaas.config").startsWith("org.apache.kafka.common.security.plain.PlainLoginModule"));
    assertFalse(p.containsKey("ssl.truststore.location"), "no trust store: the JVM's public CAs");
  }

  @Test
  void oauthBearerClientCredentials() throws Exception {
    Path secret = Files.writeString(dir.resolve("oauth"), "topsecret");
    String url = "http://127.0.0.1:1/token-" + System.nanoTime();
    Map<String, String> p = KafkaSecurity.clientProperties(config(Map.of("kafka.security.protocol", "sasl-ssl",
        "kafka.sasl.mechanism", "oauthbearer", "kafka.oauth.token-endpoint", url, "kafka.oauth.client-id", "app",
        "kafka.oauth.client-secret-file", secret.toString(), "kafka.oauth.scope", "api://kafka/.default")), n -> null);
    assertEquals("OAUTHBEARER", p.get("sasl.mechanism"));
    assertEquals(url, p.get("sasl.oauthbearer.token.endpoint.url"));
    assertTrue(p.get("sasl.jaas.config").contains("clientSecret=\"topsecret\""));
    assertTrue(System.getProperty(KafkaSecurity.ALLOWED_URLS_PROPERTY).contains(url));
  }

  @Test
  void contradictionsAndMissingSecretsAreClearErrorsWithoutTheSecret() throws Exception {
    assertMessage("needs kafka.security.protocol = sasl-ssl", Map.of("kafka.sasl.mechanism", "scram-sha-512"));
    assertMessage("kafka.ssl.truststore is set but kafka.security.protocol is plaintext",
        Map.of("kafka.ssl.truststore", "/x.pem"));
    assertMessage("needs kafka.sasl.mechanism", Map.of("kafka.security.protocol", "sasl-ssl"));
    assertMessage("needs kafka.sasl.username", Map.of("kafka.security.protocol", "sasl-ssl",
        "kafka.sasl.mechanism", "scram-sha-512"));
    assertMessage("set exactly one of kafka.sasl.password-file and kafka.sasl.password-env",
        Map.of("kafka.security.protocol", "sasl-ssl", "kafka.sasl.mechanism", "scram-sha-512",
            "kafka.sasl.username", "u"));
    assertMessage("the environment variable is not set", Map.of("kafka.security.protocol", "sasl-ssl",
        "kafka.sasl.mechanism", "scram-sha-512", "kafka.sasl.username", "u", "kafka.sasl.password-env", "NOPE"));
    assertMessage("cannot read the file", Map.of("kafka.security.protocol", "ssl",
        "kafka.ssl.truststore", dir.resolve("missing.pem").toString()));
    Path odd = Files.writeString(dir.resolve("ca.txt"), "x");
    assertMessage("expected a .pem/.crt, .p12/.pfx or .jks file", Map.of("kafka.security.protocol", "ssl",
        "kafka.ssl.truststore", odd.toString()));
    assertMessage("needs kafka.oauth.token-endpoint", Map.of("kafka.security.protocol", "sasl-ssl",
        "kafka.sasl.mechanism", "oauthbearer"));
    assertThrows(ConfigException.class, () -> config(Map.of("kafka.security.protocol", "sasl-plaintext")));
    // an empty password file is refused, and no message ever shows a password
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertMessage("the file is empty", Map.of("kafka.security.protocol", "sasl-ssl", "kafka.sasl.mechanism",
        "scram-sha-256", "kafka.sasl.username", "u", "kafka.sasl.password-file", empty.toString()));
  }

  private void assertMessage(String part, Map<String, String> v) {
    ConfigException e = assertThrows(ConfigException.class, () -> KafkaSecurity.clientProperties(config(v), n -> null));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
