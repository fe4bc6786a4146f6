package io.ualwatch.connector.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.connector.activity.ActivityConfig;
import io.ualwatch.connector.support.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The least-privilege check as a pure function, and what it logs. */
class PermissionCheckTest {
  static final String TENANT = "0b7e3a1c-5d2f-4e8a-9c61-2f4d8b9a7e10";
  static final String APP = "6a1f0d2e-3b4c-4d5e-8f90-a1b2c3d4e5f6";
  static final PermissionCheck.Need MGMT = PermissionCheck.Need.of("Office 365 Management APIs", "ActivityFeed.Read");
  static final PermissionCheck.Need GRAPH = PermissionCheck.Need.of("Microsoft Graph", "AuditLog.Read.All");
  static final Logger LOG = LoggerFactory.getLogger("io.ualwatch.connector.test.PermissionCheck");

  /** An unsigned Entra-shaped app-only token (the check does not verify signatures). */
  static String jwt(String rolesJson) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    String payload = "{\"aud\":\"https://manage.office.com\",\"iss\":\"https://sts.windows.net/" + TENANT + "/\","
        + "\"iat\":1741608000,\"nbf\":1741608000,\"exp\":1741611599,\"appid\":\"" + APP + "\",\"appidacr\":\"1\","
        + "\"idtyp\":\"app\",\"oid\":\"x\",\"sub\":\"x\",\"tid\":\"" + TENANT + "\",\"ver\":\"1.0\""
        + (rolesJson == null ? "" : ",\"roles\":" + rolesJson) + "}";
    return b.encodeToString("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"k\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
  }

  static PermissionCheck.Need activityNeed(String contentTypes) {
    Map<String, String> p = new HashMap<>();
    p.put("tenant.ids", TENANT);
    p.put("content.types", contentTypes);
    p.put("auth.client.id", APP);
    p.put("auth.client.secret", "s");
    return new ActivityConfig(p).permissionsNeeded();
  }

  @Test
  void exactRolesAreExact() {
    PermissionCheck.Findings f = PermissionCheck.inspect(jwt("[\"ActivityFeed.Read\"]"), MGMT);
    assertEquals(PermissionCheck.Outcome.EXACT, f.outcome());
    assertEquals(Set.of("ActivityFeed.Read"), f.granted());
    assertTrue(f.extra().isEmpty() && f.missing().isEmpty() && f.missingOptional().isEmpty());
    assertEquals(APP, f.appId());
    assertEquals(TENANT, f.tenantId());
    assertEquals("https://manage.office.com", f.audience());
  }

  @Test
  void extraRolesAreNamedSorted() {
    PermissionCheck.Findings f = PermissionCheck.inspect(
        jwt("[\"Mail.Read\",\"AuditLog.Read.All\",\"Directory.ReadWrite.All\"]"), GRAPH);
    assertEquals(PermissionCheck.Outcome.MISMATCH, f.outcome());
    assertEquals(List.of("Directory.ReadWrite.All", "Mail.Read"), List.copyOf(f.extra()));
    assertTrue(f.missing().isEmpty());
  }

  @Test
  void aMissingRoleClaimMeansNothingGranted() {
    // Entra leaves "roles" out when the app holds no application permission on the resource.
    PermissionCheck.Findings f = PermissionCheck.inspect(jwt(null), MGMT);
    assertEquals(PermissionCheck.Outcome.MISMATCH, f.outcome());
    assertEquals(Set.of("ActivityFeed.Read"), f.missing());
    PermissionCheck.Findings other = PermissionCheck.inspect(jwt("[\"ServiceHealth.Read\"]"), MGMT);
    assertEquals(Set.of("ActivityFeed.Read"), other.missing());
    assertEquals(Set.of("ServiceHealth.Read"), other.extra());
  }

  @Test
  void rolesCompareCaseInsensitively() {
    assertEquals(PermissionCheck.Outcome.EXACT,
        PermissionCheck.inspect(jwt("[\"activityfeed.read\"]"), MGMT).outcome());
  }

