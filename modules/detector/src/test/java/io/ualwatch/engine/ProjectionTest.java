package io.ualwatch.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.AlertCodec;
import io.ualwatch.detect.DetectionGraph;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.Projection;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Projection} drops fields once after parsing; it must drop only what no detector reads. Every rule runs
 * over a generated tenant (every attack and benign look-alike the simulator knows) with and without the
 * projection, and every alert revision is compared whole (its encoded bytes: evidence, facts, endpoints, message).
 */
class ProjectionTest {
  @Test
  void detectionReadsNoFieldTheProjectionDrops() {
    TenantSimulator sim = TestSupport.everyKind(23);
    List<TenantSimulator.Record> records = new ArrayList<>();
    sim.generate(records::add);
    DetectionSettings s = TestSupport.defaults();

    List<AuditEvent> parsed = TestSupport.parse(records);
    assertTrue(parsed.stream().anyMatch(e -> e.userAgent != null || e.itemIds != null || e.clientInfo != null),
        "the generated records carry fields the projection drops");
    Map<String, String> projected = revisions(parsed, s, true);
    Map<String, String> whole = revisions(TestSupport.parse(records), s, false);
    TreeSet<String> rules = new TreeSet<>();
    for (String k : whole.keySet()) rules.add(k.substring(0, k.indexOf(' ')));
    assertEquals(new TreeSet<>(DetectionGraph.rules().stream().map(r -> r.id()).toList()), rules,
        "every rule raised an alert");
    assertEquals(whole.keySet(), projected.keySet(), "the same alert revisions");
    for (String k : whole.keySet()) assertTrue(whole.get(k).equals(projected.get(k)), "alert revision " + k + " differs");
  }

  /** rule id + alert id + revision → encoded alert. */
  static Map<String, String> revisions(List<AuditEvent> events, DetectionSettings s, boolean project) {
    Map<String, String> out = new TreeMap<>();
    LocalEngine e = new LocalEngine(s, new io.ualwatch.enrich.Enricher(TestSupport.geo()), 3 * 3_600_000L,
        8 * 86_400_000L, false, (Alert a) -> out.put(a.ruleId + " " + a.id + " r" + a.revision,
            Base64.getEncoder().encodeToString(AlertCodec.INSTANCE.toBytes(a))));
    if (!project) e.withoutProjection();
    for (AuditEvent ev : events) e.accept(ev);
    e.finish();
    return out;
  }
}
