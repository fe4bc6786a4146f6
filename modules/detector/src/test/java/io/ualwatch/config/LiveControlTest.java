package io.ualwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the control topic may change, and the messages for what it may not. */
class LiveControlTest {
  @Test
  void detectionOptionsAreLiveExceptTheOnesThatDefineStateAndAlertIds() {
    assertTrue(LiveControl.isLive("rules.token-multi-network.enabled"));
    assertTrue(LiveControl.isLive("detect.allow.apps"));
    assertTrue(!LiveControl.isLive("detect.suppression"));
    assertTrue(!LiveControl.isLive("detect.baseline.retention"));
    assertTrue(!LiveControl.isLive("topics.alerts"));
    assertEquals(DetectionOptions.ALL.size() - LiveControl.RESTART_ONLY.size(), LiveControl.liveOptions().size());
  }

  @Test
  void checkNormalizesValuesAndSaysWhatIsWrong() {
    assertEquals("false", LiveControl.check("rules.token-multi-network.enabled", " false "));
    assertNull(LiveControl.check("detect.allow.users", null), "a tombstone reverts");
    assertNull(LiveControl.check("detect.allow.users", ""), "so does an empty value");
    ConfigException bad = assertThrows(ConfigException.class,
        () -> LiveControl.check("rules.token-multi-network.enabled", "maybe"));
    assertTrue(bad.getMessage().contains("rules.token-multi-network.enabled"), bad.getMessage());
    ConfigException typo = assertThrows(ConfigException.class,
        () -> LiveControl.check("rules.token-multi-network.enabeld", "false"));
    assertTrue(typo.getMessage().contains("rules.token-multi-network.enabled"), "names the closest key: " + typo.getMessage());
    ConfigException restart = assertThrows(ConfigException.class, () -> LiveControl.check("detect.suppression", "2h"));
    assertTrue(restart.getMessage().contains("cannot be changed live"), restart.getMessage());
    ConfigException job = assertThrows(ConfigException.class, () -> LiveControl.check("job.parallelism", "4"));
    assertTrue(job.getMessage().contains("restart"), job.getMessage());
  }

  @Test
  void applyLayersOverridesOnTheJobsConfigurationAndChangesItsVersion() {
    Config base = UalwatchOptions.of(Map.of("detect.evidence.max", "7"));
    Config live = LiveControl.apply(base, Map.of("rules.token-multi-network.enabled", "false"));
    assertEquals(false, live.get(DetectionOptions.TOKEN_MULTI_NETWORK_ENABLED));
    assertEquals(7, live.get(DetectionOptions.EVIDENCE_MAX), "the job's own settings stay");
    assertTrue(!live.version().equals(base.version()));
    assertEquals(base.version(), LiveControl.apply(base, Map.of()).version());
  }
}
