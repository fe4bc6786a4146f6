package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Novelty;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Spans;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.Severity;
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
public final class MailboxNewClientApp implements Novelty.Rule {
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

  @Override
  public String ruleId() {
    return ID;
  }

  @Override
  public io.ualwatch.detect.Slot<Alert> pending() {
    return MailboxFamily.PENDING;
  }

  @Override
  public boolean requireMaturity() {
    return true;
  }

  @Override
  public Severity minSeverity(DetectionSettings s) {
    return s.config().get(DetectionOptions.NEW_CLIENT_APP_MIN_SEVERITY);
  }

  @Override
  public String detail(AuditEvent e) {
    return e.mailAccessType;
  }

  /** Handles a mail access by {@code app}; {@code spans} already include it. */
  void onAppEvent(String key, AuditEvent e, String app, Spans spans, Spans activity, boolean spansChanged,
      EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.NEW_CLIENT_APP_ENABLED)) return;
    if (s.appAllowed(app) || s.userAllowed(e.mailboxOwner)) return;
    Novelty.onValue(this, key, e, app, spans, activity, spansChanged, store, ctx);
  }

  void onNewActivityDay(Spans activity, EntityStore store, DetectContext ctx) {
    if (!ctx.settings().config().get(DetectionOptions.NEW_CLIENT_APP_ENABLED)) return;
    Novelty.onNewActivityDay(this, activity, store, ctx);
  }

  @Override
  public void fold(Alert a, AuditEvent e) {
    addItems(a, e);
    raiseForAccess(a, e);
  }

  @Override
  public void carry(Alert from, Alert to) {
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
  }

  @Override
  public Alert build(String id, String key, String app, long bucket, AuditEvent e, int day, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    AppCatalog catalog = s.apps();
    Alert a = Drafts.start(id, INFO, s.bucketStart(bucket));
    a.tenantId = e.tenantId;
    long t = e.eventTime.toEpochMilli();
    a.time = t;
    a.firstSeen = t;
    a.lastSeen = t;
    a.user = e.actor;
    a.mailbox = e.mailboxOwner;
    a.appId = app;
    a.appName = e.clientAppName != null ? e.clientAppName : catalog.name(app);
    a.appFirstParty = catalog.isFirstParty(app);
    a.tokenId = e.uniqueTokenId;
    a.sessionId = e.aadSessionId;
    a.source = AlertLedger.endpointOf(e);
    a.endpoints.add(a.source);
    a.entities.put("tenant", e.tenantId);
    a.entities.put("mailbox", e.mailboxOwner);
    a.entities.put("app", app);

    boolean tenantNew = newInTenant(a, DetectionSettings.dayOf(t), ctx);
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

  /**
   * True when the app read no mailbox of the tenant on any of the {@code retention} days before {@code day}
   * (tenant facts); false when no facts are wired. Final once the watermark has reached the start of {@code day};
   * see {@link #settle}.
   */
  private static boolean newInTenant(Alert a, int day, DetectContext ctx) {
    io.ualwatch.detect.TenantFacts facts = ctx.tenantFacts();
    return facts != io.ualwatch.detect.TenantFacts.NONE && !facts.appReadMailBetween(a.tenantId, a.appId, day - ctx.settings().retentionDays(), day - 1);
  }

  /**
   * "New in the tenant" as the tenant facts say once the watermark has passed the episode's earliest record: the
   * draft was built from the facts that had arrived by then, which depends on arrival order (another mailbox's
   * record of an earlier day may come later). One severity step and 15 points of confidence follow it.
   */
  @Override
  public void settle(Alert a, DetectContext ctx) {
    boolean now = newInTenant(a, DetectionSettings.dayOf(a.time), ctx);
    boolean before = "true".equals(a.facts.get("appNewInTenant"));
    if (now == before) return;
    a.facts.put("appNewInTenant", Boolean.toString(now));
    // the step build gave or did not give (three steps from low reach critical, 85 points: nothing was clamped)
    a.severity = a.severity.raise(now ? 1 : -1);
    a.confidence += now ? 15 : -15;
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

  @Override
  public String message(Alert a) {
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
