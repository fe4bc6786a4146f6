package io.ualwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.config.Option;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.engine.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DetectionDocsTest {
  @Test
  void detectionsDocIsGeneratedFromTheRuleCatalogue() throws IOException {
    Path doc = TestSupport.repoRoot().resolve("docs/detections.md");
    String want = RuleDocs.markdown();
    if (Boolean.getBoolean("docs.update") || !Files.exists(doc)) Files.writeString(doc, want);
    assertEquals(want, Files.readString(doc), "docs/detections.md is stale: run the tests with -Ddocs.update=true");
  }

  @Test
  void everyRuleIsDocumentedAndNamesRealConfigurationKeys() {
    Set<String> keys = new HashSet<>();
    for (Option<?> o : UalwatchOptions.all()) keys.add(o.key());
    Set<String> ids = new HashSet<>();
    for (RuleInfo r : DetectionGraph.rules()) {
      assertTrue(ids.add(r.id()), "rule id twice: " + r.id());
      assertTrue(r.techniqueId().matches("T\\d{4}(\\.\\d{3})?"), r.id() + " ATT&CK id");
      for (String field : new String[] {r.fires(), r.whyItMatters(), r.falsePositives(), r.triage()}) {
        assertTrue(field.length() > 40, r.id() + " has a documentation field that says too little");
      }
      for (String k : r.configKeys()) assertTrue(keys.contains(k), r.id() + " names unknown key " + k);
      assertTrue(keys.contains("rules." + r.id() + ".enabled"), r.id() + " has no enabled switch");
    }
  }
}
