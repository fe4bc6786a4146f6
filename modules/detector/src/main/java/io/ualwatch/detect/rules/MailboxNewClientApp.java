package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Spans;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * mailbox-new-client-app: a client app (ClientAppId, else AppId) reads a mature mailbox that it did not
 * read in the baseline window. The Storm-0558 signal: an app nobody expected reading a mailbox.
 *
 * <p>Definition (order-independent): app A has an <em>episode</em> on day d when A read the mailbox on d and
 * on none of the {@code retention} days before d; the alert for the episode exists when the mailbox is
 * mature on d (any mail access on days d-retention … d-maturity). The alert id is
 * (rule, tenant, mailbox, app, bucket of the episode's first record); later records of A in that bucket are
 * folded in as evidence. A late record showing A on an earlier day withdraws the alert.
 */
public final class MailboxNewClientApp implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "mailbox-new-client-app";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "New client app reading a mailbox",
      Severity.LOW,
      "T1114.002", "Email Collection: Remote Email Collection",
      "TA0009", "Collection",
      "A client app (ClientAppId, or AppId when there is none) reads mail in a mailbox that has at least "
          + "`detect.baseline.maturity` of history, and that app did not read this mailbox in the previous "
          + "`detect.baseline.retention`. Severity starts at low and goes up one step for each of: the app was "
          + "never seen in the tenant before that day; it is not a Microsoft first-party app (or it is a "
          + "first-party app attackers reuse, such as Azure CLI or the Exchange REST PowerShell); the access "
          + "was a Sync (a whole folder downloaded) or app-only.",
      "Storm-0558 (2023) read government mailboxes with forged tokens; the victim that noticed did so because "
          + "MailItemsAccessed showed an AppId nobody expected. Elastic's equivalent rule is tenant-wide; per "
          + "mailbox, a compromised app reading a few executives' mail stands out even in a tenant where the "
          + "app is known.",
      "A user installs a new mail client or phone (Microsoft first-party: low severity); a newly deployed "
          + "archiving, backup or CRM integration (allow-list its app id in `detect.allow.apps`); a migration "
          + "tool.",
      "Look up the app id (Entra admin centre > Enterprise applications). Who consented, when, with which "
          + "permissions? Compare the source IP/ASN with the user's sign-ins. Check the evidence records' "
          + "MailAccessType: Sync means whole folders were downloaded. If unexpected, revoke the app's grants "
          + "and the user's sessions, then scope what was read by InternetMessageId.",
      List.of("rules.mailbox-new-client-app.enabled", "rules.mailbox-new-client-app.min-severity",
          "detect.baseline.retention", "detect.baseline.maturity", "detect.suppression", "detect.allow.apps",
          "detect.allow.users"));

  /** Handles a mail access by {@code app}; {@code spans} already include it. */
  void onAppEvent(String key, AuditEvent e, String app, Spans spans, Spans activity, boolean spansChanged,
      EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.NEW_CLIENT_APP_ENABLED)) return;
    if (s.appAllowed(app) || s.userAllowed(e.mailboxOwner)) return;
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    if (spansChanged) {
      // a new day of this app can end the novelty of the next episode within the retention window
      int next = spans.nextAfter(day);
      if (next != Integer.MIN_VALUE && next - day <= s.retentionDays()) withdrawIfNotNovel(key, app, next, spans, store, ctx);
      withdrawIfNotNovel(key, app, day, spans, store, ctx);
    }
    long bucket = s.bucketOf(t);
    int d0 = firstDayInBucket(spans, bucket, s);
    if (d0 == Integer.MIN_VALUE || !novel(spans, d0, s.retentionDays())) return;
    String id = alertId(key, app, bucket);
    Alert active = AlertLedger.active(store, id);
    Alert draft = active != null ? active : store.get(MailboxFamily.PENDING, id);
    if (draft == null || t < draft.time || (t == draft.time && e.recordId.compareTo(firstId(draft)) < 0)) {
      // the episode's facts come from its earliest record, whatever arrived first
      Alert rebuilt = build(id, key, app, bucket, e, d0, store, ctx);
      if (draft != null) carryOver(draft, rebuilt, s);
      draft = rebuilt;
    }
    boolean listChanged = AlertLedger.addEvidence(draft, AlertLedger.evidenceOf(e, e.mailAccessType), s.evidenceMax());
    addItems(draft, e);
    raiseForAccess(draft, e);
    draft.message = message(draft);
    if (mature(activity, d0, s)) {
      store.remove(MailboxFamily.PENDING, id);
      if (active == null) {
        if (draft.severity.compareTo(s.config().get(DetectionOptions.NEW_CLIENT_APP_MIN_SEVERITY)) >= 0) {
          AlertLedger.upsert(store, draft, ctx);
        }
      } else {
        AlertLedger.fold(store, draft, listChanged, s.bucketStart(bucket + 1), ctx);
      }
    } else {
      store.put(MailboxFamily.PENDING, id, draft);
    }
  }

  /** A day with mail access appeared: episodes that were waiting for maturity may now be raised. */
  void onNewActivityDay(String key, int day, Spans activity, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.NEW_CLIENT_APP_ENABLED)) return;
    java.util.List<Alert> ready = new ArrayList<>();
    store.forEach(MailboxFamily.PENDING, (id, p) -> {
      if (mature(activity, DetectionSettings.dayOf(p.time), s)) ready.add(p);
    });
    ready.sort(java.util.Comparator.comparing(a -> a.id));
    Severity min = s.config().get(DetectionOptions.NEW_CLIENT_APP_MIN_SEVERITY);
    for (Alert p : ready) {
      store.remove(MailboxFamily.PENDING, p.id);
      if (p.severity.compareTo(min) >= 0) AlertLedger.upsert(store, p, ctx);
    }
  }

  static boolean novel(Spans spans, int day, int retentionDays) {
    return spans.has(day) && !spans.anyIn(day - retentionDays, day - 1);
  }

  static boolean mature(Spans activity, int day, DetectionSettings s) {
    return activity.anyIn(day - s.retentionDays(), day - s.maturityDays());
  }

  static String alertId(String key, String app, long bucket) {
    return AlertIds.of(ID, key, app, Long.toString(bucket));
  }

  /** The first day the app was seen within the bucket, or Integer.MIN_VALUE. */
  private static int firstDayInBucket(Spans spans, long bucket, DetectionSettings s) {
    int from = DetectionSettings.dayOf(s.bucketStart(bucket));
    int i = spans.indexOf(from);
    int at = i >= 0 ? i : -i - 1;
    if (at >= spans.size()) return Integer.MIN_VALUE;
    int d = spans.bucketAt(at);
    return s.bucketOf(spans.minAt(at)) == bucket ? d : Integer.MIN_VALUE;
  }

  private static void withdrawIfNotNovel(String key, String app, int day, Spans spans, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    int idx = spans.indexOf(day);
    if (idx < 0 || novel(spans, day, s.retentionDays())) return;
    String id = alertId(key, app, s.bucketOf(spans.minAt(idx)));
    store.remove(MailboxFamily.PENDING, id);
    int prev = spans.lastIndexBefore(day);
    String when = prev >= 0 ? LocalDate.ofEpochDay(spans.bucketAt(prev)).toString() : "an earlier day";
    AlertLedger.withdraw(store, id, "a record that arrived late shows this app already read this mailbox on " + when,
        ctx);
  }

  private static String firstId(Alert a) {
    return a.evidence.isEmpty() ? "" : a.evidence.get(0).recordId;
  }

  /** Keeps what an episode accumulated when its facts are rebuilt from an earlier record. */
  private static void carryOver(Alert from, Alert to, DetectionSettings s) {
    to.evidence.clear();
    to.evidenceCount = 0;
    for (var ev : from.evidence) AlertLedger.addEvidence(to, ev, s.evidenceMax());
    to.evidenceCount = from.evidenceCount;
    to.firstSeen = Math.min(to.firstSeen, from.firstSeen);
    to.lastSeen = Math.max(to.lastSeen, from.lastSeen);
    to.facts.put("items", from.facts.getOrDefault("items", "0"));
    for (String k : new String[] {"sync", "appOnly"}) {
      if ("true".equals(from.facts.get(k)) && !"true".equals(to.facts.get(k))) {
        to.facts.put(k, "true");
        if (!"true".equals(to.facts.get("syncOrAppOnly"))) {
          to.facts.put("syncOrAppOnly", "true");
          to.severity = to.severity.raise(1);
          to.confidence = Math.min(95, to.confidence + 15);
        }
      }
    }
    to.revision = from.revision;
    to.status = from.status;
    to.emittedDigest = from.emittedDigest;
  }

  private Alert build(String id, String key, String app, long bucket, AuditEvent e, int day, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    AppCatalog catalog = s.apps();
    Alert a = new Alert();
    a.id = id;
    a.ruleId = ID;
    a.ruleName = INFO.title();
    a.status = AlertStatus.NEW;
    a.tenantId = e.tenantId;
    long t = e.eventTime.toEpochMilli();
    a.time = t;
    a.firstSeen = t;
    a.lastSeen = t;
    a.bucket = Instant.ofEpochMilli(s.bucketStart(bucket)).toString();
    a.user = e.actor;
    a.mailbox = e.mailboxOwner;
    a.appId = app;
    a.appName = e.clientAppName != null ? e.clientAppName : catalog.name(app);
    a.appFirstParty = catalog.isFirstParty(app);
    a.tokenId = e.uniqueTokenId;
    a.sessionId = e.aadSessionId;
    a.source = AlertLedger.endpointOf(e);
    a.endpoints.add(a.source);
    a.attackTechniqueId = INFO.techniqueId();
    a.attackTechniqueName = INFO.techniqueName();
    a.attackTacticId = INFO.tacticId();
    a.attackTacticName = INFO.tacticName();
    a.entities.put("tenant", e.tenantId);
    a.entities.put("mailbox", e.mailboxOwner);
    a.entities.put("app", app);

    boolean tenantNew = "true".equals(e.attribute(TenantAppPrevalence.ATTR_NEW_IN_TENANT));
    boolean firstParty = Boolean.TRUE.equals(a.appFirstParty);
    boolean risky = catalog.isRiskyFirstParty(app);
    a.facts.put("appNewInTenant", Boolean.toString(tenantNew));
    a.facts.put("appFirstParty", Boolean.toString(firstParty));
    if (risky) a.facts.put("appRiskyFirstParty", "true");
    a.facts.put("items", "0");

    Severity sev = INFO.baseSeverity();
    int steps = 0;
    if (tenantNew) steps++;
    if (!firstParty || risky) steps++;
    a.severity = sev.raise(steps);
    a.confidence = 40 + 15 * steps;

    // The baseline it broke: which apps read this mailbox in the window before the episode.
    TreeSet<String> known = new TreeSet<>();
    store.forEach(MailboxFamily.APPS, (other, sp) -> {
      if (!other.equals(app) && sp.anyIn(day - s.retentionDays(), day - 1)) {
        String n = catalog.name(other);
        known.add(n != null ? n : other);
      }
    });
    a.baseline = known.isEmpty()
        ? "no other app read this mailbox in the previous " + s.retentionDays() + " days"
        : "in the previous " + s.retentionDays() + " days this mailbox was read only by " + join(known);
    a.facts.put("baselineApps", String.join(";", known));
    return a;
  }

  /** Sync (whole folders) and app-only access raise severity once; recorded in facts. */
  private static void raiseForAccess(Alert a, AuditEvent e) {
    boolean sync = "Sync".equalsIgnoreCase(e.mailAccessType);
    boolean appOnly = e.actorKind == ActorKind.APP;
    if ((sync || appOnly) && !"true".equals(a.facts.get("syncOrAppOnly"))) {
      a.facts.put("syncOrAppOnly", "true");
      if (sync) a.facts.put("sync", "true");
      if (appOnly) a.facts.put("appOnly", "true");
      a.severity = a.severity.raise(1);
      a.confidence = Math.min(95, a.confidence + 15);
    }
  }

  private static void addItems(Alert a, AuditEvent e) {
    long items = Long.parseLong(a.facts.getOrDefault("items", "0")) + Math.max(1, e.operationCount);
    a.facts.put("items", Long.toString(items));
  }

  static String message(Alert a) {
    String app = a.appName != null ? a.appName + " (" + a.appId + ")" : "ClientAppId " + a.appId + " (unknown app)";
    String what = "true".equals(a.facts.get("sync")) ? "synced folders (whole-folder download) in" : "read "
        + a.facts.getOrDefault("items", "?") + " items in";
    return app + " " + what + " " + a.mailbox + "'s mailbox from " + AlertLedger.describe(a.source)
        + ("true".equals(a.facts.get("appNewInTenant")) ? "; the app was never seen in this tenant before" : "")
        + "; " + a.baseline + ".";
  }

  private static String join(TreeSet<String> names) {
    List<String> l = new ArrayList<>(names);
    if (l.size() == 1) return l.get(0);
    if (l.size() > 6) {
      return String.join(", ", l.subList(0, 6)) + " and " + (l.size() - 6) + " more";
    }
    return String.join(", ", l.subList(0, l.size() - 1)) + " and " + l.get(l.size() - 1);
  }
}
