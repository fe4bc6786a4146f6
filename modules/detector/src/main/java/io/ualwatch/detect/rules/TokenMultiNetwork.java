package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Pairs;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * token-multi-network: one UniqueTokenId, or one Entra session id, used from two different networks
 * (non-Microsoft ASNs, or countries) within the window, across sign-ins and mailbox records.
 *
 * <p>Definition (order-independent): a <em>trigger</em> is a record y of network N such that some record x of
 * a conflicting network M has y - window &lt;= x &lt;= y. The alert for bucket B exists when some trigger lies in
 * B; its time is the earliest such trigger. Because every network keeps the first and last time per hour,
 * the earliest trigger per bucket is computed exactly: within one hour both networks' first times bound it,
 * across hours the other network's last time before the hour does.
 */
public final class TokenMultiNetwork implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "token-multi-network";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "One token or session used from two networks",
      Severity.HIGH,
      "T1550.001", "Use Alternate Authentication Material: Application Access Token",
      "TA0008", "Lateral Movement",
      "The same UniqueTokenId, or the same Entra session id (AADSessionId / sign-in sessionId), appears in "
          + "records from two different non-Microsoft ASNs or two different countries no more than "
          + "`rules.token-multi-network.window` apart (tokens) or `rules.token-multi-network.session-window` "
          + "apart (sessions). Sign-ins (Entra and UAL UserLoggedIn) and mailbox "
          + "records (MailItemsAccessed etc.) are joined on these ids. Microsoft addresses, in-flight/satellite "
          + "networks, private addresses and trusted CIDRs are ignored. Critical when one side is a hosting or VPN "
          + "network.",
      "A stolen token or session cookie replayed from the attacker's infrastructure keeps the victim's token "
          + "and session ids: the sign-in shows the victim's network, the mailbox access the attacker's. No "
          + "open rule set correlates this across MailItemsAccessed and sign-ins as a streaming rule.",
      "Session ids live for days: a laptop that moves from home to office to a phone hotspot keeps its Entra "
          + "session; the session window is short by default for that reason (set "
          + "`rules.token-multi-network.sessions: false` to track only tokens). Corporate VPNs and "
          + "secure web gateways that egress in another country; mobile carriers roaming abroad.",
      "Compare the two networks in the evidence: is one a hosting or VPN provider, or a country the user has "
          + "never been to? Look at the sign-in that minted the session (same session id). If the token was "
          + "replayed: revoke the user's sessions (revokeSignInSessions), reset credentials, review what the "
          + "second network accessed.",
      List.of("rules.token-multi-network.enabled", "rules.token-multi-network.window",
          "rules.token-multi-network.session-window",
          "rules.token-multi-network.sessions", "detect.suppression", "detect.allow.cidrs", "detect.allow.users"));

  void onObservation(String key, boolean session, AuditEvent e, NetObs obs, boolean changed, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.TOKEN_MULTI_NETWORK_ENABLED)) return;
    if (s.userAllowed(e.actor)) return;
    long t = e.eventTime.toEpochMilli();
    long window = s.config().get(session ? DetectionOptions.TOKEN_MULTI_NETWORK_SESSION_WINDOW
        : DetectionOptions.TOKEN_MULTI_NETWORK_WINDOW).toMillis();
    List<NetObs> nets = new ArrayList<>();
    store.forEach(TokenFamily.NETS, (k, v) -> nets.add(v));
    if (changed && nets.size() >= 2) {
      long firstBucket = s.bucketOf(t);
      long lastBucket = s.bucketOf(t + window);
      for (long b = firstBucket; b <= lastBucket; b++) {
        Pairs.Trigger tr = Pairs.earliest(nets, s.bucketStart(b), s.bucketStart(b + 1), NetObs::conflict,
            (n, m) -> window);
        if (tr != null) raise(key, session, b, tr, nets, store, ctx);
      }
    }
    // evidence: this record, if an alert of its bucket exists and the record is at or after the trigger
    long bucket = s.bucketOf(t);
    String id = alertId(key, bucket);
    Alert a = AlertLedger.active(store, id);
    if (a != null) {
      int before = a.evidenceCount;
      boolean listChanged = AlertLedger.addEvidence(a, AlertLedger.evidenceOf(e, networkLabel(e)), s.evidenceMax());
      Long counted = store.get(TokenFamily.COUNTS, Long.toString(bucket));
      a.evidenceCount = counted == null ? Math.max(before, a.evidenceCount) : counted.intValue();
      setSeen(a, nets, s.bucketStart(bucket), s.bucketStart(bucket + 1));
      a.message = message(a, session);
      AlertLedger.fold(store, a, listChanged, s.bucketStart(bucket + 1), ctx);
    }
  }

  static String alertId(String key, long bucket) {
    return AlertIds.of(ID, key, Long.toString(bucket));
  }

  private void raise(String key, boolean session, long bucket, Pairs.Trigger tr, List<NetObs> nets, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    String id = alertId(key, bucket);
    Alert prev = AlertLedger.active(store, id);
    if (prev != null && prev.time == tr.time() && prev.firstSeen == Math.min(prev.firstSeen, tr.earlierTime())
        && prev.endpoints.size() == 2 && prev.endpoints.get(0).time == tr.earlierTime()
        && java.util.Objects.equals(prev.endpoints.get(0).ip, tr.earlier().first.ip)
        && java.util.Objects.equals(prev.endpoints.get(1).ip, tr.later().first.ip)
        && networks(nets, bucket, s).equals(prev.facts.get("networks"))) {
      return; // the trigger and both networks' earliest records are unchanged
    }
    Alert a = Drafts.start(id, INFO, s.bucketStart(bucket));
    String[] parts = key.split("\\|", 3);
    a.tenantId = parts[0];
    a.time = tr.time();
    a.firstSeen = tr.earlierTime();
    a.lastSeen = tr.time();
    NetObs later = tr.later();
    NetObs earlier = tr.earlier();
    a.user = later.user != null ? later.user : earlier.user;
    a.appId = later.app;
    a.appName = later.app == null ? null : s.apps().name(later.app);
    if (session) a.sessionId = parts[2];
    else a.tokenId = parts[2];
    Endpoint first = earlier.first.at(tr.earlierTime());
    Endpoint second = later.first.at(tr.time());
    a.source = second;
    a.endpoints.add(first);
    a.endpoints.add(second);
    a.entities.put("tenant", a.tenantId);
    a.entities.put(session ? "session" : "token", parts[2]);
    a.evidence.add(new Evidence(earlier.firstRecordId, earlier.first.time, earlier.firstOperation,
        earlier.first.ip, earlier.country, earlier.asn, earlier.label()));
    if (!later.firstRecordId.equals(earlier.firstRecordId)) {
      a.evidence.add(new Evidence(later.firstRecordId, later.first.time, later.firstOperation, later.first.ip,
          later.country, later.asn, later.label()));
    }
    a.evidence.sort(java.util.Comparator.comparingLong((Evidence x) -> x.time).thenComparing(x -> x.recordId));
    if (prev != null) {
      for (Evidence ev : prev.evidence) AlertLedger.addEvidence(a, ev, s.evidenceMax());
    }
    // every eligible record of the token in the bucket, however late the alert was raised
    Long counted = store.get(TokenFamily.COUNTS, Long.toString(bucket));
    a.evidenceCount = counted == null ? a.evidence.size() : counted.intValue();
    setSeen(a, nets, s.bucketStart(bucket), s.bucketStart(bucket + 1));
    boolean hosting = isHosting(later) || isHosting(earlier);
    a.severity = hosting ? Severity.CRITICAL : INFO.baseSeverity();
    a.confidence = hosting ? 90 : 70;
    a.facts.put("networks", networks(nets, bucket, s));
    a.facts.put("gapMinutes", Long.toString(Duration.ofMillis(tr.time() - tr.earlierTime()).toMinutes()));
    a.facts.put("kind", session ? "session" : "token");
    a.baseline = "a token or session normally stays on one network; this one was first used from "
        + earlier.label();
    a.message = message(a, session);
    AlertLedger.upsert(store, a, ctx);
  }

  /** First and last record of the token in the bucket, from state (not from what happened to be folded in). */
  private static void setSeen(Alert a, List<NetObs> nets, long from, long to) {
    long[] span = Pairs.span(nets, from, to);
    if (span != null) {
      a.firstSeen = span[0];
      a.lastSeen = span[1];
    }
  }

  private static boolean isHosting(NetObs n) {
    return n.first != null && ("hosting".equals(n.first.network) || "vpn".equals(n.first.network));
  }


  private static String networks(List<NetObs> nets, long bucket, DetectionSettings s) {
    List<String> l = new ArrayList<>();
    for (NetObs n : nets) {
      if (n.hours.anyIn(DetectionSettings.hourOf(s.bucketStart(bucket) - DetectionSettings.DAY),
          DetectionSettings.hourOf(s.bucketStart(bucket + 1) - 1))) {
        l.add(n.label());
      }
    }
    l.sort(null);
    return String.join("; ", l);
  }

  private static String networkLabel(AuditEvent e) {
    return e.geo == null ? null : (e.geo.asn == null ? "" : "AS" + e.geo.asn) + " " + (e.geo.country == null ? "" : e.geo.country);
  }

  static String message(Alert a, boolean session) {
    String what = session ? "Entra session " + a.sessionId : "Token " + abbreviate(a.tokenId) + " (UniqueTokenId)";
    Endpoint first = a.endpoints.get(0);
    Endpoint second = a.endpoints.get(1);
    return what + (a.user != null ? " of " + a.user : "") + " was used from " + AlertLedger.describe(first)
        + " and, " + a.facts.get("gapMinutes") + " minutes later, from " + AlertLedger.describe(second)
        + "; " + a.baseline + ".";
  }

  private static String abbreviate(String s) {
    return s == null || s.length() <= 16 ? s : s.substring(0, 12) + "…";
  }
}
