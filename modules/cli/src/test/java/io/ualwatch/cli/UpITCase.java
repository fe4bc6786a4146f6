package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up} with its defaults (the emulator serving the live simulated tenant through the real connectors in a
 * Connect worker, the Kafka job, exactly-once) bounded by {@code --for}: the token replay injected yesterday is
 * found, and nothing is raised about the tenant's ordinary users.
 */
class UpITCase {
  @Test
  void upOnTheSimulatedTenantFindsYesterdaysTokenReplayAndStopsByItself(@TempDir Path tmp) {
    CliTest.Run r = CliTest.run("up", "--port", "0", "--no-console", "--for", "150s", "--data-dir", tmp.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("connectors running in an embedded Kafka Connect worker")
        || r.out().contains("connect:   http://"), r.out());
    Matcher m = Pattern.compile("alerts:\\s+(\\d+) active of (\\d+) alert ids (.*)").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(m.group(3).contains("token-multi-network="), "the replayed token is found: " + r.out());
    assertFalse(m.group(3).contains("token-without-signin"), "no absence alert from feeds still catching up: " + r.out());
    assertTrue(r.out().contains("dead letters: 0"), r.out());
    assertTrue(r.out().contains("stopping…"), r.out());
  }

  @Test
  void forMustBeAPositiveDuration() {
    CliTest.Run r = CliTest.run("up", "--for", "0s", "--source", "none");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--for must be positive"), r.err());
  }
}
