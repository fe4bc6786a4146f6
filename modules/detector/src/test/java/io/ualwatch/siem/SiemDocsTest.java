package io.ualwatch.siem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ualwatch.detect.AlertCodec;
import io.ualwatch.engine.TestSupport;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.CefFormatter;
import io.ualwatch.model.alert.EcsFormatter;
import io.ualwatch.model.alert.OcsfFormatter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/siem.md cannot drift: its example alerts are generated here from the sample scenario (rewritten with
 * {@code -Ddocs.update=true}), and every OCSF path, ECS path and CEF key its mapping table names appears in the
 * output of the scenario suite.
 */
class SiemDocsTest {
  static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final Path DOC = TestSupport.repoRoot().resolve("docs/siem.md");
  static List<Alert> revisions;

  @BeforeAll
  static void run() throws IOException {
    revisions = new ArrayList<>(ScenarioFormatsTest.allRevisions(
        TestSupport.read(TestSupport.repoRoot().resolve("samples/scenarios/storm0558-token-replay/input"))));
    // plus the two shapes the scenario lacks: an IPv6 source, and a mailbox read by someone else
    Alert v = AlertCodec.INSTANCE.fromBytes(AlertCodec.INSTANCE.toBytes(example()));
    v.source.ip = "2001:db8::7";
    v.mailbox = "ceo@contoso-sim.com";
    revisions.add(v);
  }

  static Alert example() {
    return revisions.stream().filter(a -> a.ruleId.equals("mailbox-new-client-app") && a.status == AlertStatus.NEW)
        .findFirst().orElseThrow();
  }

  static Map<String, String> blocks() throws IOException {
    Alert a = example();
    String syslog = new SyslogMessage(SyslogFacility.LOCAL0, "ualwatch-1.example.org", "ualwatch", "4242",
        AlertFormat.CEF).format(a, Instant.parse("2025-03-19T08:00:00.000Z"));
    return Map.of(
        "ocsf", "```json\n" + PRETTY.writeValueAsString(OcsfFormatter.toJson(a)) + "\n```",
        "ecs", "```json\n" + PRETTY.writeValueAsString(EcsFormatter.toJson(a)) + "\n```",
        "cef", "```text\n" + CefFormatter.format(a) + "\n```",
        "syslog", "```text\n" + syslog + "\n```");
  }

  @Test
  void examplesAreGeneratedFromTheSampleScenario() throws IOException {
    String doc = Files.readString(DOC);
    String want = doc;
    for (Map.Entry<String, String> b : blocks().entrySet()) {
      String begin = "<!-- BEGIN GENERATED: " + b.getKey() + " -->";
      String end = "<!-- END GENERATED: " + b.getKey() + " -->";
      int i = want.indexOf(begin);
      int j = want.indexOf(end);
      assertTrue(i >= 0 && j > i, "markers for " + b.getKey() + " in docs/siem.md");
      want = want.substring(0, i + begin.length()) + "\n" + b.getValue() + "\n" + want.substring(j);
    }
    if (Boolean.getBoolean("docs.update")) Files.writeString(DOC, want);
    assertEquals(want, Files.readString(DOC), "docs/siem.md examples are stale: run SiemDocsTest with -Ddocs.update=true");
  }

  @Test
  void everyFieldTheMappingTableNamesIsWritten() throws IOException {
    List<JsonNode> ocsf = revisions.stream().map(a -> (JsonNode) OcsfFormatter.toJson(a)).toList();
    List<JsonNode> ecs = revisions.stream().map(a -> (JsonNode) EcsFormatter.toJson(a)).toList();
    List<Map<String, String>> cef = revisions.stream().map(a -> CefParser.parse(CefFormatter.format(a)).extension()).toList();
    String doc = Files.readString(DOC);
    String section = doc.substring(doc.indexOf("## Field mapping"), doc.indexOf("\n## ", doc.indexOf("## Field mapping") + 5));
    Pattern tick = Pattern.compile("`([^`]+)`");
    int rows = 0;
    for (String line : section.split("\n")) {
      if (!line.startsWith("| `") && !line.startsWith("| ATT") && !line.startsWith("| schema")) continue;
      String[] cells = line.substring(1, line.length() - 1).split("\\|");
      assertEquals(4, cells.length, line);
      rows++;
      for (int col = 1; col <= 3; col++) {
        Matcher m = tick.matcher(cells[col]);
        while (m.find()) {
          String token = m.group(1);
          if (col == 1) assertTrue(ocsf.stream().anyMatch(n -> exists(n, token)), "OCSF " + token + " is never written");
          if (col == 2) assertTrue(ecs.stream().anyMatch(n -> exists(n, token)), "ECS " + token + " is never written");
          if (col == 3) {
            int eq = token.indexOf('=');
            if (eq < 0) {
              assertTrue(cef.stream().anyMatch(x -> x.containsKey(token)), "CEF " + token + " is never written");
            } else {
              String k = token.substring(0, eq);
              String v = token.substring(eq + 1);
              assertTrue(cef.stream().anyMatch(x -> v.equals(x.get(k))), "CEF " + token + " is never written");
            }
          }
        }
      }
    }
    assertTrue(rows >= 25, "mapping rows found: " + rows);
  }

  /** Whether a dotted path exists; {@code name[]} descends into every element of an array. */
  static boolean exists(JsonNode n, String path) {
    if (path.equals("never rendered")) return true;
    List<JsonNode> cur = List.of(n);
    for (String part : path.split("\\.(?![^\\[]*\\])")) {
      boolean array = part.endsWith("[]");
      String name = array ? part.substring(0, part.length() - 2) : part;
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode c : cur) {
        JsonNode v = c.get(name);
        if (v == null || v.isNull()) continue;
        if (array) {
          if (!v.isArray()) continue;
          v.forEach(next::add);
        } else {
          next.add(v);
        }
      }
      cur = next;
      if (cur.isEmpty()) return false;
    }
    assertFalse(cur.isEmpty());
    return true;
  }
}
