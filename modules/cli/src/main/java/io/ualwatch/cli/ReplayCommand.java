package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.console.Brokers;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.order.OrderedReader;
import io.ualwatch.model.parse.Rejection;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Historical files into the raw topics, as if they were arriving now: the incident responder's replay. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Sends audit-log files or folders into the raw topics of a running stack: every record the "
        + "parser reads (every format 'hunt' reads; gzip transparently), raw bytes untouched, keyed tenant|record id, "
        + "with the record's event time as the Kafka timestamp. Records the parser rejects are counted, not sent.",
        "All files are sent as one stream merged by event time (files not in time order, such as newest-first Purview "
            + "exports, are ordered first, as 'hunt' does), so that the audit and sign-in topics advance together; "
            + "feed clock records in every partition tell the detection job how far the replay has come.",
        "Progress (records, MB, rate, ETA) on stderr and a summary at the end. Resumable: how far it got (the position "
            + "in the merged order, saved only after the broker acknowledged every record before it) is kept in a state "
            + "file per input set; run the same command again after an interruption and it carries on from there."},
    footer = {"", "Examples:", "  ualwatch replay exports/", "  ualwatch replay audit-2025-03.csv signins/ --speed 60",
        "  ualwatch replay exports/ --bootstrap kafka1:9092 --state /tmp/case42.ualwatch-replay.json",
        "  ualwatch replay exports/ --restart", "  ualwatch replay big.ndjson.gz --limit 100000",
        "", "Exit codes: 0 done (or --limit reached); 1 the broker is unreachable within --timeout or refused records "
            + "(progress up to the last acknowledged record is kept); 2 usage error; 130 interrupted (progress kept)."})