  @Test
  void readDlpIsAllowedOnlyWithDlpAllAndOptionalThen() {
    PermissionCheck.Need noDlp = activityNeed("Audit.Exchange,Audit.General");
    PermissionCheck.Need dlp = activityNeed("Audit.Exchange,DLP.All");
    String both = jwt("[\"ActivityFeed.Read\",\"ActivityFeed.ReadDlp\"]");
    String readOnly = jwt("[\"ActivityFeed.Read\"]");
    assertEquals(Set.of("ActivityFeed.ReadDlp"), PermissionCheck.inspect(both, noDlp).extra());
    assertEquals(PermissionCheck.Outcome.EXACT, PermissionCheck.inspect(both, dlp).outcome());
    PermissionCheck.Findings f = PermissionCheck.inspect(readOnly, dlp);
    assertEquals(PermissionCheck.Outcome.EXACT, f.outcome(), "ReadDlp is optional even with DLP.All");
    assertEquals(Set.of("ActivityFeed.ReadDlp"), f.missingOptional());
  }

  @Test
  void opaqueTokensAreNotInspected() {
    for (String t : List.of("emu.Zm9vYmFy", "opaque-token", "a.b", "a.!!!.c", "a.bm90IGpzb24.c", "a..c", "")) {
      assertEquals(PermissionCheck.Outcome.OPAQUE, PermissionCheck.inspect(t, MGMT).outcome(), t);
    }
    assertEquals(PermissionCheck.Outcome.OPAQUE, PermissionCheck.inspect(null, MGMT).outcome());
  }

  @Test
  void whatItLogsAndThatTheTokenIsNeverInIt() {
    String exact = jwt("[\"ActivityFeed.Read\"]");
    String extra = jwt("[\"ActivityFeed.Read\",\"Mail.Read\",\"Directory.ReadWrite.All\"]");
    String none = jwt(null);
    String opaque = "opaque-access-token-value-9d1e";
    try (LogCapture logs = new LogCapture("io.ualwatch.connector.test")) {
      PermissionCheck.report(PermissionCheck.inspect(exact, MGMT), MGMT, LOG, TENANT + " Audit.Exchange");
      assertTrue(logs.lines("WARN", "").isEmpty() && logs.lines("ERROR", "").isEmpty(), logs.text());
      assertEquals(1, logs.lines("INFO", "holds exactly the Office 365 Management APIs permissions").size(), logs.text());

      logs.clear();
      PermissionCheck.report(PermissionCheck.inspect(extra, MGMT), MGMT, LOG, TENANT + " Audit.Exchange");
      assertEquals(1, logs.lines("WARN", "").size(), logs.text());
      String w = logs.lines("WARN", "").get(0).message();
      assertTrue(w.contains("the app registration " + APP + " has Directory.ReadWrite.All, Mail.Read on Office 365 "
          + "Management APIs that ualwatch does not need; remove them (least privilege)"), w);
      assertTrue(w.contains("needs only ActivityFeed.Read"), w);
      assertTrue(logs.lines("ERROR", "").isEmpty(), logs.text());

      logs.clear();
      PermissionCheck.report(PermissionCheck.inspect(none, MGMT), MGMT, LOG, TENANT + " Audit.Exchange");
      assertEquals(1, logs.lines("ERROR", "").size(), logs.text());
      String e = logs.lines("ERROR", "").get(0).message();
      assertTrue(e.contains("lacks ActivityFeed.Read on Office 365 Management APIs") && e.contains("Application "
          + "permissions > ActivityFeed.Read") && e.contains("Grant admin consent") && e.contains(TENANT), e);
      assertTrue(logs.lines("WARN", "").isEmpty(), logs.text());

      logs.clear();
      PermissionCheck.Need dlp = activityNeed("DLP.All");
      PermissionCheck.report(PermissionCheck.inspect(exact, dlp), dlp, LOG, TENANT + " DLP.All");
      assertTrue(logs.lines("WARN", "").isEmpty() && logs.lines("ERROR", "").isEmpty(), logs.text());
      assertEquals(1, logs.lines("INFO", "does not have ActivityFeed.ReadDlp").size(), logs.text());

      logs.clear();
      PermissionCheck.report(PermissionCheck.inspect(opaque, MGMT), MGMT, LOG, TENANT + " Audit.Exchange");
      assertEquals(1, logs.lines().size(), logs.text());
      assertEquals("DEBUG", logs.lines().get(0).level());
      assertTrue(logs.lines().get(0).message().contains("not a JWT"));

      logs.clear();
      for (String t : List.of(exact, extra, none, opaque)) {
        PermissionCheck.report(PermissionCheck.inspect(t, MGMT), MGMT, LOG, "who");
      }
      String all = logs.text();
      for (String t : List.of(exact, extra, none, opaque)) {
        assertFalse(all.contains(t), "token in the log");
        if (t.contains(".")) assertFalse(all.contains(t.split("\\.")[1]), "token payload in the log");
      }
    }
  }
}
