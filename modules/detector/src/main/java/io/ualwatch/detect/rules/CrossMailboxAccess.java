package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Novelty;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.Severity;
import java.util.List;

/**
 * cross-mailbox-access: a user reads another user's mailbox (delegate or admin logon) and did not read that
 * mailbox in the baseline window. Delegates who read a shared mailbox routinely are in its baseline.
 *
 * <p>Definition (order-independent, through {@link Novelty}): the value is the reading user; the pair (user,
 * mailbox) has an episode on day d when the user read the mailbox on d and on none of the {@code retention} days
 * before; the alert exists when the mailbox is mature on d. A late record showing the pair earlier withdraws it.
 */
public final class CrossMailboxAccess implements Novelty.Rule {
  private static final long serialVersionUID = 1L;
  public static final String ID = "cross-mailbox-access";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "User reading another user's mailbox for the first time",
      Severity.MEDIUM,
      "T1114.002", "Email Collection: Remote Email Collection",
      "TA0009", "Collection",
      "A user (UserId, a UPN) reads mail in a mailbox that is not their own (MailboxOwnerUPN differs; LogonType "
          + "Admin, Delegated or DelegatedAdmin, or absent) in a mailbox with at least `detect.baseline.maturity` "
          + "of history, and that user did not read this mailbox in the previous `detect.baseline.retention`. "
          + "Delegates who read a shared mailbox routinely are in its baseline and stay silent. LogonType Owner, "
          + "system and app-only access are not counted. High for an admin logon, ExternalAccess, or access from a "
          + "hosting or VPN network.",
      "An attacker in one account reads the executives' mail through permissions that account holds or grants "
          + "itself (Add-MailboxPermission); an insider or an over-privileged admin browses colleagues' mail. "
          + "Sentinel ships this as a daily hunting query over new (user, owner) pairs; here each new pair alerts "
          + "when it happens, and shared mailboxes stay quiet because their delegates are in the baseline.",
      "A new assistant or team member given access to a manager's or a shared mailbox; an administrator "
          + "troubleshooting a mailbox; a mailbox recently shared with a colleague during an absence. Each pair "
          + "alerts once and then joins the mailbox's baseline.",
      "Ask the mailbox owner whether the reader should have access, and look up when and by whom the permission "
          + "was granted (Add-MailboxPermission, Add-MailboxFolderPermission in the audit log). Check the reader's "
          + "sign-ins and network in the evidence; if the access is not expected, remove the permission, revoke "
          + "the reader's sessions and scope what was read by InternetMessageId.",
      List.of("rules.cross-mailbox-access.enabled", "detect.baseline.retention", "detect.baseline.maturity",
          "detect.suppression", "detect.allow.apps", "detect.allow.users"));

  /** A user reading a mailbox that is not their own, by delegate or admin logon (or no LogonType given). */
  static boolean crossMailbox(AuditEvent e) {
    if (e.actorKind != ActorKind.USER || e.actor == null || e.mailboxOwner == null) return false;
    if (e.actor.equals(e.mailboxOwner)) return false;
    Integer lt = e.logonType;
    return lt == null || lt == 1 || lt == 2 || lt == 6;
  }

  /** Handles a cross-mailbox read; {@code spans} (the reader's days on this mailbox) already include it. */
  void onReader(String key, AuditEvent e, Spans spans, Spans activity, boolean changed, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.CROSS_MAILBOX_ENABLED)) return;
    if (s.appAllowed(e.effectiveClientApp()) || s.userAllowed(e.actor) || s.userAllowed(e.mailboxOwner)) return;
    Novelty.onValue(this, key, e, e.actor, spans, activity, changed, store, ctx);
  }

  void onNewActivityDay(Spans activity, EntityStore store, DetectContext ctx) {
    if (!ctx.settings().config().get(DetectionOptions.CROSS_MAILBOX_ENABLED)) return;
    Novelty.onNewActivityDay(this, activity, store, ctx);
  }

  @Override public String ruleId() { return ID; }
  @Override public Slot<Alert> pending() { return MailboxFamily.PENDING; }
  @Override public boolean requireMaturity() { return true; }
  @Override public Severity minSeverity(DetectionSettings s) { return Severity.INFORMATIONAL; }

  @Override
  public String detail(AuditEvent e) {
    return logonName(e.logonType) + (e.mailAccessType == null ? "" : " " + e.mailAccessType);
  }

  static String logonName(Integer lt) {
    if (lt == null) return "non-owner";
    return switch (lt) {
      case 1 -> "admin";
      case 2 -> "delegate";
      case 6 -> "delegated admin";
      default -> "logon type " + lt;
    };
  }

  @Override
  public Alert build(String id, String key, String reader, long bucket, AuditEvent e, int day, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    Alert a = Drafts.base(id, INFO, s.bucketStart(bucket), e);
    a.appId = e.effectiveClientApp();
    a.appName = e.clientAppName != null ? e.clientAppName : s.apps().name(a.appId);
    a.appFirstParty = a.appId == null ? null : s.apps().isFirstParty(a.appId);
    a.entities.put("user", reader);
    a.facts.put("logon", logonName(e.logonType));
    a.facts.put("items", "0");
    a.severity = INFO.baseSeverity();
    a.confidence = 55;
    a.baseline = reader + " did not read this mailbox in the previous " + s.retentionDays() + " days";
    return a;
  }

  /** What raises the severity, in the order the message names them. */
  private static final String[] RAISES = {"admin logon", "external access", "hosting or VPN network"};

  @Override
  public void fold(Alert a, AuditEvent e) {
    long items = Long.parseLong(a.facts.getOrDefault("items", "0")) + Math.max(1, e.operationCount);
    a.facts.put("items", Long.toString(items));
    if (e.logonType != null && (e.logonType == 1 || e.logonType == 6)) a.facts.put(RAISES[0], "true");
    if (Boolean.TRUE.equals(e.externalAccess)) a.facts.put(RAISES[1], "true");
    if (e.geo != null && e.geo.isHostingOrVpn()) a.facts.put(RAISES[2], "true");
    severity(a);
  }

  /** High when any record of the episode had a raising property (a set: independent of the order of records). */
  private static void severity(Alert a) {
    boolean raised = false;
    for (String r : RAISES) raised |= a.facts.containsKey(r);
    a.severity = raised ? Severity.HIGH : INFO.baseSeverity();
    a.confidence = raised ? 75 : 55;
  }

  @Override
  public void carry(Alert from, Alert to) {
    to.facts.put("items", from.facts.getOrDefault("items", "0"));
    for (String r : RAISES) if (from.facts.containsKey(r)) to.facts.put(r, "true");
    severity(to);
  }

  @Override
  public String message(Alert a) {
    return a.user + " read " + a.facts.getOrDefault("items", "?") + " items in " + a.mailbox + "'s mailbox ("
        + a.facts.get("logon") + " logon) with " + Drafts.describeApp(a.appName, a.appId) + " from "
        + AlertLedger.describe(a.source) + "; " + a.baseline + raisedFor(a) + ".";
  }

  private static String raisedFor(Alert a) {
    List<String> l = new java.util.ArrayList<>();
    for (String r : RAISES) if (a.facts.containsKey(r)) l.add(r);
    return l.isEmpty() ? "" : "; high for " + String.join(", ", l);
  }
}
