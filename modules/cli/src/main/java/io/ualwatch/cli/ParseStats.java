package io.ualwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputFormat;
import io.ualwatch.model.parse.Rejection;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What parsing made of the inputs: records = parsed + rejected, per format, per operation, per reason. */
final class ParseStats {
  static final int MAX_LISTED = 1000;

  long parsed;
  long rejected;
  final Map<String, Long> byFormat = new TreeMap<>();
  final Map<String, Long> byOperation = new TreeMap<>();
  final Map<String, Long> rejectReasons = new TreeMap<>();
  final Map<String, String> fileFormats = new java.util.LinkedHashMap<>();
  final List<Rejection> listed = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();

  void onFormat(String file, InputFormat f) {
    fileFormats.put(file, f.id());
  }

  void onEvent(AuditEvent e) {
    parsed++;
    byFormat.merge(e.format, 1L, Long::sum);
    byOperation.merge(e.operation == null ? "(none)" : e.operation, 1L, Long::sum);
  }

  void onReject(String file, Rejection r) {
    rejected++;
    rejectReasons.merge(r.reason().name(), 1L, Long::sum);
    String fmt = fileFormats.getOrDefault(file, "unknown");
    byFormat.putIfAbsent(fmt, 0L);
    if (listed.size() < MAX_LISTED) listed.add(r);
  }

  long records() {
    return parsed + rejected;
  }

  void printSummary(PrintStream out, boolean listRejections) {
    out.printf("%n%-32s %,12d%n", "records read", records());
    out.printf("%-32s %,12d%n", "  parsed", parsed);
    out.printf("%-32s %,12d%n", "  rejected", rejected);
    out.println("by format:");
    for (Map.Entry<String, Long> e : byFormat.entrySet()) out.printf("  %-30s %,12d%n", e.getKey(), e.getValue());
    if (!rejectReasons.isEmpty()) {
      out.println("rejected, by reason:");
      for (Map.Entry<String, Long> e : rejectReasons.entrySet()) out.printf("  %-30s %,12d%n", e.getKey(), e.getValue());
    }
    if (listRejections && !listed.isEmpty()) {
      out.println("rejections" + (rejected > listed.size() ? " (first " + listed.size() + ")" : "") + ":");
      for (Rejection r : listed) out.println("  " + r.origin() + "  " + r.reason() + "  " + r.message());
    }
    for (String w : warnings) out.println("warning: " + w);
  }

  ObjectNode toJson(ObjectMapper m) {
    ObjectNode o = m.createObjectNode();
    o.put("records", records());
    o.put("parsed", parsed);
    o.put("rejected", rejected);
    ObjectNode f = o.putObject("byFormat");
    byFormat.forEach(f::put);
    ObjectNode files = o.putObject("files");
    fileFormats.forEach(files::put);
    ObjectNode ops = o.putObject("byOperation");
    byOperation.forEach(ops::put);
    ObjectNode rr = o.putObject("rejectReasons");
    rejectReasons.forEach(rr::put);
    ArrayNode list = o.putArray("rejections");
    for (Rejection r : listed) {
      ObjectNode x = list.addObject();
      x.put("origin", r.origin());
      x.put("reason", r.reason().name());
      x.put("message", r.message());
    }
    ArrayNode w = o.putArray("warnings");
    warnings.forEach(w::add);
    return o;
  }
}
