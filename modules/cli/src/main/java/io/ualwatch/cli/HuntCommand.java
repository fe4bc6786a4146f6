package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.enrich.Enricher;
import io.ualwatch.enrich.GeoResolver;
import io.ualwatch.engine.AlertCollector;
import io.ualwatch.engine.HuntRunner;
import io.ualwatch.engine.LocalEngine;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.order.OrderedReader;
import io.ualwatch.model.parse.InputFormat;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs the detection graph over files (no Kafka): the incident responder's command. */
@Command(name = "hunt", mixinStandardHelpOptions = true,
    description = {"Runs every detector over audit-log files or folders and writes the alerts, one per line, as "
        + "OCSF JSON (default), ECS JSON or CEF.",
        "Reads every format ualwatch knows (Management API blobs, NDJSON, Purview and Search-UnifiedAuditLog CSV, "
            + "Entra sign-ins, …; gzip is read transparently). Same logic as the live job, in memory.",
        "Progress and a summary (records per format, rejections with reasons, alerts per rule) go to stderr."},
    footer = {"", "Examples:", "  ualwatch hunt export.csv", "  ualwatch hunt exports/ signins/ --out alerts.jsonl",
        "  ualwatch hunt logs/ --set detect.baseline.maturity=3d --all-revisions",
        "  ualwatch hunt exports/ --format cef --out alerts.cef",
        "  ualwatch hunt case-42/ --report case-42.html --csv case-42.csv --out case-42.jsonl",
        "", "Exit codes: 0 ran (whether or not alerts were found); 1 failed; 2 usage error."})
