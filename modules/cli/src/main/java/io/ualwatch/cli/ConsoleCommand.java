package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.console.ConsoleServer;
import io.ualwatch.console.TlsMaterial;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The analysts' web console on a running stack. */
@Command(name = "console", mixinStandardHelpOptions = true,
    description = {"Serves the alert console on 127.0.0.1: a live alert list (pushed as the detection job publishes "
        + "alerts), filters by severity, rule and user, the detail of each alert (explanation, the baseline it "
        + "broke, a map of the locations, the evidence records with their raw JSON) and acknowledgements.",
        "Acknowledgements go to a compacted Kafka topic (key = alert id), so every console on the same cluster "
            + "shows the same queue. Runs until Ctrl-C. 'ualwatch up' starts one too."},
    footer = {"", "Examples:", "  ualwatch console", "  ualwatch console --port 8088 --bootstrap kafka1:9092",
        "  ualwatch console --generate-token       # prints a URL with a fresh token",
        "  ualwatch console --bind 0.0.0.0 --token-file /etc/ualwatch/console.token \\",
        "      --tls-cert /etc/ualwatch/console.crt --tls-key /etc/ualwatch/console.key",
        "  export UALWATCH_CONSOLE_TOKEN=...",
        "  ualwatch console --bind 0.0.0.0 --token-env UALWATCH_CONSOLE_TOKEN \\",
        "      --tls-keystore console.p12 --tls-keystore-password-file p12.password",
        "  ualwatch console --bind 0.0.0.0 --token-file console.token \\",
        "      --behind-tls-proxy                      # TLS ends at your proxy",
        "", "Secrets (the token, the keystore password) are read from files or environment variables, never from "
            + "the command line, where every user of the machine can read them.",
        "", "Exit codes: 0 stopped with Ctrl-C; 1 the broker is unreachable or the console failed; 2 usage error "
            + "(unknown option, port in use, non-loopback address without TLS and a token, unusable TLS files)."})
