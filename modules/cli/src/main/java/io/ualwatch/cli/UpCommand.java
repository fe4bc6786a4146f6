package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.testkit.emulator.SimulatedTenant;
import io.ualwatch.testkit.security.KafkaAcls;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A running stack to point connectors, replays and SIEM sinks at. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Starts the embedded Kafka broker, the detection job and the connectors (Management Activity API "
        + "and Entra sign-ins, in an embedded Kafka Connect worker) and keeps them running until Ctrl-C. Prints the "
        + "bootstrap address and the topics. Data (topics, connector offsets, checkpoints) survive a restart in "
        + "--data-dir.",
        "--source emulator (default) points the connectors at the built-in Microsoft 365 API emulator serving a "
        + "simulated tenant live: records appear 60-90 minutes after they happen, as from the real API, with a few "
        + "attacks in the last two days. --source tenant reads a real tenant (needs --tenant-id, --client-id and a "
        + "secret or certificate). --source none starts no connectors (feed the raw topics yourself)."},
    footer = {"", "Examples:", "  ualwatch up", "  ualwatch up --port 9092 --data-dir /var/lib/ualwatch",
        "  ualwatch up --set job.delivery=at-least-once", "  ualwatch up --no-console",
        "  ualwatch up --source tenant --tenant-id <guid> --client-id <app id> --secret-file /etc/ualwatch/secret.properties",
        "  UALWATCH_CLIENT_SECRET=... ualwatch up --source tenant --tenant-id <guid> --client-id <app id> --secret-env UALWATCH_CLIENT_SECRET",
        "  ualwatch up --source none",
        "  ualwatch up --secure                        (TLS + SCRAM, a user and least-privilege ACLs per component)",
        "  ualwatch up --for 5m --port 0 --no-console      (a self-contained check: stops after 5 minutes, prints the alerts)",
        "", "Exit codes: 0 stopped with Ctrl-C or after --for; 1 failed to start (the message says why); 2 usage error."})
