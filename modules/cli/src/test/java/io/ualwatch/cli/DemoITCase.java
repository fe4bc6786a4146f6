package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ualwatch demo` end to end, in-process: broker, MiniCluster, scenario, every expected alert, a dead letter. */
class DemoITCase {
  @Test
  void demoShowsEveryExpectedAlertAndTheDeadLetter(@TempDir Path tmp) {
    CliTest.Run r = CliTest.run("demo", "--data-dir", tmp.toString(), "--no-color", "--timeout", "180",
        "--scenario", CliTest.SCENARIO.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("expected alerts seen\\s+(\\d+) of (\\d+)").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals(m.group(2), m.group(1), "every expected alert arrived: " + r.out());
    assertTrue(Integer.parseInt(m.group(2)) >= 3, r.out());
    assertTrue(r.out().contains("dead letter  MALFORMED_JSON"), r.out());
    // The records went through the emulator's HTTP APIs and the real connectors in a Connect worker, every one.
    assertTrue(r.out().contains("connectors running in an embedded Kafka Connect worker"), r.out());
    assertTrue(r.out().contains("(all of them, + the malformed one)"), r.out());
    assertTrue(!r.out().contains("token-without-signin"), "no absence alert decided before the other feed arrived: "
        + r.out());
    assertTrue(r.out().contains("token-multi-network"), r.out());
    assertTrue(r.out().contains("console: http://127.0.0.1:"), "the demo serves the console and prints its URL: " + r.out());
  }
}