final class ReplayCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Save progress at least this often (after a flush: everything before it is acknowledged). */
  static final long COMMIT_EVERY_MS = 1000;
  static final long COMMIT_EVERY_RECORDS = 50_000;
  /** Write a feed clock record at least every this many records, and at least this often. */
  static final long CLOCK_EVERY_RECORDS = 2_000;
  static final long CLOCK_EVERY_MS = 1000;

  @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files or folders to send (folders recursively, in name order).")
  List<Path> inputs;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: kafka.bootstrap, 127.0.0.1:9092).")
  String bootstrap;

  @Option(names = "--speed", defaultValue = "max", paramLabel = "max|N",
      description = "'max' (default): as fast as the broker takes them; N: N times event-time speed (1 = real time, "
          + "60 = an hour a minute), following the merged event-time order.")
  String speed;

  @Option(names = "--state", paramLabel = "FILE",
      description = "Progress file (default: run/replay/<digest of the input set>.ualwatch-replay.json).")
  Path stateFile;

  @Option(names = "--restart", description = "Ignore the saved progress and send everything again.")
  boolean restart;

  @Option(names = "--limit", paramLabel = "N", description = "Send at most N records in this run, then save the progress and stop.")
  long limit;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "How long to wait for the broker before giving up (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--quiet", description = "No progress line.")
  boolean quiet;

  @Mixin
  ConfigOptions configOptions;

  @Mixin
  OrderingOptions ordering;

  /** Thrown from the parse callback to stop reading (Ctrl-C, --limit). */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  private volatile boolean interrupted;

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    double factor = parseSpeed(speed);
    List<Path> files = Inputs.expand(inputs);
    Config config = configOptions.load();
    String bs = bootstrap != null ? bootstrap : config.get(JobOptions.BOOTSTRAP);
    String audit = config.get(JobOptions.TOPIC_AUDIT);
    String signins = config.get(JobOptions.TOPIC_SIGNINS);
    ArrayNode fileList = describe(files);
    String digest = digest(fileList);
    Path state = stateFile != null ? stateFile : Home.run("replay").resolve(digest.substring(0, 16) + ".ualwatch-replay.json");

    long startRecord = 0;
    long sentEarlier = 0;
    if (!restart && Files.exists(state)) {
      JsonNode saved = readState(state);
      if (!digest.equals(saved.path("digest").asText())) {
        throw new Main.UsageException("the progress in " + state + " is for other inputs (files added, removed or changed "
            + "since): run with --restart to send everything again, or name another --state file");
      }
      if (saved.path("version").asInt() < 2) {
        throw new Main.UsageException("the progress in " + state + " was saved by an older ualwatch that sent files one "
            + "after the other; this one sends them merged by event time: run with --restart to send everything again");
      }
      if (saved.path("complete").asBoolean()) {
        err.printf("replay: these inputs were already sent completely (%,d records, %s); --restart sends them again%n",
            saved.path("records_sent").asLong(), saved.path("updated").asText());
        return 0;
      }
      startRecord = saved.path("merged_index").asLong();
      sentEarlier = saved.path("records_sent").asLong();
      err.printf("replay: resuming at record %,d of the merged order (%,d records were sent before)%n", startRecord,
          sentEarlier);
    }
    final long sentBefore = sentEarlier;
    final long skipUntil = startRecord;

    Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
    Brokers.requireReachable(bs, KafkaClients.strings(config), timeout, signins.isBlank() ? new String[] {audit} : new String[] {audit, signins});
    Map<String, Long> retention = Retention.ofTopics(bs, KafkaClients.strings(config), timeout, signins.isBlank() ? List.of(audit) : List.of(audit, signins));
    long shortest = retention.values().stream().filter(v -> v >= 0).min(Long::compare).orElse(-1L);
    boolean[] warned = {false};
    err.println("replay: " + files.size() + " file(s) into " + audit + (signins.isBlank() ? "" : " and " + signins)
        + " on " + bs + ", merged by event time, speed " + (factor <= 0 ? "max" : speed + "x event time")
        + "; progress saved in " + state);

    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      interrupted = true;
      try {
        finished.await(15, TimeUnit.SECONDS); // let the main thread flush and save the progress
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    }, "replay-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    AtomicLong bytes = new AtomicLong();
    AtomicLong shown = new AtomicLong();
    long total = Inputs.totalBytes(files);
    Map<String, Long> rejectReasons = new TreeMap<>();
    long[] skipped = {0};
    long[] rejected = {0};
    long[] minMax = {Long.MAX_VALUE, Long.MIN_VALUE};
    long[] firstEvent = {Long.MIN_VALUE};
    long[] wallStart = {System.nanoTime()};
    long t0 = System.nanoTime();
    String outcome = "complete";
    long[] mergedIndex = {0};
    long[] lastCommit = {System.nanoTime(), 0};
    long[] lastClock = {System.nanoTime(), Long.MIN_VALUE};
    String stream = "replay|" + digest.substring(0, 16);
    try (Feeder feeder = new Feeder(bs, audit, signins, stream, KafkaClients.with(config, Map.of()));
         Progress progress = quiet ? null : new Progress(err, total, bytes, shown::get)) {
      try {
        // every file is read once and ordered (newest-first exports through a temporary directory), then all are
        // sent merged in the canonical order of the records: the audit and sign-in topics advance together
        new OrderedReader(files, f -> new Inputs.Counting(io.ualwatch.engine.HuntRunner.openFile(f), bytes),
            ordering.options()).run(new OrderedReader.Sink() {
          @Override public void onEvent(AuditEvent e) {
            shown.incrementAndGet();
            long idx = mergedIndex[0];
            if (idx < skipUntil) {
              mergedIndex[0]++;
              skipped[0]++;
              return;
            }
            if (interrupted || limit > 0 && feeder.sent >= limit) throw new Stop();
            long et = e.eventTime.toEpochMilli();
            if (!warned[0] && shortest >= 0 && et < System.currentTimeMillis() - shortest) {
              warned[0] = true;
              err.println(Retention.warning(retention));
            }
            if (factor > 0) pace(et, factor, firstEvent, wallStart[0]);
            feeder.send(e);
            mergedIndex[0]++;
            minMax[0] = Math.min(minMax[0], et);
            minMax[1] = Math.max(minMax[1], et);
            long now = System.nanoTime();
            if (et > lastClock[1] && (feeder.sent % CLOCK_EVERY_RECORDS == 0 || now - lastClock[0] > CLOCK_EVERY_MS * 1_000_000)) {
              // everything up to this event time is sent (the order is by event time): tell the job
              feeder.clock(et, false);
              lastClock[0] = now;
              lastClock[1] = et;
            }
            if (now - lastCommit[0] > COMMIT_EVERY_MS * 1_000_000 || feeder.sent - lastCommit[1] >= COMMIT_EVERY_RECORDS) {
              feeder.flush(); // everything up to this record is acknowledged: safe to save
              writeState(state, fileList, digest, mergedIndex[0], sentBefore + feeder.sent, false);
              lastCommit[0] = now;
              lastCommit[1] = feeder.sent;
            }
          }

          @Override public void onReject(Rejection r) {
            rejected[0]++;
            rejectReasons.merge(r.reason().name(), 1L, Long::sum);
          }

          @Override public void onScanned(long records) { shown.set(records); }

          @Override public void onWarning(String origin, String message) {
            err.println("warning: " + origin + ": " + message);
          }

          @Override public void onPhase(OrderedReader.Phase phase, OrderedReader.Summary summary) {
            if (phase == OrderedReader.Phase.MERGING) {
              shown.set(0);
              wallStart[0] = System.nanoTime();
              if (progress != null) progress.phase("sending", summary.events(), shown::get, false);
            } else if (progress != null) {
              progress.phase("ordering", total, bytes::get, true);
            }
          }
        });
        if (minMax[1] != Long.MIN_VALUE) feeder.clock(minMax[1], true); // this feed is finished
        feeder.flush();
        writeState(state, fileList, digest, mergedIndex[0], sentBefore + feeder.sent, true);
      } catch (Stop s) {
        if (lastClock[1] != Long.MIN_VALUE) feeder.clock(lastClock[1], false);
        feeder.flush();
        writeState(state, fileList, digest, mergedIndex[0], sentBefore + feeder.sent, false);
        outcome = interrupted ? "interrupted" : "limit";
      } catch (OrderedReader.SpillFailure e) {
        throw new Main.Failure(e.getMessage(), e);
      }
      if (progress != null) progress.close();
      double secs = (System.nanoTime() - t0) / 1e9;
      err.println();
      err.println("replay summary");
      err.printf("  %-30s %,14d%n", "records sent", feeder.sent);
      feeder.perTopic.forEach((t, n) -> err.printf("    %-28s %,14d%n", t, n));
      err.printf("  %-30s %,14d%n", "feed clock records", feeder.clocks);
      if (skipped[0] > 0) err.printf("  %-30s %,14d%n", "skipped (sent by an earlier run)", skipped[0]);
      if (rejected[0] > 0) {
        err.printf("  %-30s %,14d  (not sent; 'ualwatch validate' lists them)%n", "rejected by the parser", rejected[0]);
        rejectReasons.forEach((k, v) -> err.printf("    %-28s %,14d%n", k, v));
      }
      if (minMax[0] != Long.MAX_VALUE) {
        err.printf("  %-30s %s … %s%n", "event time", Instant.ofEpochMilli(minMax[0]), Instant.ofEpochMilli(minMax[1]));
      }
      err.printf(Locale.ROOT, "  %-30s %.1f MB in %.1f s%n", "read", bytes.get() / 1e6, secs);
      err.printf("  %-30s %,14d%n", "sent in all runs", sentBefore + feeder.sent);
      if (warned[0]) err.println("  warning: records older than the topics' retention were sent; see the warning above");
      switch (outcome) {
        case "interrupted" -> err.println("  interrupted: progress saved in " + state + "; run the same command to resume");
        case "limit" -> err.println("  stopped after " + limit + " records (--limit): progress saved in " + state
            + "; run the same command to continue");
        default -> err.println("  complete: progress file " + state);
      }
      err.flush();
    } finally {
      finished.countDown();
      if (!interrupted) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
          // shutting down
        }
      }
    }
    return "interrupted".equals(outcome) ? 130 : 0;
  }

  /** Waits until this record is due: event-time distance from the first record, divided by the speed factor. */
  private void pace(long eventTime, double factor, long[] firstEvent, long wallStart) {
    if (firstEvent[0] == Long.MIN_VALUE) {
      firstEvent[0] = eventTime;
      return;
    }
    long dueNanos = wallStart + (long) ((eventTime - firstEvent[0]) * 1_000_000 / factor);
    while (!interrupted) {
      long wait = dueNanos - System.nanoTime();
      if (wait <= 0) return;
      LockSupport.parkNanos(Math.min(wait, 200_000_000L)); // wake up now and then to notice Ctrl-C
    }
  }

  static double parseSpeed(String s) {
    if (s == null || s.equalsIgnoreCase("max")) return 0;
    try {
      double d = Double.parseDouble(s.endsWith("x") ? s.substring(0, s.length() - 1) : s);
      if (d <= 0 || Double.isNaN(d) || Double.isInfinite(d)) throw new NumberFormatException();
      return d;
    } catch (NumberFormatException e) {
      throw new Main.UsageException("--speed " + s + ": use 'max' or a positive number (1 = real time, 60 = an hour a minute)");
    }
  }

  private static ArrayNode describe(List<Path> files) throws IOException {
    ArrayNode a = MAPPER.createArrayNode();
    for (Path f : files) {
      ObjectNode o = a.addObject();
      o.put("path", f.toAbsolutePath().normalize().toString());
      o.put("size", Files.size(f));
      o.put("modified", Files.getLastModifiedTime(f).toMillis());
    }
    return a;
  }

  private static String digest(ArrayNode files) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(files.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest());
  }

  private static JsonNode readState(Path state) {
    try {
      return MAPPER.readTree(state.toFile());
    } catch (IOException e) {
      throw new Main.UsageException("cannot read the progress file " + state + " (" + e.getMessage()
          + "): delete it or run with --restart");
    }
  }

  /** Atomically replaces the progress file: a crash leaves the previous or the new one, never half of one. */
  static void writeState(Path state, ArrayNode files, String digest, long mergedIndex, long sent, boolean complete) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("version", 2);
    o.put("digest", digest);
    o.put("merged_index", mergedIndex);
    o.put("records_sent", sent);
    o.put("complete", complete);
    o.put("updated", Instant.now().toString());
    o.set("inputs", files);
    try {
      Path dir = state.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = dir.resolve(state.getFileName() + ".tmp");
      Files.writeString(tmp, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o), StandardCharsets.UTF_8);
      Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new Main.Failure("cannot save the replay progress to " + state + ": " + e.getMessage(), e);
    }
  }
}
