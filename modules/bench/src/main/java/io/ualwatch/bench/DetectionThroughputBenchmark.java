package io.ualwatch.bench;

import io.ualwatch.config.Config;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.engine.LocalEngine;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.enrich.Enricher;
import io.ualwatch.enrich.GeoResolvers;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second through every detector on one core, parsing and enrichment excluded: the first
 * {@value #EVENTS} events of a generated tenant (60 mailboxes, 21 days, the injected attacks of all fourteen rules),
 * parsed and enriched before each invocation, go through a fresh {@link LocalEngine}.
 *
 * <ul>
 *   <li>{@code encodeOnAccess=false}: state kept as objects, as {@code hunt} runs.
 *   <li>{@code encodeOnAccess=true}: every state value encoded on put and decoded on get, as with Flink's RocksDB
 *       backend (without RocksDB itself): the difference is what the state codecs cost the live job.
 * </ul>
 * Needs the geo data ({@code bin/ualwatch geo fetch}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class DetectionThroughputBenchmark {
  public static final int EVENTS = 20_000;

  @Param({"false", "true"})
  public boolean encodeOnAccess;

  private byte[] ndjson;
  private Enricher enricher;
  private DetectionSettings settings;
  private List<AuditEvent> events;

  @Setup(Level.Trial)
  public void generate() throws IOException {
    List<TenantSimulator.Attack> attacks = new ArrayList<>();
    // every attack kind of the fourteen rules and every benign look-alike; routines from the first day
    String[] kinds = (TenantSimulator.ATTACK_KINDS + ", " + TenantSimulator.BENIGN_KINDS).split(", ");
    for (int i = 0; i < kinds.length; i++) {
      attacks.add(new TenantSimulator.Attack(kinds[i], (3 + 5 * i) % 60, TenantSimulator.isRoutine(kinds[i]) ? 0 : 9 + i % 5));
    }
    TenantSimulator sim = new TenantSimulator(TenantSimulator.Settings.of(5, 60, LocalDate.parse("2025-03-03"), 21,
        attacks));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int n = 0;
    for (int d = 0; d < 21 && n < EVENTS; d++) {
      for (TenantSimulator.Record r : sim.day(d)) {
        if (n++ == EVENTS) break;
        out.write(r.json().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    }
    if (n < EVENTS) throw new IllegalStateException("the generated tenant has only " + n + " records");
    ndjson = out.toByteArray();
    Config config = UalwatchOptions.defaults();
    enricher = new Enricher(GeoResolvers.shared(config));
    settings = new DetectionSettings(config, AppCatalog.bundled());
  }

  /** Fresh events for every invocation (detectors and annotators write into events). */
  @Setup(Level.Invocation)
  public void parse() throws IOException {
    List<AuditEvent> l = new ArrayList<>(EVENTS);
    new InputReader().read(new ByteArrayInputStream(ndjson), "bench", new ParseListener() {
      @Override public void onEvent(AuditEvent e) {
        enricher.enrich(e);
        l.add(e);
      }
      @Override public void onReject(Rejection r) {
        throw new IllegalStateException("generated record rejected: " + r);
      }
    });
    if (l.size() != EVENTS) throw new IllegalStateException("parsed " + l.size() + " events, expected " + EVENTS);
    events = l;
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long allDetectors() {
    LocalEngine engine = new LocalEngine(settings, null, TimeUnit.HOURS.toMillis(3), TimeUnit.DAYS.toMillis(8),
        encodeOnAccess, a -> { });
    for (AuditEvent e : events) engine.accept(e);
    engine.finish();
    return engine.alertsEmitted();
  }
}
