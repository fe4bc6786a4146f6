package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.Codecs;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * token-without-signin: mail accessed with a UniqueTokenId or Entra session id that no sign-in ever carried.
 *
 * <p>Definition (order-independent once the watermark has passed): for the accesses of a token/session in an
 * alert bucket, take the earliest access time a and the earliest token issue time i (IssuedAtTime, else a);
 * the alert exists when the key has no sign-in record between i − lookback and a + grace, and the tenant's
 * sign-in feed was active around a. The check runs when the watermark passes a + grace (at the end of a
 * bounded input, every pending check resolves); a sign-in that arrives later withdraws the alert.
 */
public final class TokenWithoutSignIn implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "token-without-signin";

  /** Sign-in records of this token/session, per hour. */
  public static final Slot<Spans> SIGNINS = new Slot<>("tok-signins", Codecs.SPANS);
  /** Accesses waiting for (or past) their check, one draft alert per bucket (sub-key: bucket). */
  public static final Slot<Alert> CHECKS = new Slot<>("tok-checks", io.ualwatch.detect.AlertCodec.INSTANCE);

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Mail read with a token that never signed in",
      Severity.HIGH,
      "T1606.001", "Forge Web Credentials: Web Cookies",
      "TA0006", "Credential Access",
      "A mail access carries an AppAccessContext UniqueTokenId or AADSessionId for which no sign-in record "
          + "exists (Entra sign-in uniqueTokenIdentifier / sessionId, UAL UserLoggedIn DeviceProperties SessionId) "
          + "from `rules.token-without-signin.lookback` before the token's issue time until "
          + "`rules.token-without-signin.grace` after the access. Evaluated only when the tenant's sign-in feed "
          + "delivered sign-ins in the hour of the access or the hour before, and had already delivered at the start "
          + "of the search window (so the first day of a backfill or of an export is not evaluated); otherwise the "
          + "access is not evaluated. The check waits for the watermark (access time + grace), so these alerts come hours "
          + "after the access, never before the sign-in had its chance to arrive. Critical from a hosting/VPN "
          + "network or for an app that is not Microsoft first-party.",
      "Storm-0558 read mailboxes with tokens forged from a stolen signing key: no sign-in ever produced them. A "
          + "token that Entra never issued, or a session id no sign-in minted, is the footprint of a forged or "
          + "stolen-and-replayed credential; no open rule set checks for the absence as a streaming rule.",
      "A sign-in feed that is incomplete (non-interactive or service-principal sign-ins not exported, a lagging "
          + "Event Hub): check the feed first. Tokens issued before the lookback window (long-lived sessions "
          + "resumed after days).",
      "Search the Entra sign-in logs for the session id and token id in the alert over a wider window. If none "
          + "exists, treat it as a forged or stolen token: revoke the user's sessions, look at the app and source "
          + "network of the access, and scope what was read by InternetMessageId.",
      List.of("rules.token-without-signin.enabled", "rules.token-without-signin.grace",
          "rules.token-without-signin.lookback", "rules.token-without-signin.feed-active-window",
          "detect.suppression", "detect.allow.apps", "detect.allow.users"));

  static String alertId(String key, long bucket) {
    return AlertIds.of(ID, key, Long.toString(bucket));
  }

  void onSignIn(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    long t = e.eventTime.toEpochMilli();
    Spans sp = store.get(SIGNINS, "");
    if (sp == null) sp = new Spans();
    if (!sp.add(DetectionSettings.hourOf(t), t)) return;
    store.put(SIGNINS, "", sp);
    // Emitted alerts whose window this sign-in falls into are disproved.
    DetectionSettings s = ctx.settings();
    List<Alert> disproved = new ArrayList<>();
    store.forEach(AlertLedger.ALERTS, (id, a) -> {
      if (a.ruleId.equals(ID) && a.status != AlertStatus.WITHDRAWN && covers(a, t, s)) disproved.add(a);
    });
    for (Alert a : disproved) {
      AlertLedger.withdraw(store, a.id, "a sign-in of this " + a.facts.get("kind") + " at "
          + Instant.ofEpochMilli(t) + " arrived late", ctx);
    }
  }

  void onAccess(String key, boolean session, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.NO_SIGNIN_ENABLED)) return;
    if (s.appAllowed(e.effectiveClientApp()) || s.userAllowed(e.actor) || s.userAllowed(e.mailboxOwner)) return;
    long t = e.eventTime.toEpochMilli();
    long bucket = s.bucketOf(t);
    String sub = Long.toString(bucket);
    Alert draft = store.get(CHECKS, sub);
    String id = draft != null ? draft.id : alertId(key, bucket); // (hashing the id was 6 % of hunt)
    Alert emitted = AlertLedger.active(store, id);
    if (draft == null || t < draft.time) {
      // (a rebuilt draft carries no "checked" mark: an earlier access means a new check)
      Alert rebuilt = build(id, key, session, bucket, e, s);
      if (draft != null) {
        rebuilt.evidence.clear();
        rebuilt.evidenceCount = 0;
        for (var ev : draft.evidence) AlertLedger.addEvidence(rebuilt, ev, s.evidenceMax());
        rebuilt.evidenceCount = draft.evidenceCount;
        rebuilt.firstSeen = Math.min(rebuilt.firstSeen, draft.firstSeen);
        rebuilt.lastSeen = Math.max(rebuilt.lastSeen, draft.lastSeen);
        rebuilt.facts.put("issuedAt", Long.toString(Math.min(issuedAt(draft), issuedAt(rebuilt))));
      }
      draft = rebuilt;
    }
    long iat = e.tokenIssuedAt != null ? e.tokenIssuedAt.toEpochMilli() : t;
    if (iat < issuedAt(draft)) {
      draft.facts.put("issuedAt", Long.toString(iat));
      draft.facts.remove("checked"); // the window grew: check again
    }
    boolean listChanged;
    if (emitted == null && draft.facts.containsKey("checked")) {
      // checked without an alert (a sign-in exists, or not evaluated): only the count goes on (see lean)
      draft.evidenceCount++;
      draft.firstSeen = Math.min(draft.firstSeen, t);
      draft.lastSeen = Math.max(draft.lastSeen, t);
      listChanged = false;
    } else {
      listChanged = AlertLedger.addEvidence(draft, AlertLedger.evidenceOf(e, e.effectiveClientApp()), s.evidenceMax());
    }
    store.put(CHECKS, sub, draft); // (a draft carries no message: it is written when the alert is raised or updated)
    long due = draft.time + grace(s);
    if (emitted != null) {
      // already raised: refresh its content (earliest access may have moved) and fold the evidence
      Alert a = copyWithoutCheckMark(draft, s);
      a.message = message(a);
      a.revision = emitted.revision;
      a.status = emitted.status;
      a.emittedDigest = emitted.emittedDigest;
      AlertLedger.fold(store, a, listChanged, s.bucketStart(bucket + 1), ctx);
    } else if (!draft.facts.containsKey("checked")) {
      // a late access (its due time already behind the watermark) still waits for "grace" of watermark
      // progress, so that sign-ins arriving with it from another feed are seen first
      long wm = ctx.watermark();
      long later = wm == Long.MIN_VALUE ? due
          : Math.floorDiv(wm + grace(s), DetectionSettings.HOUR) * DetectionSettings.HOUR + DetectionSettings.HOUR;
      ctx.registerTimer(Math.max(due, later));
    }
  }

  /**
   * Timer: run the checks that are due, in sub-key order. {@code checks} is the key's CHECKS slot, read once by
   * the caller (decoding the drafts was a third of the live job's token detector); checked drafts are updated in
   * the map and in the store.
   */
  void onTimer(String key, long time, java.util.SortedMap<String, Alert> checks, EntityStore store, DetectContext ctx) {
    long grace = grace(ctx.settings());
    for (Map.Entry<String, Alert> c : checks.entrySet()) {
      Alert d = c.getValue();
      if (d.time + grace <= time && !d.facts.containsKey("checked")) check(c.getKey(), d, store, ctx);
    }
  }

  private void check(String sub, Alert d, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    Spans sp = store.get(SIGNINS, "");
    long lo = issuedAt(d) - s.config().get(DetectionOptions.NO_SIGNIN_LOOKBACK).toMillis();
    long hi = d.time + grace(s);
    d.facts.put("checked", "1"); // checked once; a later sign-in withdraws, an earlier access re-checks
    if (sp != null && anyIn(sp, lo, hi)) {
      store.put(CHECKS, sub, lean(d)); // a sign-in exists: nothing to say
      return;
    }
    if (!ctx.tenantFacts().signInFeedActive(d.tenantId, d.time)) {
      d.facts.put("notEvaluated", "sign-in feed inactive");
      store.put(CHECKS, sub, lean(d));
      return;
    }
    if (!ctx.tenantFacts().signInFeedCovers(d.tenantId, lo)) {
      // the search window starts before the sign-in feed does (the beginning of the data): absence proves nothing
      d.facts.put("notEvaluated", "sign-in feed starts after the search window");
      store.put(CHECKS, sub, lean(d));
      return;
    }
    // Keep the key for a retention period of watermark progress after raising, so that a sign-in arriving
    // far behind the watermark (a delayed sign-in feed) still finds the alert and withdraws it.
    long wm = ctx.watermark();
    if (wm != Long.MIN_VALUE && wm != Long.MAX_VALUE) {
      d.facts.put("raisedAtWatermark", Long.toString(wm));
      ctx.registerExpiry(wm, TokenFamily.retentionMs(s));
    }
    store.put(CHECKS, sub, d);
    Alert a = copyWithoutCheckMark(d, s);
    a.message = message(a);
    AlertLedger.upsert(store, a, ctx);
  }

  /**
   * A check that raised nothing keeps only what a later decision needs: its window (earliest access, issue
   * time), the count and the earliest access as evidence. Almost every token ends like this, and the 20 evidence
   * records were most of the token state (bench, 2026-12-07: 1.4 KB per check). Should an earlier access or an
   * earlier issue time re-open the check and raise an alert after all, its evidence list starts from the earliest
   * access and the records that come after the re-opening; the count is complete.
   */
  private static Alert lean(Alert d) {
    if (d.evidence.size() > 1) d.evidence.subList(1, d.evidence.size()).clear();
    return d;
  }

  /** The alert a draft raises: a copy without the check's marks, with the baseline sentence (not kept in drafts). */
  private static Alert copyWithoutCheckMark(Alert d, DetectionSettings s) {
    Alert a = io.ualwatch.detect.AlertCodec.INSTANCE.fromBytes(io.ualwatch.detect.AlertCodec.INSTANCE.toBytes(d));
    a.baseline = baseline("session".equals(a.facts.get("kind")), s);
    a.facts.remove("checked");
    a.facts.remove("notEvaluated");
    a.facts.remove("raisedAtWatermark");
    return a;
  }

  private static boolean covers(Alert a, long signIn, DetectionSettings s) {
    long lo = issuedAt(a) - s.config().get(DetectionOptions.NO_SIGNIN_LOOKBACK).toMillis();
    return signIn >= lo && signIn <= a.time + grace(s);
  }

  /** Exact for intervals longer than an hour: edge buckets are decided by their first/last record. */
  static boolean anyIn(Spans sp, long lo, long hi) {
    int from = DetectionSettings.hourOf(lo);
    int to = DetectionSettings.hourOf(hi);
    for (int i = 0; i < sp.size(); i++) {
      int h = sp.bucketAt(i);
      if (h < from || h > to) continue;
      if (sp.maxAt(i) >= lo && sp.minAt(i) <= hi) return true;
    }
    return false;
  }

  static long grace(DetectionSettings s) {
    return s.config().get(DetectionOptions.NO_SIGNIN_GRACE).toMillis();
  }

  static long issuedAt(Alert a) {
    String v = a.facts.get("issuedAt");
    return v == null ? a.time : Long.parseLong(v);
  }

  private static Alert build(String id, String key, boolean session, long bucket, AuditEvent e, DetectionSettings s) {
    Alert a = Drafts.start(id, INFO, s.bucketStart(bucket));
    a.tenantId = e.tenantId;
    long t = e.eventTime.toEpochMilli();
    a.time = t;
    a.firstSeen = t;
    a.lastSeen = t;
    a.user = e.actor;
    a.mailbox = e.mailboxOwner;
    a.appId = e.effectiveClientApp();
    a.appName = e.clientAppName != null ? e.clientAppName : s.apps().name(a.appId);
    a.appFirstParty = a.appId == null ? null : s.apps().isFirstParty(a.appId);
    String id2 = key.substring(key.lastIndexOf('|') + 1);
    if (session) a.sessionId = id2;
    else a.tokenId = id2;
    a.source = AlertLedger.endpointOf(e);
    a.endpoints.add(a.source);
    a.entities.put("tenant", e.tenantId);
    a.entities.put(session ? "session" : "token", id2);
    a.facts.put("kind", session ? "session" : "token");
    a.facts.put("issuedAt", Long.toString(e.tokenIssuedAt != null ? e.tokenIssuedAt.toEpochMilli() : t));
    boolean hosting = e.geo != null && e.geo.isHostingOrVpn();
    boolean thirdParty = a.appId != null && !Boolean.TRUE.equals(a.appFirstParty);
    a.severity = hosting || thirdParty ? Severity.CRITICAL : INFO.baseSeverity();
    a.confidence = hosting || thirdParty ? 85 : 65;
    return a;
  }

  /** What the alert's baseline says; the same for every alert under one configuration, so drafts do not keep it. */
  static String baseline(boolean session, DetectionSettings s) {
    return "no sign-in carried this " + (session ? "session id" : "token id") + " from "
        + s.config().get(DetectionOptions.NO_SIGNIN_LOOKBACK).toHours() + " h before the token was issued until "
        + s.config().get(DetectionOptions.NO_SIGNIN_GRACE).toHours() + " h after the access, while the tenant's "
        + "sign-in feed was delivering";
  }

  static String message(Alert a) {
    String what = "session".equals(a.facts.get("kind")) ? "Entra session " + a.sessionId : "token " + a.tokenId;
    String app = a.appName != null ? a.appName + " (" + a.appId + ")" : a.appId != null ? "app " + a.appId : "an app";
    return app + " read " + (a.mailbox != null ? a.mailbox + "'s mailbox" : "mail") + " with " + what
        + " from " + AlertLedger.describe(a.source) + " (" + a.evidenceCount + " records); " + a.baseline + ".";
  }
}
