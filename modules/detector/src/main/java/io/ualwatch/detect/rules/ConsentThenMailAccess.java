package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.Chains;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.ChangeOps;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * consent-then-mail-access: consent to an app, an app role assignment with mail permissions, or new credentials on
 * the app's service principal (or application), followed within the window by mail access by that app.
 *
 * <p>Definition (order-independent): a <em>chain</em> is a grant g of app A and a mail access y by A with
 * g &lt;= y &lt;= g + window. The alert for (A, bucket B of the grant) exists when some grant in B starts a chain;
 * its time is the earliest such y (5-minute resolution when the grant falls inside a bucket of accesses, see
 * {@link Chains}). Grants are kept whole, mail access as 5-minute spans, so a mail access that arrived before the
 * consent record raises the alert when the consent arrives.
 */
public final class ConsentThenMailAccess implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "consent-then-mail-access";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "App reads mail soon after it was granted access",
      Severity.HIGH,
      "T1528", "Steal Application Access Token",
      "TA0006", "Credential Access",
      "`Consent to application`, `Add app role assignment to service principal` with a mail permission "
          + "(`rules.consent-then-mail-access.mail-permissions`: Mail.Read, Mail.ReadWrite, full_access_as_app, "
          + "EWS/IMAP/POP access, ...), `Add service principal credentials` or `Update application - Certificates "
          + "and secrets management` naming an app (names matched with or without the trailing period), followed "
          + "within `rules.consent-then-mail-access.window` by mail access (MailItemsAccessed and kin) whose "
          + "ClientAppId (else AppId) is that app. Microsoft first-party apps are not followed, except those "
          + "attackers reuse (Azure CLI, Graph Explorer, ...). Medium for a consent without mail scopes, high for a "
          + "consent with mail scopes or new credentials, critical for a mail app role (app-only access to every "
          + "mailbox) or an admin consent with mail scopes.",
      "Illicit consent grants (OAuth phishing) and app backdoors (Solorigate added credentials to existing apps, "
          + "Midnight Blizzard granted full_access_as_app to a legacy test app) end in mail read by the app. "
          + "Sentinel, Splunk and Elastic alert on each half separately; the sequence within hours is what matters, "
          + "and a grant followed by mail access within a day is rare for a legitimate rollout.",
      "A new mail-enabled integration (archiving, CRM, e-signature) consented by an admin and used at once: "
          + "allow-list its app id in `detect.allow.apps` once vetted; a user who consents to a mail app and starts "
          + "using it; a scheduled secret rotation of a mail-reading app.",
      "Identify the app (Enterprise applications: publisher, verified publisher, reply URLs, owners) and who "
          + "granted what (the grant in the evidence). If it is not a sanctioned app: revoke its grants and "
          + "credentials, disable the service principal, and scope what it read (the mailboxes in the alert, then "
          + "MailItemsAccessed by ClientAppId).",
      List.of("rules.consent-then-mail-access.enabled", "rules.consent-then-mail-access.window",
          "rules.consent-then-mail-access.mail-permissions", "detect.suppression", "detect.allow.apps"));

  static long window(DetectionSettings s) {
    return s.config().get(DetectionOptions.CONSENT_WINDOW).toMillis();
  }

  static String alertId(String key, long bucket) {
    return AlertIds.of(ID, key, Long.toString(bucket));
  }

  /** The mail permissions of a grant, as configured. */
  static List<String> mailPermissions(String granted, DetectionSettings s) {
    List<String> out = new ArrayList<>();
    if (granted == null) return out;
    Set<String> mail = new HashSet<>();
    for (String p : s.config().get(DetectionOptions.CONSENT_MAIL_PERMISSIONS)) mail.add(p.toLowerCase(Locale.ROOT));
    for (String p : granted.split("\\s+")) {
      if (!p.isEmpty() && mail.contains(p.toLowerCase(Locale.ROOT))) out.add(p);
    }
    return out;
  }

  void onGrant(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    ChangeRecord g = ChangeRecord.of(e.attribute("appChange"), e);
    g.detail = e.attribute("grantedPermissions");
    g.extra = e.attribute("adminConsent");
    g.subject = e.attribute("targetAppName");
    if (store.get(AppConsentFamily.GRANTS, e.recordId) == null) store.put(AppConsentFamily.GRANTS, e.recordId, g);
    evaluate(key, ctx.settings().bucketOf(g.time), store, ctx);
  }

  void onAccess(String key, long t, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    long w = window(s);
    TreeSet<Long> buckets = new TreeSet<>();
    store.forEach(AppConsentFamily.GRANTS, (k, g) -> {
      // an access up to an hour before the grant can still change the alert: the first and last time of the
      // grant's 5-minute bucket, and the mailboxes and records of the hour of the first access after it
      if (g.time - DetectionSettings.HOUR <= t && t <= g.time + w + DetectionSettings.HOUR) {
        buckets.add(s.bucketOf(g.time));
      }
    });
    for (long b : buckets) evaluate(key, b, store, ctx);
  }

  /** A grant starts a chain only when it is a consent, a credential, or an app role with a mail permission. */
  static boolean trigger(ChangeRecord g, DetectionSettings s) {
    return !ChangeOps.APP_CHANGE_ROLE.equals(g.kind) || !mailPermissions(g.detail, s).isEmpty();
  }

  static Severity severityOf(ChangeRecord g, DetectionSettings s) {
    boolean mail = !mailPermissions(g.detail, s).isEmpty();
    return switch (g.kind) {
      case ChangeOps.APP_CHANGE_ROLE -> Severity.CRITICAL;
      case ChangeOps.APP_CHANGE_CONSENT -> !mail ? Severity.MEDIUM
          : "true".equals(g.extra) ? Severity.CRITICAL : Severity.HIGH;
      default -> Severity.HIGH;
    };
  }

  void evaluate(String key, long bucket, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    String id = alertId(key, bucket);
    String app = key.substring(key.indexOf('|') + 1);
    if (!s.config().get(DetectionOptions.CONSENT_ENABLED) || s.appAllowed(app)) return;
    List<ChangeRecord> grants = new ArrayList<>();
    store.forEach(AppConsentFamily.GRANTS, (k, g) -> {
      if (s.bucketOf(g.time) == bucket && trigger(g, s)) grants.add(g);
    });
    grants.sort(ChangeRecord.BY_TIME);
    Spans access = store.get(AppConsentFamily.ACCESS, "");
    long w = window(s);
    ChangeRecord best = null;
    long y = Chains.NONE;
    Severity severity = null;
    for (ChangeRecord g : grants) {
      long yy = Chains.earliestIn(access, g.time, g.time + w, AppConsentFamily.BUCKET_MS, b -> true);
      if (yy == Chains.NONE) continue;
      Severity sev = severityOf(g, s);
      if (severity == null || sev.compareTo(severity) > 0) severity = sev;
      if (best == null || yy < y) {
        best = g;
        y = yy;
      }
    }
    if (best == null) {
      AlertLedger.withdraw(store, id, "no grant of the app in this bucket is followed by mail access within "
          + Duration.ofMillis(w).toHours() + " h any more (the configuration changed)", ctx);
      return;
    }
    Alert a = build(id, key, bucket, best, y, severity, grants, store, s);
    Alert prev = AlertLedger.active(store, id);
    if (prev != null && prev.time == a.time && prev.severity == a.severity
        && java.util.Objects.equals(prev.message, a.message)) {
      // only the record count moved (another access in that hour): published at 2, 4, 8, ... and at the bucket end
      a.revision = prev.revision;
      a.status = prev.status;
      a.emittedDigest = prev.emittedDigest;
      a.configVersion = prev.configVersion;
      AlertLedger.fold(store, a, false, AlertLedger.bucketEnd(a, s), ctx);
    } else {
      AlertLedger.upsert(store, a, ctx);
    }
  }

  private Alert build(String id, String key, long bucket, ChangeRecord g, long y, Severity severity,
      List<ChangeRecord> grants, EntityStore store, DetectionSettings s) {
    Alert a = Drafts.start(id, INFO, s.bucketStart(bucket));
    a.tenantId = key.substring(0, key.indexOf('|'));
    a.appId = key.substring(key.indexOf('|') + 1);
    a.appName = g.subject != null ? g.subject : s.apps().name(a.appId);
    a.appFirstParty = s.apps().isFirstParty(a.appId);
    a.user = g.actor;
    a.time = y;
    a.firstSeen = grants.get(0).time;
    a.lastSeen = y;
    io.ualwatch.model.alert.Endpoint p = new io.ualwatch.model.alert.Endpoint();
    p.ip = g.ip;
    p.time = g.time;
    a.source = p;
    a.endpoints.add(p);
    a.entities.put("tenant", a.tenantId);
    a.entities.put("app", a.appId);
    // the mailboxes the app read in the hour of the first access after the grant
    int hour = DetectionSettings.hourOf(y);
    TreeSet<String> mailboxes = new TreeSet<>();
    store.forEach(AppConsentFamily.MAILBOXES, (m, sp) -> {
      if (sp.has(hour)) mailboxes.add(m);
    });
    if (!mailboxes.isEmpty()) a.mailbox = mailboxes.first();
    Long inHour = store.get(AppConsentFamily.COUNTS, Integer.toString(hour));
    a.facts.put("grant", g.kind);
    a.facts.put("grantOperation", g.operation);
    a.facts.put("grantedBy", g.actor == null ? "unknown" : g.actor);
    a.facts.put("grantTime", Instant.ofEpochMilli(g.time).toString());
    if (g.detail != null) a.facts.put("permissions", g.detail);
    List<String> mailPerms = mailPermissions(g.detail, s);
    if (!mailPerms.isEmpty()) a.facts.put("mailPermissions", String.join(" ", mailPerms));
    if ("true".equals(g.extra)) a.facts.put("adminConsent", "true");
    a.facts.put("gapMinutes", Long.toString(Duration.ofMillis(y - g.time).toMinutes()));
    a.facts.put("mailboxes", String.join(";", mailboxes));
    for (ChangeRecord x : grants) {
      a.evidence.add(new Evidence(x.recordId, x.time, x.operation, x.ip, null, null,
          x.kind + (x.detail == null ? "" : ": " + x.detail)));
    }
    a.evidenceCount = grants.size() + (inHour == null ? 0 : inHour.intValue());
    a.severity = severity;
    a.confidence = severity == Severity.CRITICAL ? 85 : severity == Severity.HIGH ? 75 : 55;
    String appLabel = a.appName != null ? a.appName + " (" + a.appId + ")" : "app " + a.appId;
    a.baseline = "mail access within " + Duration.ofMillis(window(s)).toHours() + " h of a grant";
    a.message = appLabel + " " + what(g, mailPerms) + " by " + a.facts.get("grantedBy") + " at "
        + Instant.ofEpochMilli(g.time) + ", then read mail " + a.facts.get("gapMinutes") + " minutes later"
        + (mailboxes.isEmpty() ? "" : " (mailboxes read in that hour: " + describeMailboxes(mailboxes) + ")") + ".";
    return a;
  }

  private static String what(ChangeRecord g, List<String> mailPerms) {
    String perms = mailPerms.isEmpty() ? (g.detail == null ? "" : " (" + g.detail + ")")
        : " with " + String.join(", ", mailPerms);
    return switch (g.kind) {
      case ChangeOps.APP_CHANGE_CONSENT -> "was granted " + ("true".equals(g.extra) ? "admin " : "") + "consent" + perms;
      case ChangeOps.APP_CHANGE_ROLE -> "was assigned the app role" + perms;
      case ChangeOps.APP_CHANGE_SP_CREDENTIALS -> "got new service principal credentials";
      case ChangeOps.APP_CHANGE_APP_CREDENTIALS -> "got a new application secret or certificate";
      default -> "was changed (" + g.operation + ")";
    };
  }

  private static String describeMailboxes(TreeSet<String> m) {
    List<String> l = new ArrayList<>(m);
    String shown = String.join(", ", l.subList(0, Math.min(3, l.size())));
    return l.size() <= 3 ? shown : shown + " and " + (l.size() - 3) + " more";
  }
}
