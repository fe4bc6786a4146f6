package io.ualwatch.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.testkit.sim.ScenarioSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden scenarios: every folder under samples/scenarios holds input records and expected-alerts.json; one
 * dynamic test per scenario runs the detection graph over the input and compares the final alerts (id,
 * rule, severity). A scenario with a scenario.properties is also regenerated and compared byte for byte,
 * which proves the generator deterministic. {@code -Dscenario.update=true} rewrites expected-alerts.json.
 */
class ScenarioTest {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @TempDir
  Path tmp;

  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException {
    Path root = TestSupport.repoRoot().resolve("samples/scenarios");
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    assertFalse(dirs.isEmpty(), "no scenarios in " + root);
    List<DynamicTest> tests = new ArrayList<>();
    for (Path d : dirs) {
      tests.add(DynamicTest.dynamicTest(d.getFileName() + ": alerts", () -> checkAlerts(d)));
      if (Files.exists(d.resolve(ScenarioSpec.FILE))) {
        tests.add(DynamicTest.dynamicTest(d.getFileName() + ": inputs regenerate byte for byte", () -> regenerate(d)));
      }
    }
    tests.add(DynamicTest.dynamicTest("every generated scenario has its own tenant", () -> distinctTenants(dirs)));
    return tests.stream();
  }

  /**
   * The Kafka test plays all scenarios through one job, as a stream of mixed tenants: two scenarios with the same
   * tenant would share users (same names, other homes) and raise alerts across scenarios.
   */
  static void distinctTenants(List<Path> dirs) throws IOException {
    java.util.Map<String, Path> byTenant = new java.util.HashMap<>();
    for (Path d : dirs) {
      if (!Files.exists(d.resolve(ScenarioSpec.FILE))) continue;
      String tenant = new io.ualwatch.testkit.sim.TenantSimulator(ScenarioSpec.read(d)).tenantId();
      Path other = byTenant.put(tenant, d);
      org.junit.jupiter.api.Assertions.assertNull(other, d.getFileName() + " and " + (other == null ? "" : other.getFileName())
          + " generate the same tenant " + tenant + ": give one another tenant-seed in " + ScenarioSpec.FILE);
    }
  }

  void checkAlerts(Path dir) throws IOException {
    List<Alert> alerts = TestSupport.hunt(dir.resolve("input"), TestSupport.defaults(), true).active();
    ArrayNode actual = toExpected(alerts);
    Path f = dir.resolve("expected-alerts.json");
    if (Boolean.getBoolean("scenario.update")) {
      Files.writeString(f, MAPPER.writeValueAsString(actual) + "\n");
      return;
    }
    JsonNode want = MAPPER.readTree(f.toFile());
    assertEquals(summary(want), summary(actual), "alerts of scenario " + dir.getFileName());
  }

  static ArrayNode toExpected(List<Alert> alerts) {
    ArrayNode arr = MAPPER.createArrayNode();
    for (Alert a : alerts) {
      ObjectNode o = arr.addObject();
      o.put("id", a.id);
      o.put("rule", a.ruleId);
      o.put("severity", a.severity.name());
      o.put("time", Instant.ofEpochMilli(a.time).toString());
      o.put("user", a.user);
      o.put("message", a.message);
    }
    return arr;
  }

  static List<String> summary(JsonNode arr) {
    List<String> l = new ArrayList<>();
    for (JsonNode n : arr) l.add(n.path("id").asText() + " " + n.path("rule").asText() + " " + n.path("severity").asText());
    l.sort(null);
    return l;
  }

  void regenerate(Path dir) throws IOException {
    Path out = tmp.resolve(dir.getFileName().toString());
    ScenarioSpec.generate(ScenarioSpec.read(dir), out);
    for (String f : List.of(ScenarioSpec.AUDIT, ScenarioSpec.SIGNINS)) {
      assertArrayEquals(Files.readAllBytes(dir.resolve(f)), Files.readAllBytes(out.resolve(f)), f + " of " + dir.getFileName());
    }
  }
}
