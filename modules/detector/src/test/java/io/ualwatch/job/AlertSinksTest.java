package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.config.Config;
import io.ualwatch.config.ConfigException;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import io.ualwatch.siem.CefParser;
import io.ualwatch.siem.SyslogAlertSink;
import io.ualwatch.siem.SyslogFacility;
import io.ualwatch.siem.SyslogProtocol;
import io.ualwatch.siem.SyslogSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The alert sinks the job wires from the alerts.* options, and what the Kafka serializer writes per format. */
class AlertSinksTest {
  static Alert alert() {
    Alert a = new Alert();
    a.id = AlertIds.of("r", "x");
    a.ruleId = "mailbox-new-client-app";
    a.ruleName = "New client app reading a mailbox";
    a.revision = 3;
    a.status = AlertStatus.UPDATED;
    a.severity = Severity.HIGH;
    a.confidence = 70;
    a.tenantId = "t";
    a.bucket = "2025-03-18T00:00:00Z";
    a.message = "m";
    return a;
  }

  @Test
  void defaultsAreOneOcsfTopic() {
    List<UalwatchJob.AlertSink> sinks = UalwatchJob.alertSinks(UalwatchOptions.defaults());
    assertEquals(List.of(""), sinks.stream().map(UalwatchJob.AlertSink::name).toList());
  }

  @Test
  void extraTopicsAndSyslogAreAddedBySettings() {
    Config c = UalwatchOptions.of(Map.of("alerts.kafka.ecs-topic", "ualwatch.alerts.ecs",
        "alerts.kafka.cef-topic", "ualwatch.alerts.cef", "alerts.syslog.enabled", "true",
        "alerts.syslog.host", "siem.example.org", "alerts.syslog.protocol", "udp", "alerts.syslog.port", "514",
        "alerts.syslog.min-severity", "high", "alerts.syslog.facility", "local4"));
    List<UalwatchJob.AlertSink> sinks = UalwatchJob.alertSinks(c);
    assertEquals(List.of("", "ecs", "cef", "syslog"), sinks.stream().map(UalwatchJob.AlertSink::name).toList());
    SyslogSettings s = ((SyslogAlertSink) sinks.get(3).sink()).settings();
    assertEquals("siem.example.org", s.host());
    assertEquals(514, s.port());
    assertEquals(SyslogProtocol.UDP, s.protocol());
    assertEquals(AlertFormat.CEF, s.format());
    assertEquals(Severity.HIGH, s.minSeverity());
    assertEquals(SyslogFacility.LOCAL4, s.facility());
  }

  @Test
  void syslogNeedsAHostAndTlsSettingsNeedTls() {
    ConfigException noHost = assertThrows(ConfigException.class,
        () -> UalwatchJob.alertSinks(UalwatchOptions.of(Map.of("alerts.syslog.enabled", "true"))));
    assertTrue(noHost.getMessage().contains("alerts.syslog.host"), noHost.getMessage());
    ConfigException tls = assertThrows(ConfigException.class, () -> UalwatchJob.syslogSettings(UalwatchOptions.of(
        Map.of("alerts.syslog.host", "h", "alerts.syslog.protocol", "tcp", "alerts.syslog.tls.truststore", "/x.p12"))));
    assertTrue(tls.getMessage().contains("tcp-tls"), tls.getMessage());
    ConfigException port = assertThrows(ConfigException.class,
        () -> UalwatchOptions.of(Map.of("alerts.syslog.port", "70000")));
    assertTrue(port.getMessage().contains("port"), port.getMessage());
    ConfigException fmt = assertThrows(ConfigException.class,
        () -> UalwatchOptions.of(Map.of("alerts.kafka.format", "leef")));
    assertTrue(fmt.getMessage().contains("ocsf"), fmt.getMessage());
  }

  @Test
  void serializerWritesTheChosenFormatKeyedByAlertId() throws Exception {
    Alert a = alert();
    ObjectMapper m = new ObjectMapper();
    for (AlertFormat f : AlertFormat.values()) {
      ProducerRecord<byte[], byte[]> r = new AlertSerializer("t", f).serialize(a, null, null);
      assertEquals(a.id, new String(r.key(), StandardCharsets.UTF_8));
      String v = new String(r.value(), StandardCharsets.UTF_8);
      switch (f) {
        case OCSF -> assertEquals(a.id, m.readTree(v).at("/finding_info/uid").asText());
        case ECS -> assertEquals(a.id, m.readTree(v).at("/event/id").asText());
        case CEF -> assertEquals(a.id, CefParser.parse(v).extension().get("externalId"));
      }
      assertEquals(f.label(), new String(r.headers().lastHeader("ualwatch.format").value(), StandardCharsets.UTF_8));
      assertEquals("3", new String(r.headers().lastHeader("ualwatch.revision").value(), StandardCharsets.UTF_8));
      assertEquals(Alert.SCHEMA_VERSION,
          new String(r.headers().lastHeader("ualwatch.schema-version").value(), StandardCharsets.UTF_8));
    }
    JsonNode n = m.readTree(new AlertSerializer("t").serialize(a, null, null).value());
    assertEquals(2004, n.get("class_uid").asInt(), "the one-argument serializer writes OCSF");
  }
}
