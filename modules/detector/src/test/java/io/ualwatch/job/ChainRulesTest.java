package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.Events;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.rules.AppConsentFamily;
import io.ualwatch.detect.rules.ConsentThenMailAccess;
import io.ualwatch.detect.rules.ExternalForwardingRule;
import io.ualwatch.detect.rules.MfaChangeThenRiskyAccess;
import io.ualwatch.detect.rules.UserFamily;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attack-chain rules under Flink's harness: positive and negative cases, the second half of a chain arriving
 * before the first, a late record that disproves an alert, and no keyed state or timer left after retention.
 */
class ChainRulesTest {
  static final String U = "adele@contoso.example";
  static final String ADMIN = "helpdesk@contoso.example";
  static final String APP = "7d1e9a3f-2b88-4c10-9f55-c0aa41e2b6d1";
  static final String OUTLOOK = "5d661950-3475-41cd-a2c3-d671a3162bc1";
  static final long H = 3_600_000L;
  static int seq;

  static AuditEvent change(String actor, long offset, String op, String... attrs) {
    AuditEvent e = new AuditEvent();
    e.source = EventSource.UAL;
    e.format = "test";
    e.tenantId = Events.TENANT;
    e.eventTime = Instant.ofEpochMilli(Events.T0 + offset);
    e.recordId = "chg-" + (++seq);
    e.recordType = 8;
    e.operation = op;
    e.outcome = Outcome.SUCCESS;
    e.actor = actor;
    e.actorKind = ActorKind.USER;
    e.clientIp = "198.18.0.9";
    e.attributes = new LinkedHashMap<>();
    for (int i = 0; i < attrs.length; i += 2) e.attributes.put(attrs[i], attrs[i + 1]);
    return e;
  }

  static List<Alert> run(Family f, List<AuditEvent> events, long watermark) throws Exception {
    var h = FamilyFunctionTest.harness(f);
    for (AuditEvent e : events) FamilyFunctionTest.feed(h, f, e);
    h.processWatermark(watermark);
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    FamilyFunctionTest.assertStateAndTimersGone(h);
    h.close();
    return out;
  }

  static List<Alert> fresh(List<Alert> out, String rule) {
    return out.stream().filter(a -> a.ruleId.equals(rule) && a.status == AlertStatus.NEW).toList();
  }

  /** The final status of each alert id of a rule. */
  static List<AlertStatus> finals(List<Alert> out, String rule) {
    LinkedHashMap<String, AlertStatus> last = new LinkedHashMap<>();
    for (Alert a : out) if (a.ruleId.equals(rule)) last.put(a.id, a.status);
    return new ArrayList<>(last.values());
  }

  // ---------------------------------------------------------------- consent-then-mail-access

  static AuditEvent consent(long offset, String perms) {
    AuditEvent e = change(U, offset, "Consent to application", "appChange", "consent", "targetAppId", APP,
        "grantedPermissions", perms, "adminConsent", "false");
    return e;
  }

  static AuditEvent appReads(long offset, String mailbox) {
    return Events.mail(mailbox, APP, offset, "188.166.200.17", Events.DIGITALOCEAN_NL);
  }

  @Test
  void consentThenMailAccessByThatApp() throws Exception {
    List<Alert> out = run(new AppConsentFamily(), List.of(consent(10 * H, "Mail.Read offline_access User.Read"),
        appReads(10 * H + 40 * 60_000L, U), appReads(10 * H + 50 * 60_000L, "megan@contoso.example")),
        Events.T0 + 3 * Events.DAY);
    List<Alert> a = fresh(out, ConsentThenMailAccess.ID);
    assertEquals(1, a.size(), "" + out);
    assertEquals(Severity.HIGH, a.get(0).severity, "mail scope granted");
    assertEquals(Events.T0 + 10 * H + 40 * 60_000L, a.get(0).time);
    assertEquals("40", a.get(0).facts.get("gapMinutes"));
    assertTrue(a.get(0).message.contains("with Mail.Read"), a.get(0).message);
    assertEquals(AlertStatus.CLOSED, out.get(out.size() - 1).status);
  }

