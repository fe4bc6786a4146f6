package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.ChangeOps;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * mfa-change-then-risky-access: the Lapsus$ help-desk pattern. An MFA or security-info change, a password reset
 * or a temporary access pass for a user, followed within the window by that user's sign-in or mail access from a
 * new country or a new hosting/VPN network ({@link RiskyAccess}).
 *
 * <p>Definition (order-independent): a <em>chain</em> is a change m of the user and a risky access y with
 * m &lt;= y &lt;= m + window. The alert for bucket B (the bucket of the change) exists when some change in B
 * starts a chain; its time is the earliest such y, its facts come from the change of that chain (the earliest
 * change on ties). Changes are kept whole, risky accesses as 5-minute spans; whether an access is risky is read
 * from the user's baselines when evaluated, so a late record that shows the country was already known withdraws
 * the alert, and a change that arrives after the access still raises it.
 */
public final class MfaChangeThenRiskyAccess implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "mfa-change-then-risky-access";
  static final String PREFIX = "mfa|";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Sign-in or mail access from a new place after an MFA or password change",
      Severity.HIGH,
      "T1098.005", "Account Manipulation: Device Registration",
      "TA0003", "Persistence",
      "A change of how a user signs in - `Update user` changing a StrongAuthentication property, `Disable Strong "
          + "Authentication`, a user or admin registering, updating or deleting security info, a password reset (by "
          + "an admin or self-service), or a temporary access pass - followed within "
          + "`rules.mfa-change-then-risky-access.window` by that user's successful sign-in or mail access from a "
          + "country new for the user (the new-country definition, mature users only) or from a hosting/VPN network "
          + "new for the user (the hosting-network-access definition). Operation names are matched with or "
          + "without their trailing period. Critical when the network is hosting/VPN and someone other than the "
          + "user made the change (the help-desk pattern).",
      "Lapsus$ (2022) and Scattered Spider called help desks to reset a victim's MFA or password, registered "
          + "their own method and signed in from a VPN minutes later. Each half alone is routine (users change "
          + "phones, travel, use VPNs); the sequence within hours is not. Sentinel joins a suspicious sign-in and a "
          + "later MFA change daily; ualwatch follows the change to the access as the records arrive.",
      "A user who gets a new phone and re-registers the authenticator while travelling abroad; a new employee's "
          + "first day (temporary access pass, then the first sign-ins, but new users are not mature for the "
          + "country half); a user on a privacy VPN right after a self-service password reset.",
      "Ask the user, through a channel you trust, whether they asked for the change and where they are. Check who "
          + "made the change (the initiator in the alert) and whether the help desk verified the caller. If not "
          + "the user: revoke sessions, remove the new authentication methods, reset the password, and look at "
          + "what the new network accessed (mailbox-new-client-app, external-forwarding-rule alerts).",
      List.of("rules.mfa-change-then-risky-access.enabled", "rules.mfa-change-then-risky-access.window",
          "detect.baseline.retention", "detect.baseline.maturity", "detect.suppression", "detect.allow.cidrs",
          "detect.allow.users"));

  static long window(DetectionSettings s) {
    return s.config().get(DetectionOptions.MFA_CHAIN_WINDOW).toMillis();
  }

  static String alertId(String key, long bucket) {
    return AlertIds.of(ID, key, Long.toString(bucket));
  }

  /** A change record of the user (routed under the changed user's key). */
  void onChange(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    String kind = e.attribute("securityChange");
    ChangeRecord c = ChangeRecord.of(kind, e);
    c.subject = e.attribute("targetUser");
    String sub = PREFIX + e.recordId;
    if (store.get(UserFamily.CHANGES, sub) == null) store.put(UserFamily.CHANGES, sub, c);
    evaluate(key, ctx.settings().bucketOf(c.time), store, ctx);
  }

  /** Re-evaluates every bucket with changes (called when the user's accesses or baselines changed). */
  void reevaluate(String key, EntityStore store, DetectContext ctx) {
    for (long b : ChangeRecord.buckets(store, PREFIX, ctx.settings())) evaluate(key, b, store, ctx);
  }

  void evaluate(String key, long bucket, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    String id = alertId(key, bucket);
    String user = key.substring(key.indexOf('|') + 1);
    if (!s.config().get(DetectionOptions.MFA_CHAIN_ENABLED) || s.userAllowed(user)) return;
    List<ChangeRecord> changes = new ArrayList<>();
    store.forEach(UserFamily.CHANGES, (k, c) -> {
      if (k.startsWith(PREFIX) && s.bucketOf(c.time) == bucket) changes.add(c);
    });
    changes.sort(ChangeRecord.BY_TIME);
    long w = window(s);
    ChangeRecord best = null;
    RiskyAccess.Hit hit = null;
    for (ChangeRecord c : changes) {
      RiskyAccess.Hit h = RiskyAccess.earliest(store, s, c.time, c.time + w);
      if (h != null && (hit == null || h.time() < hit.time())) {
        hit = h;
        best = c;
      }
    }
    if (hit == null) {
      AlertLedger.withdraw(store, id, "no sign-in or mail access from a new country or a new hosting/VPN network "
          + "followed the change within " + hours(w) + " (a record that arrived late shows the network was known)", ctx);
      return;
    }
    AlertLedger.upsert(store, build(id, key, bucket, best, hit, changes, s), ctx);
  }

  private Alert build(String id, String key, long bucket, ChangeRecord c, RiskyAccess.Hit hit,
      List<ChangeRecord> changes, DetectionSettings s) {
    Alert a = Drafts.start(id, INFO, s.bucketStart(bucket));
    a.tenantId = key.substring(0, key.indexOf('|'));
    a.user = key.substring(key.indexOf('|') + 1);
    a.time = hit.time();
    a.firstSeen = changes.get(0).time;
    a.lastSeen = Math.max(hit.time(), changes.get(changes.size() - 1).time);
    a.source = hit.obs().first;
    if (a.source != null) a.endpoints.add(a.source);
    a.appId = hit.obs().app;
    a.appName = a.appId == null ? null : s.apps().name(a.appId);
    a.entities.put("tenant", a.tenantId);
    a.entities.put("user", a.user);
    a.facts.put("change", c.kind);
    a.facts.put("changeOperation", c.operation);
    a.facts.put("changedBy", c.actor == null ? "unknown" : c.actor);
    a.facts.put("changeTime", Instant.ofEpochMilli(c.time).toString());
    a.facts.put("gapMinutes", Long.toString(Duration.ofMillis(hit.time() - c.time).toMinutes()));
    a.facts.put("network", hit.key().substring(2));
    a.facts.put("accessKind", hit.obs().firstOperation == null ? "access" : hit.obs().firstOperation);
    for (ChangeRecord x : changes) {
      a.evidence.add(new Evidence(x.recordId, x.time, x.operation, x.ip, null, null, x.kind + " by " + x.actor));
    }
    if (hit.obs().first != null) {
      a.evidence.add(new Evidence(hit.obs().firstRecordId, hit.obs().first.time, hit.obs().firstOperation,
          hit.obs().first.ip, hit.obs().country, hit.obs().asn, "first record of " + hit.key().substring(2)));
    }
    a.evidence.sort(java.util.Comparator.comparingLong((Evidence x) -> x.time).thenComparing(x -> x.recordId));
    a.evidenceCount = a.evidence.size();
    boolean byOther = c.actor != null && !c.actor.equalsIgnoreCase(a.user);
    a.severity = hit.hosting() && byOther ? Severity.CRITICAL : INFO.baseSeverity();
    a.confidence = a.severity == Severity.CRITICAL ? 85 : 70;
    a.baseline = "the " + (hit.hosting() ? "network" : "country") + " was not in the user's last "
        + s.retentionDays() + " days";
    a.message = a.user + ": " + describe(c) + (byOther ? " by " + c.actor : " by the user") + " at "
        + Instant.ofEpochMilli(c.time) + ", then " + a.facts.get("gapMinutes") + " minutes later a "
        + a.facts.get("accessKind") + " from " + hit.label() + "; " + a.baseline + ".";
    return a;
  }

  private static String describe(ChangeRecord c) {
    return switch (c.kind == null ? "" : c.kind) {
      case ChangeOps.SEC_MFA -> "MFA methods changed (" + c.operation + ")";
      case ChangeOps.SEC_MFA_DISABLED -> "MFA disabled";
      case ChangeOps.SEC_SECURITY_INFO -> "security info changed (" + c.operation + ")";
      case ChangeOps.SEC_PASSWORD_RESET -> "password reset (" + c.operation + ")";
      case ChangeOps.SEC_TAP -> "temporary access pass issued";
      default -> c.operation;
    };
  }

  private static String hours(long ms) {
    return Duration.ofMillis(ms).toHours() + " h";
  }
}
