package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code up}'s argument checks. The whole stack bounded by {@code --for} (the emulator serving the live simulated
 * tenant through the real connectors, the exactly-once job, the console, the alert watcher) runs in
 * {@link UpSecurityITCase}, on the secure broker; the plaintext broker and the same parts run in {@link DemoITCase}.
 */
class UpITCase {
  @Test
  void forMustBeAPositiveDuration() {
    CliTest.Run r = CliTest.run("up", "--for", "0s", "--source", "none");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--for must be positive"), r.err());
  }
}
