package io.ualwatch.detect.rules;

import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.Chains;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Novelty;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.AuditEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's <em>risky</em> accesses, as the chain rules of the user family read them: a successful sign-in or mail
 * access from a country that is new for the user on its day (the new-country definition: no located activity
 * from it in the previous {@code detect.baseline.retention}, and the user mature on that day), or from a
 * hosting/VPN network new for the user on its day (the hosting-network-access definition). The same enrichment
 * and the same baselines ({@link UserFamily#COUNTRIES}, {@link UserFamily#ASNS}, {@link UserFamily#ACTIVITY}).
 *
 * <p>State: per candidate network ("c|&lt;country&gt;", "a|AS&lt;n&gt;") the 5-minute buckets it was used in, with
 * the details of its earliest record. A record is a candidate when its country or network is new on its day when
 * it arrives; whether it is risky is decided when a rule reads it, from the baselines as they are then (a late
 * record from an earlier day ends the novelty, a late earlier day can make the user mature), so the answer is a
 * function of the record set. Only new countries and networks are kept, so the state stays small.
 */
final class RiskyAccess {
  private RiskyAccess() {}

  static final Slot<io.ualwatch.detect.rules.NetObs> SLOT = new Slot<>("usr-risky", NetObs.CODEC);
  static final long BUCKET_MS = UserFamily.CELL_BUCKET_MS;
  /** At most this many candidate networks per user (a brand-new account's first day makes every network new). */
  static final int MAX_CANDIDATES = 32;

  /** One risky access: its time (5-minute resolution at window starts, see {@link Chains}) and its network. */
  record Hit(long time, String key, NetObs obs) {
    boolean hosting() {
      return key.startsWith("a|");
    }

    String label() {
      return hosting() ? "a new " + ("vpn".equals(obs.first == null ? null : obs.first.network) ? "VPN" : "hosting")
          + " network, " + AlertLedger.describe(obs.first) : "a new country (" + obs.country + "), "
          + AlertLedger.describe(obs.first);
    }
  }

  /** Called after the user family updated its baselines with {@code e} (a located sign-in or mail access). */
  static void record(AuditEvent e, EntityStore store, DetectionSettings s) {
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    if (UserFamily.locatable(e, s)) {
      Spans cs = store.get(UserFamily.COUNTRIES, e.geo.country);
      if (cs != null && Novelty.novel(cs, day, s.retentionDays())) add("c|" + e.geo.country, e, t, store);
    }
    if (UserFamily.networked(e, s) && e.geo.isHostingOrVpn()) {
      Spans as = store.get(UserFamily.ASNS, "AS" + e.geo.asn);
      if (as != null && Novelty.novel(as, day, s.retentionDays())) add("a|AS" + e.geo.asn, e, t, store);
    }
  }

  private static void add(String k, AuditEvent e, long t, EntityStore store) {
    NetObs obs = store.get(SLOT, k);
    boolean changed = false;
    if (obs == null) {
      int[] n = {0};
      store.forEach(SLOT, (x, v) -> n[0]++);
      if (n[0] >= MAX_CANDIDATES) return;
      obs = new NetObs();
      obs.asn = e.geo.asn;
      obs.country = e.geo.located ? e.geo.country : null;
      changed = true;
    }
    if (obs.hours.add((int) Math.floorDiv(t, BUCKET_MS), t)) changed = true;
    if (obs.first == null || t < obs.first.time || (t == obs.first.time && e.recordId.compareTo(obs.firstRecordId) < 0)) {
      obs.first = AlertLedger.endpointOf(e);
      obs.firstRecordId = e.recordId;
      obs.firstOperation = e.isSignIn() ? "sign-in" : "mail access";
      obs.user = e.actor;
      obs.app = e.effectiveClientApp();
      changed = true;
    }
    if (changed) store.put(SLOT, k, obs);
  }

  /** Whether accesses of candidate {@code k} on {@code day} are risky now. */
  static boolean riskyOn(String k, int day, EntityStore store, DetectionSettings s) {
    if (k.startsWith("c|")) {
      Spans cs = store.get(UserFamily.COUNTRIES, k.substring(2));
      return cs != null && Novelty.novel(cs, day, s.retentionDays())
          && Novelty.mature(store.get(UserFamily.ACTIVITY, ""), day, s);
    }
    Spans as = store.get(UserFamily.ASNS, k.substring(2));
    return as != null && Novelty.novel(as, day, s.retentionDays());
  }

  /** The earliest risky access in [from, to], or null (ties: the candidate key in order). */
  static Hit earliest(EntityStore store, DetectionSettings s, long from, long to) {
    List<String> keys = new ArrayList<>();
    Map<String, NetObs> all = new HashMap<>();
    store.forEach(SLOT, (k, v) -> {
      keys.add(k);
      all.put(k, v);
    });
    keys.sort(null);
    Hit best = null;
    for (String k : keys) {
      NetObs obs = all.get(k);
      Map<Integer, Boolean> byDay = new HashMap<>();
      long y = Chains.earliestIn(obs.hours, from, to, BUCKET_MS, b -> byDay.computeIfAbsent(
          DetectionSettings.dayOf(b * BUCKET_MS), d -> riskyOn(k, d, store, s)));
      if (y != Chains.NONE && (best == null || y < best.time())) best = new Hit(y, k, obs);
    }
    return best;
  }

  /** Latest candidate time, or Long.MIN_VALUE. */
  static long latest(EntityStore store) {
    long[] l = {Long.MIN_VALUE};
    store.forEach(SLOT, (k, v) -> l[0] = Math.max(l[0], v.hours.latest()));
    return l[0];
  }

  /** Drops candidate buckets before {@code cutoff}. */
  static void prune(EntityStore store, long cutoff) {
    int cutoffBucket = (int) Math.floorDiv(cutoff, BUCKET_MS);
    List<String> drop = new ArrayList<>();
    List<String> prune = new ArrayList<>();
    store.forEach(SLOT, (k, v) -> {
      if (v.hours.latest() < cutoff) drop.add(k);
      else if (v.hours.firstBucket() < cutoffBucket) prune.add(k);
    });
    drop.forEach(k -> store.remove(SLOT, k));
    for (String k : prune) {
      NetObs v = store.get(SLOT, k);
      v.hours.pruneBefore(cutoffBucket);
      store.put(SLOT, k, v);
    }
  }
}
