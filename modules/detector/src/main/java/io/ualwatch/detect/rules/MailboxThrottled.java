package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.List;

/**
 * mailbox-throttled: a MailItemsAccessed record says IsThrottled=True. Exchange then stops auditing Bind for the
 * mailbox for 24 hours; the alert says so, with the window that is blind.
 *
 * <p>Definition (order-independent): the alert for (mailbox, bucket B) exists when some throttled record lies in
 * B. Its facts come from the earliest throttled record of B; the blind window runs from the earliest to the
 * latest throttled record of B plus 24 hours. Nothing can disprove it, so it is never withdrawn.
 */
public final class MailboxThrottled implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "mailbox-throttled";
  /** How long Exchange stops auditing Bind after throttling (record-schema.md §5). */
  static final long BLIND_MS = 24 * DetectionSettings.HOUR;

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Mailbox audit throttled: mail reads not audited for 24 hours",
      Severity.MEDIUM,
      "T1114.002", "Email Collection: Remote Email Collection",
      "TA0009", "Collection",
      "A MailItemsAccessed record carries OperationProperties IsThrottled=True (read by name). Exchange throttles "
          + "a mailbox after more than 1,000 MailItemsAccessed records in 24 hours: for the next 24 hours it no "
          + "longer audits Bind (individual message reads) for that mailbox; Sync and other actions are still "
          + "logged. The alert names the blind window (from the first throttled record of the bucket to 24 hours "
          + "after the last). High when the throttled access is app-only, by someone other than the mailbox owner, "
          + "by an app that is not Microsoft first-party (or a first-party app attackers reuse), or from a hosting "
          + "or VPN network.",
      "Fewer than 1% of mailboxes are ever throttled, and an attacker who reads a whole mailbox message by message "
          + "is the typical cause; after it, the audit log cannot say what else was read. Microsoft's guidance is to "
          + "treat every item as exposed for the throttled period. The only public rule reads IsThrottled by array "
          + "position inside a daily batch query; here it is an immediate alert.",
      "Heavy legitimate readers: archiving, backup, migration and eDiscovery tools, a search indexer, an Outlook "
          + "profile rebuilt several times in a day. Allow-list a vetted app with `detect.allow.apps`.",
      "Identify who and what read the mailbox before the throttle (evidence: actor, app, source network, session); "
          + "compare with the owner's usual clients. Treat the mailbox as fully exposed from the first throttled "
          + "record until the end of the blind window; look at Sync records and other audit actions, which are "
          + "still logged, and at sign-ins of the actor in that period. If the reader is not legitimate, revoke its "
          + "sessions or the app's grants.",
      List.of("rules.mailbox-throttled.enabled", "detect.suppression", "detect.allow.apps", "detect.allow.users"));

  static boolean isThrottled(AuditEvent e) {
    return "MailItemsAccessed".equals(e.operation) && Boolean.TRUE.equals(e.isThrottled);
  }

  void onAccess(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.THROTTLED_ENABLED) || !isThrottled(e)) return;
    String app = e.effectiveClientApp();
    if (s.appAllowed(app) || s.userAllowed(e.mailboxOwner) || s.userAllowed(e.actor)) return;
    long t = e.eventTime.toEpochMilli();
    long bucket = s.bucketOf(t);
    String id = AlertIds.of(ID, key, Long.toString(bucket));
    Alert active = AlertLedger.active(store, id);
    Alert draft = Drafts.earliest(active, e, () -> build(id, bucket, e, s), s.evidenceMax(), MailboxThrottled::carry);
    boolean listChanged = AlertLedger.addEvidence(draft, AlertLedger.evidenceOf(e, detail(e)), s.evidenceMax());
    raise(draft, e, s.apps());
    draft.facts.put("blindFrom", Instant.ofEpochMilli(draft.firstSeen).toString());
    draft.facts.put("blindUntil", Instant.ofEpochMilli(draft.lastSeen + BLIND_MS).toString());
    draft.message = message(draft);
    if (active == null) {
      AlertLedger.upsert(store, draft, ctx);
    } else {
      AlertLedger.fold(store, draft, listChanged, s.bucketStart(bucket + 1), ctx);
    }
  }

  private static String detail(AuditEvent e) {
    return (e.mailAccessType == null ? "" : e.mailAccessType + " ") + "IsThrottled=True";
  }

  private static Alert build(String id, long bucket, AuditEvent e, DetectionSettings s) {
    Alert a = Drafts.base(id, INFO, s.bucketStart(bucket), e);
    AppCatalog catalog = s.apps();
    a.appId = e.effectiveClientApp();
    a.appName = e.clientAppName != null ? e.clientAppName : catalog.name(a.appId);
    a.appFirstParty = a.appId == null ? null : catalog.isFirstParty(a.appId);
    a.severity = INFO.baseSeverity();
    a.confidence = 70;
    a.baseline = "Exchange throttles fewer than 1% of mailboxes; after a throttled record it does not audit "
        + "individual message reads (Bind) of the mailbox for 24 hours";
    return a;
  }

  /** What raises the severity, in the order the message names them. */
  private static final String[] RAISES = {"app-only access", "read by someone other than the owner",
      "an app that is not Microsoft first-party", "a hosting or VPN network"};

  /** High when any throttled record of the bucket is app-only, by a non-owner, a risky app or a hosting network. */
  private static void raise(Alert a, AuditEvent e, AppCatalog catalog) {
    String app = e.effectiveClientApp();
    if (e.actorKind == ActorKind.APP) a.facts.put(RAISES[0], "true");
    if (e.actorKind == ActorKind.USER && e.actor != null && !e.actor.equals(e.mailboxOwner)) {
      a.facts.put(RAISES[1], "true");
    }
    if (app != null && (!catalog.isFirstParty(app) || catalog.isRiskyFirstParty(app))) a.facts.put(RAISES[2], "true");
    if (e.geo != null && e.geo.isHostingOrVpn()) a.facts.put(RAISES[3], "true");
    severity(a);
  }

  /** A set of properties over the bucket's throttled records: independent of the order they arrive in. */
  private static void severity(Alert a) {
    boolean raised = false;
    for (String r : RAISES) raised |= a.facts.containsKey(r);
    a.severity = raised ? Severity.HIGH : INFO.baseSeverity();
    a.confidence = raised ? 85 : 70;
  }

  private static void carry(Alert from, Alert to) {
    for (String r : RAISES) if (from.facts.containsKey(r)) to.facts.put(r, "true");
    severity(to);
  }

  private static String raisedFor(Alert a) {
    List<String> l = new java.util.ArrayList<>();
    for (String r : RAISES) if (a.facts.containsKey(r)) l.add(r);
    return l.isEmpty() ? "" : " High: " + String.join(", ", l) + ".";
  }

  static String message(Alert a) {
    String who = a.user != null && !a.user.equals(a.mailbox) ? " (read by " + a.user + ")" : "";
    return "Exchange throttled MailItemsAccessed auditing of " + a.mailbox + "'s mailbox at "
        + Instant.ofEpochMilli(a.time) + who + ", reading with " + Drafts.describeApp(a.appName, a.appId)
        + " from " + AlertLedger.describe(a.source) + ": individual message reads (Bind) of this mailbox are not "
        + "audited until " + a.facts.get("blindUntil") + "; Sync and other actions still are. Treat every item "
        + "in the mailbox as possibly read from " + a.facts.get("blindFrom") + " to " + a.facts.get("blindUntil")
        + (a.evidenceCount > 1 ? " (" + a.evidenceCount + " throttled records)" : "") + "." + raisedFor(a);
  }
}
