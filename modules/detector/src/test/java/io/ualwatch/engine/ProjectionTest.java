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
import java.time.LocalDate;
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
    TenantSimulator sim = new TenantSimulator(TenantSimulator.Settings.of(23, 12, LocalDate.of(2025, 5, 5), 24,
        io.ualwatch.testkit.sim.ScenarioSpec.parseAttacks("token-replay:3:12,token-replay:7:20,new-app:5:15,"
            + "token-no-signin:1:16,impossible-travel:8:17,new-country:9:18,hosting-access:10:19,benign-trip:2:4,"
            + "benign-trip:2:13,benign-inflight:4:11,benign-dualstack:6:10,benign-ms-global:0:14,"
            + "consent-mail:4:15,benign-consent-first-party:0:9,mfa-reset-vpn:11:16,benign-mfa-reregister:6:12,"
            + "forward-external:1:18,forward-client-rule:5:20,benign-forward-internal:7:13,"
            + "sync-new-network:11:14,mailbox-throttle:6:15,bulk-read:3:16,benign-crm-app:4:0,app-fanout:4:17,"
            + "mailbox-snoop:9:21,benign-new-laptop:1:8,benign-power-user:5:0,benign-catch-up:5:22,"
            + "benign-assistant:7:0,benign-backup-app:0:3")));
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
