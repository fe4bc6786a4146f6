package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  static final Path ROOT = Path.of(System.getProperty("ualwatch.repo.root", "../.."));
  static final Path SCENARIO = ROOT.resolve("samples/scenarios/storm0558-token-replay");

  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void huntWritesTheScenarioAlertsAsOcsfAndSummarises(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("alerts.jsonl");
    Run r = run("hunt", SCENARIO.resolve("input").toString(), "--out", out.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(out);
    TreeSet<String> ids = new TreeSet<>();
    ObjectMapper m = new ObjectMapper();
    for (String l : lines) ids.add(m.readTree(l).path("finding_info").path("uid").asText());
    TreeSet<String> expected = new TreeSet<>();
    for (JsonNode n : m.readTree(SCENARIO.resolve("expected-alerts.json").toFile())) expected.add(n.path("id").asText());
    assertEquals(expected, ids);
    assertTrue(r.err().contains("records read"), r.err());
    assertTrue(r.err().contains("token-multi-network (critical)"), r.err());
    assertTrue(r.err().contains("DB-IP"), "attribution is shown: " + r.err());
  }

  @Test
  void validateCountsFormatsAndListsEveryRejection(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("in");
    Files.createDirectories(dir);
    Files.copy(SCENARIO.resolve("input/signins.ndjson.gz"), dir.resolve("signins.ndjson.gz"));
    Files.writeString(dir.resolve("mixed.ndjson"), "{\"CreationTime\":\"2025-03-04T09:14:07\",\"Id\":\"a\","
        + "\"Operation\":\"MailItemsAccessed\",\"RecordType\":50}\nnot json\n{\"hello\":1}\n");
    Path summary = tmp.resolve("summary.json");
    Run r = run("validate", dir.toString(), "--summary-json", summary.toString(), "--quiet");
    assertEquals(3, r.code(), "rejections give exit code 3: " + r.out() + r.err());
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertEquals(s.path("records").asLong(), s.path("parsed").asLong() + s.path("rejected").asLong());
    assertEquals(2, s.path("rejected").asLong());
    assertEquals(1, s.path("rejectReasons").path("MALFORMED_JSON").asLong());
    assertEquals(1, s.path("rejectReasons").path("UNKNOWN_SHAPE").asLong());
    assertTrue(s.path("byFormat").has("ndjson"));
    assertTrue(r.out().contains("mixed.ndjson:2"), "each rejection is listed with where it is: " + r.out());
  }

  @Test
  void usageErrorsExitWithTwoAndSayWhatToFix() {
    Run missing = run("hunt", "/no/such/file.json");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("input not found: /no/such/file.json"), missing.err());
    Run unknown = run("hunt", "--frobnicate", "x");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("Unknown option"), unknown.err());
    Run badConfig = run("hunt", SCENARIO.toString(), "--set", "detect.baseline.retension=9d");
    assertEquals(2, badConfig.code());
    assertTrue(badConfig.err().contains("did you mean detect.baseline.retention"), badConfig.err());
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    for (String cmd : List.of("demo", "up", "hunt", "validate", "generate", "geo", "rules")) {
      Run r = run(cmd, "--help");
      assertEquals(0, r.code(), cmd);
      assertTrue(r.out().contains("Usage: ualwatch " + cmd), r.out());
    }
    assertTrue(run("hunt", "--help").out().contains("Examples:"));
  }

  @Test
  void generateIsDeterministic(@TempDir Path tmp) throws Exception {
    assertEquals(0, run("generate", "--out", tmp.resolve("a").toString(), "--mailboxes", "3", "--days", "3",
        "--attack", "token-replay:1:2").code());
    assertEquals(0, run("generate", "--out", tmp.resolve("b").toString(), "--mailboxes", "3", "--days", "3",
        "--attack", "token-replay:1:2").code());
    assertEquals(Files.readString(tmp.resolve("a/audit.ndjson")), Files.readString(tmp.resolve("b/audit.ndjson")));
    assertEquals(2, run("generate", "--out", tmp.resolve("c").toString(), "--attack", "nope").code());
  }
}