final class ConsoleCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default ${DEFAULT-VALUE}, this machine only). Any other address needs TLS "
          + "(--tls-cert/--tls-key or --tls-keystore, or --behind-tls-proxy) and a token.")
  String bind;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: kafka.bootstrap, 127.0.0.1:9092).")
  String bootstrap;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Require the token in this file (its first line, 16 characters or more; keep the file readable by "
          + "you only): header 'Authorization: Bearer TOKEN' or ?token=TOKEN, 401 otherwise.")
  Path tokenFile;

  @Option(names = "--token-env", paramLabel = "NAME", description = "Require the token held by this environment variable.")
  String tokenEnv;

  /** Removed: a token on the command line is in the process list for every user of the machine. */
  @Option(names = "--token", hidden = true, paramLabel = "TOKEN")
  String removedToken;

  @Option(names = "--generate-token", description = "Require a fresh random token, printed in the URL.")
  boolean generateToken;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve HTTPS (TLS 1.2/1.3) with this PEM certificate chain, server certificate first; needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The unencrypted PKCS#8 PEM private key of --tls-cert ('-----BEGIN PRIVATE KEY-----'; keep it "
          + "readable by the console's user only).")
  Path tlsKey;

  @Option(names = "--tls-keystore", paramLabel = "FILE",
      description = "Serve HTTPS with the key and certificate chain in this PKCS#12 file (instead of --tls-cert/--tls-key).")
  Path tlsKeystore;

  @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
      description = "File whose first line is the password of --tls-keystore.")
  Path tlsKeystorePasswordFile;

  @Option(names = "--tls-keystore-password-env", paramLabel = "NAME",
      description = "Environment variable holding the password of --tls-keystore.")
  String tlsKeystorePasswordEnv;

  @Option(names = "--behind-tls-proxy",
      description = "A reverse proxy in front terminates TLS: allows plain HTTP on a non-loopback --bind (the token is "
          + "still required; firewall the port so that only the proxy reaches it), marks the cookie Secure and "
          + "accepts the proxy's Host/X-Forwarded-Host; acknowledgements must come from https:// that host.")
  boolean behindTlsProxy;

  @Option(names = "--acks-topic", defaultValue = ConsoleSupport.ACKS_TOPIC, paramLabel = "TOPIC",
      description = "Compacted topic for acknowledgements (default ${DEFAULT-VALUE}; created if missing).")
  String acksTopic;

  @Option(names = "--max-alerts", defaultValue = "20000", paramLabel = "N",
      description = "Alerts kept in memory, newest first (default ${DEFAULT-VALUE}).")
  int maxAlerts;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "How long to wait for the broker before giving up (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Mixin
  ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Config config = configOptions.load();
    String bs = bootstrap != null ? bootstrap : config.get(JobOptions.BOOTSTRAP);
    if (removedToken != null) throw new Main.UsageException(REMOVED_TOKEN.formatted("--token", "--"));
    String tok = token(tokenFile, tokenEnv, generateToken, "--");
    TlsMaterial tls = tls(tlsCert, tlsKey, tlsKeystore, tlsKeystorePasswordFile, tlsKeystorePasswordEnv);
    checkBind(bind, tok, tls != null, behindTlsProxy);
    ConsoleServer.Settings s = ConsoleSupport.settings(config, bs, bind, port, tok, acksTopic, maxAlerts,
        Duration.ofSeconds(Math.max(1, timeoutSeconds)), KafkaClients.strings(config)).withTls(tls).withBehindTlsProxy(behindTlsProxy);
    CountDownLatch stop = new CountDownLatch(1);
    try (ConsoleServer console = ConsoleSupport.start(s, false, out)) {
      out.println("console: " + console.url() + "  (alerts from " + s.alertsTopic() + " on " + bs
          + ", acknowledgements in " + s.acksTopic() + ")");
      out.println("Ctrl-C to stop.");
      out.flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }

  /** What a removed token flag says (the flag, the prefix of its replacements); the value is not repeated. */
  static final String REMOVED_TOKEN = "%1$s TOKEN is no longer accepted: on the command line the token is visible to "
      + "every user of the machine (ps, shell history). Put it in a file readable by you only and give "
      + "%2$stoken-file FILE, or export it and give %2$stoken-env NAME";

  /** The shortest token accepted from a file or the environment ({@code --generate-token} makes 36 characters). */
  static final int MIN_TOKEN = 16;

  /**
   * The console's access token from a file (its first line), an environment variable or freshly generated;
   * {@code null} when none is asked for. Never from the command line, where the process list shows it.
   * {@code prefix} is how the command spells its flags ({@code --} for console, {@code --console-} for up).
   */
  static String token(Path file, String env, boolean generate, String prefix) {
    int given = (file != null ? 1 : 0) + (env != null ? 1 : 0) + (generate ? 1 : 0);
    if (given > 1) {
      throw new Main.UsageException("give one of " + prefix + "token-file, " + prefix + "token-env"
          + (prefix.equals("--") ? " and --generate-token" : ""));
    }
    String t;
    String from;
    if (file != null) {
      try {
        t = Files.readString(file, StandardCharsets.UTF_8).strip();
        int nl = t.indexOf('\n');
        if (nl >= 0) t = t.substring(0, nl).strip();
      } catch (IOException e) {
        throw new Main.UsageException("cannot read the token file " + file + ": " + e.getMessage());
      }
      if (t.isEmpty()) throw new Main.UsageException("the token file " + file + " is empty");
      from = "the token in " + file;
    } else if (env != null) {
      t = System.getenv(env);
      if (t == null || t.isBlank()) {
        throw new Main.UsageException("the environment variable " + env + " (" + prefix + "token-env) is not set or empty");
      }
      t = t.strip();
      from = "the token in $" + env;
    } else if (generate) {
      byte[] b = new byte[18];
      new SecureRandom().nextBytes(b);
      return HexFormat.of().formatHex(b);
    } else {
      return null;
    }
    if (t.length() < MIN_TOKEN) {
      throw new Main.UsageException(from + " is too short: use " + MIN_TOKEN + " characters or more (e.g. "
          + "openssl rand -hex 18)");
    }
    return t;
  }

  /** The TLS material the flags name, or {@code null} for plain HTTP; a wrong combination is a usage error. */
  static TlsMaterial tls(Path cert, Path key, Path keystore, Path passwordFile, String passwordEnv) {
    if (cert == null && key == null && keystore == null) {
      if (passwordFile != null || passwordEnv != null) {
        throw new Main.UsageException("--tls-keystore-password-file/-env need --tls-keystore");
      }
      return null;
    }
    if (keystore != null && (cert != null || key != null)) {
      throw new Main.UsageException("give either --tls-cert with --tls-key, or --tls-keystore, not both");
    }
    if (keystore == null && (cert == null || key == null)) {
      throw new Main.UsageException("--tls-cert and --tls-key go together: the PEM certificate chain and its private key");
    }
    if (keystore != null && (passwordFile == null) == (passwordEnv == null)) {
      throw new Main.UsageException("--tls-keystore needs its password from one of --tls-keystore-password-file FILE "
          + "and --tls-keystore-password-env NAME (never on the command line)");
    }
    if (keystore == null && (passwordFile != null || passwordEnv != null)) {
      throw new Main.UsageException("--tls-keystore-password-file/-env go with --tls-keystore, not with a PEM key");
    }
    TlsMaterial tls = new TlsMaterial(cert, key, keystore, passwordFile, passwordEnv);
    try {
      tls.sslContext(); // read now, so that a wrong file is a usage error before anything connects
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    return tls;
  }

  static void checkBind(String bind, String token, boolean tls, boolean behindTlsProxy) {
    InetAddress a;
    try {
      a = InetAddress.getByName(bind);
    } catch (IOException e) {
      throw new Main.UsageException("cannot resolve --bind " + bind + ": " + e.getMessage());
    }
    if (behindTlsProxy && token == null) {
      throw new Main.UsageException("--behind-tls-proxy makes the console reachable through the proxy: add "
          + "--token-file, --token-env or --generate-token");
    }
    if (a.isLoopbackAddress()) return;
    boolean encrypted = tls || behindTlsProxy;
    if (token == null || !encrypted) {
      throw new Main.UsageException("listening on " + bind + " lets other machines read the alert queue and the raw "
          + "audit records: add " + (token == null ? "a token (--token-file, --token-env or --generate-token)" : "")
          + (token == null && !encrypted ? " and " : "")
          + (encrypted ? "" : "TLS (--tls-cert with --tls-key, or --tls-keystore; --behind-tls-proxy when a reverse "
              + "proxy in front terminates TLS)") + ", or keep the default --bind 127.0.0.1");
    }
  }
}
