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

  /** The parsers' folder of every format, with its manifest of what each file holds (written by hand). */
  @Test
  void validateOnAFolderMixingEveryFormatParsesEveryRecordAndRejectsEachGarbageOneWithItsReason(@TempDir Path tmp)
      throws Exception {
    Path dir = ROOT.resolve("modules/model/src/test/resources/mixed-formats");
    JsonNode manifest = new ObjectMapper().readTree(ROOT.resolve("modules/model/src/test/resources/mixed-formats.expected.json").toFile());
    long events = 0;
    java.util.Map<String, String> rejections = new java.util.TreeMap<>();
    for (var f = manifest.fields(); f.hasNext(); ) {
      var e = f.next();
      events += e.getValue().path("events").asLong();
      e.getValue().path("rejections").fields().forEachRemaining(r -> rejections.put(r.getKey(), r.getValue().asText()));
    }
    Path summary = tmp.resolve("summary.json");
    Run r = run("validate", dir.toString(), "--summary-json", summary.toString());
    assertEquals(3, r.code(), r.out() + r.err());
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertEquals(events, s.path("parsed").asLong(), r.out());
    assertEquals(rejections.size(), s.path("rejected").asLong(), r.out());
    for (var e : rejections.entrySet()) {
      assertTrue(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(e.getKey()) + "\\s+" + e.getValue())
          .matcher(r.out()).find(), "rejection " + e + " listed: " + r.out());
    }
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
    for (String cmd : List.of("demo", "up", "hunt", "validate", "generate", "geo", "rules", "watch", "replay", "console")) {
      Run r = run(cmd, "--help");
      assertEquals(0, r.code(), cmd);
      assertTrue(r.out().contains("Usage: ualwatch " + cmd), r.out());
    }
    for (String cmd : List.of("hunt", "watch", "replay", "console", "up", "demo")) {
      String help = run(cmd, "--help").out();
      assertTrue(help.contains("Examples:") && help.contains("Exit codes:"), cmd + ": " + help);
    }
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

  @Test
  void huntWritesASelfContainedReportWithRawEvidenceAndACsv(@TempDir Path tmp) throws Exception {
    Path report = tmp.resolve("report.html");
    Path csv = tmp.resolve("alerts.csv");
    Run r = run("hunt", SCENARIO.resolve("input").toString(), "--out", tmp.resolve("a.jsonl").toString(), "--quiet",
        "--report", report.toString(), "--csv", csv.toString());
    assertEquals(0, r.code(), r.err());
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> alerts = new java.util.ArrayList<>();
    for (String l : Files.readAllLines(tmp.resolve("a.jsonl"))) alerts.add(m.readTree(l));
    String html = Files.readString(report);
    // self-contained: nothing is loaded from anywhere, and the page says so to the browser too
    assertTrue(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"), "CSP");
    assertTrue(!java.util.regex.Pattern.compile("(src|href)\\s*=\\s*[\"']?(https?:)?//").matcher(html).find(),
        "no external resource");
    assertTrue(html.contains("<svg") && html.contains("Timeline") && html.contains("Top source addresses"));
    int withRaw = 0;
    for (JsonNode a : alerts) {
      assertTrue(html.contains("id=\"" + a.path("finding_info").path("uid").asText() + "\""), "every alert has a section");
      for (JsonNode ev : a.path("finding_info").path("related_events")) {
        String uid = ev.path("uid").asText();
        assertTrue(html.contains(uid), "evidence id listed: " + uid);
        // the raw record, pretty-printed and escaped, is in the report
        if (html.contains("&quot;Id&quot; : &quot;" + uid + "&quot;")) withRaw++;
      }
    }
    assertTrue(withRaw > 0, "raw evidence records are included");
    assertTrue(r.err().contains("token-multi-network") && r.err().contains("time (UTC)"), "final table: " + r.err());

    List<String> rows = Files.readAllLines(csv);
    assertEquals(alerts.size() + 1, rows.size(), "header + one row per alert");
    assertTrue(rows.get(0).replace("\uFEFF", "").startsWith("id,revision,status,time,severity,rule,user"), rows.get(0));
    for (JsonNode a : alerts) {
      assertTrue(rows.stream().anyMatch(l -> l.startsWith(a.path("finding_info").path("uid").asText() + ",")));
    }
  }

  @Test
  void csvCellsAreQuotedAndDefusedForSpreadsheets() {
    assertEquals("plain", HuntOutputs.csvCell("plain"));
    assertEquals("\"a, b\"", HuntOutputs.csvCell("a, b"));
    assertEquals("\"say \"\"hi\"\"\"", HuntOutputs.csvCell("say \"hi\""));
    assertEquals("'=HYPERLINK(1)", HuntOutputs.csvCell("=HYPERLINK(1)"));
    assertEquals("'@cmd", HuntOutputs.csvCell("@cmd"));
  }

  @Test
  void brokerCommandsSayWhenTheBrokerIsUnreachable() throws Exception {
    int port = io.ualwatch.testkit.EmbeddedKafka.freePort();
    long t0 = System.nanoTime();
    Run w = run("watch", "--bootstrap", "127.0.0.1:" + port, "--timeout", "2");
    assertEquals(1, w.code(), w.err());
    assertTrue(w.err().contains("cannot reach a Kafka broker at 127.0.0.1:" + port + " within 2 s"), w.err());
    assertTrue(w.err().contains("ualwatch up"), "says what to do: " + w.err());
    assertTrue((System.nanoTime() - t0) / 1e9 < 15, "gives up in about --timeout");
    Run rp = run("replay", SCENARIO.resolve("input").toString(), "--bootstrap", "127.0.0.1:" + port, "--timeout", "1",
        "--state", "/nonexistent-dir/never-written.json");
    assertEquals(1, rp.code(), rp.err());
    assertTrue(rp.err().contains("cannot reach a Kafka broker"), rp.err());
    Run c = run("console", "--bootstrap", "127.0.0.1:" + port, "--timeout", "1", "--port", "0");
    assertEquals(1, c.code(), c.err());
    assertTrue(c.err().contains("cannot reach a Kafka broker"), c.err());
  }

  @Test
  void newCommandsRejectBadOptionsWithUsageErrors() {
    Run speed = run("replay", SCENARIO.toString(), "--speed", "fast");
    assertEquals(2, speed.code());
    assertTrue(speed.err().contains("--speed fast: use 'max' or a positive number"), speed.err());
    Run sev = run("watch", "--min-severity", "severe");
    assertEquals(2, sev.code());
    assertTrue(sev.err().contains("unknown severity 'severe'"), sev.err());
    Run since = run("watch", "--since", "yesterday");
    assertEquals(2, since.code());
    assertTrue(since.err().contains("--since yesterday"), since.err());
    Run both = run("watch", "--since", "2h", "--from-beginning");
    assertEquals(2, both.code());
    Run bind = run("console", "--bind", "0.0.0.0");
    assertEquals(2, bind.code());
    assertTrue(bind.err().contains("add a token (--token-file, --token-env or --generate-token) and TLS"), bind.err());
    Run unknown = run("watch", "--colour");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("Unknown option: '--colour'"), unknown.err());
    Run missing = run("replay", "/no/such/export.csv");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("input not found: /no/such/export.csv"), missing.err());
  }

  @Test
  void theConsolesSecretsComeFromFilesOrTheEnvironmentAndAnExposedConsoleNeedsTlsAndAToken(@TempDir Path tmp)
      throws Exception {
    Run onCommandLine = run("console", "--token", "0123456789abcdef0123");
    assertEquals(2, onCommandLine.code());
    assertTrue(onCommandLine.err().contains("--token TOKEN is no longer accepted") && onCommandLine.err()
        .contains("give --token-file FILE, or export it and give --token-env NAME"), onCommandLine.err());
    assertTrue(!onCommandLine.err().contains("0123456789abcdef0123"), "the value is not repeated: " + onCommandLine.err());
    Path up = tmp.resolve("up");
    Run upToken = run("up", "--console-token", "0123456789abcdef0123", "--data-dir", up.toString(), "--source", "none");
    assertEquals(2, upToken.code());
    assertTrue(upToken.err().contains("--console-token TOKEN is no longer accepted")
        && upToken.err().contains("--console-token-file FILE"), upToken.err());
    assertTrue(!upToken.err().contains("0123456789abcdef0123"), upToken.err());
    Run upUnset = run("up", "--console-token-env", "UALWATCH_TEST_NO_SUCH_VARIABLE_17", "--data-dir", up.toString(),
        "--source", "none");
    assertEquals(2, upUnset.code());
    assertTrue(upUnset.err().contains("(--console-token-env) is not set"), upUnset.err());
    Run noTls = run("console", "--bind", "0.0.0.0", "--generate-token");
    assertEquals(2, noTls.code());
    assertTrue(noTls.err().contains("add TLS (--tls-cert with --tls-key, or --tls-keystore"), noTls.err());
    Run proxyNoToken = run("console", "--behind-tls-proxy");
    assertEquals(2, proxyNoToken.code());
    assertTrue(proxyNoToken.err().contains("--behind-tls-proxy makes the console reachable"), proxyNoToken.err());
    Run unset = run("console", "--token-env", "UALWATCH_TEST_NO_SUCH_VARIABLE_17");
    assertEquals(2, unset.code());
    assertTrue(unset.err().contains("UALWATCH_TEST_NO_SUCH_VARIABLE_17 (--token-env) is not set"), unset.err());
    Path shortToken = tmp.resolve("short.token");
    Files.writeString(shortToken, "abc123\n");
    Run tooShort = run("console", "--token-file", shortToken.toString());
    assertEquals(2, tooShort.code());
    assertTrue(tooShort.err().contains("is too short: use 16 characters or more"), tooShort.err());
    assertTrue(!tooShort.err().contains("abc123"), "the token is not shown: " + tooShort.err());
    Run two = run("console", "--token-file", shortToken.toString(), "--generate-token");
    assertEquals(2, two.code());
    assertTrue(two.err().contains("give one of --token-file, --token-env and --generate-token"), two.err());
    Run certOnly = run("console", "--tls-cert", tmp.resolve("console.crt").toString());
    assertEquals(2, certOnly.code());
    assertTrue(certOnly.err().contains("--tls-cert and --tls-key go together"), certOnly.err());
    Run keystoreNoPassword = run("console", "--tls-keystore", tmp.resolve("console.p12").toString());
    assertEquals(2, keystoreNoPassword.code());
    assertTrue(keystoreNoPassword.err().contains("--tls-keystore needs its password from one of"), keystoreNoPassword.err());
    Run missing = run("console", "--tls-cert", tmp.resolve("none.crt").toString(), "--tls-key",
        tmp.resolve("none.key").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("cannot read the TLS certificate chain " + tmp.resolve("none.crt")), missing.err());
    Run help = run("console", "--help");
    assertEquals(0, help.code());
    for (String flag : List.of("--token-file", "--token-env", "--generate-token", "--tls-cert", "--tls-key",
        "--tls-keystore", "--tls-keystore-password-file", "--tls-keystore-password-env", "--behind-tls-proxy")) {
      assertTrue(help.out().contains(flag), flag + " in " + help.out());
    }
  }
}
