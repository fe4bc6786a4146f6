package io.ualwatch.siem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.ualwatch.engine.LocalEngine;
import io.ualwatch.engine.TestSupport;
import io.ualwatch.enrich.Enricher;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.CefFormatter;
import io.ualwatch.model.alert.EcsFormatter;
import io.ualwatch.model.alert.OcsfFormatter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every revision of every alert the scenario suite produces (each scenario in file order, and again with whole
 * days in reverse order, which exercises late records), in all three formats: the OCSF and ECS documents
 * validate against the committed JSON Schemas, the CEF line passes the strict CEF parser and says the same as
 * the alert, and the RFC 5424 message around it passes the strict syslog parser. The schemas are also shown
 * to reject what they must (so a passing validation is not vacuous).
 */
class ScenarioFormatsTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static List<Alert> revisions;
  static JsonSchema ocsf;
  static JsonSchema ecs;

  @BeforeAll
  static void run() throws IOException {
    Path root = TestSupport.repoRoot();
    JsonSchemaFactory f = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig cfg = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    ocsf = f.getSchema(MAPPER.readTree(root.resolve("schemas/ocsf-detection-finding.ualwatch.schema.json").toFile()), cfg);
    ecs = f.getSchema(MAPPER.readTree(root.resolve("schemas/ecs-alert.ualwatch.schema.json").toFile()), cfg);
    revisions = new ArrayList<>();
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root.resolve("samples/scenarios"))) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    for (Path d : dirs) {
      List<AuditEvent> events = TestSupport.read(d.resolve("input"));
      revisions.addAll(allRevisions(events));
      List<AuditEvent> reversed = new ArrayList<>(TestSupport.read(d.resolve("input")));
      reversed.sort(Comparator.comparingLong((AuditEvent e) -> -Math.floorDiv(e.eventTime.toEpochMilli(), 86_400_000L))
          .thenComparing(e -> e.eventTime));
      revisions.addAll(allRevisions(reversed));
    }
  }

  /** Every revision the engine emits, as the job would publish them. */
  static List<Alert> allRevisions(List<AuditEvent> events) {
    List<Alert> out = new ArrayList<>();
    LocalEngine e = new LocalEngine(TestSupport.defaults(), new Enricher(TestSupport.geo()), 3_600_000L,
        8 * 86_400_000L, true, out::add);
    events.forEach(e::accept);
    e.finish();
    return out;
  }

  static List<String> errors(JsonSchema schema, JsonNode doc) {
    Set<ValidationMessage> msgs = schema.validate(doc);
    return msgs.stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  @Test
  void theSuiteCoversTheLifecycle() {
    assertFalse(revisions.isEmpty());
    EnumSet<AlertStatus> seen = EnumSet.noneOf(AlertStatus.class);
    revisions.forEach(a -> seen.add(a.status));
    assertTrue(seen.containsAll(EnumSet.of(AlertStatus.NEW, AlertStatus.UPDATED, AlertStatus.CLOSED)),
        "statuses seen: " + seen);
  }

  @Test
  void everyOcsfFindingValidatesAgainstTheCommittedSchema() {
    for (Alert a : revisions) {
      ObjectNode doc = OcsfFormatter.toJson(a);
      assertEquals(List.of(), errors(ocsf, doc), a + "\n" + doc);
      assertEquals(Alert.SCHEMA_VERSION, doc.at("/unmapped/ualwatch_schema_version").asText());
      assertEquals(Alert.SCHEMA_VERSION, doc.at("/metadata/product/version").asText());
      assertEquals(a.id, doc.at("/finding_info/uid").asText());
      assertEquals(a.ruleId, doc.at("/finding_info/analytic/uid").asText());
      assertEquals(a.revision, doc.at("/metadata/sequence").asInt());
      assertEquals(a.evidence.size(), doc.at("/finding_info/related_events").size());
    }
  }

  @Test
  void everyEcsDocumentValidatesAgainstTheCommittedSchema() {
    for (Alert a : revisions) {
      ObjectNode doc = EcsFormatter.toJson(a);
      assertEquals(List.of(), errors(ecs, doc), a + "\n" + doc);
      assertEquals(Alert.SCHEMA_VERSION, doc.at("/ualwatch/schema_version").asText());
      assertEquals(a.id, doc.at("/event/id").asText());
      assertEquals(a.revision, doc.at("/event/sequence").asInt());
      assertEquals(Instant.ofEpochMilli(a.time).toString(), doc.get("@timestamp").asText());
    }
  }

  @Test
  void everyCefLineParsesStrictlyAndSaysWhatTheAlertSays() {
    for (Alert a : revisions) {
      String line = CefFormatter.format(a);
      CefParser.Cef c = CefParser.parse(line);
      assertEquals(0, c.version());
      assertEquals("ualwatch", c.vendor());
      assertEquals("ualwatch", c.product());
      assertEquals(Alert.SCHEMA_VERSION, c.deviceVersion());
      assertEquals(a.ruleId, c.signatureId());
      assertEquals(a.ruleName, c.name());
      assertEquals(CefFormatter.severity(a.severity), c.severityNumber());
      Map<String, String> x = c.extension();
      assertEquals(a.id, x.get("externalId"));
      assertEquals(Long.toString(a.time), x.get("rt"));
      assertEquals(a.status.label(), x.get("act"));
      assertEquals(Integer.toString(a.revision), x.get("cn1"));
      assertEquals(CefFormatter.LABEL_REVISION, x.get("cn1Label"));
      assertEquals(Alert.SCHEMA_VERSION, x.get("cs1"));
      assertEquals(CefFormatter.LABEL_SCHEMA, x.get("cs1Label"));
      assertEquals(a.message.strip(), x.get("msg"));
      assertEquals(a.user, x.get("suser"));
      if (a.source != null && a.source.ip != null) {
        assertEquals(a.source.ip, x.get(a.source.ip.contains(":") ? "c6a2" : "src"));
      }
      assertEquals(Integer.toString(a.evidenceCount), x.get("cnt"));
    }
  }

  @Test
  void everySyslogMessageIsWellFormedRfc5424() {
    SyslogMessage m = new SyslogMessage(SyslogFacility.LOCAL0, "ualwatch-test", "ualwatch", "4242",
        io.ualwatch.model.alert.AlertFormat.CEF);
    Instant now = Instant.parse("2025-03-19T08:00:00.123Z");
    for (Alert a : revisions) {
      SyslogParser.Syslog s = SyslogParser.parse(m.format(a, now));
      assertEquals(SyslogFacility.LOCAL0.code(), s.facility());
      assertEquals(SyslogMessage.severity(a.severity), s.severity());
      assertEquals("2025-03-19T08:00:00.123Z", s.timestamp());
      assertEquals(a.id, s.structuredData().get(SyslogMessage.SD_ID).get("alertId"));
      assertEquals(a.status.label(), s.structuredData().get(SyslogMessage.SD_ID).get("status"));
      assertEquals(CefFormatter.format(a), s.msg());
    }
  }

  @Test
  void theSchemasRejectWhatIsOutsideTheProfile() {
    Alert a = revisions.get(0);
    ObjectNode o = OcsfFormatter.toJson(a);
    assertEquals(List.of(), errors(ocsf, o));
    ObjectNode bad = o.deepCopy();
    bad.put("class_uid", 2001);
    assertFalse(errors(ocsf, bad).isEmpty(), "another class");
    bad = o.deepCopy();
    bad.putObject("actor").putObject("user").put("name", "x");
    assertFalse(errors(ocsf, bad).isEmpty(), "actor is not a Detection Finding attribute in OCSF 1.3");
    bad = o.deepCopy();
    bad.put("is_alert", true);
    assertFalse(errors(ocsf, bad).isEmpty(), "is_alert only exists from OCSF 1.4");
    bad = o.deepCopy();
    bad.put("severity", "Critical");
    bad.put("severity_id", 2);
    assertFalse(errors(ocsf, bad).isEmpty(), "severity caption must match severity_id");
    bad = o.deepCopy();
    bad.put("activity_id", 2);
    assertFalse(errors(ocsf, bad).isEmpty(), "activity_id must match type_uid and status");
    bad = o.deepCopy();
    ((ObjectNode) bad.get("unmapped")).put("ualwatch_schema_version", "2.0.0");
    assertFalse(errors(ocsf, bad).isEmpty(), "another major schema version");

    ObjectNode e = EcsFormatter.toJson(a);
    ObjectNode badE = e.deepCopy();
    ((ObjectNode) badE.get("event")).put("kind", "event");
    assertFalse(errors(ecs, badE).isEmpty(), "event.kind must be alert");
    badE = e.deepCopy();
    ((ObjectNode) badE.get("event")).put("severity", 5);
    assertFalse(errors(ecs, badE).isEmpty(), "event.severity must match ualwatch.severity");
    badE = e.deepCopy();
    ((ObjectNode) badE.get("threat")).put("framework", "ATT&CK");
    assertFalse(errors(ecs, badE).isEmpty(), "threat.framework is 'MITRE ATT&CK'");
    badE = e.deepCopy();
    badE.putObject("source").put("ipaddr", "1.2.3.4");
    assertFalse(errors(ecs, badE).isEmpty(), "misspelt ECS field");
    badE = e.deepCopy();
    badE.put("@timestamp", "yesterday");
    assertFalse(errors(ecs, badE).isEmpty(), "@timestamp is a date");
  }
}
