package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.Slot;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Detectors keyed by token or session: tenant + UniqueTokenId, and tenant + Entra session id
 * (AppAccessContext.AADSessionId = UAL logon DeviceProperties.SessionId = Entra sign-in sessionId). Both
 * sign-ins and mailbox records carry them, so one key sees the token's whole life across the two feeds.
 */
public final class TokenFamily implements Family {
  public static final Slot<NetObs> NETS = new Slot<>("tok-nets", NetObs.CODEC);
  /** Eligible records per alert bucket (sub-key: bucket number), so an alert's record count does not depend on when it was raised. */
  public static final Slot<Long> COUNTS = new Slot<>("tok-counts", io.ualwatch.detect.Codecs.LONG);
  /** At most this many distinct networks are remembered per token or session. */
  static final int MAX_NETWORKS = 64;

  private final TokenMultiNetwork multiNetwork = new TokenMultiNetwork();
  private final TokenWithoutSignIn withoutSignIn = new TokenWithoutSignIn();

  @Override
  public String name() {
    return "token";
  }

  @Override
  public List<Slot<?>> slots() {
    return List.of(NETS, COUNTS, TokenWithoutSignIn.SIGNINS, TokenWithoutSignIn.CHECKS, AlertLedger.ALERTS);
  }

  @Override
  public void keys(AuditEvent e, Consumer<String> out) {
    if (e.eventTime == null || e.outcome == Outcome.FAILURE) return;
    if (e.uniqueTokenId != null) out.accept(e.tenantId + "|tok|" + e.uniqueTokenId);
    if (e.aadSessionId != null) out.accept(e.tenantId + "|sid|" + e.aadSessionId);
  }

  /** Whether an event's network counts: located or with a known ASN, and not Microsoft, satellite, private or trusted. */
  static boolean eligible(AuditEvent e, DetectionSettings s) {
    if (e.clientIp == null || e.geo == null) return false;
    NetworkClass n = e.geo.network;
    if (n == NetworkClass.MICROSOFT || n == NetworkClass.SATELLITE || n == NetworkClass.PRIVATE) return false;
    if (s.trustedIp(e.clientIp)) return false;
    return e.geo.asn != null || (e.geo.located && e.geo.country != null);
  }

  @Override
  public void onEvent(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    boolean session = key.contains("|sid|");
    boolean multiNetworkOn = !session || s.config().get(DetectionOptions.TOKEN_MULTI_NETWORK_SESSIONS);
    long t = e.eventTime.toEpochMilli();
    ctx.registerExpiry((DetectionSettings.dayOf(t) + 1L) * DetectionSettings.DAY + retentionMs(s), retentionMs(s));
    if (e.isSignIn()) withoutSignIn.onSignIn(key, e, store, ctx);
    else if (e.isMailAccess()) withoutSignIn.onAccess(key, session, e, store, ctx);
    if (multiNetworkOn && eligible(e, s)) {
      Long asn = e.geo.asn;
      String country = e.geo.located ? e.geo.country : null;
      String nk = NetObs.keyOf(asn, country);
      NetObs obs = store.get(NETS, nk);
      boolean changed = false;
      if (obs == null) {
        int[] count = {0};
        store.forEach(NETS, (k, v) -> count[0]++);
        if (count[0] >= MAX_NETWORKS) return;
        obs = new NetObs();
        obs.asn = asn;
        obs.country = country;
        changed = true;
      }
      if (obs.hours.add(DetectionSettings.hourOf(t), t)) changed = true;
      if (obs.first == null || t < obs.first.time
          || (t == obs.first.time && e.recordId.compareTo(obs.firstRecordId) < 0)) {
        obs.first = AlertLedger.endpointOf(e);
        obs.firstRecordId = e.recordId;
        obs.firstOperation = e.operation;
        obs.user = e.actor;
        obs.app = e.effectiveClientApp();
        changed = true;
      }
      if (changed) store.put(NETS, nk, obs);
      String bucket = Long.toString(s.bucketOf(t));
      Long n = store.get(COUNTS, bucket);
      store.put(COUNTS, bucket, n == null ? 1L : n + 1);
      multiNetwork.onObservation(key, session, e, obs, changed, store, ctx);
    }
  }