  @Test
  void mailAccessArrivingBeforeTheConsentStillRaisesTheAlert() throws Exception {
    List<Alert> ordered = fresh(run(new AppConsentFamily(), List.of(consent(10 * H, "Mail.Read"),
        appReads(11 * H, U)), Events.T0 + 3 * Events.DAY), ConsentThenMailAccess.ID);
    List<Alert> reversed = fresh(run(new AppConsentFamily(), List.of(appReads(11 * H, U),
        consent(10 * H, "Mail.Read")), Events.T0 + 3 * Events.DAY), ConsentThenMailAccess.ID);
    assertEquals(1, reversed.size());
    assertEquals(ordered.get(0).id, reversed.get(0).id);
    assertEquals(ordered.get(0).time, reversed.get(0).time);
    assertEquals(ordered.get(0).message, reversed.get(0).message);
  }

  @Test
  void mailAccessBeforeTheConsentOrAfterTheWindowOrByAnotherAppIsSilent() throws Exception {
    List<Alert> out = run(new AppConsentFamily(), List.of(appReads(9 * H, U), consent(10 * H, "Mail.Read"),
        appReads(10 * H + 25 * H, U), Events.mail(U, "5a95c0de-7f3b-4c1e-9d2a-6b8e1f0c4a77", 11 * H, "188.166.200.17",
            Events.DIGITALOCEAN_NL)), Events.T0 + 4 * Events.DAY);
    assertEquals(List.of(), fresh(out, ConsentThenMailAccess.ID));
  }

  @Test
  void appRoleWithoutMailPermissionAndFirstPartyConsentAreNotTriggers() throws Exception {
    AuditEvent role = change(ADMIN, 10 * H, "Add app role assignment to service principal", "appChange",
        "app-role-assignment", "targetAppId", APP, "grantedPermissions", "User.Read.All");
    AuditEvent outlookConsent = change(ADMIN, 10 * H, "Consent to application", "appChange", "consent",
        "targetAppId", OUTLOOK, "grantedPermissions", "Mail.Read");
    List<AuditEvent> ev = List.of(role, outlookConsent, appReads(11 * H, U),
        Events.mail(U, OUTLOOK, 11 * H, "73.158.64.10", Events.COMCAST_US));
    assertEquals(List.of(), fresh(run(new AppConsentFamily(), ev, Events.T0 + 3 * Events.DAY),
        ConsentThenMailAccess.ID));
    AuditEvent mailRole = change(ADMIN, 10 * H, "Add app role assignment to service principal", "appChange",
        "app-role-assignment", "targetAppId", APP, "grantedPermissions", "full_access_as_app");
    List<Alert> out = fresh(run(new AppConsentFamily(), List.of(mailRole, appReads(11 * H, U)),
        Events.T0 + 3 * Events.DAY), ConsentThenMailAccess.ID);
    assertEquals(1, out.size());
    assertEquals(Severity.CRITICAL, out.get(0).severity, "app-only access to every mailbox");
  }

  // ---------------------------------------------------------------- mfa-change-then-risky-access

  static List<AuditEvent> tenDaysInSeattle() {
    List<AuditEvent> l = new ArrayList<>();
    for (int d = 0; d < 10; d++) l.add(Events.signIn(U, d * Events.DAY + 16 * H, "73.158.64.10", Events.COMCAST_US, null, null));
    return l;
  }

  static AuditEvent reset(long offset) {
    return change(ADMIN, offset, "Reset user password", "securityChange", "password-reset", "targetUser", U);
  }

  static AuditEvent vpnSignIn(long offset) {
    return Events.signIn(U, offset, "185.236.200.7", Events.geo("US", 9009, "M247", io.ualwatch.model.NetworkClass.VPN),
        null, null);
  }