final class HuntCommand implements Callable<Integer> {
  @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files or folders to read.")
  List<Path> inputs;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write alerts here instead of stdout.")
  Path out;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "ocsf", converter = FormatConverter.class,
      description = "ocsf (OCSF 1.3 Detection Finding JSON), ecs (Elastic Common Schema JSON) or cef (ArcSight CEF). "
          + "Default: ${DEFAULT-VALUE}. Mappings: docs/siem.md.")
  AlertFormat format;

  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<AlertFormat> {
    @Override
    public AlertFormat convert(String value) {
      try {
        return AlertFormat.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("expected ocsf, ecs or cef, got '" + value + "'");
      }
    }
  }

  @Option(names = "--all-revisions",
      description = "Write every revision (new, updates, withdrawals) instead of the final state of each alert.")
  boolean allRevisions;

  @Option(names = "--quiet", description = "No progress line.")
  boolean quiet;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Also write a self-contained HTML report (charts, timeline, top users/addresses/apps, map, every "
          + "alert with its evidence and the raw records; opens offline).")
  Path report;

  @Option(names = "--report-max-raw", defaultValue = "32", paramLabel = "MB",
      description = "Raw evidence records kept for the report, at most (default ${DEFAULT-VALUE} MB; 0 = none).")
  long reportMaxRawMb;

  @Option(names = "--csv", paramLabel = "FILE", description = "Also write the alerts as CSV, one row per alert, for spreadsheets.")
  Path csv;

  @Mixin
  ConfigOptions configOptions;

  @Mixin
  OrderingOptions ordering;

  /** The input file a rejection's origin ("file:line…") belongs to. */
  static String fileOf(String origin, List<Path> files) {
    for (Path f : files) {
      if (origin != null && origin.startsWith(f.toString())) return f.toString();
    }
    return origin;
  }

  @Override
  public Integer call() throws IOException {
    PrintStream err = System.err;
    List<Path> files = Inputs.expand(inputs);
    Config config = configOptions.load();
    GeoResolver geo = GeoSupport.resolver(config, err);
    DetectionSettings settings = new DetectionSettings(config, AppCatalog.bundled());
    AlertCollector collector = new AlertCollector();
    java.util.List<Alert> revisions = new java.util.ArrayList<>();
    LocalEngine engine = new LocalEngine(settings, new Enricher(geo), config.get(JobOptions.OUT_OF_ORDERNESS).toMillis(),
        config.get(JobOptions.DEDUPE_TTL).toMillis(), false, a -> {
          collector.accept(a);
          if (allRevisions) revisions.add(a);
        });
    ParseStats stats = new ParseStats();
    AtomicLong bytes = new AtomicLong();
    long total = Inputs.totalBytes(files);
    long t0 = System.nanoTime();
    AtomicLong shown = new AtomicLong();
    OrderedReader.Summary[] order = new OrderedReader.Summary[1];
    try (Progress progress = quiet ? null : new Progress(err, total, bytes, shown::get)) {
      // every file is read once and ordered (newest-first or shuffled ones through a temporary directory), then all
      // are merged in the canonical order of the records: the alerts do not depend on the order in the files
      HuntRunner.run(files, f -> new Inputs.Counting(HuntRunner.openFile(f), bytes), engine, ordering.options(),
          new OrderedReader.Sink() {
            @Override public void onEvent(AuditEvent e) {
              stats.onEvent(e);
              shown.incrementAndGet();
            }
            @Override public void onReject(Rejection r) { stats.onReject(fileOf(r.origin(), files), r); }
            @Override public void onFormat(String origin, InputFormat format) { stats.onFormat(origin, format); }
            @Override public void onWarning(String origin, String message) { stats.warnings.add(origin + ": " + message); }
            @Override public void onScanned(long records) { shown.set(records); }
            @Override public void onPhase(OrderedReader.Phase phase, OrderedReader.Summary summary) {
              if (phase == OrderedReader.Phase.MERGING) {
                order[0] = summary;
                shown.set(0);
                if (progress != null) progress.phase("detecting", summary.events(), shown::get, false);
              } else if (progress != null) {
                progress.phase("ordering", total, bytes::get, true);
              }
            }
          }, null);
    } catch (OrderedReader.SpillFailure e) {
      throw new Main.Failure(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    List<Alert> result = allRevisions ? revisions : collector.active();
    try (Writer w = out == null ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
        : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      BufferedWriter bw = new BufferedWriter(w);
      for (Alert a : result) {
        bw.write(format.render(a));
        bw.write('\n');
      }
      bw.flush();
    }
    stats.printSummary(err, true);
    if (order[0] != null && order[0].unorderedFiles() > 0) {
      err.printf("%-32s %,12d file(s) (%d sorted run(s), %,.1f MB on disk)%n", "ordered before detection",
          order[0].unorderedFiles(), order[0].runs(), order[0].spilledBytes() / 1e6);
    }
    err.printf("%-32s %,12d%n", "duplicates dropped", engine.duplicates());
    Map<String, Long> byRule = new TreeMap<>();
    for (Alert a : collector.active()) byRule.merge(a.ruleId + " (" + a.severity.name().toLowerCase() + ")", 1L, Long::sum);
    err.printf("%-32s %,12d%n", "alerts", collector.active().size());
    for (Map.Entry<String, Long> e : byRule.entrySet()) err.printf("  %-30s %,12d%n", e.getKey(), e.getValue());
    long withdrawn = collector.all().size() - collector.active().size();
    if (withdrawn > 0) err.printf("  %-30s %,12d%n", "(withdrawn by later records)", withdrawn);
    err.printf("%-32s %12.1f s (%,.0f records/s)%n", "time", secs, stats.records() / Math.max(secs, 1e-3));
    if (out != null) err.println("alerts written to " + out);
    HuntOutputs.printTable(err, collector.active(), 25);
    if (csv != null) {
      HuntOutputs.writeCsv(csv, result);
      err.println("CSV written to " + csv);
    }
    if (report != null) {
      HuntOutputs.writeReport(report, files, collector.active(), stats, engine.duplicates(), secs,
          reportMaxRawMb * 1024 * 1024, false, err);
    }
    err.println(geo.attribution());
    return 0;
  }
}