  /** The latest record time this key has state for (so late-arriving data is not pruned by the clock). */
  private static long latest(Map<String, NetObs> nets, io.ualwatch.detect.Spans signins, Map<String, Alert> checks) {
    long l = Long.MIN_VALUE;
    for (NetObs v : nets.values()) l = Math.max(l, v.hours.latest());
    if (signins != null) l = Math.max(l, signins.latest());
    for (Alert d : checks.values()) {
      l = Math.max(l, d.lastSeen);
      String raised = d.facts.get("raisedAtWatermark");
      if (raised != null) l = Math.max(l, Long.parseLong(raised));
    }
    return l == Long.MIN_VALUE ? Long.MAX_VALUE : l + DetectionSettings.DAY;
  }

  /** Token and session state is only needed for the rule windows plus a day of lateness. */
  static long retentionMs(DetectionSettings s) {
    long w = Math.max(s.config().get(DetectionOptions.TOKEN_MULTI_NETWORK_WINDOW).toMillis(),
        s.config().get(DetectionOptions.TOKEN_MULTI_NETWORK_SESSION_WINDOW).toMillis());
    w = Math.max(w, s.config().get(DetectionOptions.NO_SIGNIN_LOOKBACK).toMillis()
        + s.config().get(DetectionOptions.NO_SIGNIN_GRACE).toMillis());
    return w + DetectionSettings.DAY;
  }

  @Override
  public boolean needsTenantFacts() {
    return true;
  }

  @Override
  public void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    // each slot is read once per timer (with RocksDB every read decodes every entry)
    SortedMap<String, Alert> checks = new TreeMap<>();
    store.forEach(TokenWithoutSignIn.CHECKS, checks::put);
    withoutSignIn.onTimer(key, time, checks, store, ctx);
    AlertLedger.flush(store, ctx);
    Map<String, NetObs> nets = new HashMap<>();
    store.forEach(NETS, nets::put);
    io.ualwatch.detect.Spans signins = store.get(TokenWithoutSignIn.SIGNINS, "");
    long latest = latest(nets, signins, checks);
    if (latest == Long.MAX_VALUE || latest - DetectionSettings.DAY < time - retentionMs(ctx.settings())) {
      store.clear(); // idle for a whole retention window
      return;
    }
    long cutoff = Math.min(time, latest) - retentionMs(ctx.settings());
    int cutoffHour = DetectionSettings.hourOf(cutoff);
    for (Map.Entry<String, NetObs> n : nets.entrySet()) {
      NetObs v = n.getValue();
      if (v.hours.latest() < cutoff) {
        store.remove(NETS, n.getKey());
      } else if (v.hours.firstBucket() < cutoffHour) {
        v.hours.pruneBefore(cutoffHour);
        store.put(NETS, n.getKey(), v);
      }
    }
    long oldestBucket = ctx.settings().bucketOf(cutoff);
    for (Map.Entry<String, Alert> c : checks.entrySet()) {
      if (c.getValue().lastSeen < cutoff) store.remove(TokenWithoutSignIn.CHECKS, c.getKey());
    }
    if (signins != null) {
      if (signins.latest() < cutoff) store.remove(TokenWithoutSignIn.SIGNINS, "");
      else if (signins.pruneBefore(cutoffHour) > 0) store.put(TokenWithoutSignIn.SIGNINS, "", signins);
    }
    List<String> oldCounts = new ArrayList<>();
    store.forEach(COUNTS, (b, n) -> {
      if (Long.parseLong(b) < oldestBucket) oldCounts.add(b);
    });
    oldCounts.forEach(b -> store.remove(COUNTS, b));
    List<String> oldAlerts = new ArrayList<>();
    store.forEach(AlertLedger.ALERTS, (id, a) -> {
      if (a.lastSeen < cutoff) oldAlerts.add(id);
    });
    oldAlerts.forEach(id -> store.remove(AlertLedger.ALERTS, id));
  }
}
