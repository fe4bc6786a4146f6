package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.config.Config;
import io.ualwatch.config.Durations;
import io.ualwatch.config.JobOptions;
import io.ualwatch.job.UalwatchJob;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The live half of {@code bench}: one embedded broker whose raw topics are loaded once with the generated
 * tenant, then one run of the real Flink job per configuration (delivery, parallelism), each with its own
 * consumer group, alerts topic and checkpoints, reading the raw topics from the beginning.
 *
 * <p>Throughput: records counted into the job's de-duplication operator (Flink's own {@code numRecordsIn},
 * read in-process through {@link BenchMetrics}) while it drains the pre-loaded topics; the sustained rate is
 * taken between 10 % and 90 % of the records, which leaves out job start-up and the tail.
 *
 * <p>Latency: after the drain, paced probes ({@link TenantSimulator#tokenProbe}) are appended to the raw
 * topics; each fires {@code token-multi-network} on arrival. Latency is from the producer's send of the
 * probe's second record (linger 0, acks=all: an upper bound of its append time) to the receipt of its alert
 * by a read_committed consumer of the alerts topic, both on this JVM's monotonic clock.
 */
final class BenchLive implements AutoCloseable {
  static final String DEDUPE_OPERATOR = "de-duplicate by record id";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Stack stack;
  private final Path dataDir;
  private final PrintStream log;
  private final KafkaProducer<byte[], byte[]> probeProducer;
  /** Records in the raw topics so far (tenant + every probe sent). */
  private long rawRecords;
  private long maxEventTime = Long.MIN_VALUE;
  /** The tenant's last event time: alerts after it come from probes. */
  private long tenantEnd = Long.MIN_VALUE;
  private int runs;

  /** What a run is asked to do. */
  record Spec(String name, JobOptions.Delivery delivery, int parallelism, Duration checkpointInterval, int probes,
      double probeRate, Path profileDir, Duration timeout, String stateBackend) {}

  /** What a run measured. */
  record Result(Spec spec, long records, double drainSeconds, double rate, boolean rateFromWholeDrain,
      List<String> busiest, double[] tenths, long[] latencyMs, int probesSent, int probesMatched, long checkpointBytes,
      long checkpointId, Map<String, AlertState> alerts, long tenantEnd, double[] loadBefore, double[] loadAfter, List<String> profile,
      String flow) {
    long percentile(double p) {
      if (latencyMs.length == 0) return -1;
      int i = (int) Math.ceil(p / 100.0 * latencyMs.length) - 1;
      return latencyMs[Math.max(0, Math.min(latencyMs.length - 1, i))];
    }
  }

  /** The latest revision of an alert seen on a run's alerts topic. */
  record AlertState(String rule, int revision, String status, long time) {}

  /** The bulk load. */
  record Preload(long records, long bytes, double seconds) {}

  private BenchLive(Stack stack, Path dataDir, PrintStream log) {
    this.stack = stack;
    this.dataDir = dataDir;
    this.log = log;
    this.probeProducer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.kafka.bootstrapServers(),
        "acks", "all", "linger.ms", "0", "enable.idempotence", "true"), new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  static BenchLive start(Path dataDir, Config base, PrintStream log) {
    Home.deleteTree(dataDir);
    return new BenchLive(Stack.startBroker(dataDir, 0, base, log), dataDir, log);
  }

  /** Appends every generated record to the raw topics (raw JSON, key tenant|id, event time as timestamp). */
  Preload preload(TenantSimulator sim) {
    String audit = stack.config.get(JobOptions.TOPIC_AUDIT);
    String signins = stack.config.get(JobOptions.TOPIC_SIGNINS);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long t0 = System.nanoTime();
    long n = 0;
    long bytes = 0;
    long nextLog = t0 + 10_000_000_000L;
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers",
        stack.kafka.bootstrapServers(), "acks", "all", "compression.type", "lz4", "linger.ms", "20",
        "batch.size", Integer.toString(512 * 1024), "enable.idempotence", "true",
        "buffer.memory", Long.toString(128L << 20)), new ByteArraySerializer(), new ByteArraySerializer())) {
      int days = sim.settings().days();
      for (int d = 0; d < days; d++) {
        for (TenantSimulator.Record r : sim.day(d)) {
          byte[] value = r.json().getBytes(StandardCharsets.UTF_8);
          String topic = r.feed() == TenantSimulator.Feed.SIGNIN && !signins.isBlank() ? signins : audit;
          p.send(new ProducerRecord<>(topic, null, r.time(), (sim.tenantId() + "|" + r.id()).getBytes(StandardCharsets.UTF_8),
              value), (md, ex) -> {
                if (ex != null) failure.compareAndSet(null, ex);
              });
          n++;
          bytes += value.length;
          maxEventTime = Math.max(maxEventTime, r.time());
        }
        if (System.nanoTime() > nextLog) {
          log.printf(Locale.ROOT, "bench: loading the raw topics: day %d/%d, %,d records%n", d + 1, days, n);
          nextLog = System.nanoTime() + 10_000_000_000L;
        }
        if (failure.get() != null) break;
      }
      p.flush();
    }
    if (failure.get() != null) {
      throw new Main.Failure("the embedded broker refused a record: " + failure.get().getMessage(), failure.get());
    }
    rawRecords += n;
    tenantEnd = maxEventTime;
    return new Preload(n, bytes, (System.nanoTime() - t0) / 1e9);
  }

  /** Runs the job once: drain the raw topics, then (when asked) the latency probes. */
  Result run(Spec spec, TenantSimulator sim) throws Exception {
    int runIndex = runs++;
    String tag = spec.name();
    Path runDir = dataDir.resolve("run-" + tag);
    String alertsTopic = "bench.alerts." + tag;
    stack.kafka.createTopic(alertsTopic, 2);
    Config config = stack.config.with(Map.of(
        JobOptions.GROUP_ID.key(), "bench-" + tag,
        JobOptions.START_FROM.key(), "earliest",
        JobOptions.TOPIC_ALERTS.key(), alertsTopic,
        JobOptions.DELIVERY.key(), spec.delivery().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        JobOptions.PARALLELISM.key(), Integer.toString(spec.parallelism()),
        JobOptions.CHECKPOINT_INTERVAL.key(), Durations.format(spec.checkpointInterval()),
        JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "bench-" + tag));
    Configuration flink = UalwatchJob.flinkConfiguration(config, runDir);
    // a restart would spoil the figures: fail instead
    flink.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    if (spec.stateBackend() != null) flink.set(StateBackendOptions.STATE_BACKEND, spec.stateBackend());
    BenchMetrics.configure(flink);

    double[] loadBefore = BenchCommand.loadAverage();
    long records = rawRecords;
    AlertTail tail = new AlertTail(stack.kafka.bootstrapServers(), alertsTopic);
    BenchProfile profile = spec.profileDir() == null ? null : BenchProfile.start(spec.profileDir(), "live-" + tag);
    List<String> profileSummary = List.of();
    JobClient job = UalwatchJob.startKafkaJob(config, flink, false);
    String jobId = job.getJobID().toString();
    log.printf(Locale.ROOT, "bench: live %s: job submitted (%s, parallelism %d, checkpoints every %s, %s state); draining %,d records%n",
        tag, delivery(spec.delivery()), spec.parallelism(), Durations.format(spec.checkpointInterval()),
        flink.get(StateBackendOptions.STATE_BACKEND), records);
    try {
      // ---- drain
      long start = System.nanoTime();
      long deadline = start + spec.timeout().toNanos();
      long tFirst = -1;
      long t10 = -1;
      long t90 = -1;
      long tAll;
      long n10 = 0;
      long n90 = 0;
      List<String> busiest = List.of();
      // records/s over each tenth of the records: does the rate hold as the 30-day state fills up?
      double[] tenths = new double[10];
      int tenth = 0;
      long tenthStart = -1;
      long tenthStartN = 0;
      long nextLog = start + 10_000_000_000L;
      long nextStatus = start;
      while (true) {
        long n = BenchMetrics.counter(jobId, DEDUPE_OPERATOR, "numRecordsIn");
        long now = System.nanoTime();
        if (n > 0 && tFirst < 0) {
          tFirst = now;
          tenthStart = now;
          tenthStartN = n;
        }
        while (tenth < 10 && n > 0 && n >= records * (tenth + 1) / 10) {
          tenths[tenth++] = (n - tenthStartN) / Math.max(1e-3, (now - tenthStart) / 1e9);
          tenthStart = now;
          tenthStartN = n;
        }
        if (n >= records / 10 && t10 < 0 && n > 0) {
          t10 = now;
          n10 = n;
        }
        // task busy/back-pressure gauges are averaged over a few seconds: read only in a drain long enough for them
        if (n >= records / 2 && busiest.isEmpty() && n > 0 && now - tFirst > 5_000_000_000L) busiest = busiest(jobId);
        if (n >= records * 9 / 10 && t90 < 0 && n > 0) {
          t90 = now;
          n90 = n;
        }
        if (n >= records) {
          tAll = now;
          break;
        }
        if (now > nextStatus) {
          checkRunning(job, tag);
          nextStatus = now + 1_000_000_000L;
        }
        if (now > deadline) {
          throw new Main.Failure(String.format(Locale.ROOT, "live %s: the job took in only %,d of %,d records within %s%s",
              tag, Math.max(0, n), records, Durations.format(spec.timeout()), n < 0 ? " (its de-duplication operator "
                  + "never reported; operators seen: " + BenchMetrics.operators(jobId, "numRecordsIn") + ")" : ""), null);
        }
        if (now > nextLog) {
          log.printf(Locale.ROOT, "bench: live %s: %,d of %,d records (%.0f %%), %.0f s%n", tag, Math.max(0, n), records,
              100.0 * Math.max(0, n) / records, (now - start) / 1e9);
          nextLog = now + 10_000_000_000L;
        }
        Thread.sleep(50);
      }
      double drain = (tAll - tFirst) / 1e9;
      double rate;
      boolean whole;
      if (t90 > t10 && (t90 - t10) >= 1_000_000_000L && n90 > n10) {
        rate = (n90 - n10) / ((t90 - t10) / 1e9);
        whole = false;
      } else {
        rate = records / Math.max(drain, 0.05);
        whole = true;
      }
      quiesce(jobId);
      String flow = flow(jobId, records, drain);
      if (profile != null) profileSummary = profile.stopAndSummarise(12);
      log.printf(Locale.ROOT, "bench: live %s: drained %,d records in %.1f s (%,.0f records/s)%n", tag, records, drain, rate);

      // ---- probes
      long[] sent = new long[spec.probes()];
      long probeEventTime = Math.max(maxEventTime + 1000, 0);
      int base = 1000 * (runIndex + 1);
      // exactly-once: the alerts of the drain become visible with the next checkpoint
      long waitUntil = System.nanoTime() + (spec.delivery() == JobOptions.Delivery.EXACTLY_ONCE
          ? spec.checkpointInterval().toNanos() + 3_000_000_000L : 1_000_000_000L);
      if (spec.probes() == 0) {
        while (System.nanoTime() < waitUntil) Thread.sleep(100);
      }
      if (spec.probes() > 0) {
        Map<String, Integer> tokens = new HashMap<>();
        for (int i = 0; i < spec.probes(); i++) tokens.put(sim.probeToken(base + i), i);
        tail.expect(tokens, spec.probes());
        String audit = config.get(JobOptions.TOPIC_AUDIT);
        String signins = config.get(JobOptions.TOPIC_SIGNINS);
        long intervalNs = (long) (1e9 / spec.probeRate());
        long p0 = System.nanoTime();
        log.printf(Locale.ROOT, "bench: live %s: %d probes at %.1f/s%n", tag, spec.probes(), spec.probeRate());
        for (int i = 0; i < spec.probes(); i++) {
          long target = p0 + i * intervalNs;
          long wait = target - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          List<TenantSimulator.Record> pr = sim.tokenProbe(base + i, probeEventTime + i * 2000L);
          for (int k = 0; k < pr.size(); k++) {
            TenantSimulator.Record r = pr.get(k);
            String topic = r.feed() == TenantSimulator.Feed.SIGNIN && !signins.isBlank() ? signins : audit;
            if (k == pr.size() - 1) sent[i] = System.nanoTime();
            probeProducer.send(new ProducerRecord<>(topic, null, r.time(),
                (sim.tenantId() + "|" + r.id()).getBytes(StandardCharsets.UTF_8), r.json().getBytes(StandardCharsets.UTF_8)));
            maxEventTime = Math.max(maxEventTime, r.time());
          }
          rawRecords += pr.size();
        }
        probeProducer.flush();
        waitUntil = System.nanoTime() + spec.checkpointInterval().toNanos() + 20_000_000_000L;
        while (tail.matched() < spec.probes() && System.nanoTime() < waitUntil) {
          checkRunning(job, tag);
          Thread.sleep(100);
        }
      }
      long[] lat = tail.latencies(sent);
      Arrays.sort(lat);

      // ---- checkpoint size (the last completed checkpoint of this job)
      long[] ckpt = lastCheckpoint(runDir.resolve("checkpoints").resolve(jobId));
      double[] loadAfter = BenchCommand.loadAverage();
      return new Result(spec, records, drain, rate, whole, busiest, tenths, lat, spec.probes(), lat.length, ckpt[1], ckpt[0],
          tail.alerts(), tenantEnd, loadBefore, loadAfter, profileSummary, flow);
    } finally {
      if (profile != null) profile.close();
      tail.close();
      stop(job);
    }
  }

  private static String delivery(JobOptions.Delivery d) {
    return d.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Bytes written to the network by every task per raw record (all the shuffles: records to de-duplication and
   * to each family, tenant facts, alerts to the sink), and records in per operator over the drain (records/s of
   * the drain's wall time), busiest first.
   */
  private static String flow(String jobId, long records, double drainSeconds) {
    long bytes = BenchMetrics.taskCounterSum(jobId, "numBytesOut");
    List<Map.Entry<String, Long>> ops = new ArrayList<>(BenchMetrics.perOperator(jobId, "numRecordsIn").entrySet());
    ops.removeIf(e -> e.getValue() <= 0 || e.getKey().startsWith("Source:"));
    ops.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : ops.subList(0, Math.min(12, ops.size()))) {
      parts.add(String.format(Locale.ROOT, "%s %,.0f", e.getKey(), e.getValue() / Math.max(drainSeconds, 0.05)));
    }
    return String.format(Locale.ROOT, "bytes shuffled per record %,.0f (%s in all); records in per operator per "
        + "second of the drain: %s", records == 0 ? 0.0 : (double) bytes / records,
        BenchCommand.mb(bytes), String.join(", ", parts));
  }

  /**
   * The three busiest tasks (busy time per second), read at mid-drain. Source tasks are left out: Flink reports a
   * source task 100 % busy while its reader waits for data (the control topic's source, which receives nothing,
   * showed 100 %), so the figure says nothing about them.
   */
  private static List<String> busiest(String jobId) {
    Map<String, Double> busy = new java.util.HashMap<>(BenchMetrics.taskGauge(jobId, "busyTimeMsPerSecond"));
    busy.keySet().removeIf(k -> k.startsWith("Source:"));
    Map<String, Double> bp = BenchMetrics.taskGauge(jobId, "backPressuredTimeMsPerSecond");
    List<Map.Entry<String, Double>> l = new ArrayList<>(busy.entrySet());
    l.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Double> e : l.subList(0, Math.min(3, l.size()))) {
      if (Double.isNaN(e.getValue())) continue;
      out.add(String.format(Locale.ROOT, "%s busy %.0f %%, back-pressured %.0f %%", e.getKey(), e.getValue() / 10,
          bp.getOrDefault(e.getKey(), 0.0) / 10));
    }
    return out;
  }

  /**
   * Waits until the records already taken in have gone through the detectors: the detector operators'
   * input counters have not moved for 1 s (sink committers count a committable per checkpoint, so they are
   * left out).
   */
  private static void quiesce(String jobId) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    long last = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long sum = BenchMetrics.counterPrefix(jobId, "detect: ", "numRecordsIn");
      if (sum != last) {
        if (Boolean.getBoolean("ualwatch.debug")) System.err.println("bench: quiesce: " + BenchMetrics.counters(jobId));
        last = sum;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > 1_000_000_000L) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static void checkRunning(JobClient job, String tag) {
    try {
      JobStatus s = job.getJobStatus().get(10, TimeUnit.SECONDS);
      if (s.isGloballyTerminalState() || s == JobStatus.FAILING) {
        throw new Main.Failure("live " + tag + ": the job stopped (" + s + "); see run/logs/ualwatch.log", null);
      }
    } catch (Main.Failure f) {
      throw f;
    } catch (Exception e) {
      throw new Main.Failure("live " + tag + ": cannot read the job's status: " + e.getMessage(), e);
    }
  }

  private void stop(JobClient job) {
    try {
      job.cancel().get(60, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // it may have stopped already
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        if (job.getJobStatus().get(5, TimeUnit.SECONDS).isGloballyTerminalState()) break;
        Thread.sleep(200);
      } catch (Exception e) {
        break; // the per-job cluster is gone
      }
    }
  }

  /** {checkpoint id, bytes} of the newest completed checkpoint (one with _metadata), or {-1, 0}. */
  static long[] lastCheckpoint(Path jobDir) throws IOException {
    if (!Files.isDirectory(jobDir)) return new long[] {-1, 0};
    long best = -1;
    Path bestDir = null;
    try (Stream<Path> s = Files.list(jobDir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String f = p.getFileName().toString();
        if (f.startsWith("chk-") && Files.exists(p.resolve("_metadata"))) {
          long id = Long.parseLong(f.substring(4));
          if (id > best) {
            best = id;
            bestDir = p;
          }
        }
      }
    }
    if (bestDir == null) return new long[] {-1, 0};
    long bytes = size(bestDir) + size(jobDir.resolve("shared"));
    return new long[] {best, bytes};
  }

  private static long size(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return 0;
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Override
  public void close() {
    probeProducer.close();
    stack.close();
  }

  /** Reads one run's alerts topic (read_committed) and notes when each probe's alert arrives. */
  private static final class AlertTail implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;
    private volatile Map<String, Integer> tokens = Map.of();
    private volatile long[] received = new long[0];
    private final AtomicLong matched = new AtomicLong();
    private final Map<String, AlertState> alerts = new ConcurrentHashMap<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    AlertTail(String bootstrap, String topic) {
      Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
          "enable.auto.commit", "false", "fetch.max.wait.ms", "50", "group.id", "bench-tail-" + topic);
      KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(30))) parts.add(new TopicPartition(topic, pi.partition()));
      c.assign(parts);
      c.seekToBeginning(parts);
      thread = new Thread(() -> loop(c), "bench-alert-tail");
      thread.setDaemon(true);
      thread.start();
    }

    synchronized void expect(Map<String, Integer> probeTokens, int n) {
      received = new long[n];
      tokens = probeTokens;
    }

    private void loop(KafkaConsumer<byte[], byte[]> c) {
      try (c) {
        while (!stop) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(20))) {
            long now = System.nanoTime();
            if (r.value() == null) continue;
            JsonNode n = MAPPER.readTree(r.value());
            String id = n.path("finding_info").path("uid").asText();
            String rule = n.path("finding_info").path("analytic").path("uid").asText();
            int revision = n.path("unmapped").path("revision").asInt();
            AlertState st = new AlertState(rule, revision, n.path("unmapped").path("alert_status").asText(),
                n.path("time").asLong());
            alerts.merge(id, st, (a, b) -> b.revision() >= a.revision() ? b : a);
            Map<String, Integer> t = tokens;
            if (t.isEmpty() || !"token-multi-network".equals(rule)) continue;
            Integer i = t.get(n.path("unmapped").path("token_id").asText(""));
            if (i == null) continue;
            synchronized (this) {
              if (received[i] == 0) {
                received[i] = now;
                matched.incrementAndGet();
              }
            }
          }
        }
      } catch (org.apache.kafka.common.errors.InterruptException e) {
        // closing
      } catch (Exception e) {
        failure.compareAndSet(null, e);
      }
    }

    long matched() {
      if (failure.get() != null) throw new Main.Failure("reading the alerts topic failed: " + failure.get(), failure.get());
      return matched.get();
    }

    Map<String, AlertState> alerts() {
      return new TreeMap<>(alerts);
    }

    /** Latency (ms) of every probe whose alert arrived. */
    synchronized long[] latencies(long[] sent) {
      long[] l = new long[sent.length];
      int k = 0;
      for (int i = 0; i < sent.length && i < received.length; i++) {
        if (received[i] != 0 && sent[i] != 0) l[k++] = Math.max(0, (received[i] - sent[i]) / 1_000_000);
      }
      return Arrays.copyOf(l, k);
    }

    @Override
    public void close() {
      stop = true;
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