final class UpCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Broker and checkpoint data (default run/up).")
  Path dataDir;

  @Option(names = "--console", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Serve the alert console too (default on; --no-console to skip).")
  boolean console;

  @Option(names = "--console-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Console port on 127.0.0.1 (default ${DEFAULT-VALUE}; a free one is taken when it is busy).")
  int consolePort;

  @Option(names = "--console-token-file", paramLabel = "FILE",
      description = "Require the token in this file (first line) in the console (see 'ualwatch console --help').")
  Path consoleTokenFile;

  @Option(names = "--console-token-env", paramLabel = "NAME",
      description = "Require the token held by this environment variable in the console.")
  String consoleTokenEnv;

  /** Removed: a token on the command line is in the process list for every user of the machine. */
  @Option(names = "--console-token", hidden = true, paramLabel = "TOKEN")
  String removedConsoleToken;

  @Option(names = "--metrics-port", defaultValue = "9249", paramLabel = "PORT",
      description = "Serve the job's metrics in the Prometheus format at http://127.0.0.1:PORT/metrics (default "
          + "${DEFAULT-VALUE}; a free one is taken when it is busy; 0 = any free port; -1 = off).")
  int metricsPort;

  @Option(names = "--secure", description = "Start the broker with TLS (a local CA, generated) and SASL "
      + "SCRAM-SHA-512 only, ACLs enforced, and one Kafka user per component (job, connect, console, cli) with "
      + "exactly its grants. Passwords, the CA certificate and a client configuration per component are written to "
      + "<data-dir>/secrets (readable by you only): 'ualwatch watch --config <data-dir>/secrets/ualwatch-cli.yaml' "
      + "reads the alerts from another shell. See docs/security.md.")
  boolean secure;

  enum Source { emulator, tenant, none }

  @Option(names = "--source", defaultValue = "emulator", paramLabel = "SOURCE",
      description = "Where the connectors read: emulator (default), tenant or none.")
  Source source;

  @Option(names = "--tenant-id", paramLabel = "GUID", split = ",", description = "Tenant(s) to read (--source tenant).")
  List<String> tenantIds = new ArrayList<>();

  @Option(names = "--client-id", paramLabel = "ID", description = "Application (client) id of the app registration (--source tenant).")
  String clientId;

  @Option(names = "--cloud", defaultValue = "commercial", paramLabel = "CLOUD",
      description = "commercial (default), gcc, gcc-high or dod.")
  String cloud;

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "Properties file holding client.secret=...; read by Connect's file provider, never copied or logged.")
  Path secretFile;

  @Option(names = "--secret-env", paramLabel = "NAME", description = "Environment variable holding the client secret.")
  String secretEnv;

  @Option(names = "--certificate", paramLabel = "FILE",
      description = "Certificate with private key (PEM or PKCS#12) for a JWT client assertion, instead of a secret.")
  Path certificate;

  @Option(names = "--certificate-password-env", paramLabel = "NAME", description = "Environment variable holding the PKCS#12 password.")
  String certificatePasswordEnv;

  @Option(names = "--lookback", defaultValue = "7d", paramLabel = "DURATION",
      description = "How far back connectors without stored offsets start (default ${DEFAULT-VALUE}, the API's retention).")
  String lookback;

  @Option(names = "--for", paramLabel = "DURATION", description = "Stop by itself after this long and print what "
      + "the job raised (alerts per rule, dead letters): for scripted checks and smoke tests. Default: until Ctrl-C.")
  String runFor;

  @Mixin
  ConfigOptions configOptions;

  /** Twenty simulated mailboxes, thirty days of history ending today, a few attacks yesterday and today. */
  static TenantSimulator.Settings liveSettings() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    return new TenantSimulator.Settings(11, 20, today.minusDays(29), 3650, List.of(
        new TenantSimulator.Attack("token-replay", 3, 28), new TenantSimulator.Attack("new-country", 7, 28),
        new TenantSimulator.Attack("hosting-access", 11, 29), new TenantSimulator.Attack("impossible-travel", 5, 29),
        new TenantSimulator.Attack("benign-trip", 9, 28)), 6);
  }

  private Map<String, String> credential() {
    if (tenantIds.isEmpty() || clientId == null) {
      throw new Main.UsageException("--source tenant needs --tenant-id and --client-id");
    }
    int given = (secretFile != null ? 1 : 0) + (secretEnv != null ? 1 : 0) + (certificate != null ? 1 : 0);
    if (given != 1) {
      throw new Main.UsageException("--source tenant needs exactly one of --secret-file, --secret-env and --certificate");
    }
    Map<String, String> c = new java.util.LinkedHashMap<>();
    if (secretFile != null) {
      if (!Files.isReadable(secretFile)) throw new Main.UsageException("cannot read --secret-file " + secretFile);
      c.put("auth.client.secret", "${file:" + secretFile.toAbsolutePath() + ":client.secret}");
    } else if (secretEnv != null) {
      if (System.getenv(secretEnv) == null) throw new Main.UsageException("environment variable " + secretEnv + " is not set");
      c.put("auth.client.secret", "${env:" + secretEnv + "}");
    } else {
      if (!Files.isReadable(certificate)) throw new Main.UsageException("cannot read --certificate " + certificate);
      c.put("auth.certificate.path", certificate.toAbsolutePath().toString());
      if (certificatePasswordEnv != null) c.put("auth.certificate.password", "${env:" + certificatePasswordEnv + "}");
    }
    return c;
  }

  private static boolean free(String host, int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName(host))) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path data = dataDir != null ? dataDir : Home.run("up");
    Files.createDirectories(data);
    Config config = configOptions.load();
    // read before anything starts, so that a missing or short token is a usage error at once
    if (removedConsoleToken != null) {
      throw new Main.UsageException(ConsoleCommand.REMOVED_TOKEN.formatted("--console-token", "--console-"));
    }
    String consoleTok = console ? ConsoleCommand.token(consoleTokenFile, consoleTokenEnv, false, "--console-") : null;
    Duration back = io.ualwatch.config.Durations.parse(lookback);
    if (back.isNegative() || back.compareTo(Duration.ofDays(7)) > 0) {
      throw new Main.UsageException("--lookback must be between 0 and 7d (the API keeps 7 days), got " + lookback);
    }
    Duration limit = null;
    if (runFor != null) {
      try {
        limit = io.ualwatch.config.Durations.parse(runFor);
      } catch (RuntimeException e) {
        throw new Main.UsageException("--for: " + e.getMessage());
      }
      if (limit.isZero() || limit.isNegative()) throw new Main.UsageException("--for must be positive, got " + runFor);
    }
    Map<String, String> credential = source == Source.tenant ? credential() : Map.of();
    GeoSupport.resolver(config, out);
    CountDownLatch stop = new CountDownLatch(1);
    if (metricsPort < -1 || metricsPort > 65535) throw new Main.UsageException("--metrics-port must be -1, 0 or a port");
    int mPort = metricsPort > 0 && !free(config.get(JobOptions.METRICS_HOST), metricsPort) ? 0 : metricsPort;
    if (mPort != metricsPort) out.println("metrics: port " + metricsPort + " is in use; taking a free one");
    config = config.with(Map.of(JobOptions.METRICS_PORT.key(), Integer.toString(mPort)));
    try (Stack stack = Stack.startBroker(data, port, config, out, secure)) {
      stack.startJob(data, out);
      Config connectConfig = stack.configFor(KafkaAcls.CONNECT);
      ConnectorFeed feed = switch (source) {
        case emulator -> {
          SimulatedTenant tenant = new SimulatedTenant(new TenantSimulator(liveSettings()));
          ConnectorFeed f = stack.attach(ConnectorFeed.start(connectConfig, stack.kafka.bootstrapServers(),
              List.of(tenant), back, data.resolve("connect"), data.resolve("secrets"), out));
          out.println("source:    simulated tenant " + tenant.tenantId() + " (" + tenant.simulator().users().size()
              + " mailboxes) served live by the emulator; attacks yesterday and today");
          yield f;
        }
        case tenant -> {
          ConnectorFeed f = stack.attach(ConnectorFeed.startForTenants(connectConfig, stack.kafka.bootstrapServers(),
              cloud, tenantIds, clientId, credential, back, data.resolve("connect"), out));
          out.println("source:    tenant(s) " + String.join(", ", tenantIds) + " (" + cloud + ")");
          yield f;
        }
        case none -> null;
      };
      out.println();
      out.println("bootstrap: " + stack.kafka.bootstrapServers() + (secure ? " (SASL_SSL, SCRAM-SHA-512)" : ""));
      if (secure) {
        out.println("clients:   " + stack.security.configFile(KafkaAcls.CLI) + " (for watch, replay, rules; "
            + "one file per component in " + stack.security.secretsDir + ")");
      }
      out.println("topics:    " + config.get(JobOptions.TOPIC_AUDIT) + " (in: raw UAL JSON, key tenant|Id)");
      out.println("           " + config.get(JobOptions.TOPIC_SIGNINS) + " (in: Entra sign-ins)");
      out.println("           " + config.get(JobOptions.TOPIC_ALERTS) + " (out: OCSF alerts, key = alert id; read_committed)");
      out.println("           " + config.get(JobOptions.TOPIC_DEADLETTER) + " (out: rejected records with reason)");
      out.println("           " + ConsoleSupport.ACKS_TOPIC + " (console acknowledgements, compacted)");
      if (console) {
        io.ualwatch.console.ConsoleServer consoleServer = stack.attach(ConsoleSupport.start(ConsoleSupport.settings(
            stack.config, stack.kafka.bootstrapServers(), "127.0.0.1", consolePort,
            consoleTok, ConsoleSupport.ACKS_TOPIC, 20_000,
            java.time.Duration.ofSeconds(10), KafkaClients.strings(stack.configFor(KafkaAcls.CONSOLE))), true, out));
        // a token from a file or the environment is the user's already: it is not printed (stdout may be a log)
        String url = consoleServer.url();
        out.println("console:   " + (consoleTok == null ? url : url.substring(0, url.indexOf('?')) + " (token: "
            + (consoleTokenFile != null ? "the first line of " + consoleTokenFile : "$" + consoleTokenEnv)
            + ", as ?token=… or 'Authorization: Bearer …')"));
      }
      for (String u : io.ualwatch.job.metrics.PrometheusEndpoint.urls()) out.println("metrics:   " + u + " (Prometheus)");
      if (feed != null) out.println("connect:   " + feed.connect.restUrl() + " (connector status: GET connectors/"
          + ConnectorFeed.AUDIT_CONNECTOR + "/status)");
      out.println(limit == null ? "Ctrl-C to stop." : "running for " + io.ualwatch.config.Durations.format(limit)
          + " (or until Ctrl-C); alerts as they arrive:");
      AlertWatcher watcher = limit == null ? null : stack.attach(new AlertWatcher(stack.kafka.bootstrapServers(),
          config.get(JobOptions.TOPIC_ALERTS), config.get(JobOptions.TOPIC_DEADLETTER), out, false,
          KafkaClients.with(stack.configFor(KafkaAcls.CLI), Map.of())));
      Thread hook = new Thread(stop::countDown);
      Runtime.getRuntime().addShutdownHook(hook);
      long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
      while (!stop.await(Math.max(1, Math.min(60_000L, (deadline - System.nanoTime()) / 1_000_000L)),
          java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (feed != null) {
          try {
            feed.assertHealthy();
          } catch (RuntimeException e) {
            out.println("connector failure: " + e.getMessage());
          }
        }
        if (System.nanoTime() - deadline >= 0) break;
      }
      if (watcher != null) {
        Map<String, Integer> byRule = new java.util.TreeMap<>();
        watcher.latest.values().forEach(n -> byRule.merge(n.path("unmapped").path("rule_id").asText("?"), 1,
            Integer::sum));
        out.println();
        out.println("alerts:       " + watcher.activeCount() + " active of " + watcher.latest.size() + " alert ids "
            + byRule.toString().replaceAll("[{}]", ""));
        out.println("dead letters: " + watcher.deadLetters.get());
      }
      if (stop.getCount() > 0) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is already shutting down
        }
      }
      out.println("stopping…");
    }
    return 0;
  }
}
