package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.siem.CefParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hunt --format ocsf|ecs|cef}: the same alerts, in the same order, one per line, in each format. */
class HuntFormatsTest {
  static List<String> hunt(Path tmp, String format) throws Exception {
    Path out = tmp.resolve("alerts." + format);
    CliTest.Run r = CliTest.run("hunt", CliTest.SCENARIO.resolve("input").toString(), "--format", format, "--out",
        out.toString(), "--quiet", "--all-revisions");
    assertEquals(0, r.code(), r.err());
    return Files.readAllLines(out);
  }

  @Test
  void everyFormatCarriesTheSameRevisions(@TempDir Path tmp) throws Exception {
    ObjectMapper m = new ObjectMapper();
    List<String> ocsf = hunt(tmp, "ocsf");
    List<String> ecs = hunt(tmp, "ecs");
    List<String> cef = hunt(tmp, "CEF");
    assertTrue(ocsf.size() >= 3, "the scenario raises alerts: " + ocsf.size());
    assertEquals(ocsf.size(), ecs.size());
    assertEquals(ocsf.size(), cef.size());
    List<String> fromOcsf = new ArrayList<>();
    List<String> fromEcs = new ArrayList<>();
    List<String> fromCef = new ArrayList<>();
    for (int i = 0; i < ocsf.size(); i++) {
      JsonNode o = m.readTree(ocsf.get(i));
      fromOcsf.add(o.at("/finding_info/uid").asText() + " r" + o.at("/metadata/sequence").asInt());
      JsonNode e = m.readTree(ecs.get(i));
      assertEquals("alert", e.at("/event/kind").asText());
      fromEcs.add(e.at("/event/id").asText() + " r" + e.at("/event/sequence").asInt());
      CefParser.Cef c = CefParser.parse(cef.get(i));
      fromCef.add(c.extension().get("externalId") + " r" + c.extension().get("cn1"));
    }
    assertEquals(fromOcsf, fromEcs);
    assertEquals(fromOcsf, fromCef);
  }

  @Test
  void anUnknownFormatIsAUsageError() {
    CliTest.Run r = CliTest.run("hunt", CliTest.SCENARIO.resolve("input").toString(), "--format", "leef");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("expected ocsf, ecs or cef"), r.err());
  }
}
