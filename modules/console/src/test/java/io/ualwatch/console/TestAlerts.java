package io.ualwatch.console;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.OcsfFormatter;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;

/** Alerts as the detection job renders them (the real OCSF formatter), for the console's tests. */
final class TestAlerts {
  static final String TENANT = "3f2a9b1c-0000-4000-8000-00000000c0de";
  static final long T = Instant.parse("2025-03-18T14:52:56Z").toEpochMilli();

  private TestAlerts() {}

  static Alert tokenReplay(String id, int revision) {
    Alert a = new Alert();
    a.id = id;
    a.ruleId = "token-multi-network";
    a.ruleName = "One token used from two networks";
    a.revision = revision;
    a.status = revision == 1 ? AlertStatus.NEW : AlertStatus.UPDATED;
    a.severity = Severity.HIGH;
    a.confidence = 80;
    a.tenantId = TENANT;
    a.time = T;
    a.firstSeen = T - 22 * 60_000;
    a.lastSeen = T + revision * 60_000L;
    a.bucket = "2025-03-18";
    a.user = "allan.sherman@contoso-sim.com";
    a.mailbox = "allan.sherman@contoso-sim.com";
    a.appId = "5a95c0de-7f3b-4c1e-9d2a-6b8e1f0c4a77";
    a.appName = "Mail Sync Pro";
    Endpoint home = endpoint("12.34.56.207", "US", "Columbus", 39.96, -83.0, 7018L, "AT&T Enterprises, LLC", T - 22 * 60_000);
    Endpoint vps = endpoint("188.166.200.224", "NL", "Amsterdam", 52.37, 4.89, 14061L, "DigitalOcean, LLC", T);
    a.endpoints.add(home);
    a.endpoints.add(vps);
    a.source = vps;
    a.message = "Entra session b6699679 of allan.sherman@contoso-sim.com was used from 12.34.56.207 (AS7018, Columbus, US)"
        + " and, 22 minutes later, from 188.166.200.224 (AS14061 DigitalOcean, Amsterdam, NL, hosting).";
    a.baseline = "this session was only ever used from AS7018 AT&T Enterprises, LLC (US)";
    a.evidence.add(new Evidence("rec-home-1", T - 22 * 60_000, "MailItemsAccessed", home.ip, "US", 7018L, null));
    a.evidence.add(new Evidence("rec-vps-1", T, "MailItemsAccessed", vps.ip, "NL", 14061L, null));
    a.evidenceCount = 2 + revision;
    a.facts.put("session", "b6699679-8098-35e4-98f3-effbf012d96e");
    a.entities.put("session", "b6699679-8098-35e4-98f3-effbf012d96e");
    return a;
  }

  static String json(Alert a) {
    return OcsfFormatter.toJsonString(a);
  }

  static String rawRecord(String id, long time, String ip) {
    return "{\"CreationTime\":\"" + Instant.ofEpochMilli(time).toString().replace("Z", "") + "\",\"Id\":\"" + id
        + "\",\"Operation\":\"MailItemsAccessed\",\"OrganizationId\":\"" + TENANT + "\",\"RecordType\":50,"
        + "\"UserId\":\"allan.sherman@contoso-sim.com\",\"ClientIPAddress\":\"" + ip + "\",\"Workload\":\"Exchange\"}";
  }

  private static Endpoint endpoint(String ip, String country, String city, double lat, double lon, long asn, String org,
      long time) {
    Endpoint e = new Endpoint();
    e.ip = ip;
    e.country = country;
    e.city = city;
    e.latitude = lat;
    e.longitude = lon;
    e.asn = asn;
    e.asOrg = org;
    e.time = time;
    return e;
  }
}