  @Test
  void helpDeskResetThenVpnSignIn() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(reset(10 * Events.DAY + 9 * H));
    ev.add(vpnSignIn(10 * Events.DAY + 9 * H + 20 * 60_000L));
    List<Alert> out = run(new UserFamily(), ev, Events.T0 + 12 * Events.DAY);
    List<Alert> a = fresh(out, MfaChangeThenRiskyAccess.ID);
    assertEquals(1, a.size(), "" + out);
    assertEquals(Severity.CRITICAL, a.get(0).severity, "VPN, and the help desk made the change");
    assertEquals("20", a.get(0).facts.get("gapMinutes"));
    assertTrue(a.get(0).message.contains("password reset") && a.get(0).message.contains(ADMIN), a.get(0).message);
  }

  @Test
  void resetArrivingAfterTheRiskyAccessGivesTheSameAlert() throws Exception {
    List<AuditEvent> ordered = tenDaysInSeattle();
    ordered.add(reset(10 * Events.DAY + 9 * H));
    ordered.add(vpnSignIn(10 * Events.DAY + 9 * H + 20 * 60_000L));
    List<AuditEvent> reversed = tenDaysInSeattle();
    reversed.add(vpnSignIn(10 * Events.DAY + 9 * H + 20 * 60_000L));
    reversed.add(reset(10 * Events.DAY + 9 * H));
    List<Alert> a = fresh(run(new UserFamily(), ordered, Events.T0 + 12 * Events.DAY), MfaChangeThenRiskyAccess.ID);
    List<Alert> b = fresh(run(new UserFamily(), reversed, Events.T0 + 12 * Events.DAY), MfaChangeThenRiskyAccess.ID);
    assertEquals(1, b.size());
    assertEquals(a.get(0).id, b.get(0).id);
    assertEquals(a.get(0).message, b.get(0).message);
  }

  @Test
  void changeFollowedByHomeNetworkOrRiskyAccessBeforeTheChangeIsSilent() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(vpnSignIn(10 * Events.DAY + 8 * H)); // before the change: not a chain
    ev.add(change(U, 10 * Events.DAY + 9 * H, "User registered security info", "securityChange", "security-info",
        "targetUser", U));
    ev.add(Events.signIn(U, 10 * Events.DAY + 9 * H + 10 * 60_000L, "73.158.64.11", Events.COMCAST_US, null, null));
    assertEquals(List.of(), fresh(run(new UserFamily(), ev, Events.T0 + 12 * Events.DAY), MfaChangeThenRiskyAccess.ID));
  }

  @Test
  void lateRecordShowingTheNetworkKnownWithdrawsTheChainAlert() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(reset(10 * Events.DAY + 9 * H));
    ev.add(vpnSignIn(10 * Events.DAY + 9 * H + 20 * 60_000L));
    ev.add(vpnSignIn(6 * Events.DAY + 9 * H)); // arrives late: the user used this VPN four days earlier
    List<Alert> out = run(new UserFamily(), ev, Events.T0 + 12 * Events.DAY);
    assertEquals(List.of(AlertStatus.WITHDRAWN), finals(out, MfaChangeThenRiskyAccess.ID), "" + out);
  }

  // ---------------------------------------------------------------- external-forwarding-rule

  static AuditEvent rule(long offset, String to, String... more) {
    List<String> attrs = new ArrayList<>(List.of("forwardTo", to, "ruleName", "x", "organizationName",
        "contoso.onmicrosoft.com"));
    attrs.addAll(List.of(more));
    AuditEvent e = change(U, offset, "New-InboxRule", attrs.toArray(new String[0]));
    e.recordType = 1;
    return e;
  }

  @Test
  void forwardingOutsideTheTenantAlertsAndRisesAfterARiskySignIn() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(rule(10 * Events.DAY + 9 * H, "drop@evil.example;bob@contoso.example"));
    List<Alert> out = fresh(run(new UserFamily(), ev, Events.T0 + 12 * Events.DAY), ExternalForwardingRule.ID);
    assertEquals(1, out.size());
    assertEquals(Severity.MEDIUM, out.get(0).severity);
    assertEquals("drop@evil.example", out.get(0).facts.get("forwardTo"));

    List<AuditEvent> risky = tenDaysInSeattle();
    risky.add(rule(10 * Events.DAY + 9 * H, "drop@evil.example", "forwardHides", "true"));
    risky.add(vpnSignIn(10 * Events.DAY + 8 * H)); // the risky sign-in arrives after the rule
    List<Alert> all = run(new UserFamily(), risky, Events.T0 + 12 * Events.DAY);
    Alert last = all.stream().filter(a -> a.ruleId.equals(ExternalForwardingRule.ID)).reduce((x, y) -> y).orElseThrow();
    assertEquals(Severity.CRITICAL, last.severity, "hides the mail, and a VPN sign-in an hour before: " + all);
  }

  @Test
  void forwardingInsideTheTenantIsSilent() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(rule(10 * Events.DAY + 9 * H, "bob@contoso.example;team@eu.contoso.example;x@contoso.onmicrosoft.com"));
    assertEquals(List.of(), fresh(run(new UserFamily(), ev, Events.T0 + 12 * Events.DAY), ExternalForwardingRule.ID));
  }
}
