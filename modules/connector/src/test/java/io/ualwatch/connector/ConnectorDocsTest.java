package io.ualwatch.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/connectors.md's configuration tables are generated from the ConfigDefs; this fails when they are stale.
 * Regenerate with {@code ./mvnw -q -B -pl modules/connector -am test -Dtest=ConnectorDocsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dualwatch.docs.update=true}.
 */
class ConnectorDocsTest {
  @Test
  void configTablesInTheDocsMatchTheConfigDefs() throws Exception {
    Path doc = Path.of(System.getProperty("ualwatch.repo.root", "../.."), "docs", "connectors.md");
    assertTrue(Files.exists(doc), doc + " missing");
    String text = Files.readString(doc);
    String updated = text;
    for (Map.Entry<String, String> e : ConfigDocs.sections().entrySet()) {
      String start = "<!-- generated:" + e.getKey() + ":start -->";
      String end = "<!-- generated:" + e.getKey() + ":end -->";
      int a = updated.indexOf(start);
      int b = updated.indexOf(end);
      assertTrue(a >= 0 && b > a, "markers for " + e.getKey() + " missing in " + doc);
      updated = updated.substring(0, a + start.length()) + "\n" + e.getValue() + "\n" + updated.substring(b);
    }
    if (Boolean.getBoolean("ualwatch.docs.update")) {
      Files.writeString(doc, updated);
      return;
    }
    assertEquals(updated, text, "docs/connectors.md is stale: regenerate with -Dualwatch.docs.update=true (see this test)");
  }
}
