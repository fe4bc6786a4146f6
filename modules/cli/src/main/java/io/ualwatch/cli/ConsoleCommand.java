package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.console.ConsoleServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
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
        "  ualwatch console --generate-token          # prints a URL with a fresh access token",
        "  ualwatch console --bind 0.0.0.0 --token-file /etc/ualwatch/console.token",
        "", "Exit codes: 0 stopped with Ctrl-C; 1 the broker is unreachable or the console failed; 2 usage error "
            + "(unknown option, port in use, non-loopback address without a token)."})
final class ConsoleCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default ${DEFAULT-VALUE}, this machine only). Any other address needs a token.")
  String bind;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: kafka.bootstrap, 127.0.0.1:9092).")
  String bootstrap;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Require this token: header 'Authorization: Bearer TOKEN' or ?token=TOKEN (401 otherwise).")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "Read the token from a file (keeps it out of the process list).")
  Path tokenFile;

  @Option(names = "--generate-token", description = "Require a fresh random token, printed in the URL.")
  boolean generateToken;

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
    String tok = token(token, tokenFile, generateToken);
    checkBind(bind, tok);
    ConsoleServer.Settings s = ConsoleSupport.settings(config, bs, bind, port, tok, acksTopic, maxAlerts,
        Duration.ofSeconds(Math.max(1, timeoutSeconds)));
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

  static String token(String token, Path file, boolean generate) {
    int given = (token != null ? 1 : 0) + (file != null ? 1 : 0) + (generate ? 1 : 0);
    if (given > 1) throw new Main.UsageException("give one of --token, --token-file and --generate-token");
    if (file != null) {
      try {
        String t = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (t.isEmpty()) throw new Main.UsageException("the token file " + file + " is empty");
        return t;
      } catch (IOException e) {
        throw new Main.UsageException("cannot read the token file " + file + ": " + e.getMessage());
      }
    }
    if (generate) {
      byte[] b = new byte[18];
      new SecureRandom().nextBytes(b);
      return HexFormat.of().formatHex(b);
    }
    if (token != null && token.length() < 8) throw new Main.UsageException("the token is too short: use 8 characters or more");
    return token;
  }

  static void checkBind(String bind, String token) {
    InetAddress a;
    try {
      a = InetAddress.getByName(bind);
    } catch (IOException e) {
      throw new Main.UsageException("cannot resolve --bind " + bind + ": " + e.getMessage());
    }
    if (!a.isLoopbackAddress() && token == null) {
      throw new Main.UsageException("listening on " + bind + " lets other machines read the alert queue: add --token, "
          + "--token-file or --generate-token");
    }
  }
}
