package io.ualwatch.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How every Kafka client of ualwatch connects (the job's source and sinks, the Connect worker and its
 * connectors' producers, the CLI's {@code replay}/{@code watch}/{@code rules}, the console): TLS, SASL
 * SCRAM-SHA-512/256, SASL OAUTHBEARER (OAuth client credentials) and SASL PLAIN over TLS (Azure Event Hubs'
 * Kafka endpoint). Declared once here, validated at start with a message that names the key, and turned into
 * Kafka client properties by {@link #clientProperties}.
 *
 * <p>Secrets (SASL password, OAuth client secret, store passwords) are never option values: the options name a
 * file or an environment variable that holds them, so they do not appear in configuration files, command lines,
 * process listings or this configuration's {@code toString}. The resolved properties carry them only in Kafka's
 * password-typed keys ({@code sasl.jaas.config}, {@code ssl.*.password}), which Kafka's own config logging
 * prints as {@code [hidden]}.
 */
public final class KafkaSecurity {
  private KafkaSecurity() {}

  /** Transport. SASL over plaintext is not offered: it would send the password readable on the network. */
  public enum Protocol { PLAINTEXT, SSL, SASL_SSL }

  /** SASL mechanism (with {@code sasl-ssl}). */
  public enum Mechanism { NONE, SCRAM_SHA_512, SCRAM_SHA_256, PLAIN, OAUTHBEARER }

  public static final Option<Protocol> PROTOCOL = Option.enumeration("kafka.security.protocol", Protocol.class,
      Protocol.PLAINTEXT, "Transport to the brokers: plaintext (loopback and test brokers only), ssl (TLS; with "
          + "kafka.ssl.keystore for mutual TLS) or sasl-ssl (TLS plus a SASL login, see kafka.sasl.mechanism). SASL "
          + "without TLS is refused.");
  public static final Option<Mechanism> MECHANISM = Option.enumeration("kafka.sasl.mechanism", Mechanism.class,
      Mechanism.NONE, "SASL mechanism with kafka.security.protocol=sasl-ssl: scram-sha-512 (recommended for "
          + "self-run brokers), scram-sha-256, oauthbearer (OAuth 2 client credentials against "
          + "kafka.oauth.token-endpoint) or plain (Azure Event Hubs: username $ConnectionString, password = the "
          + "connection string).");
  public static final Option<String> USERNAME = Option.string("kafka.sasl.username", "",
      "SASL user (SCRAM or PLAIN). Not a secret.");
  public static final Option<String> PASSWORD_FILE = Option.string("kafka.sasl.password-file", "",
      "File whose content is the SASL password (one trailing newline is ignored). Keep it readable by the "
          + "ualwatch user only.");
  public static final Option<String> PASSWORD_ENV = Option.string("kafka.sasl.password-env", "",
      "Environment variable holding the SASL password (instead of kafka.sasl.password-file).");
  public static final Option<String> TRUSTSTORE = Option.string("kafka.ssl.truststore", "",
      "CA certificates that signed the brokers' certificates: a PEM file (.pem, .crt), PKCS#12 (.p12, .pfx) or "
          + "JKS (.jks). Empty: the JVM's default trust store (public CAs, e.g. Event Hubs).");
  public static final Option<String> TRUSTSTORE_PASSWORD_FILE = Option.string("kafka.ssl.truststore-password-file",
      "", "File holding the password of a PKCS#12/JKS trust store (not needed for PEM).");
  public static final Option<String> KEYSTORE = Option.string("kafka.ssl.keystore", "",
      "Client key and certificate for mutual TLS: a PKCS#12 file (.p12, .pfx). Empty: no client certificate.");
  public static final Option<String> KEYSTORE_PASSWORD_FILE = Option.string("kafka.ssl.keystore-password-file", "",
      "File holding the password of kafka.ssl.keystore (and of its key).");
  public static final Option<Boolean> VERIFY_HOSTNAME = Option.bool("kafka.ssl.verify-hostname", true,
      "Check that each broker's certificate names the host it is reached by (Kafka's "
          + "ssl.endpoint.identification.algorithm=https). Turn off only for brokers whose certificates do not "
          + "carry their names.");
  public static final Option<String> OAUTH_TOKEN_ENDPOINT = Option.string("kafka.oauth.token-endpoint", "",
      "OAuth 2 token endpoint for kafka.sasl.mechanism=oauthbearer (client credentials grant), e.g. "
          + "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token. The JVM must allow it: ualwatch adds it "
          + "to the system property org.apache.kafka.sasl.oauthbearer.allowed.urls of its own process; a remote "
          + "Flink cluster needs it in env.java.opts.");
  public static final Option<String> OAUTH_CLIENT_ID = Option.string("kafka.oauth.client-id", "",
      "OAuth client id for oauthbearer.");
  public static final Option<String> OAUTH_CLIENT_SECRET_FILE = Option.string("kafka.oauth.client-secret-file", "",
      "File holding the OAuth client secret for oauthbearer.");
  public static final Option<String> OAUTH_CLIENT_SECRET_ENV = Option.string("kafka.oauth.client-secret-env", "",
      "Environment variable holding the OAuth client secret (instead of kafka.oauth.client-secret-file).");
  public static final Option<String> OAUTH_SCOPE = Option.string("kafka.oauth.scope", "",
      "OAuth scope to ask for (e.g. api://kafka/.default); empty: none.");

  public static final List<Option<?>> ALL = List.of(PROTOCOL, MECHANISM, USERNAME, PASSWORD_FILE, PASSWORD_ENV,
      TRUSTSTORE, TRUSTSTORE_PASSWORD_FILE, KEYSTORE, KEYSTORE_PASSWORD_FILE, VERIFY_HOSTNAME, OAUTH_TOKEN_ENDPOINT,
      OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET_FILE, OAUTH_CLIENT_SECRET_ENV, OAUTH_SCOPE);

  /** Kafka's allow-list of OAuth URLs (Kafka 4 refuses token endpoints not listed in it). */
  public static final String ALLOWED_URLS_PROPERTY = "org.apache.kafka.sasl.oauthbearer.allowed.urls";

  /** The Kafka client properties for {@code c}, with secrets read from their files or the process environment. */
  public static Map<String, String> clientProperties(Config c) {
    return clientProperties(c, System::getenv);
  }

  /**
   * The Kafka client properties for {@code c}: empty for plaintext.
   *
   * @param env environment lookup (tests pass a map)
   * @throws ConfigException naming the key when a setting is missing, contradictory or unreadable
   */
  public static Map<String, String> clientProperties(Config c, Function<String, String> env) {
    Protocol protocol = c.get(PROTOCOL);
    Mechanism mechanism = c.get(MECHANISM);
    Map<String, String> p = new LinkedHashMap<>();
    if (protocol == Protocol.PLAINTEXT) {
      if (mechanism != Mechanism.NONE) {
        throw new ConfigException(MECHANISM.key() + " = " + name(mechanism) + " needs " + PROTOCOL.key()
            + " = sasl-ssl: ualwatch does not send SASL credentials over an unencrypted connection");
      }
      for (Option<String> o : List.of(TRUSTSTORE, KEYSTORE, USERNAME, PASSWORD_FILE, PASSWORD_ENV)) {
        if (!c.get(o).isBlank()) {
          throw new ConfigException(o.key() + " is set but " + PROTOCOL.key() + " is plaintext: set "
              + PROTOCOL.key() + " = ssl or sasl-ssl (or remove " + o.key() + ")");
        }
      }
      return p;
    }
    p.put("security.protocol", protocol.name());
    tls(c, p);
    if (protocol == Protocol.SSL) {
      if (mechanism != Mechanism.NONE) {
        throw new ConfigException(MECHANISM.key() + " = " + name(mechanism) + " needs " + PROTOCOL.key()
            + " = sasl-ssl (ssl is TLS without a SASL login)");
      }
      return p;
    }
    switch (mechanism) {
      case NONE -> throw new ConfigException(PROTOCOL.key() + " = sasl-ssl needs " + MECHANISM.key()
          + " (scram-sha-512, scram-sha-256, oauthbearer or plain)");
      case SCRAM_SHA_512, SCRAM_SHA_256, PLAIN -> {
        String user = c.get(USERNAME).strip();
        if (user.isEmpty()) throw new ConfigException(MECHANISM.key() + " = " + name(mechanism) + " needs " + USERNAME.key());
        String password = secret(c, PASSWORD_FILE, PASSWORD_ENV, env, "the SASL password");
        String module = mechanism == Mechanism.PLAIN ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
        p.put("sasl.mechanism", mechanism.name().replace('_', '-'));
        p.put("sasl.jaas.config", module + " required username=" + jaasQuote(user) + " password="
            + jaasQuote(password) + ";");
      }
      case OAUTHBEARER -> {
        String endpoint = c.get(OAUTH_TOKEN_ENDPOINT).strip();
        String clientId = c.get(OAUTH_CLIENT_ID).strip();
        if (endpoint.isEmpty() || clientId.isEmpty()) {
          throw new ConfigException(MECHANISM.key() + " = oauthbearer needs " + OAUTH_TOKEN_ENDPOINT.key() + " and "
              + OAUTH_CLIENT_ID.key());
        }
        if (!endpoint.startsWith("https://") && !endpoint.startsWith("http://")) {
          throw new ConfigException(OAUTH_TOKEN_ENDPOINT.key() + " = " + endpoint + ": expected an http(s) URL");
        }
        String secret = secret(c, OAUTH_CLIENT_SECRET_FILE, OAUTH_CLIENT_SECRET_ENV, env, "the OAuth client secret");
        allowUrl(endpoint);
        p.put("sasl.mechanism", "OAUTHBEARER");
        p.put("sasl.oauthbearer.token.endpoint.url", endpoint);
        p.put("sasl.login.callback.handler.class",
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler");
        String scope = c.get(OAUTH_SCOPE).strip();
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
            + " clientId=" + jaasQuote(clientId) + " clientSecret=" + jaasQuote(secret)
            + (scope.isEmpty() ? "" : " scope=" + jaasQuote(scope)) + ";");
      }
      default -> throw new IllegalStateException(mechanism.name());
    }
    return p;
  }

  /** Whether {@code c} asks for anything but plaintext. */
  public static boolean secured(Config c) {
    return c.get(PROTOCOL) != Protocol.PLAINTEXT;
  }

  private static void tls(Config c, Map<String, String> p) {
    String trust = c.get(TRUSTSTORE).strip();
    if (!trust.isEmpty()) {
      Path f = readable(TRUSTSTORE, trust);
      String type = storeType(TRUSTSTORE, f, true);
      p.put("ssl.truststore.type", type);
      p.put("ssl.truststore.location", f.toAbsolutePath().toString());
      if (!type.equals("PEM")) {
        String file = c.get(TRUSTSTORE_PASSWORD_FILE).strip();
        if (!file.isEmpty()) p.put("ssl.truststore.password", readSecretFile(TRUSTSTORE_PASSWORD_FILE, file));
      }
    }
    String key = c.get(KEYSTORE).strip();
    if (!key.isEmpty()) {
      Path f = readable(KEYSTORE, key);
      p.put("ssl.keystore.type", storeType(KEYSTORE, f, false));
      p.put("ssl.keystore.location", f.toAbsolutePath().toString());
      String file = c.get(KEYSTORE_PASSWORD_FILE).strip();
      if (file.isEmpty()) throw new ConfigException(KEYSTORE.key() + " needs " + KEYSTORE_PASSWORD_FILE.key());
      String pw = readSecretFile(KEYSTORE_PASSWORD_FILE, file);
      p.put("ssl.keystore.password", pw);
      p.put("ssl.key.password", pw);
    }
    p.put("ssl.endpoint.identification.algorithm", c.get(VERIFY_HOSTNAME) ? "https" : "");
  }

  private static String storeType(Option<String> o, Path f, boolean pemAllowed) {
    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".p12") || n.endsWith(".pfx")) return "PKCS12";
    if (n.endsWith(".jks")) return "JKS";
    if (pemAllowed && (n.endsWith(".pem") || n.endsWith(".crt") || n.endsWith(".cer"))) return "PEM";
    throw new ConfigException(o.key() + " = " + f + ": expected a " + (pemAllowed ? ".pem/.crt, " : "")
        + ".p12/.pfx or .jks file");
  }

  private static Path readable(Option<String> o, String path) {
    Path f = Path.of(path);
    if (!Files.isReadable(f)) throw new ConfigException(o.key() + " = " + path + ": cannot read the file");
    return f;
  }

  /** Reads a secret from the file option or the environment option; exactly one of them must be set. */
  static String secret(Config c, Option<String> file, Option<String> envName, Function<String, String> env,
      String what) {
    String f = c.get(file).strip();
    String e = c.get(envName).strip();
    if (f.isEmpty() == e.isEmpty()) {
      throw new ConfigException(what + ": set exactly one of " + file.key() + " and " + envName.key()
          + " (secrets are never given as option values)");
    }
    if (!f.isEmpty()) return readSecretFile(file, f);
    String v = env.apply(e);
    if (v == null || v.isEmpty()) throw new ConfigException(envName.key() + " = " + e + ": the environment variable is not set");
    return v;
  }

  /** A secret file's content without one trailing newline; the message never contains the content. */
  public static String readSecretFile(Option<String> o, String path) {
    try {
      String s = Files.readString(Path.of(path), StandardCharsets.UTF_8);
      if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
      if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
      if (s.isEmpty()) throw new ConfigException(o.key() + " = " + path + ": the file is empty");
      return s;
    } catch (IOException e) {
      throw new ConfigException(o.key() + " = " + path + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** A JAAS option value in double quotes (backslash and quote escaped, as Kafka's JAAS parser reads them). */
  static String jaasQuote(String v) {
    return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static synchronized void allowUrl(String url) {
    String cur = System.getProperty(ALLOWED_URLS_PROPERTY, "");
    for (String u : cur.split(",")) if (u.strip().equals(url)) return;
    System.setProperty(ALLOWED_URLS_PROPERTY, cur.isBlank() ? url : cur + "," + url);
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
