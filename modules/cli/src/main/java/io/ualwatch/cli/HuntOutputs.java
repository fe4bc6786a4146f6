package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ualwatch.console.HtmlReport;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.OcsfFormatter;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** What `hunt` writes besides the OCSF lines: the HTML report, the CSV, and the final table on stderr. */
final class HuntOutputs {
  static final String[] CSV_COLUMNS = {"id", "revision", "status", "time", "severity", "rule", "user", "mailbox",
      "app_id", "app_name", "src_ip", "src_country", "src_city", "src_asn", "src_as_org", "locations",
      "evidence_count", "first_seen", "last_seen", "message", "baseline", "evidence_record_ids"};

  private HuntOutputs() {}

  /** Alerts as CSV (RFC 4180, UTF-8 with BOM so spreadsheets detect it), safe against formula injection. */
  static void writeCsv(Path file, List<Alert> alerts) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write('\uFEFF');
      w.write(String.join(",", CSV_COLUMNS));
      w.write("\r\n");
      for (Alert a : alerts) {
        Endpoint s = a.source;
        List<String> row = List.of(a.id, Integer.toString(a.revision), a.status.name(), iso(a.time),
            a.severity.name().toLowerCase(Locale.ROOT), a.ruleId, nz(a.user), nz(a.mailbox), nz(a.appId), nz(a.appName),
            s == null ? "" : nz(s.ip), s == null ? "" : nz(s.country), s == null ? "" : nz(s.city),
            s == null || s.asn == null ? "" : Long.toString(s.asn), s == null ? "" : nz(s.asOrg),
            a.endpoints.stream().map(e -> nz(e.ip) + (e.country != null ? " " + e.country : "")).collect(Collectors.joining("; ")),
            Integer.toString(a.evidenceCount), iso(a.firstSeen), iso(a.lastSeen), nz(a.message), nz(a.baseline),
            a.evidence.stream().map(e -> e.recordId).collect(Collectors.joining(";")));
        w.write(row.stream().map(HuntOutputs::csvCell).collect(Collectors.joining(",")));
        w.write("\r\n");
      }
    } catch (IOException e) {
      throw new Main.UsageException("cannot write the CSV to " + file + ": " + e.getMessage());
    }
  }

  /** One CSV cell: quoted when needed; a leading = + - @ (a formula to a spreadsheet) is defused with a quote. */
  static String csvCell(String v) {
    if (v == null) return "";
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) v = "'" + v;
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }

  /**
   * The HTML report. The raw evidence records are collected by reading the inputs once more (parse only, no
   * detection) and keeping the raw text of the records the alerts name, up to {@code maxRawBytes}: memory is
   * bounded by the cap, not by the input size, and the report says when the cap was reached.
   */
  static void writeReport(Path file, List<Path> inputs, List<Alert> alerts, ParseStats stats, long duplicates,
      double seconds, long maxRawBytes, boolean quiet, PrintStream err) {
    Set<String> wanted = new HashSet<>();
    for (Alert a : alerts) for (Evidence e : a.evidence) wanted.add(e.recordId);
    Map<String, String> raw = new HashMap<>();
    List<String> notes = new ArrayList<>();
    long t0 = System.nanoTime();
    long[] kept = {0};
    boolean[] capped = {false};
    if (!wanted.isEmpty() && maxRawBytes > 0) {
      if (!quiet) err.println("report: reading the inputs again for the raw records of " + wanted.size() + " evidence ids…");
      InputReader reader = new InputReader();
      for (Path f : inputs) {
        if (raw.size() == wanted.size() || capped[0]) break;
        try (InputStream in = Files.newInputStream(f)) {
          reader.read(in, f.toString(), new ParseListener() {
            @Override public void onEvent(AuditEvent e) {
              if (e.raw == null || !wanted.contains(e.recordId) || raw.containsKey(e.recordId)) return;
              long size = 2L * e.raw.length() + 64; // chars are two bytes, plus the map entry
              if (kept[0] + size > maxRawBytes) {
                capped[0] = true;
                return;
              }
              raw.put(e.recordId, e.raw);
              kept[0] += size;
            }

            @Override public void onReject(Rejection r) {}
          });
        } catch (IOException e) {
          notes.add("could not read " + f + " again for the raw records: " + e.getMessage());
        }
      }
    }
    if (capped[0]) {
      notes.add("Raw JSON is included for " + raw.size() + " of " + wanted.size() + " evidence records: the report keeps "
          + "at most " + maxRawBytes / (1024 * 1024) + " MB of raw records (--report-max-raw).");
    } else if (raw.size() < wanted.size() && maxRawBytes > 0) {
      notes.add((wanted.size() - raw.size()) + " evidence records were not found in the inputs again.");
    }
    List<JsonNode> json = new ArrayList<>();
    for (Alert a : alerts) json.add(OcsfFormatter.toJson(a));
    List<String[]> summary = new ArrayList<>();
    summary.add(new String[] {"records read", String.format("%,d", stats.records())});
    summary.add(new String[] {"rejected", String.format("%,d", stats.rejected)});
    summary.add(new String[] {"duplicates dropped", String.format("%,d", duplicates)});
    summary.add(new String[] {"files", Integer.toString(inputs.size())});
    summary.add(new String[] {"hunt time", String.format(Locale.ROOT, "%.1f s", seconds)});
    List<String> names = inputs.stream().map(Path::toString).toList();
    String html = HtmlReport.render(new HtmlReport.Input("ualwatch hunt report", names, summary, json, raw, notes));
    try {
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Main.UsageException("cannot write the report to " + file + ": " + e.getMessage());
    }
    if (!quiet) {
      err.printf(Locale.ROOT, "report: %s (%,d alerts, raw JSON for %,d of %,d evidence records, %.1f s)%n", file,
          alerts.size(), raw.size(), wanted.size(), (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The closing table: one line per alert, most severe first, at most {@code limit}. */
  static void printTable(PrintStream err, List<Alert> alerts, int limit) {
    if (alerts.isEmpty()) return;
    List<Alert> sorted = new ArrayList<>(alerts);
    sorted.sort((x, y) -> y.severity.compareTo(x.severity) != 0 ? y.severity.compareTo(x.severity)
        : Long.compare(x.time, y.time) != 0 ? Long.compare(x.time, y.time) : x.id.compareTo(y.id));
    err.println();
    err.printf("%-20s  %-8s  %-24s  %-34s  %-30s  %s%n", "time (UTC)", "severity", "rule", "user", "source", "id");
    for (Alert a : sorted.subList(0, Math.min(limit, sorted.size()))) {
      Endpoint s = a.source;
      String src = s == null ? "" : nz(s.ip) + (s.country != null ? " " + s.country : "") + (s.asn != null ? " AS" + s.asn : "");
      err.printf("%-20s  %-8s  %-24s  %-34s  %-30s  %s%n", iso(a.time).replace('T', ' ').replace("Z", ""),
          a.severity.name().toLowerCase(Locale.ROOT), a.ruleId, clip(a.user != null ? a.user : nz(a.mailbox), 34), src, a.id);
    }
    if (sorted.size() > limit) err.println("… " + (sorted.size() - limit) + " more (--report or --csv lists them all)");
  }

  private static String iso(long ms) {
    return ms <= 0 ? "" : Instant.ofEpochMilli(ms).toString();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
