package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import io.ualwatch.testkit.emulator.ReplayedTenant;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The newcomer's first run: everything embedded, a real scenario, alerts on screen. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Starts an embedded Kafka broker and the detection job (Flink MiniCluster), feeds a sample "
        + "scenario (a simulated tenant with a Storm-0558-style token replay, moved forward to end a day before now) "
        + "into the raw topics: the days older than the API's 7-day window as a backfill, the last days through the "
        + "Microsoft 365 API emulator (published as the APIs publish) and the real connectors in an embedded Kafka "
        + "Connect worker. Prints every "
        + "alert as it arrives on the alerts topic, then a summary, and exits.",
        "Nothing to install or configure; the geo data is fetched on first use."},
    footer = {"", "Examples:", "  ualwatch demo", "  ualwatch demo --scenario samples/scenarios/storm0558-token-replay --keep", "  ualwatch demo --ingest direct",
        "", "Exit codes: 0 every expected alert arrived; 1 not within --timeout; 2 usage error."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--scenario", paramLabel = "DIR", description = "Scenario to play (default: the Storm-0558 token replay).")
  Path scenario;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Broker and checkpoint data (default run/demo; wiped first).")
  Path dataDir;

  @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for the expected alerts (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--no-color", description = "Plain output.")
  boolean noColor;

  @Option(names = "--console", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Serve the alert console while the demo runs and print its URL (default on).")
  boolean console;

  @Option(names = "--console-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Console port on 127.0.0.1 (default ${DEFAULT-VALUE}; a free one is taken when it is busy).")
  int consolePort;

  enum Ingest { connector, direct }

  @Option(names = "--ingest", defaultValue = "connector", paramLabel = "HOW",
      description = {"connector (default): the scenario is served by the Microsoft 365 API emulator over HTTP and "
          + "pulled by the real Management Activity and Entra sign-in connectors in an embedded Kafka Connect "
          + "worker; direct: the records are written straight into the raw topics (faster, no HTTP)."})
  Ingest ingest;

  @Option(names = "--keep", description = "Keep the broker, the job and the console running after the summary, until Ctrl-C.")
  boolean keep;

  @Mixin
  ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    PrintStream out = System.out;
    Path sc = scenario != null ? scenario : Home.samples().resolve("scenarios/storm0558-token-replay");
    Path input = sc.resolve("input");
    if (!Files.isDirectory(input)) throw new Main.UsageException("no input folder in scenario " + sc);
    Set<String> expected = expectedIds(sc);
    Path data = dataDir != null ? dataDir : Home.run("demo");
    Home.deleteTree(data);
    Files.createDirectories(data);
    Config config = configOptions.load().with(Map.of(JobOptions.START_FROM.key(), "earliest",
        JobOptions.CHECKPOINT_INTERVAL.key(), "2s", JobOptions.GROUP_ID.key(), "ualwatch-demo"));
    out.println("ualwatch demo: scenario " + sc.getFileName() + " (" + expected.size() + " expected alerts)");
    io.ualwatch.enrich.GeoResolver geo = GeoSupport.resolver(config, out);
    try (Stack stack = Stack.startBroker(data, 0, config, out)) {
      String bootstrap = stack.kafka.bootstrapServers();
      try (AlertWatcher watcher = new AlertWatcher(bootstrap, config.get(JobOptions.TOPIC_ALERTS),
          config.get(JobOptions.TOPIC_DEADLETTER), out, !noColor && System.console() != null)) {
        stack.startJob(data, out);
        io.ualwatch.console.ConsoleServer consoleServer = null;
        if (console) {
          consoleServer = stack.attach(ConsoleSupport.start(ConsoleSupport.settings(stack.config, bootstrap, "127.0.0.1",
              consolePort, null, ConsoleSupport.ACKS_TOPIC, 20_000, java.time.Duration.ofSeconds(10), KafkaClients.strings(stack.config)), true, out));
          out.println("console: " + consoleServer.url() + " (alerts appear there live too)");
        }
        long fed;
        ConnectorFeed feed = null;
        Map<String, Long> wanted = new java.util.LinkedHashMap<>(); // records each raw topic must end up with
        if (ingest == Ingest.connector) {
          // The recording is moved forward by whole days so that it ends a day before now (every day boundary of
          // the recording kept): its last days lie in the API's 7-day window and come through the emulator as the
          // real APIs publish them (sign-ins under their own time, audit blobs 60-90 minutes after their records),
          // so the connectors' feed clocks speak the records' own time. The days before that window are the
          // backfill a new deployment loads from an export first (replay), here written straight to the topics.
          Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
          Instant windowStart = now.minus(LIVE_WINDOW);
          Path shifted = data.resolve("scenario");
          long days = shiftToPresent(Inputs.expand(List.of(input)), now, shifted);
          List<Path> files = List.of(shifted.resolve("audit.ndjson"), shifted.resolve("signins.ndjson"));
          int listed = expected.size();
          expected = huntIds(config, geo, files);
          out.printf("scenario moved %,d days forward (it ends a day before now); expected alerts: the %d that hunt "
              + "raises over the moved records (the scenario's expected-alerts.json lists %d)%n", days, expected.size(),
              listed);
          List<AuditEvent> events = readAll(files);
          List<AuditEvent> live = new java.util.ArrayList<>();
          long[] backfill = {0, 0};
          Path backfillDir = data.resolve("backfill");
          Files.createDirectories(backfillDir);
          try (java.io.BufferedWriter a = Files.newBufferedWriter(backfillDir.resolve("audit.ndjson"));
               java.io.BufferedWriter si = Files.newBufferedWriter(backfillDir.resolve("signins.ndjson"))) {
            for (AuditEvent e : events) {
              if (!e.eventTime.isBefore(windowStart)) {
                live.add(e);
                continue;
              }
              boolean signIn = e.source == io.ualwatch.model.EventSource.ENTRA_SIGNIN;
              (signIn ? si : a).write(e.raw);
              (signIn ? si : a).write('\n');
              backfill[signIn ? 1 : 0]++;
            }
          }
          try (Feeder feeder = new Feeder(bootstrap, config.get(JobOptions.TOPIC_AUDIT), config.get(JobOptions.TOPIC_SIGNINS),
              "demo|backfill")) {
            feeder.sendOrdered(List.of(backfillDir.resolve("audit.ndjson"), backfillDir.resolve("signins.ndjson")));
            feeder.flush();
          }
          out.printf("backfill: %,d audit records and %,d sign-ins older than the API's window written to the raw "
              + "topics (as 'replay' of an export would)%n", backfill[0], backfill[1]);
          List<ReplayedTenant> tenants = ReplayedTenant.asPublished(live, Duration.ofMinutes(60), Duration.ofMinutes(90),
              50, Duration.ofMinutes(10), 97);
          // the connectors start just before the window: they list and fetch its days of backlog in a few seconds
          feed = stack.attach(ConnectorFeed.start(stack.config, bootstrap, tenants,
              Duration.between(windowStart, now).plusMinutes(1), data.resolve("connect"), data.resolve("secrets"), out));
          long blobs = tenants.stream().mapToLong(t -> t.allBlobs().size()).sum();
          long served = tenants.stream().mapToLong(ReplayedTenant::auditRecordsServed).sum();
          long signIns = tenants.stream().mapToLong(t -> t.allSignIns().size()).sum();
          fed = served + signIns + backfill[0] + backfill[1];
          wanted.put(config.get(JobOptions.TOPIC_AUDIT), backfill[0] + served + 1); // + the malformed record below
          wanted.put(config.get(JobOptions.TOPIC_SIGNINS), backfill[1] + signIns);
          out.printf("emulator: serving the last %d days, %,d audit records in %,d content blobs (%,d of them "
              + "published twice, as the API does) and %,d sign-ins%n", LIVE_WINDOW.toDays(), served, blobs,
              served - (live.size() - signIns), signIns);
        } else {
          try (Feeder feeder = new Feeder(bootstrap, config.get(JobOptions.TOPIC_AUDIT), config.get(JobOptions.TOPIC_SIGNINS),
              "demo|direct")) {
            feeder.sendOrdered(Inputs.expand(List.of(input)));
            feeder.flush();
            fed = feeder.sent;
          }
          out.printf("fed %,d records from %s straight into %s and %s%n", fed, input,
              config.get(JobOptions.TOPIC_AUDIT), config.get(JobOptions.TOPIC_SIGNINS));
        }
        try (Feeder feeder = new Feeder(bootstrap, config.get(JobOptions.TOPIC_AUDIT), config.get(JobOptions.TOPIC_SIGNINS))) {
          // one broken record, written straight to the raw topic, to show the dead-letter path
          feeder.sendRaw("demo|broken-1", "{\"CreationTime\":\"2025-03-18T09:00:00\",\"Operation\":\"MailItemsAccessed\",");
          feeder.flush();
        }
        out.println("sent 1 malformed record straight to " + config.get(JobOptions.TOPIC_AUDIT) + " (it must end up in "
            + config.get(JobOptions.TOPIC_DEADLETTER) + ")");
        out.println();
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long nextProgress = System.nanoTime() + 5_000_000_000L;
        Map<String, Long> raw = Map.of();
        while (System.nanoTime() < deadline && !(watcher.latest.keySet().containsAll(expected)
            && watcher.deadLetters.get() >= 1 && (feed == null || raw.equals(wanted)))) {
          Thread.sleep(200);
          if (feed != null && System.nanoTime() > nextProgress) {
            feed.assertHealthy();
            raw = feed.rawCounts();
            out.printf("… connectors wrote %s; %d alert ids so far%n", counts(raw), watcher.latest.size());
            nextProgress = System.nanoTime() + 5_000_000_000L;
          } else if (feed != null && watcher.latest.keySet().containsAll(expected)) {
            raw = feed.rawCounts();
          }
        }
        if (feed != null) raw = feed.rawCounts();
        Thread.sleep(500);
        Map<String, Integer> byRule = new TreeMap<>();
        for (JsonNode n : watcher.latest.values()) {
          byRule.merge(n.path("finding_info").path("analytic").path("uid").asText() + " ("
              + n.path("severity").asText().toLowerCase() + ")", 1, Integer::sum);
        }
        boolean ok = watcher.latest.keySet().containsAll(expected) && (feed == null || raw.equals(wanted));
        out.println();
        out.println("summary");
        if (feed != null) {
          out.printf("  %-38s %,d%n", "records served by the emulator", fed);
          out.printf("  %-38s %s (%s)%n", "records in the raw topics", counts(raw),
              raw.equals(wanted) ? "all of them, + the malformed one" : "expected " + counts(wanted));
        } else {
          out.printf("  %-38s %,d%n", "records fed", fed);
        }
        out.printf("  %-38s %,d%n", "alerts (distinct ids)", watcher.latest.size());
        byRule.forEach((k, v) -> out.printf("    %-36s %d%n", k, v));
        out.printf("  %-38s %d%n", "dead letters", watcher.deadLetters.get());
        out.printf("  %-38s %d of %d%n", "expected alerts seen", countSeen(watcher, expected), expected.size());
        if (watcher.firstAlertAtNanos > 0) {
          out.printf("  %-38s %.1f s%n", "first alert after start", (watcher.firstAlertAtNanos - t0) / 1e9);
        }
        out.printf("  %-38s %.1f s%n", "total", (System.nanoTime() - t0) / 1e9);
        out.println("  alerts topic: " + config.get(JobOptions.TOPIC_ALERTS) + " (OCSF JSON); run 'bin/ualwatch up' to keep a stack running");
        if (keep) {
          out.println();
          out.println("still running (--keep): bootstrap " + bootstrap
              + (consoleServer != null ? ", console " + consoleServer.url() : "") + ". Ctrl-C to stop.");
          java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
          Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
          stop.await();
        }
        return ok ? 0 : 1;
      }
    }
  }

  private static String counts(Map<String, Long> raw) {
    StringBuilder b = new StringBuilder();
    raw.forEach((t, n) -> b.append(b.length() == 0 ? "" : ", ").append(String.format("%,d to %s", n, t)));
    return b.toString();
  }

  private static List<AuditEvent> readAll(List<Path> files) throws java.io.IOException {
    List<AuditEvent> events = new java.util.ArrayList<>();
    InputReader reader = new InputReader();
    for (Path f : files) {
      try (java.io.InputStream in = Files.newInputStream(f)) {
        reader.read(in, f.toString(), new ParseListener() {
          @Override public void onEvent(AuditEvent e) { events.add(e); }
          @Override public void onReject(Rejection r) { }
        });
      }
    }
    return events;
  }

  /**
   * How much of the recording the emulator serves: the API's 7 days less a margin (the connectors start just
   * before it, and the Management Activity API refuses a start more than 7 days back).
   */
  static final Duration LIVE_WINDOW = Duration.ofDays(6).plusHours(20);

  /**
   * Writes the records of {@code files} moved forward by whole days so that the last one is at least 20 hours
   * before {@code now} (the live job's watermark, three hours behind the feeds, has then passed every decision)
   * into {@code dir}/audit.ndjson and signins.ndjson, and returns the days moved.
   */
  static long shiftToPresent(List<Path> files, Instant now, Path dir) throws java.io.IOException {
    List<AuditEvent> events = readAll(files);
    Instant last = events.stream().map(e -> e.eventTime).max(Instant::compareTo).orElse(now);
    long days = Math.max(0, Math.floorDiv(now.minus(Duration.ofHours(20)).toEpochMilli() - last.toEpochMilli(),
        86_400_000L));
    Files.createDirectories(dir);
    try (java.io.BufferedWriter a = Files.newBufferedWriter(dir.resolve("audit.ndjson"));
         java.io.BufferedWriter si = Files.newBufferedWriter(dir.resolve("signins.ndjson"))) {
      for (AuditEvent e : events) {
        java.io.BufferedWriter w = e.source == io.ualwatch.model.EventSource.ENTRA_SIGNIN ? si : a;
        w.write(io.ualwatch.testkit.emulator.TimeShift.shiftDays(e.raw, days));
        w.write('\n');
      }
    }
    return days;
  }

  /** The ids of the alerts {@code hunt} raises over {@code files}: what the live pipeline must raise too. */
  static Set<String> huntIds(Config config, io.ualwatch.enrich.GeoResolver geo, List<Path> files) throws Exception {
    io.ualwatch.engine.AlertCollector collector = new io.ualwatch.engine.AlertCollector();
    io.ualwatch.engine.LocalEngine engine = new io.ualwatch.engine.LocalEngine(
        new io.ualwatch.detect.DetectionSettings(config, io.ualwatch.enrich.AppCatalog.bundled()),
        new io.ualwatch.enrich.Enricher(geo), config.get(JobOptions.OUT_OF_ORDERNESS).toMillis(),
        config.get(JobOptions.DEDUPE_TTL).toMillis(), false, collector);
    io.ualwatch.engine.HuntRunner.run(files, io.ualwatch.engine.HuntRunner::openFile, engine, new ParseListener() {
      @Override public void onEvent(AuditEvent e) { }
      @Override public void onReject(Rejection r) { throw new Main.Failure("the moved scenario has a bad record: " + r, null); }
    });
    Set<String> ids = new HashSet<>();
    for (io.ualwatch.model.alert.Alert a : collector.active()) ids.add(a.id);
    return ids;
  }

  private static long countSeen(AlertWatcher w, Set<String> expected) {
    return expected.stream().filter(w.latest::containsKey).count();
  }

  static Set<String> expectedIds(Path scenario) throws java.io.IOException {
    Set<String> ids = new HashSet<>();
    Path f = scenario.resolve("expected-alerts.json");
    if (!Files.exists(f)) return ids;
    for (JsonNode n : new ObjectMapper().readTree(f.toFile())) ids.add(n.path("id").asText());
    return ids;
  }
}
