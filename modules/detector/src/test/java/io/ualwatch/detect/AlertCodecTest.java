package io.ualwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.engine.TestSupport;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert state encoding: every field survives, whatever the values look like, in the current version and in version 2. */
class AlertCodecTest {
  static final ObjectMapper FIELDS = new ObjectMapper()
      .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);

  static void assertRoundTrip(Alert a) {
    Alert back = AlertCodec.INSTANCE.fromBytes(AlertCodec.INSTANCE.toBytes(a));
    assertEquals(FIELDS.valueToTree(a), FIELDS.valueToTree(back), a.id);
    // state written by the previous version is still read
    try {
      var out = new java.io.ByteArrayOutputStream();
      AlertCodec.INSTANCE.writeV2(new java.io.DataOutputStream(out), a);
      Alert v2 = AlertCodec.INSTANCE.fromBytes(out.toByteArray());
      assertEquals(FIELDS.valueToTree(a), FIELDS.valueToTree(v2), a.id + " (version 2)");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyRuleHasACodeAndCodesAreUnique() {
    for (RuleInfo r : DetectionGraph.rules()) {
      assertTrue(AlertCodec.RULE_CODES.contains(r.id()), r.id() + " has no code in AlertCodec.RULE_CODES");
    }
    assertEquals(AlertCodec.RULE_CODES.size(), new java.util.HashSet<>(AlertCodec.RULE_CODES).size());
    assertEquals(AlertCodec.WORD_CODES.size(), new java.util.HashSet<>(AlertCodec.WORD_CODES).size());
  }

  @Test
  void everyAlertOfAGeneratedTenantRoundTrips() {
    TenantSimulator sim = new TenantSimulator(TenantSimulator.Settings.of(7, 12, LocalDate.of(2025, 5, 5), 24,
        io.ualwatch.testkit.sim.ScenarioSpec.parseAttacks("token-replay:3:12,new-app:5:15,token-no-signin:1:16,"
            + "impossible-travel:8:17,new-country:9:18,hosting-access:10:19,consent-mail:4:15,mfa-reset-vpn:11:16,"
            + "forward-external:1:18,sync-new-network:11:14,bulk-read:3:16,app-fanout:4:17,mailbox-snoop:9:21")));
    List<TenantSimulator.Record> records = new java.util.ArrayList<>();
    sim.generate(records::add);
    List<Alert> all = TestSupport.run(TestSupport.parse(records), TestSupport.defaults(), true).all();
    assertTrue(all.size() > 10, "the tenant raises alerts: " + all.size());
    all.forEach(AlertCodecTest::assertRoundTrip);
  }

  @Test
  void unusualValuesRoundTrip() {
    Alert a = new Alert();
    a.id = "not-a-hex-id";
    a.ruleId = "no-such-rule";
    a.ruleName = "Custom";
    a.status = AlertStatus.WITHDRAWN;
    a.severity = Severity.CRITICAL;
    a.time = -5;
    a.firstSeen = Long.MIN_VALUE / 4;
    a.lastSeen = Long.MAX_VALUE / 4;
    a.bucket = "2025-03-03T00:00:00.500Z";
    Endpoint src = new Endpoint();
    src.ip = "2001:db8::1";
    src.latitude = 1.5;
    src.longitude = -2.25;
    src.asn = 0L;
    src.time = 7;
    a.source = src;
    Endpoint other = new Endpoint();
    other.ip = "10.0.0.1";
    other.time = Long.MAX_VALUE / 8;
    a.endpoints.add(other);
    a.endpoints.add(src);
    a.evidence.add(new Evidence("ABCDEF01-2345-6789-ABCD-EF0123456789", 3, "op", null, null, null, null));
    a.evidence.add(new Evidence("abcdef01-2345-6789-abcd-ef0123456789", 4, null, "1.2.3.4", "DE", 3320L, "d"));
    a.evidence.add(new Evidence(null, 5, null, null, null, null, null));
    a.facts.put("k", "v");
    for (String v : new String[] {"007", "-0", "0", "123", "-5", "9223372036854775807", "-9223372036854775808",
        "99999999999999999999", "", "true", "False", "1e3", "+1", "-", "é ünïcode"}) {
      a.facts.put("n" + a.facts.size(), v);
    }
    a.facts.put("issuedAt", null);
    a.entities.put("tenant", "t");
    a.tenantId = "t";
    a.entities.put("weird key ✓", "t");
    assertRoundTrip(a);
    a.id = "ualw-0123456789abcdef0123456789abcdef";
    a.ruleId = null;
    a.bucket = null;
    a.source = null;
    assertRoundTrip(a);
    a.ruleId = io.ualwatch.detect.rules.TokenWithoutSignIn.ID;
    a.ruleName = io.ualwatch.detect.rules.TokenWithoutSignIn.INFO.title();
    a.attackTechniqueId = "T0000";
    a.bucket = "2025-03-03T00:00:00Z";
    a.source = src;
    a.endpoints.clear();
    a.endpoints.add(src);
    assertRoundTrip(a);
  }
}
