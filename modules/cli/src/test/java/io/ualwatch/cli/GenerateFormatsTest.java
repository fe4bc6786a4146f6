package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate --format}: the same tenant as NDJSON, API JSON and Purview CSV parses to the same records and alerts. */
class GenerateFormatsTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static Set<String> alertIds(Path alerts) throws Exception {
    Set<String> ids = new TreeSet<>();
    for (String l : Files.readAllLines(alerts)) {
      if (!l.isBlank()) ids.add(M.readTree(l).path("finding_info").path("uid").asText());
    }
    return ids;
  }

  @Test
  void everyFormatCarriesTheSameRecordsAndRaisesTheSameAlerts(@TempDir Path tmp) throws Exception {
    List<Set<String>> alerts = new ArrayList<>();
    List<String> counts = new ArrayList<>();
    for (String format : List.of("ndjson", "api-json", "purview-csv")) {
      Path dir = tmp.resolve(format);
      List<String> args = new ArrayList<>(List.of("generate", "--out", dir.toString(), "--mailboxes", "8", "--days",
          "14", "--seed", "3", "--attack", "token-replay:2:11", "--attack", "forward-external:4:12", "--format", format));
      if (format.equals("purview-csv")) args.add("--gzip");
      CliTest.Run g = CliTest.run(args.toArray(String[]::new));
      assertEquals(0, g.code(), g.err());
      Path summary = tmp.resolve(format + "-validate.json");
      CliTest.Run v = CliTest.run("validate", dir.toString(), "--summary-json", summary.toString());
      assertEquals(0, v.code(), format + ": every generated record parses\n" + v.out() + v.err());
      JsonNode s = M.readTree(summary.toFile());
      counts.add(s.path("parsed").asText() + " parsed, " + s.path("rejected").asText() + " rejected");
      Path out = tmp.resolve(format + "-alerts.ndjson");
      CliTest.Run h = CliTest.run("hunt", dir.toString(), "--out", out.toString(), "--quiet");
      assertEquals(0, h.code(), h.err());
      alerts.add(alertIds(out));
    }
    assertTrue(Files.exists(tmp.resolve("api-json/audit.json")));
    assertTrue(Files.exists(tmp.resolve("purview-csv/audit.csv.gz")));
    assertTrue(Files.readString(tmp.resolve("api-json/signins.json")).startsWith("{\"value\":["));
    assertFalse(alerts.get(0).isEmpty(), "the injected attacks raise alerts");
    assertEquals(counts.get(0), counts.get(1), "API JSON holds the NDJSON's records");
    assertEquals(counts.get(0), counts.get(2), "Purview CSV holds the NDJSON's records");
    assertEquals(alerts.get(0), alerts.get(1));
    assertEquals(alerts.get(0), alerts.get(2));
  }

  /** The event times of a file's records, in file order. */
  private static List<Long> times(Path file) throws Exception {
    List<Long> l = new ArrayList<>();
    try (java.io.InputStream in = Files.newInputStream(file)) {
      new io.ualwatch.model.parse.InputReader().read(in, file.toString(), new io.ualwatch.model.parse.ParseListener() {
        @Override public void onEvent(io.ualwatch.model.AuditEvent e) { l.add(e.eventTime.toEpochMilli()); }
        @Override public void onReject(io.ualwatch.model.parse.Rejection r) { }
      });
    }
    return l;
  }

  @Test
  void everyOrderHoldsTheSameRecordsAndPurviewCsvIsNewestFirstByDefault(@TempDir Path tmp) throws Exception {
    List<Set<String>> alerts = new ArrayList<>();
    for (String order : List.of("oldest-first", "newest-first", "shuffled", "default-csv")) {
      Path dir = tmp.resolve(order);
      List<String> args = new ArrayList<>(List.of("generate", "--out", dir.toString(), "--mailboxes", "8", "--days",
          "14", "--seed", "3", "--attack", "token-replay:2:11", "--attack", "token-no-signin:5:9"));
      if (order.equals("default-csv")) args.addAll(List.of("--format", "purview-csv"));
      else args.addAll(List.of("--order", order));
      CliTest.Run g = CliTest.run(args.toArray(String[]::new));
      assertEquals(0, g.code(), g.err());
      Path audit = dir.resolve(order.equals("default-csv") ? "audit.csv" : "audit.ndjson");
      List<Long> t = times(audit);
      List<Long> sorted = new ArrayList<>(t);
      java.util.Collections.sort(sorted);
      List<Long> reversed = new ArrayList<>(sorted);
      java.util.Collections.reverse(reversed);
      switch (order) {
        case "oldest-first" -> assertEquals(sorted, t);
        case "newest-first", "default-csv" -> assertEquals(reversed, t, order + ": newest record first");
        default -> {
          assertFalse(t.equals(sorted) || t.equals(reversed), "shuffled");
        }
      }
      Path out = tmp.resolve(order + "-alerts.ndjson");
      CliTest.Run h = CliTest.run("hunt", dir.toString(), "--out", out.toString(), "--quiet");
      assertEquals(0, h.code(), h.err());
      alerts.add(alertIds(out));
    }
    assertFalse(alerts.get(0).isEmpty());
    for (int i = 1; i < alerts.size(); i++) assertEquals(alerts.get(0), alerts.get(i), "order " + i);
  }

  @Test
  void anUnknownFormatIsAUsageError(@TempDir Path tmp) {
    CliTest.Run r = CliTest.run("generate", "--out", tmp.toString(), "--format", "xml");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("known: ndjson, api-json, purview-csv"), r.err());
  }
}
