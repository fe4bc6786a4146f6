package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke run of {@code bench} on a tiny tenant with short live phases: every phase runs for real (generator,
 * reference parse, hunt, idle-user state, embedded broker, the Flink job in both delivery modes, probes) and the
 * table carries positive figures. Not a measurement: the full bench is never part of the suite.
 */
class BenchITCase {
  private static long figure(String out, String rowPattern) {
    Matcher m = Pattern.compile(rowPattern).matcher(out);
    assertTrue(m.find(), "no row matching " + rowPattern + " in:\n" + out);
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void quickBenchOnATinyTenantPrintsTheTableWithEveryPhaseMeasured(@TempDir Path tmp) throws Exception {
    Path report = tmp.resolve("report.md");
    CliTest.Run r = CliTest.run("bench", "--quick", "--mailboxes", "14", "--days", "3", "--probe-seconds", "2",
        "--checkpoint-interval", "1s", "--no-scale", "--data-dir", tmp.resolve("data").toString(),
        "--out", report.toString());
    assertEquals(0, r.code(), r.err());
    String out = r.out();

    assertTrue(out.contains("| # | measure | figure | target | ratio to target | met |"), out);
    assertTrue(out.matches("(?s).*- machine: .*, commit .*, \\d+ cores.*Java 17.*"), "machine and commit recorded: " + out);
    assertTrue(out.contains("- load average (1 / 5 / 15 min): start "), out);
    assertTrue(figure(out, "\\| 1 \\| reference[^|]*\\| ([\\d,]+) records/s") > 0, out);
    assertTrue(figure(out, "\\| 2 \\| hunt: files[^|]*\\| ([\\d,]+) records/s") > 0, out);
    long alerts = figure(out, "\\| 2 \\| hunt alerts \\| (\\d+) \\(");
    assertTrue(alerts > 0, "the injected attacks raise alerts: " + out);
    assertTrue(out.contains("token-multi-network="), out);
    assertTrue(out.matches("(?s).*\\| 2 \\| alerts identical across orders [^\\n]*newest-first identical; shuffled identical "
        + "\\| identical \\| – \\| yes \\|.*"), "the same alerts in every order: " + out);
    assertTrue(figure(out, "\\| 2 \\| hunt on newest-first input ÷ hunt on sorted input \\| ([\\d,]+) records/s") > 0, out);
    assertTrue(figure(out, "\\| 3 \\| live exactly-once, parallelism 2: sustained \\| ([\\d,]+) records/s") > 0, out);
    assertTrue(figure(out, "\\| 3 \\| live at-least-once, parallelism 2: sustained \\| ([\\d,]+) records/s") > 0, out);
    // every probe's alert arrived, in both modes
    assertEquals(2, Pattern.compile("\\| 3 \\| live [a-z-]+: append → alert committed \\| p50 [\\d,]+ ms, p99 [\\d,]+ ms, "
        + "max [\\d,]+ ms \\(10 of 10 probes\\)").matcher(out).results().count(), out);
    assertTrue(figure(out, "\\| 4 \\| state after the 3-day run[^|]*\\| ([\\d,]+) bytes per user") > 0, out);
    assertTrue(figure(out, "\\| 4 \\| state per idle user[^|]*\\| ([\\d,]+) /") > 0, out);
    assertTrue(out.contains("of hunt's"), "live alerts compared with hunt's: " + out);

    List<String> written = Files.readAllLines(report, StandardCharsets.UTF_8);
    assertTrue(written.size() > 20, "--out holds the report: " + written);
    for (String line : written) assertTrue(out.contains(line), "--out holds the printed report; not printed: " + line);
    assertTrue(r.err().contains("bench: live eo-p2: drained"), "progress lines on stderr: " + r.err());
  }

  @Test
  void usageErrorsExitWith2() {
    CliTest.Run r = CliTest.run("bench", "--mailboxes", "0", "--no-live");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--mailboxes must be at least 1"), r.err());
    CliTest.Run d = CliTest.run("bench", "--checkpoint-interval", "soon", "--no-live");
    assertEquals(2, d.code(), d.err());
    assertTrue(d.err().contains("--checkpoint-interval"), d.err());
  }
}
