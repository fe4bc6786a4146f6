package io.ualwatch.testkit.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.ualwatch.config.Config;
import io.ualwatch.config.KafkaSecurity;
import io.ualwatch.testkit.EmbeddedKafka;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL OAUTHBEARER end to end on the secure embedded broker: the M365 emulator is the identity provider (client
 * credentials at its v2 token endpoint, RS256 tokens, JWKS at {@code /{tenant}/discovery/v2.0/keys}); the broker
 * validates the tokens against that key set, audience and issuer; the clients are configured through the typed
 * {@link KafkaSecurity} options only. A wrong client secret is refused at the token endpoint; tokens signed by another
 * key, for another audience or from another tenant are refused by the broker; secrets stay out of every error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OAuthBearerSecurityITCase {
  private static final String TENANT = "5b3f1c2e-7d4a-4e61-9a0b-2c8d6f1e3a57";
  private static final String OTHER_TENANT = "0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b";
  private static final String CLIENT_ID = "8c1e4f0a-2b3d-4c5e-9f60-7a8b9c0d1e2f";
  /** The App ID URI of the API app registration that stands for the Kafka cluster (the tokens' audience). */
  private static final String KAFKA_API = "api://ualwatch-kafka";
  private static final String TOPIC = "oauth-audit";
  private static final String GROUP = "oauth-readers";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void oauthBearerClientCredentialsAgainstTheEmulatorsKeySet() throws Exception {
    String secret = LocalCa.randomPassword();
    String wrongSecret = LocalCa.randomPassword();
    try (M365Emulator idp = M365Emulator.builder().tenant(new FixtureTenant(TENANT))
        .tenant(new FixtureTenant(OTHER_TENANT)).app(AppRegistration.withSecret(CLIENT_ID, secret)).resource(KAFKA_API)
        .start();
        RogueIdp rogue = new RogueIdp();
        EmbeddedKafka k = EmbeddedKafka.startSecure(dir.resolve("kafka"), 0, true, new EmbeddedKafka.Secure(
            dir.resolve("secrets"), idp.baseUrl() + "/" + TENANT + "/discovery/v2.0/keys", KAFKA_API,
            issuer(TENANT)))) {
      k.createTopic(TOPIC, 1);
      String tokenEndpoint = idp.baseUrl() + "/" + TENANT + "/oauth2/v2.0/token";
      Path secretFile = LocalCa.writeOwnerOnly(dir.resolve("client.secret"), secret + "\n");
      Map<String, String> good = oauth(k, tokenEndpoint, secretFile, KAFKA_API + "/.default");

      // The principal is the token's subject (sub): for an Entra app-only token, the service principal's object id.
      // Before any grant, a valid token authenticates but is not authorised.
      int before = idp.tokensIssued();
      ExecutionException unauthorised = assertThrows(ExecutionException.class, () -> produce(k, good, 1));
      assertInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class, unauthorised.getCause(),
          () -> describe(unauthorised));
      assertTrue(idp.tokensIssued() > before, "the client fetched its token from the emulator's token endpoint");
      JsonNode claims = claims(idp.issuedTokens().get(idp.issuedTokens().size() - 1));
      assertEquals(KAFKA_API, claims.path("aud").asText());
      assertEquals(CLIENT_ID, claims.path("appid").asText());
      String principal = "User:" + claims.path("sub").asText();
      rogue.subject = claims.path("sub").asText();

      k.createAcls(List.of(
          allow(ResourceType.TOPIC, TOPIC, principal, AclOperation.WRITE),
          allow(ResourceType.TOPIC, TOPIC, principal, AclOperation.READ),
          allow(ResourceType.TOPIC, TOPIC, principal, AclOperation.DESCRIBE),
          allow(ResourceType.GROUP, GROUP, principal, AclOperation.READ)));
      produce(k, good, 3);
      List<ConsumerRecord<String, String>> read = consume(k, good, GROUP);
      assertEquals(3, read.size());
      assertEquals("v0", read.get(0).value());

      List<Throwable> errors = new ArrayList<>();
      errors.add(unauthorised);

      // A wrong client secret: the token endpoint refuses it (invalid_client), the client cannot log in.
      Path wrongFile = LocalCa.writeOwnerOnly(dir.resolve("wrong.secret"), wrongSecret);
      KafkaException refused = assertThrows(KafkaException.class,
          () -> produce(k, oauth(k, tokenEndpoint, wrongFile, KAFKA_API + "/.default"), 1));
      errors.add(refused);
      String chain = describe(refused);
      assertTrue(chain.contains("401") && chain.contains("invalid_client") && chain.contains("Invalid client secret"),
          chain);

      // A token signed by another key, even one that claims the emulator's key id, is refused by the broker.
      ExecutionException forged = assertThrows(ExecutionException.class,
          () -> produce(k, oauth(k, rogue.tokenEndpoint(), secretFile, KAFKA_API + "/.default"), 1));
      errors.add(forged);
      assertInstanceOf(SaslAuthenticationException.class, forged.getCause(), () -> describe(forged));
      assertTrue(rogue.served > 0, "the forged token was sent");

      // A genuine token for another audience (Microsoft Graph) is refused by the broker.
      ExecutionException audience = assertThrows(ExecutionException.class,
          () -> produce(k, oauth(k, tokenEndpoint, secretFile, M365Emulator.GRAPH_RESOURCE + "/.default"), 1));
      errors.add(audience);
      assertInstanceOf(SaslAuthenticationException.class, audience.getCause(), () -> describe(audience));

      // A genuine token, same key and audience, issued for another tenant (Entra signs every tenant's tokens with the
      // same keys): refused by the issuer check.
      ExecutionException tenant = assertThrows(ExecutionException.class, () -> produce(k,
          oauth(k, idp.baseUrl() + "/" + OTHER_TENANT + "/oauth2/v2.0/token", secretFile, KAFKA_API + "/.default"), 1));
      errors.add(tenant);
      assertInstanceOf(SaslAuthenticationException.class, tenant.getCause(), () -> describe(tenant));

      // Secrets and tokens stay out of every error the clients saw.
      List<String> issued = idp.issuedTokens();
      for (Throwable t : errors) {
        String text = describe(t);
        assertFalse(text.contains(secret), "the client secret leaked into: " + text);
        assertFalse(text.contains(wrongSecret), "the wrong client secret leaked into: " + text);
        for (String token : issued) assertFalse(text.contains(token), "an access token leaked into: " + text);
      }
    }
  }

  private static String issuer(String tenant) {
    return "https://sts.windows.net/" + tenant + "/";
  }

  /** Client properties from the typed options, as every ualwatch client builds them. */
  private static Map<String, String> oauth(EmbeddedKafka k, String tokenEndpoint, Path secretFile, String scope) {
    return KafkaSecurity.clientProperties(Config.of(KafkaSecurity.ALL, Map.of(
        "kafka.security.protocol", "sasl-ssl",
        "kafka.sasl.mechanism", "oauthbearer",
        "kafka.oauth.token-endpoint", tokenEndpoint,
        "kafka.oauth.client-id", CLIENT_ID,
        "kafka.oauth.client-secret-file", secretFile.toString(),
        "kafka.oauth.scope", scope,
        "kafka.ssl.truststore", k.caCertificate().toString())), n -> null);
  }

  private static AclBinding allow(ResourceType type, String name, String principal, AclOperation op) {
    return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  private static Map<String, Object> bounded(EmbeddedKafka k, Map<String, String> security) {
    Map<String, Object> c = new HashMap<>(security);
    c.put("bootstrap.servers", k.bootstrapServers());
    c.put("sasl.login.connect.timeout.ms", "5000");
    c.put("sasl.login.read.timeout.ms", "5000");
    c.put("sasl.login.retry.backoff.ms", "100");
    c.put("sasl.login.retry.backoff.max.ms", "1000");
    c.put("request.timeout.ms", "5000");
    c.put("default.api.timeout.ms", "10000");
    return c;
  }

  /** Sends n records; the first failure comes back as an ExecutionException (login failures as KafkaException). */
  private static void produce(EmbeddedKafka k, Map<String, String> security, int n) throws Exception {
    Map<String, Object> c = bounded(k, security);
    c.put("max.block.ms", "8000");
    c.put("delivery.timeout.ms", "8000");
    c.put("linger.ms", "0");
    try (KafkaProducer<String, String> p = new KafkaProducer<>(c, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        try {
          p.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i)).get(10, TimeUnit.SECONDS);
        } catch (KafkaException e) {
          // metadata failures (authentication, authorisation, timeouts) surface from send() itself
          throw new ExecutionException(e);
        }
      }
    }
  }

  private static List<ConsumerRecord<String, String>> consume(EmbeddedKafka k, Map<String, String> security,
      String group) {
    Map<String, Object> c = bounded(k, security);
    c.put("group.id", group);
    c.put("auto.offset.reset", "earliest");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
        new StringDeserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        if (out.size() >= 3) break;
      }
    }
    return out;
  }

  private static JsonNode claims(String jwt) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }

  /** Every message and stack frame of t and its causes, as a log would show them. */
  private static String describe(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  /**
   * A token endpoint that is not the emulator: it answers any client-credentials request with a token that has
   * exactly the claims of a genuine one (audience, issuer, subject, the emulator's key id) but is signed by a key of
   * its own.
   */
  private static final class RogueIdp implements AutoCloseable {
    private final KeyPair key;
    private final HttpServer server;
    volatile int served;
    volatile String subject = "00000000-0000-0000-0000-000000000001";

    RogueIdp() throws Exception {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      key = g.generateKeyPair();
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      server.createContext("/token", ex -> {
        ex.getRequestBody().readAllBytes();
        byte[] b;
        try {
          ObjectNode out = JSON.createObjectNode();
          out.put("token_type", "Bearer");
          out.put("expires_in", 3599);
          out.put("access_token", forge());
          b = out.toString().getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
          b = new byte[0];
        }
        served++;
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(b.length == 0 ? 500 : 200, b.length == 0 ? -1 : b.length);
        try (OutputStream os = ex.getResponseBody()) {
          os.write(b);
        }
      });
      server.start();
    }

    String tokenEndpoint() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private String forge() throws Exception {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      ObjectNode h = JSON.createObjectNode();
      h.put("typ", "JWT");
      h.put("alg", "RS256");
      h.put("kid", M365Emulator.tokenSigningKeyId());
      h.put("x5t", M365Emulator.tokenSigningKeyId());
      long now = Instant.now().getEpochSecond();
      ObjectNode p = JSON.createObjectNode();
      p.put("aud", KAFKA_API);
      p.put("iss", issuer(TENANT));
      p.put("iat", now);
      p.put("nbf", now);
      p.put("exp", now + 3599);
      p.put("appid", CLIENT_ID);
      p.put("oid", subject);
      p.put("sub", subject);
      p.put("tid", TENANT);
      p.put("ver", "1.0");
      String signed = b64.encodeToString(h.toString().getBytes(StandardCharsets.UTF_8)) + "."
          + b64.encodeToString(p.toString().getBytes(StandardCharsets.UTF_8));
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(key.getPrivate());
      sig.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + b64.encodeToString(sig.sign());
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
