package io.ualwatch.siem;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;

/** Alerts for the siem tests, with the awkward characters SIEM formats have to escape. */
final class TestAlerts {
  private TestAlerts() {}

  static final long T = Instant.parse("2025-03-18T14:52:56Z").toEpochMilli();

  static Alert alert(int n, Severity severity, AlertStatus status, int revision) {
    Alert a = new Alert();
    a.id = AlertIds.of("mailbox-new-client-app", "tenant|mbx" + n, "20165");
    a.ruleId = "mailbox-new-client-app";
    a.ruleName = "New client app | reading a mailbox \\ test";
    a.revision = revision;
    a.status = status;
    a.severity = severity;
    a.confidence = 70;
    a.tenantId = "e3552582-e3f2-3f88-9edc-1a635a4563b4";
    a.time = T + n;
    a.firstSeen = T + n;
    a.lastSeen = T + n + 60_000;
    a.bucket = "2025-03-18T00:00:00Z";
    a.user = "allan.sherman@contoso-sim.com";
    a.mailbox = "allan.sherman@contoso-sim.com";
    a.appId = "5a95c0de-7f3b-4c1e-9d2a-6b8e1f0c4a77";
    a.appName = "Mail Sync Pro";
    a.appFirstParty = false;
    Endpoint e = new Endpoint();
    e.ip = "188.166.200.224";
    e.country = "NL";
    e.city = "Amsterdam";
    e.latitude = 52.37;
    e.longitude = 4.89;
    e.asn = 14061L;
    e.asOrg = "DigitalOcean, LLC";
    e.network = "hosting";
    e.time = a.time;
    a.source = e;
    a.endpoints.add(e);
    a.message = "Mail Sync Pro read 72 items; key=value | pipe \\ backslash\nsecond line\r\nthird";
    a.baseline = "in the previous 30 days this mailbox was read only by Microsoft Outlook";
    a.evidence.add(new Evidence("rec-1", a.time, "MailItemsAccessed", e.ip, "NL", 14061L, "Sync"));
    a.evidenceCount = 72;
    a.attackTechniqueId = "T1114.002";
    a.attackTechniqueName = "Email Collection: Remote Email Collection";
    a.attackTacticId = "TA0009";
    a.attackTacticName = "Collection";
    a.entities.put("tenant", a.tenantId);
    a.entities.put("mailbox", a.mailbox);
    a.facts.put("items", "72");
    a.configVersion = "cfg-1";
    return a;
  }

  static Alert alert(int n) {
    return alert(n, Severity.HIGH, AlertStatus.NEW, 1);
  }
}
