package io.ualwatch.testkit;

import io.ualwatch.config.Config;
import io.ualwatch.config.KafkaSecurity;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (KRaft, combined broker + controller) started in-process from the Kafka artifacts,
 * bound to 127.0.0.1 only, with single-node settings for the internal topics. Used by the demo, `up` and
 * every integration test. Data lives in a directory the caller chooses; a restart on the same directory
 * keeps topics and offsets.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path dataDir;
  private final int brokerPort;
  private final int controllerPort;
  private final boolean deleteOnClose;
  private final Secure secure;
  private KafkaRaftServer server;

  private EmbeddedKafka(Path dataDir, int brokerPort, int controllerPort, boolean deleteOnClose, Secure secure) {
    this.dataDir = dataDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.deleteOnClose = deleteOnClose;
    this.secure = secure;
  }

  /**
   * The secure listener's settings: TLS with certificates from a local CA, SASL SCRAM-SHA-512 (and OAUTHBEARER
   * when a JWKS URL is given), ACLs enforced by KRaft's StandardAuthorizer, and no plaintext listener at all (the
   * controller listener is TLS with a required client certificate). Secrets live in {@code secretsDir}: the CA
   * certificate ({@code tls/ca.pem}), the broker's PKCS#12 key store and its password, and the password of the
   * {@code admin} super user ({@code kafka-admin.password}); every file is mode 0600. They are made on the first
   * start and reused on a restart on the same directory.
   *
   * <p>OAUTHBEARER tokens are signed JWTs checked against the key set at {@code oauthJwksUrl} (allowed in the
   * JVM-wide system property {@code org.apache.kafka.sasl.oauthbearer.allowed.urls}, without which Kafka 4 refuses
   * the URL), their {@code aud}, their {@code iss} when {@code oauthIssuer} is given, and {@code exp}/{@code iat}.
   * The client's principal is {@code User:} + the token's {@code sub} claim (for an Entra app-only token: the
   * object id of the app's service principal in the tenant, not the client id): grant ACLs to that.
   *
   * @param oauthJwksUrl JWKS endpoint whose keys sign OAUTHBEARER tokens, or null for SCRAM only
   * @param oauthAudience the audience OAUTHBEARER tokens must carry (required with a JWKS URL)
   * @param oauthIssuer the issuer OAUTHBEARER tokens must carry, or null for any issuer whose key is in the key set.
   *     Set it for Entra: every tenant's tokens are signed by the same published keys, so without it a token
   *     another tenant issued for the same audience is accepted (e.g. {@code https://sts.windows.net/<tenant>/}
   *     for v1 tokens, {@code https://login.microsoftonline.com/<tenant>/v2.0} for v2 tokens).
   */
  public record Secure(Path secretsDir, String oauthJwksUrl, String oauthAudience, String oauthIssuer) {
    public Secure {
      java.util.Objects.requireNonNull(secretsDir, "secretsDir");
      if (oauthJwksUrl != null) {
        if (!oauthJwksUrl.startsWith("https://") && !oauthJwksUrl.startsWith("http://")
            && !oauthJwksUrl.startsWith("file:")) {
          throw new IllegalArgumentException("the OAuth JWKS URL must be an http(s) or file URL: " + oauthJwksUrl);
        }
        // without an expected audience Kafka's validator refuses every token that has an aud claim (all do)
        if (oauthAudience == null || oauthAudience.isBlank()) {
          throw new IllegalArgumentException("an OAuth JWKS URL needs the audience the broker's tokens carry");
        }
      } else if (oauthAudience != null || oauthIssuer != null) {
        throw new IllegalArgumentException("an OAuth audience or issuer needs the JWKS URL of the signing keys");
      }
    }

    /** OAUTHBEARER without an issuer check (any issuer whose key is in the key set). */
    public Secure(Path secretsDir, String oauthJwksUrl, String oauthAudience) {
      this(secretsDir, oauthJwksUrl, oauthAudience, null);
    }

    public static Secure scram(Path secretsDir) {
      return new Secure(secretsDir, null, null, null);
    }

    public Path caCertificate() {
      return secretsDir.resolve("tls").resolve("ca.pem");
    }

    public Path keystore() {
      return secretsDir.resolve("tls").resolve("broker.p12");
    }

    public Path keystorePassword() {
      return secretsDir.resolve("tls").resolve("broker.password");
    }

    public Path adminPasswordFile() {
      return secretsDir.resolve("kafka-admin.password");
    }
  }

  /** The name of the SCRAM super user of a secure broker (the broker itself, and topic/user/ACL set-up). */
  public static final String ADMIN_USER = "admin";
  /** The broker's certificate name (its principal on the controller listener). */
  public static final String BROKER_CN = "ualwatch-broker";

  /** A secure broker (see {@link Secure}). */
  public static EmbeddedKafka startSecure(Path dataDir, int port, boolean deleteOnClose, Secure secure) {
    try {
      Files.createDirectories(dataDir);
      int brokerPort = port == 0 ? freePort() : port;
      EmbeddedKafka k = new EmbeddedKafka(dataDir, brokerPort, freePort(), deleteOnClose, secure);
      k.startServer();
      return k;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A broker on free ports with data in a new temporary directory deleted on close. */
  public static EmbeddedKafka startTemporary() {
    try {
      Path dir = Files.createTempDirectory("ualwatch-kafka-");
      return start(dir, 0, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a broker.
   *
   * @param dataDir where logs and metadata live (created if missing)
   * @param port broker port on 127.0.0.1, or 0 for a free one
   * @param deleteOnClose remove dataDir on close
   */
  public static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose) {
    try {
      Files.createDirectories(dataDir);
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      EmbeddedKafka k = new EmbeddedKafka(dataDir, brokerPort, controllerPort, deleteOnClose, null);
      k.startServer();
      return k;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private void startServer() throws IOException {
    Path logs = dataDir.resolve("logs");
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("controller.listener.names", "CONTROLLER");
    String adminPassword = null;
    if (secure == null) {
      p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    } else {
      p.put("listeners", "SASL_SSL://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + brokerPort);
      p.put("inter.broker.listener.name", "SASL_SSL");
      p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
    }
    Properties secrets = new Properties(); // kept out of the properties file written to the data directory
    if (secure != null) adminPassword = secureSettings(p, secrets);
    p.put("log.dirs", logs.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("transaction.max.timeout.ms", "900000");
    p.put("num.partitions", "2");
    // Audit records carry their event time as the Kafka timestamp, and replays and tests send records that are
    // months old: with the default 7-day time retention the broker's first retention pass (30 s after start)
    // would delete them before anyone read them. Topics that want time retention set retention.ms themselves.
    p.put("log.retention.ms", "-1");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    Path propsFile = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(propsFile)) {
      p.store(out, "ualwatch embedded broker");
    }
    // Format once; a restart must not re-format with a new cluster id (it would refuse to start).
    if (!Files.exists(logs.resolve("meta.properties"))) {
      List<String> args = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
          propsFile.toString()));
      if (adminPassword != null) {
        // the super user's SCRAM credential, in the cluster's first metadata (KRaft has no other way to bootstrap it)
        args.add("--add-scram");
        args.add("SCRAM-SHA-512=[name=" + ADMIN_USER + ",password=" + adminPassword + "]");
      }
      int rc = StorageTool.execute(args.toArray(String[]::new), new PrintStream(OutputStream.nullOutputStream()));
      if (rc != 0) throw new IllegalStateException("formatting the embedded broker's storage failed (rc=" + rc + ")");
    }
    Properties all = new Properties();
    all.putAll(p);
    all.putAll(secrets);
    server = new KafkaRaftServer(KafkaConfig.fromProps(all, false), Time.SYSTEM);
    server.startup();
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the embedded broker did not become ready within 60 s", e);
    }
  }

  /**
   * Listener settings of a secure broker; puts the passwords into {@code secrets} (never written to disk by us).
   *
   * @return the admin user's password
   */
  private String secureSettings(Properties p, Properties secrets) throws IOException {
    Path ks = secure.keystore();
    if (!Files.exists(ks) || !Files.exists(secure.caCertificate())) {
      io.ualwatch.testkit.security.LocalCa ca = io.ualwatch.testkit.security.LocalCa.create(
          "ualwatch local CA", java.time.Duration.ofDays(825));
      ca.writeCertificate(secure.caCertificate());
      ca.issuePkcs12(BROKER_CN, java.time.Duration.ofDays(825), ks, secure.keystorePassword());
    }
    Path adminFile = secure.adminPasswordFile();
    if (!Files.exists(adminFile)) {
      io.ualwatch.testkit.security.LocalCa.writeOwnerOnly(adminFile,
          io.ualwatch.testkit.security.LocalCa.randomPassword());
    }
    String adminPassword = Files.readString(adminFile).strip();
    String ksPassword = Files.readString(secure.keystorePassword()).strip();
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", ks.toAbsolutePath().toString());
    secrets.put("ssl.keystore.password", ksPassword);
    secrets.put("ssl.key.password", ksPassword);
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", secure.caCertificate().toAbsolutePath().toString());
    p.put("ssl.endpoint.identification.algorithm", "https");
    p.put("ssl.enabled.protocols", "TLSv1.3,TLSv1.2");
    // the controller listener takes only the broker itself: TLS with a client certificate from the local CA
    p.put("listener.name.controller.ssl.client.auth", "required");
    String mechanisms = "SCRAM-SHA-512" + (secure.oauthJwksUrl() == null ? "" : ",OAUTHBEARER");
    p.put("sasl.enabled.mechanisms", mechanisms);
    p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", mechanisms);
    p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
    secrets.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + ADMIN_USER
            + "\" password=\"" + adminPassword + "\";");
    if (secure.oauthJwksUrl() != null) {
      allowOAuthUrl(secure.oauthJwksUrl());
      p.put("listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class",
          "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler");
      p.put("listener.name.sasl_ssl.oauthbearer.sasl.jaas.config",
          "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;");
      p.put("listener.name.sasl_ssl.oauthbearer.sasl.oauthbearer.jwks.endpoint.url", secure.oauthJwksUrl());
      p.put("listener.name.sasl_ssl.oauthbearer.sasl.oauthbearer.expected.audience", secure.oauthAudience());
      if (secure.oauthIssuer() != null) {
        p.put("listener.name.sasl_ssl.oauthbearer.sasl.oauthbearer.expected.issuer", secure.oauthIssuer());
      }
      // the principal (Kafka's default, spelled out: the ACLs of OAuth clients name it)
      p.put("listener.name.sasl_ssl.oauthbearer.sasl.oauthbearer.sub.claim.name", "sub");
    }
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("super.users", "User:" + ADMIN_USER + ";User:CN=" + BROKER_CN);
    p.put("allow.everyone.if.no.acl.found", "false");
    return adminPassword;
  }

  /** Adds the URL to Kafka 4's allow-list of OAuth URLs (a JVM-wide system property, read when a listener starts). */
  private static synchronized void allowOAuthUrl(String url) {
    String key = KafkaSecurity.ALLOWED_URLS_PROPERTY;
    String cur = System.getProperty(key, "");
    for (String u : cur.split(",")) if (u.strip().equals(url)) return;
    System.setProperty(key, cur.isBlank() ? url : cur + "," + url);
  }

  /** Whether this broker has the secure listener. */
  public boolean secure() {
    return secure != null;
  }

  /** The CA certificate clients of a secure broker trust (PEM), or null. */
  public Path caCertificate() {
    return secure == null ? null : secure.caCertificate();
  }

  /** The name the password goes by in the lookup {@link #clientProperties} hands to KafkaSecurity (never exported). */
  private static final String PASSWORD_VARIABLE = "UALWATCH_EMBEDDED_KAFKA_PASSWORD";

  /**
   * Client properties for {@code user} with SCRAM-SHA-512 over TLS (empty for a plaintext broker), built by
   * {@link KafkaSecurity#clientProperties(Config, java.util.function.Function)} from the same typed options every
   * ualwatch client uses ({@code kafka.security.protocol=sasl-ssl}, {@code kafka.sasl.mechanism=scram-sha-512},
   * {@code kafka.ssl.truststore} = this broker's CA). The password reaches it through the environment-variable
   * option with a lookup that answers only that variable: it is neither written to a file nor put into the
   * process environment.
   */
  public Map<String, String> clientProperties(String user, String password) {
    if (secure == null) return Map.of();
    Config c = Config.of(KafkaSecurity.ALL, Map.of(
        KafkaSecurity.PROTOCOL.key(), "sasl-ssl",
        KafkaSecurity.MECHANISM.key(), "scram-sha-512",
        KafkaSecurity.USERNAME.key(), user,
        KafkaSecurity.PASSWORD_ENV.key(), PASSWORD_VARIABLE,
        KafkaSecurity.TRUSTSTORE.key(), secure.caCertificate().toAbsolutePath().toString()));
    return Map.copyOf(KafkaSecurity.clientProperties(c, name -> PASSWORD_VARIABLE.equals(name) ? password : null));
  }

  /** The super user's client properties (empty for a plaintext broker). */
  public Map<String, String> adminClientProperties() {
    if (secure == null) return Map.of();
    try {
      return clientProperties(ADMIN_USER, Files.readString(secure.adminPasswordFile()).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates or updates a SCRAM-SHA-512 user (secure broker only). */
  public void upsertScramUser(String user, String password) {
    if (secure == null) throw new IllegalStateException("a plaintext broker has no users");
    try (Admin admin = admin()) {
      admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
          new org.apache.kafka.clients.admin.ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512,
              8192), password))).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create the SCRAM user " + user + ": " + e.getMessage(), e);
    }
  }

  /** Adds ACL bindings (secure broker only). */
  public void createAcls(Collection<org.apache.kafka.common.acl.AclBinding> acls) {
    try (Admin admin = admin()) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create ACLs: " + e.getMessage(), e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public int port() {
    return brokerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** An admin client (the super user on a secure broker). */
  public Admin admin() {
    Map<String, Object> c = new java.util.HashMap<>(adminClientProperties());
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(c);
  }

  /** Creates topics that do not exist yet (partitions, replication 1, optional configs). */
  public void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic t : topics) if (!existing.contains(t.name())) missing.add(t);
      if (missing.isEmpty()) return;
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics: " + e.getMessage(), e);
    }
  }

  public void createTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
  }

  @Override
  public void close() {
    if (server != null) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } finally {
        server = null;
      }
    }
    if (deleteOnClose) deleteRecursively(dataDir);
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> {
        try {
          Files.deleteIfExists(x);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
