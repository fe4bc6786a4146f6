package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.sun.management.GarbageCollectionNotificationInfo;
import io.ualwatch.config.Config;
import io.ualwatch.config.Durations;
import io.ualwatch.config.JobOptions;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.engine.AlertCollector;
import io.ualwatch.engine.HuntRunner;
import io.ualwatch.engine.LocalEngine;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.enrich.Enricher;
import io.ualwatch.enrich.GeoResolver;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import io.ualwatch.testkit.sim.ScenarioSpec;
import io.ualwatch.testkit.sim.SimWriter;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures, in one run and on this machine: the raw Jackson parse rate of the generated records (the
 * reference), {@code hunt} over the same files, the live Kafka + Flink job (throughput, append→alert latency in
 * exactly-once and at-least-once, parallelism 1 and 2), and the size of the detectors' state. Prints one table
 * with every figure next to its target (docs/benchmarks.md) and the machine it ran on.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Benchmarks ualwatch on this machine, in one run, side by side:",
        "  1. reference: raw Jackson tree parse of the generated NDJSON, one thread;",
        "  2. hunt: the same files through every detector (what 'ualwatch hunt' runs), its rate as a ratio of the "
            + "reference, peak heap, alerts; then the same tenant written newest first (as Microsoft's exports list "
            + "it) and shuffled: the alerts must be identical, and the newest-first rate is given as a share of the "
            + "sorted rate;",
        "  3. live: the records in an embedded Kafka broker, drained by the real Flink job (MiniCluster), "
            + "sustained records/s and append→alert latency (p50/p99/max) in exactly-once and at-least-once;",
        "  4. state: bytes of keyed state per user, per active mailbox and per idle user after the 30-day run;",
        "  5. scale: live throughput at parallelism 1 and 2.",
        "The tenant is generated (deterministic, seeded) into the data folder and reused by later runs with the "
            + "same settings. Progress goes to stderr, the table to stdout (Markdown) and to --out.",
        "Other processes on the machine change the figures: the load average is recorded with every phase."},
    footer = {"", "Examples:", "  ualwatch bench --quick                       (100 mailboxes × 30 days, short live phases; < 5 min)",
        "  ualwatch bench --out bench.md                 (2,000 mailboxes × 30 days, the documented run)",
        "  ualwatch bench --quick --no-live --mailboxes 500",
        "  ualwatch bench --profile run/bench/jfr        (also a JFR recording of hunt and of the live drain, summarised)",
        "", "Exit codes: 0 the bench ran (whether or not targets were met: see the table); 1 a phase failed; "
            + "2 usage error."})
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "Small tenant (100 mailboxes unless --mailboxes) and short live phases "
      + "(15 s of probes): finishes in a few minutes.")
  boolean quick;

  @Option(names = "--mailboxes", paramLabel = "N", description = "Mailboxes (users) of the generated tenant "
      + "(default 2,000; 100 with --quick).")
  Integer mailboxes;

  @Option(names = "--days", paramLabel = "D", defaultValue = "30", description = "Days of activity (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "5", description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Also write the report (Markdown) here.")
  Path out;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Generated tenant, broker and checkpoints "
      + "(default run/bench; the broker's data is wiped at start, the tenant is kept and reused).")
  Path dataDir;

  @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "10s",
      description = "Checkpoint interval of the live runs (default ${DEFAULT-VALUE}, the job's default); the "
          + "exactly-once latency target is this plus 1 s.")
  String checkpointInterval;

  @Option(names = "--probe-seconds", paramLabel = "S", description = "How long latency probes are sent per mode "
      + "(default 60; 15 with --quick).")
  Integer probeSeconds;

  @Option(names = "--probe-rate", paramLabel = "PER_S", defaultValue = "5",
      description = "Probes per second (default ${DEFAULT-VALUE}); each probe is 2 records.")
  double probeRate;

  @Option(names = "--live-timeout", paramLabel = "DURATION", defaultValue = "30m",
      description = "Longest a live run may take to drain the topics (default ${DEFAULT-VALUE}).")
  String liveTimeout;

  @Option(names = "--no-live", description = "Only the reference, hunt and state (no broker, no Flink).")
  boolean noLive;

  @Option(names = "--no-scale", description = "Skip the parallelism-1 live run.")
  boolean noScale;

  @Option(names = "--no-warm-up", description = "Skip the warm-up runs: the first hunt run (reported in its own row, "
      + "the hunt figure is then the second run, as the reference is measured after a warm-up pass) and the "
      + "unmeasured live drain before the measured live runs; without them the first run pays the JIT compilation "
      + "of the broker's, Flink's and the job's code.")
  boolean noWarmUp;

  /** The first hunt run of the process, before the measured one (null with --no-warm-up). */
  private Hunt coldHunt;
  /** How long the unmeasured warm-up drain took (-1: none). */
  private double warmUpSeconds = -1;

  @Option(names = "--no-orders", description = "Skip hunt over the same tenant written newest first and shuffled.")
  boolean noOrders;

  @Option(names = "--state-backend", paramLabel = "NAME", description = "Flink state backend of the live runs: "
      + "rocksdb (default: what the job uses) or hashmap (state on the heap; shows what RocksDB costs).")
  String stateBackend;

  @Option(names = "--profile", paramLabel = "DIR", description = "Record hunt and the first live drain with JDK "
      + "Flight Recorder into DIR (*.jfr) and add a summary of where the samples fall to the report.")
  Path profileDir;

  @Mixin
  ConfigOptions configOptions;

  static final LocalDate START = LocalDate.parse("2025-03-03");
  /** Every attack kind of every rule and every benign look-alike (the generator's lists). */
  static final String[] ATTACKS = (TenantSimulator.ATTACK_KINDS + ", " + TenantSimulator.BENIGN_KINDS).split(", ");

  // ------------------------------------------------------------------------------------------------ results

  record Ceiling(long records, long bytes, double seconds, double cpuSeconds) {
    double rate() {
      return records / seconds;
    }
  }

  record Hunt(long events, double seconds, double cpuSeconds, List<Alert> alerts, long peakPoolSum,
      long peakAfterGc, long baselineAfterGc, long heapMax, double gcSeconds, long gcCount, Map<String, long[]> state,
      int dedupeIds, int users, Map<String, long[]> slots, List<String> profile) {
    double rate() {
      return events / seconds;
    }
  }

  /** Hunt over the same tenant in other orders (newest-first, shuffled), for the report. */
  private Map<String, Hunt> orders = Map.of();

  /** The alerts as (id, severity), for comparing runs. */
  static java.util.Set<String> idsAndSeverity(List<Alert> alerts) {
    java.util.Set<String> s = new java.util.TreeSet<>();
    for (Alert a : alerts) s.add(a.id + " " + a.severity);
    return s;
  }

  record IdleState(int users, String day, long afterOneDay, long afterSevenDays, long afterThirtyOneDays,
      String breakdownOneDay, String breakdownSevenDays, String slotsOneDay) {}

  @Override
  public Integer call() throws Exception {
    PrintStream err = System.err;
    int m = mailboxes != null ? mailboxes : quick ? 100 : 2000;
    if (m < 1) throw new Main.UsageException("--mailboxes must be at least 1");
    if (days < 1) throw new Main.UsageException("--days must be at least 1");
    if (probeRate <= 0 || probeRate > 1000) throw new Main.UsageException("--probe-rate must be in (0, 1000]");
    if (stateBackend != null && !stateBackend.equals("rocksdb") && !stateBackend.equals("hashmap")) {
      throw new Main.UsageException("--state-backend must be rocksdb or hashmap");
    }
    Duration ckpt = duration("--checkpoint-interval", checkpointInterval);
    Duration timeout = duration("--live-timeout", liveTimeout);
    int probeSecs = probeSeconds != null ? probeSeconds : quick ? 15 : 60;
    if (probeSecs < 0) throw new Main.UsageException("--probe-seconds must be >= 0");
    int probes = (int) Math.min(99_000 / 4, Math.round(probeSecs * probeRate));
    Config config = configOptions.load();
    Path data = dataDir != null ? dataDir : Home.run("bench");
    Files.createDirectories(data);

    long t0 = System.nanoTime();
    Machine machine = Machine.describe();
    err.println("bench: " + machine.oneLine());

    // ---- tenant
    TenantSimulator.Settings settings = new TenantSimulator.Settings(seed, m, START, days, attacks(m, days), 6);
    Path tenant = data.resolve("tenant-" + m + "x" + days + "-s" + seed);
    List<Path> files = List.of(tenant.resolve("audit.ndjson"), tenant.resolve("signins.ndjson"));
    TenantSimulator sim = new TenantSimulator(settings);
    boolean reused = generate(sim, settings, tenant, files, err);
    long bytes = 0;
    for (Path f : files) bytes += Files.size(f);

    GeoResolver geo = GeoSupport.resolver(config, err);

    // ---- 1. reference
    double[] loadStart = loadAverage();
    err.println("bench: reference: Jackson readTree over the generated NDJSON, one thread…");
    Ceiling ceiling = ceiling(files);
    err.printf(Locale.ROOT, "bench: reference: %,d records in %.1f s = %,.0f records/s%n", ceiling.records(),
        ceiling.seconds(), ceiling.rate());
    double[] loadAfterCeiling = loadAverage();

    // ---- 2. hunt (+ 4. state at the end of input)
    coldHunt = null;
    if (!noWarmUp) {
      // as the reference is measured after a warm-up pass: a first, unmeasured run compiles the hot paths (in a
      // cold process the JIT compiler threads took about a third of hunt's CPU, async-profiler 2026-12-07)
      err.printf(Locale.ROOT, "bench: hunt: warm-up run (reported apart, not as the hunt figure)…%n");
      coldHunt = hunt(files, bytes, config, geo, m, err);
    }
    err.printf(Locale.ROOT, "bench: hunt: %s through every detector…%n", mb(bytes));
    Hunt hunt = hunt(files, bytes, config, geo, m, err);
    err.printf(Locale.ROOT, "bench: hunt: %,d records in %.1f s = %,.0f records/s, %d alerts%n", hunt.events(),
        hunt.seconds(), hunt.rate(), hunt.alerts().size());
    double[] loadAfterHunt = loadAverage();
    // ---- 2b. the same records as Microsoft's exports list them (newest first) and shuffled
    Map<String, Hunt> orders = new java.util.LinkedHashMap<>();
    if (!noOrders) {
      for (SimWriter.Order o : List.of(SimWriter.Order.NEWEST_FIRST, SimWriter.Order.SHUFFLED)) {
        String name = o.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Path dir = data.resolve("tenant-" + m + "x" + days + "-s" + seed + "-" + name);
        List<Path> of = List.of(dir.resolve("audit.ndjson"), dir.resolve("signins.ndjson"));
        generate(new TenantSimulator(settings), settings, dir, of, o, err);
        err.printf(Locale.ROOT, "bench: hunt (%s): ordering, then every detector…%n", name);
        Hunt x = hunt(of, bytes, config, geo, m, err);
        err.printf(Locale.ROOT, "bench: hunt (%s): %,d records in %.1f s = %,.0f records/s, %d alerts%n", name,
            x.events(), x.seconds(), x.rate(), x.alerts().size());
        orders.put(name, x);
      }
    }
    IdleState idle = idleState(sim, config, geo, err);

    // ---- 3. live and 5. scale
    List<BenchLive.Result> live = new ArrayList<>();
    BenchLive.Preload preload = null;
    warmUpSeconds = -1;
    double[] loadAfterLive = null;
    if (!noLive) {
      try (BenchLive l = BenchLive.start(data.resolve("live"), config, err)) {
        err.println("bench: live: loading the generated tenant into the raw topics…");
        preload = l.preload(sim);
        err.printf(Locale.ROOT, "bench: live: %,d records (%.0f MB) appended in %.1f s%n", preload.records(),
            preload.bytes() / 1e6, preload.seconds());
        if (!noWarmUp) {
          BenchLive.Result w = l.run(new BenchLive.Spec("warm-up", JobOptions.Delivery.AT_LEAST_ONCE, 2, ckpt, 0,
              probeRate, null, timeout, stateBackend), sim);
          warmUpSeconds = w.drainSeconds();
        }
        live.add(l.run(new BenchLive.Spec("eo-p2", JobOptions.Delivery.EXACTLY_ONCE, 2, ckpt, probes, probeRate,
            profileDir, timeout, stateBackend), sim));
        live.add(l.run(new BenchLive.Spec("alo-p2", JobOptions.Delivery.AT_LEAST_ONCE, 2, ckpt, probes, probeRate, null,
            timeout, stateBackend), sim));
        if (!noScale) {
          live.add(l.run(new BenchLive.Spec("eo-p1", JobOptions.Delivery.EXACTLY_ONCE, 1, ckpt, 0, probeRate, null,
              timeout, stateBackend), sim));
        }
      }
      loadAfterLive = loadAverage();
    }

    double total = (System.nanoTime() - t0) / 1e9;
    this.orders = orders;
    List<String> report = report(machine, settings, reused, files, bytes, ceiling, hunt, idle, preload, live, ckpt,
        new double[][] {loadStart, loadAfterCeiling, loadAfterHunt, loadAfterLive}, total);
    for (String line : report) System.out.println(line);
    System.out.flush();
    if (out != null) {
      if (out.getParent() != null) Files.createDirectories(out.getParent());
      Files.write(out, report, StandardCharsets.UTF_8);
      err.println("bench: report written to " + out);
    }
    return 0;
  }

  private static Duration duration(String option, String text) {
    try {
      Duration d = Durations.parse(text);
      if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("must be positive");
      return d;
    } catch (RuntimeException e) {
      throw new Main.UsageException(option + ": " + e.getMessage());
    }
  }

  /**
   * One of every attack kind, in the last third of the period, on distinct users where the tenant allows; the
   * benign routines (an app or a delegate that works every day) from the first day, as in a real tenant.
   */
  static List<TenantSimulator.Attack> attacks(int mailboxes, int days) {
    List<TenantSimulator.Attack> l = new ArrayList<>();
    int span = Math.max(1, days / 3);
    for (int i = 0; i < ATTACKS.length; i++) {
      int day = TenantSimulator.isRoutine(ATTACKS[i]) ? 0 : days - 1 - (i % span);
      l.add(new TenantSimulator.Attack(ATTACKS[i], (17 + 37 * i) % mailboxes, day));
    }
    return l;
  }

  // ------------------------------------------------------------------------------------------------ tenant

  private static boolean generate(TenantSimulator sim, TenantSimulator.Settings s, Path dir, List<Path> files,
      PrintStream err) throws IOException {
    return generate(sim, s, dir, files, SimWriter.Order.OLDEST_FIRST, err);
  }

  private static boolean generate(TenantSimulator sim, TenantSimulator.Settings s, Path dir, List<Path> files,
      SimWriter.Order order, PrintStream err) throws IOException {
    Path spec = dir.resolve(ScenarioSpec.FILE);
    if (Files.exists(spec) && files.stream().allMatch(Files::isRegularFile)) {
      try {
        if (ScenarioSpec.read(dir).equals(s)) {
          err.println("bench: reusing the generated tenant in " + dir);
          return true;
        }
      } catch (RuntimeException e) {
        // unreadable: generate again
      }
    }
    Files.deleteIfExists(spec);
    long t0 = System.nanoTime();
    err.printf(Locale.ROOT, "bench: generating %,d mailboxes × %d days (%s) into %s…%n", s.mailboxes(), s.days(),
        order.name().toLowerCase(Locale.ROOT).replace('_', ' '), dir);
    Files.createDirectories(dir);
    try (SimWriter w = new SimWriter(files.get(0), files.get(1))) {
      long[] next = {t0 + 10_000_000_000L};
      w.writeAll(sim, order, d -> {
        if (System.nanoTime() > next[0]) {
          err.printf(Locale.ROOT, "bench: generating: day %d/%d%n", d, s.days());
          next[0] = System.nanoTime() + 10_000_000_000L;
        }
      });
      err.printf(Locale.ROOT, "bench: generated %,d audit records and %,d sign-ins in %.1f s%n", w.auditCount(),
          w.signinCount(), (System.nanoTime() - t0) / 1e9);
    }
    ScenarioSpec.write(s, spec); // last: a half-written tenant is never reused
    return false;
  }

  // ------------------------------------------------------------------------------------------------ 1. reference

  private static long blackhole;

  /**
   * Jackson {@code readValues} of the NDJSON into trees on this thread: the first file is read for at least 3 s
   * to warm up, then every file is read, whole passes, until at least 3 s have been measured.
   */
  static Ceiling ceiling(List<Path> files) throws IOException {
    ObjectReader reader = new ObjectMapper().readerFor(JsonNode.class);
    long warmEnd = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < warmEnd) pass(reader, files.subList(0, 1), warmEnd);
    var threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    long n = 0;
    long bytes = 0;
    do {
      n += pass(reader, files, Long.MAX_VALUE);
      for (Path f : files) bytes += Files.size(f);
    } while (System.nanoTime() - t0 < 3_000_000_000L);
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    return new Ceiling(n, bytes, secs, cpu);
  }

  /** Reads the files into trees until done or {@code until} (nanoTime); returns the records read. */
  private static long pass(ObjectReader reader, List<Path> files, long until) throws IOException {
    long n = 0;
    for (Path f : files) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16);
          MappingIterator<JsonNode> it = reader.readValues(in)) {
        while (it.hasNextValue()) {
          blackhole += it.nextValue().size();
          if ((++n & 1023) == 0 && System.nanoTime() > until) return n;
        }
      }
    }
    return n;
  }

  // ------------------------------------------------------------------------------------------------ 2. hunt

  private Hunt hunt(List<Path> files, long totalBytes, Config config, GeoResolver geo, int users, PrintStream err)
      throws Exception {
    DetectionSettings settings = new DetectionSettings(config, AppCatalog.bundled());
    AlertCollector collector = new AlertCollector();
    long ooo = config.get(JobOptions.OUT_OF_ORDERNESS).toMillis();
    LocalEngine engine = new LocalEngine(settings, new Enricher(geo), ooo, config.get(JobOptions.DEDUPE_TTL).toMillis(),
        false, collector);
    HeapWatch heap = HeapWatch.start();
    AtomicLong events = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    Map<String, long[]>[] state = new Map[2];
    int[] dedupe = new int[1];
    long[] hook = new long[2]; // wall and process CPU nanoseconds spent measuring state, left out of the figures
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    BenchProfile profile = profileDir == null ? null : BenchProfile.start(profileDir, "hunt");
    List<String> summary = List.of();
    long cpu0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    try (Progress progress = new Progress(err, totalBytes, bytes, events::get)) {
      HuntRunner.run(files, f -> new Inputs.Counting(HuntRunner.openFile(f), bytes), engine,
          io.ualwatch.model.order.OrderedReader.Options.defaults(), new ParseListener() {
            @Override public void onEvent(AuditEvent e) { events.incrementAndGet(); }
            @Override public void onReject(Rejection r) { }
          }, () -> {
            // the state a live job holds after the last record (at the end of input every timer fires)
            long h0 = System.nanoTime();
            long c0 = os.getProcessCpuTime();
            state[0] = engine.stageState();
            state[1] = engine.slotState();
            dedupe[0] = engine.dedupeSize();
            hook[0] = System.nanoTime() - h0;
            hook[1] = os.getProcessCpuTime() - c0;
          });
    } finally {
      if (profile != null) summary = profile.stopAndSummarise(15);
    }
    double secs = (System.nanoTime() - t0 - hook[0]) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0 - hook[1]) / 1e9;
    heap.stop();
    return new Hunt(events.get(), secs, cpu, collector.active(), heap.peakPoolSum(), heap.peakAfterGc,
        heap.baseline, heap.max, heap.gcSeconds(), heap.gcCount(), state[0], dedupe[0], users, state[1], summary);
  }

  /** Heap use during a phase: per-pool peaks, and the largest heap left after any collection (the live set). */
  static final class HeapWatch implements NotificationListener {
    final long baseline;
    final long max;
    volatile long peakAfterGc;
    private final long gcTime0;
    private final long gcCount0;
    private long gcTime1;
    private long gcCount1;
    private final List<NotificationEmitter> emitters = new ArrayList<>();

    private HeapWatch() {
      System.gc();
      long used = 0;
      long mx = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          p.resetPeakUsage();
          used += p.getUsage().getUsed();
        }
      }
      baseline = used;
      mx = Runtime.getRuntime().maxMemory();
      max = mx;
      gcTime0 = gcTime();
      gcCount0 = totalGcCount();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter e) {
          e.addNotificationListener(this, null, null);
          emitters.add(e);
        }
      }
    }

    static HeapWatch start() {
      return new HeapWatch();
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
      GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
      long used = 0;
      for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (isHeap(e.getKey())) used += e.getValue().getUsed();
      }
      if (used > peakAfterGc) peakAfterGc = used;
    }

    private static boolean isHeap(String pool) {
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getName().equals(pool)) return p.getType() == MemoryType.HEAP;
      }
      return false;
    }

    void stop() {
      gcTime1 = gcTime();
      gcCount1 = totalGcCount();
      for (NotificationEmitter e : emitters) {
        try {
          e.removeNotificationListener(this);
        } catch (Exception ignored) {
          // not registered
        }
      }
    }

    long peakPoolSum() {
      long s = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) s += p.getPeakUsage().getUsed();
      }
      return s;
    }

    double gcSeconds() {
      return (gcTime1 - gcTime0) / 1e3;
    }

    long gcCount() {
      return gcCount1 - gcCount0;
    }

    private static long gcTime() {
      long t = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, gc.getCollectionTime());
      return t;
    }

    private static long totalGcCount() {
      long c = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) c += Math.max(0, gc.getCollectionCount());
      return c;
    }
  }

  // ------------------------------------------------------------------------------------------------ 4. idle users

  /**
   * State of users whose only activity in the retention window is one ordinary working day: a fresh engine
   * gets the records of that day of a sample of users (not the shared mailbox's delegates, no attack victims),
   * then the watermark moves 1, 7 and 31 days past the day, and the state left is measured each time.
   */
  private static IdleState idleState(TenantSimulator sim, Config config, GeoResolver geo, PrintStream err)
      throws IOException {
    TenantSimulator.Settings s = sim.settings();
    int day = 0;
    while (day < s.days() - 1 && isWeekend(s.start().plusDays(day))) day++;
    List<String> sample = new ArrayList<>();
    java.util.Set<Integer> victims = new java.util.HashSet<>();
    for (TenantSimulator.Attack a : s.attacks()) {
      // only what happens on the measured day matters: attacks come later; routines (and the assistant, the
      // victim's next user) run from their day on
      if (a.day() > day) continue;
      victims.add(a.victim() % s.mailboxes());
      victims.add((a.victim() + 1) % s.mailboxes());
    }
    for (TenantSimulator.User u : sim.users()) {
      if (u.index() >= 2 && !victims.contains(u.index()) && sample.size() < 50) sample.add(u.upn());
    }
    if (sample.isEmpty()) return new IdleState(0, "", 0, 0, 0, "", "", "");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    for (TenantSimulator.Record r : sim.day(day)) {
      for (String upn : sample) {
        if (r.json().contains("\"" + upn + "\"")) {
          buf.write(r.json().getBytes(StandardCharsets.UTF_8));
          buf.write('\n');
          break;
        }
      }
    }
    DetectionSettings settings = new DetectionSettings(config, AppCatalog.bundled());
    LocalEngine engine = new LocalEngine(settings, new Enricher(geo), config.get(JobOptions.OUT_OF_ORDERNESS).toMillis(),
        config.get(JobOptions.DEDUPE_TTL).toMillis(), false, a -> { });
    new InputReader().read(new ByteArrayInputStream(buf.toByteArray()), "idle-users", new ParseListener() {
      @Override public void onEvent(AuditEvent e) { engine.accept(e); }
      @Override public void onReject(Rejection r) { }
    });
    long endOfDay = s.start().plusDays(day + 1L).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    long[] after = new long[3];
    String[] breakdown = new String[3];
    String slotsOneDay = "";
    int[] offsets = {1, 7, 31};
    for (int i = 0; i < 3; i++) {
      engine.advanceWatermark(endOfDay + offsets[i] * DetectionSettings.DAY);
      long sum = 0;
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, long[]> e : engine.stageState().entrySet()) {
        sum += e.getValue()[1];
        if (e.getValue()[1] > 0) {
          parts.add(String.format(Locale.ROOT, "%s %,d in %.1f keys", e.getKey(), e.getValue()[1] / sample.size(),
              (double) e.getValue()[0] / sample.size()));
        }
      }
      after[i] = sum / sample.size();
      breakdown[i] = String.join(", ", parts);
      if (i == 0) slotsOneDay = topSlots(engine.slotState(), sample.size(), 5);
    }
    err.printf(Locale.ROOT, "bench: idle users: %d users active on %s only: %,d bytes each a day later%n", sample.size(),
        s.start().plusDays(day), after[0]);
    return new IdleState(sample.size(), s.start().plusDays(day).toString(), after[0], after[1], after[2], breakdown[0],
        breakdown[1], slotsOneDay);
  }

  /** The largest state slots: "family/slot: bytes per entity-divisor (share), bytes per entry". */
  static String topSlots(Map<String, long[]> slots, int per, int top) {
    long total = 0;
    for (long[] v : slots.values()) total += v[1];
    List<Map.Entry<String, long[]>> l = new ArrayList<>(slots.entrySet());
    l.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, long[]> e : l.subList(0, Math.min(top, l.size()))) {
      long[] v = e.getValue();
      parts.add(String.format(Locale.ROOT, "%s %,d (%s; %,d entries of %,d bytes)", e.getKey(), v[1] / per,
          pct((double) v[1] / Math.max(1, total)), v[0], v[1] / Math.max(1, v[0])));
    }
    return String.join(", ", parts);
  }

  private static boolean isWeekend(LocalDate d) {
    return d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  // ------------------------------------------------------------------------------------------------ machine

  /** 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or the JVM's 1-minute figure elsewhere. */
  static double[] loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return new double[] {l, Double.NaN, Double.NaN};
    }
  }

  static String load(double[] l) {
    if (l == null) return "–";
    return Double.isNaN(l[1]) ? String.format(Locale.ROOT, "%.2f", l[0])
        : String.format(Locale.ROOT, "%.2f / %.2f / %.2f", l[0], l[1], l[2]);
  }

  /** Where the bench ran. */
  record Machine(String date, String commit, int cores, String cpu, long memory, String jdk, String vm, long heapMax,
      String gc) {
    static Machine describe() {
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      String cpu = "";
      try {
        for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (l.startsWith("model name")) {
            cpu = l.substring(l.indexOf(':') + 1).strip();
            break;
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // not Linux
      }
      List<String> gcs = new ArrayList<>();
      for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) gcs.add(g.getName());
      return new Machine(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), gitCommit(),
          Runtime.getRuntime().availableProcessors(), cpu, os.getTotalMemorySize(),
          System.getProperty("java.runtime.version", System.getProperty("java.version")),
          System.getProperty("java.vm.name", ""), Runtime.getRuntime().maxMemory(), String.join(" + ", gcs));
    }

    String oneLine() {
      return String.format(Locale.ROOT, "%s, commit %s, %d cores%s, %.1f GiB RAM, Java %s (%s), heap max %.1f GiB, %s",
          date, commit, cores, cpu.isEmpty() ? "" : " (" + cpu + ")", memory / (double) (1L << 30), jdk, vm,
          heapMax / (double) (1L << 30), gc);
    }

    private static String gitCommit() {
      try {
        Process p = new ProcessBuilder("git", "-C", Home.dir().toString(), "rev-parse", "--short=12", "HEAD")
            .redirectErrorStream(true).start();
        String c = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return "unknown";
        Process d = new ProcessBuilder("git", "-C", Home.dir().toString(), "status", "--porcelain", "--untracked-files=no")
            .redirectErrorStream(true).start();
        String dirty = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        d.waitFor(10, TimeUnit.SECONDS);
        return c + (dirty.isEmpty() ? "" : " (with uncommitted changes)");
      } catch (IOException | RuntimeException e) {
        return "unknown";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "unknown";
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ report

  private static String n0(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.0f %%", 100 * v);
  }

  static String mb(long b) {
    return String.format(Locale.ROOT, "%,.0f MB", b / 1e6);
  }

  private static String yes(boolean b) {
    return b ? "yes" : "**no**";
  }

  private List<String> report(Machine machine, TenantSimulator.Settings s, boolean reused, List<Path> files, long bytes,
      Ceiling c, Hunt h, IdleState idle, BenchLive.Preload preload, List<BenchLive.Result> live, Duration ckpt,
      double[][] loads, double totalSeconds) {
    List<String> r = new ArrayList<>();
    r.add("## ualwatch bench, " + machine.date());
    r.add("");
    r.add("- machine: " + machine.oneLine());
    r.add("- command: `ualwatch bench" + (quick ? " --quick" : "") + " --mailboxes " + s.mailboxes() + " --days " + s.days()
        + " --seed " + s.seed() + (noLive ? " --no-live" : "") + (noScale ? " --no-scale" : "") + (noWarmUp ? " --no-warm-up" : "") + (noOrders ? " --no-orders" : "")
        + " --checkpoint-interval " + Durations.format(ckpt) + (stateBackend != null ? " --state-backend " + stateBackend : "")
        + "`, total " + String.format(Locale.ROOT, "%.0f s", totalSeconds));
    r.add(String.format(Locale.ROOT, "- tenant: %,d mailboxes × %d days from %s, seed %d, %d injected attacks (%s); "
        + "%,d records, %s NDJSON (%,.0f bytes per record on average)%s", s.mailboxes(), s.days(), s.start(), s.seed(),
        s.attacks().size(), String.join(", ", ATTACKS), h.events(), mb(bytes), (double) bytes / h.events(),
        reused ? "; generated earlier, reused" : ""));
    r.add("- load average (1 / 5 / 15 min): start " + load(loads[0]) + "; after the reference " + load(loads[1])
        + "; after hunt " + load(loads[2]) + (loads[3] != null ? "; after the live runs " + load(loads[3]) : ""));
    r.add("");
    r.add("| # | measure | figure | target | ratio to target | met |");
    r.add("|---|---|---:|---|---:|---|");
    r.add(String.format(Locale.ROOT, "| 1 | reference: Jackson `readTree` of the NDJSON, one thread | %s records/s (%,d records in %.1f s, %.1f s CPU) | – | – | – |",
        n0(c.rate()), c.records(), c.seconds(), c.cpuSeconds()));
    double ratio = h.rate() / c.rate();
    double perCpu = h.events() / h.cpuSeconds();
    r.add(String.format(Locale.ROOT, "| 2 | hunt: files → every detector → alerts | %s records/s (%.1f s; %.2f cores busy) "
        + "= **%s of the reference** | ≥ 50 %% of the reference | %s | %s |", n0(h.rate()), h.seconds(),
        h.cpuSeconds() / h.seconds(), pct(ratio), pct(ratio / 0.5), yes(ratio >= 0.5)));
    if (coldHunt != null) {
      r.add(String.format(Locale.ROOT, "| 2 | hunt, first run in this process (JIT warm-up; the figure above is the second run) | %s records/s (%.1f s; %.2f cores busy) = %s of the reference | – | – | – |",
          n0(coldHunt.rate()), coldHunt.seconds(), coldHunt.cpuSeconds() / coldHunt.seconds(), pct(coldHunt.rate() / c.rate())));
    }
    r.add(String.format(Locale.ROOT, "| 2 | hunt per CPU-second (all threads of the process, GC and JIT included) | %s records/s = %s of the reference per core | – | – | – |",
        n0(perCpu), pct(perCpu / (c.records() / Math.max(c.cpuSeconds(), 1e-3)))));
    r.add(String.format(Locale.ROOT, "| 2 | hunt heap | live set after GC at most %s; sum of heap-pool peaks %s; "
        + "before the run %s; max heap %s | – | – | – |", mb(h.peakAfterGc()), mb(h.peakPoolSum()), mb(h.baselineAfterGc()),
        mb(h.heapMax())));
    r.add(String.format(Locale.ROOT, "| 2 | hunt garbage collection | %d collections, %.1f s (%s of the run's wall time) | – | – | – |",
        h.gcCount(), h.gcSeconds(), pct(h.gcSeconds() / h.seconds())));
    Map<String, Integer> byRule = new TreeMap<>();
    for (Alert a : h.alerts()) byRule.merge(a.ruleId, 1, Integer::sum);
    r.add("| 2 | hunt alerts | " + h.alerts().size() + " (" + byRule.toString().replaceAll("[{}]", "") + ") | – | – | – |");
    if (!orders.isEmpty()) {
      java.util.Set<String> want = idsAndSeverity(h.alerts());
      List<String> diffs = new ArrayList<>();
      boolean same = true;
      for (Map.Entry<String, Hunt> o : orders.entrySet()) {
        java.util.Set<String> got = idsAndSeverity(o.getValue().alerts());
        boolean eq = got.equals(want);
        same &= eq;
        java.util.Set<String> missing = new java.util.TreeSet<>(want);
        missing.removeAll(got);
        java.util.Set<String> extra = new java.util.TreeSet<>(got);
        extra.removeAll(want);
        diffs.add(o.getKey() + (eq ? " identical" : " differs (" + missing.size() + " missing, " + extra.size()
            + " extra)"));
      }
      r.add(String.format(Locale.ROOT, "| 2 | alerts identical across orders (oldest first, %s): alert ids and severities "
          + "| %d alerts; %s | identical | – | %s |", String.join(", ", orders.keySet()), want.size(),
          String.join("; ", diffs), yes(same)));
      Hunt nf = orders.get("newest-first");
      if (nf != null) {
        double q = nf.rate() / h.rate();
        Hunt sh = orders.get("shuffled");
        r.add(String.format(Locale.ROOT, "| 2 | hunt on newest-first input ÷ hunt on sorted input | %s records/s (%.1f s, "
            + "ordering included) = **%s of the sorted rate**%s | ≥ 80 %% | %s | %s |", n0(nf.rate()), nf.seconds(),
            pct(q), sh == null ? "" : String.format(Locale.ROOT, "; shuffled %s records/s = %s", n0(sh.rate()),
                pct(sh.rate() / h.rate())), pct(q / 0.8), yes(q >= 0.8)));
        r.add(String.format(Locale.ROOT, "| 2 | hunt heap, newest first | live set after GC at most %s; sum of heap-pool "
            + "peaks %s | – | – | – |", mb(nf.peakAfterGc()), mb(nf.peakPoolSum())));
      }
    }

    BenchLive.Result eo = find(live, "eo-p2");
    BenchLive.Result alo = find(live, "alo-p2");
    BenchLive.Result eo1 = find(live, "eo-p1");
    if (eo != null) liveRows(r, "exactly-once", eo, ckpt.toMillis() + 1000, true);
    if (alo != null) liveRows(r, "at-least-once", alo, 1000, false);

    // state
    Map<String, long[]> st = h.state();
    long familyBytes = 0;
    for (Map.Entry<String, long[]> e : st.entrySet()) familyBytes += e.getValue()[1];
    r.add(String.format(Locale.ROOT, "| 4 | state after the %d-day run: all keyed state ÷ users (local engine, encoded keys + values) | %s bytes per user (%s in all, %,d users) | – | – | – |",
        s.days(), n0((double) familyBytes / h.users()), mb(familyBytes), h.users()));
    for (Map.Entry<String, long[]> e : st.entrySet()) {
      long[] v = e.getValue();
      if (v[0] == 0) continue;
      r.add(String.format(Locale.ROOT, "| 4 | state of `%s` per entity | %s bytes (%,d entities, %s) | – | – | – |",
          e.getKey(), n0((double) v[1] / v[0]), v[0], mb(v[1])));
    }
    if (idle.users() > 0) {
      r.add(String.format(Locale.ROOT, "| 4 | state per idle user: active on one working day (%s) only; 1 / 7 / 31 days later | %,d / %,d / %,d bytes (%d users) | ≤ 1 KB (1,024 bytes) | %s | %s |",
          idle.day(), idle.afterOneDay(), idle.afterSevenDays(), idle.afterThirtyOneDays(), idle.users(),
          pct(idle.afterOneDay() / 1024.0), yes(idle.afterOneDay() <= 1024)));
      r.add("| 4 | idle user's state by family (bytes per user in keys per user), 1 day later | " + idle.breakdownOneDay()
          + " | – | – | – |");
      r.add("| 4 | idle user's largest state slots, 1 day later, bytes per user | " + idle.slotsOneDay() + " | – | – | – |");
      r.add("| 4 | idle user's state by family, 7 days later | " + (idle.breakdownSevenDays().isEmpty() ? "none"
          : idle.breakdownSevenDays()) + " | – | – | – |");
    }
    r.add("| 4 | largest state slots after the run, bytes per user | " + topSlots(h.slots(), h.users(), 5) + " | – | – | – |");
    r.add(String.format(Locale.ROOT, "| 4 | de-duplication ids held (%s TTL) | %,d record ids | – | – | – |", "8 d", h.dedupeIds()));
    if (eo != null && eo.checkpointBytes() > 0) {
      r.add(String.format(Locale.ROOT, "| 4 | live exactly-once: last checkpoint (%s; its directory plus the shared files of incremental checkpoints, after %,d records) ÷ users | %s bytes per user (checkpoint %d, %s; includes de-duplication ids and source offsets; RocksDB files uncompressed) | – | – | – |",
          stateBackend == null ? "RocksDB" : stateBackend, eo.records(), n0((double) eo.checkpointBytes() / s.mailboxes()), eo.checkpointId(), mb(eo.checkpointBytes())));
    }
    if (eo1 != null && eo != null) {
      r.add(String.format(Locale.ROOT, "| 5 | scale, exactly-once: parallelism 1 → 2 | %s → %s records/s (× %.2f) | – | – | – |",
          n0(eo1.rate()), n0(eo.rate()), eo.rate() / eo1.rate()));
    }
    r.add("");
    r.add("How it was measured:");
    r.add("- reference: `ObjectMapper.readerFor(JsonNode.class).readValues(...)` over the same files (page cache), after a warm-up pass; one thread, so records/s is per core.");
    r.add("- hunt: `HuntRunner` + `LocalEngine` as `ualwatch hunt` runs them (a reader thread per file parses, the "
        + "main thread merges by event time and runs every detector); alerts are kept in memory, not written; the "
        + "time spent measuring the state at the end is left out (but is in the profile). "
        + (coldHunt != null ? "The hunt figure is the second of two runs in this process (the first, its own row, "
            + "pays the JIT compilation), as the reference is measured after a warm-up pass. " : "")
        + "Heap: the largest heap in use right after any garbage collection (GC notifications), and the sum of the heap "
        + "pools' peak usage (an upper bound). CPU: the process's CPU time.");
    r.add("- state: encoded bytes (keys, slot sub-keys, values, as the RocksDB backend stores them, without RocksDB's "
        + "own overhead) of every family and of the tenant app days after the last record, before the end of input fires the timers. "
        + "Idle users: a fresh engine gets one working day of " + idle.users() + " users, then the watermark moves on.");
    if (!live.isEmpty()) {
      r.add(String.format(Locale.ROOT, "- live: one embedded broker (in this JVM) holds the tenant (%,d records appended in %.1f s); "
          + "each run starts the real job (`UalwatchJob.startKafkaJob`, " + (stateBackend == null ? "RocksDB" : stateBackend)
          + " state, MiniCluster in this JVM) with its own "
          + "consumer group and alerts topic, reading the raw topics from the beginning. Throughput: Flink's "
          + "`numRecordsIn` of the de-duplication operator, between 10 %% and 90 %% of the records (job start-up and tail "
          + "excluded). Latency: probes (a sign-in from home, then a mailbox read with the same new token from a hosting "
          + "network, which fires token-multi-network on arrival) sent at %.0f/s after the drain; from the producer's "
          + "send of the second record (linger 0, acks=all) to its alert's receipt by a read_committed consumer."
          + (warmUpSeconds >= 0 ? String.format(Locale.ROOT, " Before the measured runs, one unmeasured at-least-once "
              + "drain of the same records (%.1f s) warms the JVM: in a cold process the JIT compilers took 30 %%%% of the CPU "
              + "during the first drain (async-profiler), which a live job pays once, not per record.", warmUpSeconds)
              : " No warm-up drain (--no-warm-up): the first run pays the JIT compilation."),
          preload.records(), preload.seconds(), probeRate));
      for (BenchLive.Result x : live) {
        List<String> tenths = new ArrayList<>();
        for (double t : x.tenths()) tenths.add(n0(t));
        r.add(String.format(Locale.ROOT, "- live %s: load average %s → %s; records/s over each tenth of the drain (in event-time "
            + "order, so the state grows from first to last): %s; busiest tasks at mid-drain: %s; %s; alerts: %s",
            x.spec().name(), load(x.loadBefore()), load(x.loadAfter()), String.join(", ", tenths),
            x.busiest().isEmpty() ? "–" : String.join("; ", x.busiest()), x.flow(), parity(x, h.alerts())));
      }
    }
    addProfile(r, "hunt", h.profile());
    for (BenchLive.Result x : live) addProfile(r, "live " + x.spec().name() + " (drain)", x.profile());
    return r;
  }

  /**
   * The tenant's alerts on a run's topic (probe alerts left out: their time is after the tenant's last record)
   * against hunt's: the job never reaches the end of input, so absence checks and end-of-bucket updates of the
   * last hours are still pending when the run stops.
   */
  static String parity(BenchLive.Result x, List<Alert> hunt) {
    java.util.Set<String> huntIds = new java.util.HashSet<>();
    for (Alert a : hunt) huntIds.add(a.id);
    Map<String, Integer> extra = new TreeMap<>();
    Map<String, Integer> withdrawn = new TreeMap<>();
    int active = 0;
    int same = 0;
    for (Map.Entry<String, BenchLive.AlertState> e : x.alerts().entrySet()) {
      BenchLive.AlertState a = e.getValue();
      if (a.time() > x.tenantEnd()) continue;
      if ("WITHDRAWN".equals(a.status())) {
        withdrawn.merge(a.rule(), 1, Integer::sum);
        continue;
      }
      active++;
      if (huntIds.contains(e.getKey())) same++;
      else extra.merge(a.rule(), 1, Integer::sum);
    }
    return String.format(Locale.ROOT, "%d active alert ids from the tenant's records, %d of hunt's %d among them; "
        + "not in hunt: %s; withdrawn: %s", active, same, huntIds.size(), extra.isEmpty() ? "none" : extra.toString(),
        withdrawn.isEmpty() ? "none" : withdrawn.toString());
  }

  private static void addProfile(List<String> r, String what, List<String> lines) {
    if (lines == null || lines.isEmpty()) return;
    r.add("");
    r.add("Profile of " + what + " (JFR execution samples):");
    r.add("```");
    r.addAll(lines);
    r.add("```");
  }

  private static BenchLive.Result find(List<BenchLive.Result> l, String name) {
    for (BenchLive.Result x : l) if (x.spec().name().equals(name)) return x;
    return null;
  }

  private static void liveRows(List<String> r, String mode, BenchLive.Result x, long latencyTargetMs, boolean throughputTarget) {
    String rate = String.format(Locale.ROOT, "%s records/s%s (%,d records drained in %.1f s)", n0(x.rate()),
        x.rateFromWholeDrain() ? " (whole drain: too short for 10–90 %)" : "", x.records(), x.drainSeconds());
    if (throughputTarget) {
      r.add(String.format(Locale.ROOT, "| 3 | live %s, parallelism %d: sustained | %s | ≥ 30,000 records/s | %s | %s |",
          mode, x.spec().parallelism(), rate, pct(x.rate() / 30_000), yes(x.rate() >= 30_000)));
    } else {
      r.add(String.format(Locale.ROOT, "| 3 | live %s, parallelism %d: sustained | %s | – | – | – |", mode,
          x.spec().parallelism(), rate));
    }
    if (x.probesSent() > 0) {
      long p99 = x.percentile(99);
      String fig = x.latencyMs().length == 0 ? "no probe alert arrived"
          : String.format(Locale.ROOT, "p50 %,d ms, p99 %,d ms, max %,d ms (%d of %d probes)", x.percentile(50), p99,
              x.latencyMs()[x.latencyMs().length - 1], x.probesMatched(), x.probesSent());
      boolean met = x.latencyMs().length > 0 && x.probesMatched() == x.probesSent() && p99 <= latencyTargetMs;
      r.add(String.format(Locale.ROOT, "| 3 | live %s: append → alert committed | %s | p99 ≤ %,d ms | %s | %s |", mode, fig,
          latencyTargetMs, x.latencyMs().length == 0 ? "–" : pct((double) p99 / latencyTargetMs), yes(met)));
    }
  }
}
