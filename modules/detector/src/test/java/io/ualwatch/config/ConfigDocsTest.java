package io.ualwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.engine.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every key declared once; docs/configuration.md generated from the declarations; bad values rejected clearly. */
class ConfigDocsTest {
  @Test
  void keysAreUnique() {
    Set<String> seen = new HashSet<>();
    for (Option<?> o : UalwatchOptions.all()) assertTrue(seen.add(o.key()), "declared twice: " + o.key());
  }

  @Test
  void configurationReferenceIsGeneratedFromTheDeclarations() throws IOException {
    Path doc = TestSupport.repoRoot().resolve("docs/configuration.md");
    String want = UalwatchOptions.markdown();
    if (Boolean.getBoolean("docs.update") || !Files.exists(doc)) Files.writeString(doc, want);
    assertEquals(want, Files.readString(doc), "docs/configuration.md is stale: run the tests with -Ddocs.update=true");
  }

  @Test
  void unknownKeysAndBadValuesSayWhatToFix() {
    ConfigException typo = assertThrows(ConfigException.class,
        () -> UalwatchOptions.of(Map.of("detect.baseline.retension", "10d")));
    assertTrue(typo.getMessage().contains("did you mean detect.baseline.retention"), typo.getMessage());
    ConfigException bad = assertThrows(ConfigException.class,
        () -> UalwatchOptions.of(Map.of("detect.baseline.retention", "1d")));
    assertTrue(bad.getMessage().contains("between 2d and 400d"), bad.getMessage());
    ConfigException cidr = assertThrows(ConfigException.class,
        () -> UalwatchOptions.of(Map.of("detect.allow.cidrs", "10.0.0.0/33")));
    assertTrue(cidr.getMessage().contains("CIDR"), cidr.getMessage());
  }

  @Test
  void yamlFilesLoadNestedAndDottedKeys(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path f = dir.resolve("ualwatch.yaml");
    Files.writeString(f, "detect:\n  baseline:\n    maturity: 3d\n  allow.apps: [a, b]\nrules.token-multi-network.window: 6h\n");
    Config c = UalwatchOptions.load(f);
    assertEquals(java.time.Duration.ofDays(3), c.get(DetectionOptions.BASELINE_MATURITY));
    assertEquals(java.util.List.of("a", "b"), c.get(DetectionOptions.ALLOW_APPS));
    assertEquals(java.time.Duration.ofHours(6), c.get(DetectionOptions.TOKEN_MULTI_NETWORK_WINDOW));
  }
}
