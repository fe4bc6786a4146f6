package io.ualwatch.detect.rules;

import io.ualwatch.detect.AlertCodec;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.Codecs;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.Geo;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Detectors keyed by user (tenant + UPN) over where the user comes from: successful sign-ins (Entra and UAL
 * UserLoggedIn) and the user's mail access. Microsoft-owned addresses (Exchange acting for Outlook mobile and
 * other services), in-flight Wi-Fi, private and unlocated addresses and trusted networks are never a
 * location, a country or a network of the user.
 */
public final class UserFamily implements Family {
  private static final long serialVersionUID = 1L;

  /** Days with any eligible activity (maturity). */
  public static final Slot<Spans> ACTIVITY = new Slot<>("usr-activity", Codecs.SPANS);
  /** Per country: days seen. */
  public static final Slot<Spans> COUNTRIES = new Slot<>("usr-countries", Codecs.SPANS);
  /** Per ASN ("AS<n>"): days seen. */
  public static final Slot<Spans> ASNS = new Slot<>("usr-asns", Codecs.SPANS);
  /** Per location cell: hours seen and the earliest record's details (impossible travel). */
  public static final Slot<NetObs> CELLS = new Slot<>("usr-cells", NetObs.CODEC);
  /** Eligible located records per alert bucket. */
  public static final Slot<Long> COUNTS = new Slot<>("usr-counts", Codecs.LONG);
  public static final Slot<Alert> PENDING = new Slot<>("usr-pending", AlertCodec.INSTANCE);
  /** Chain rules: the user's MFA / security-info changes ("mfa|id") and forwarding changes ("fwd|id"), kept whole. */
  public static final Slot<ChangeRecord> CHANGES = new Slot<>("usr-changes", ChangeRecord.CODEC);

  /** Cells keep first/last time per 5 minutes: finer than the shortest travel window allowed. */
  public static final long CELL_BUCKET_MS = 5 * 60_000L;
  /** Cells older than this are dropped: no flight lasts longer. */
  static final long CELL_RETENTION_MS = 2 * DetectionSettings.DAY;

  private final NewCountry newCountry = new NewCountry();
  private final HostingNetworkAccess hosting = new HostingNetworkAccess();
  private final ImpossibleTravel travel = new ImpossibleTravel();
  private final MfaChangeThenRiskyAccess mfaChain = new MfaChangeThenRiskyAccess();
  private final ExternalForwardingRule forwarding = new ExternalForwardingRule();

  @Override
  public String name() {
    return "user";
  }

  @Override
  public List<Slot<?>> slots() {
    return List.of(ACTIVITY, COUNTRIES, ASNS, CELLS, COUNTS, PENDING, AlertLedger.ALERTS, CHANGES, RiskyAccess.SLOT);
  }

  @Override
  public void keys(AuditEvent e, Consumer<String> out) {
    if (e.eventTime != null && e.outcome != Outcome.FAILURE && e.attributes != null) {
      // chain rules: an MFA / security-info change goes to the changed user, a forwarding change to its maker
      String target = e.attribute("targetUser");
      if (e.attribute("securityChange") != null && target != null) {
        out.accept(e.tenantId + "|" + target);
        return;
      }
      if (e.attribute("forwardTo") != null && e.actorKind == ActorKind.USER && e.actor != null) {
        out.accept(e.tenantId + "|" + e.actor);
        return;
      }
    }
    if (e.eventTime == null || e.actorKind != ActorKind.USER || e.actor == null) return;
    boolean signIn = e.isSignIn() && e.outcome == Outcome.SUCCESS;
    boolean mail = e.isMailAccess() && e.outcome != Outcome.FAILURE;
    if (signIn || mail) out.accept(e.tenantId + "|" + e.actor);
  }

  /** A location that counts: located, public, not Microsoft, not in-flight, not trusted. */
  static boolean locatable(AuditEvent e, DetectionSettings s) {
    Geo g = e.geo;
    if (g == null || e.clientIp == null || s.trustedIp(e.clientIp)) return false;
    return g.located && g.network != NetworkClass.MICROSOFT && g.network != NetworkClass.SATELLITE
        && g.network != NetworkClass.PRIVATE;
  }

  /** A network that counts for the user's network baseline. */
  static boolean networked(AuditEvent e, DetectionSettings s) {
    Geo g = e.geo;
    if (g == null || e.clientIp == null || g.asn == null || s.trustedIp(e.clientIp)) return false;
    return g.network != NetworkClass.MICROSOFT && g.network != NetworkClass.PRIVATE;
  }

  /** Location cell: country and coordinates rounded to 0.1° (about 10 km). */
  static String cellOf(Geo g) {
    StringBuilder b = new StringBuilder(24).append(g.country).append('|');
    tenths(b, g.latitude);
    b.append('|');
    tenths(b, g.longitude);
    return b.toString();
  }

  /** {@code x} rounded to one decimal, half away from zero ("51.5", "-0.1", "0.0"); String.format was 10 % of hunt. */
  static void tenths(StringBuilder b, double x) {
    long t = Math.round(Math.abs(x) * 10.0);
    if (x < 0 && t != 0) b.append('-');
    b.append(t / 10).append('.').append(t % 10);
  }

  @Override
  public void onEvent(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (isChange(e)) {
      // a change record is not activity of the user: it never enters the location baselines
      if (e.attribute("securityChange") != null) mfaChain.onChange(key, e, store, ctx);
      else forwarding.onChange(key, e, store, ctx);
      int day = DetectionSettings.dayOf(e.eventTime.toEpochMilli());
      ctx.registerExpiry((day + 1L) * DetectionSettings.DAY + s.retentionMs(), s.retentionMs());
      return;
    }
    if (s.userAllowed(e.actor)) return;
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    Spans activity = store.get(ACTIVITY, "");
    if (activity == null) activity = new Spans();
    boolean newDay = !activity.has(day);
    if (activity.add(day, t)) store.put(ACTIVITY, "", activity);

    if (locatable(e, s)) {
      String country = e.geo.country;
      Spans cs = store.get(COUNTRIES, country);
      if (cs == null) cs = new Spans();
      boolean changed = cs.add(day, t);
      if (changed) store.put(COUNTRIES, country, cs);
      newCountry.onCountry(key, e, country, cs, activity, changed, store, ctx);

      String bucket = Long.toString(s.bucketOf(t));
      Long n = store.get(COUNTS, bucket);
      store.put(COUNTS, bucket, n == null ? 1L : n + 1);
      String cell = cellOf(e.geo);
      NetObs obs = store.get(CELLS, cell);
      boolean cellChanged = false;
      if (obs == null) {
        obs = new NetObs();
        obs.asn = e.geo.asn;
        obs.country = country;
        cellChanged = true;
      }
      if (obs.hours.add((int) Math.floorDiv(t, CELL_BUCKET_MS), t)) cellChanged = true;
      if (obs.first == null || t < obs.first.time
          || (t == obs.first.time && e.recordId.compareTo(obs.firstRecordId) < 0)) {
        obs.first = AlertLedger.endpointOf(e);
        obs.firstRecordId = e.recordId;
        obs.firstOperation = e.operation;
        obs.user = e.actor;
        obs.app = e.effectiveClientApp();
        cellChanged = true;
      }
      if (cellChanged) store.put(CELLS, cell, obs);
      travel.onLocated(key, e, cellChanged, store, ctx);
    }
    if (networked(e, s)) {
      String asn = "AS" + e.geo.asn;
      Spans as = store.get(ASNS, asn);
      if (as == null) as = new Spans();
      boolean changed = as.add(day, t);
      if (changed) store.put(ASNS, asn, as);
      hosting.onNetwork(key, e, asn, as, activity, changed, store, ctx);
    }
    if (newDay) {
      newCountry.onNewActivityDay(activity, store, ctx);
    }
    RiskyAccess.record(e, store, s);
    if (hasChanges(store)) {
      // the user's accesses or baselines changed: the chains starting from their changes may have changed too
      mfaChain.reevaluate(key, store, ctx);
      forwarding.reevaluate(key, store, ctx);
    }
    ctx.registerExpiry((day + 1L) * DetectionSettings.DAY + CELL_RETENTION_MS, CELL_RETENTION_MS);
    ctx.registerExpiry((day + 1L) * DetectionSettings.DAY + s.retentionMs(), s.retentionMs());
  }

  /** A change record the chain rules start from (routed by {@link #keys} to the changed user or the rule's maker). */
  static boolean isChange(AuditEvent e) {
    return e.attributes != null && (e.attribute("securityChange") != null || e.attribute("forwardTo") != null)
        && !e.isSignIn() && !e.isMailAccess();
  }

  private static boolean hasChanges(EntityStore store) {
    boolean[] any = {false};
    store.forEach(CHANGES, (k, v) -> any[0] = true);
    return any[0];
  }

  /** Latest event time of the chain rules' state (changes and risky accesses), or Long.MIN_VALUE. */
  private static long chainLatest(EntityStore store) {
    long[] l = {RiskyAccess.latest(store)};
    store.forEach(CHANGES, (k, c) -> l[0] = Math.max(l[0], c.time));
    return l[0];
  }

  @Override
  public void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    AlertLedger.flush(store, ctx);
    DetectionSettings s = ctx.settings();
    Spans activity = store.get(ACTIVITY, "");
    // episodes waiting for the watermark to pass their first record are decided now
    io.ualwatch.detect.Novelty.onTimer(newCountry, activity, time, store, ctx);
    io.ualwatch.detect.Novelty.onTimer(hosting, activity, time, store, ctx);
    long latest = Math.max(activity == null ? Long.MIN_VALUE : activity.latest(), chainLatest(store));
    if (latest == Long.MIN_VALUE || latest < time - s.retentionMs()) {
      store.clear();
      return;
    }
    long now = Math.min(time, latest + DetectionSettings.DAY);
    int oldestDay = DetectionSettings.dayOf(now - s.retentionMs()) - 1;
    if (activity != null && activity.pruneBefore(oldestDay) > 0) store.put(ACTIVITY, "", activity);
    pruneDays(store, COUNTRIES, oldestDay);
    pruneDays(store, ASNS, oldestDay);
    long cellCutoff = now - CELL_RETENTION_MS;
    List<String> dropCells = new ArrayList<>();
    store.forEach(CELLS, (k, v) -> {
      if (v.hours.latest() < cellCutoff) dropCells.add(k);
    });
    dropCells.forEach(k -> store.remove(CELLS, k));
    long oldestBucket = s.bucketOf(cellCutoff);
    List<String> oldCounts = new ArrayList<>();
    store.forEach(COUNTS, (b, n) -> {
      if (Long.parseLong(b) < oldestBucket) oldCounts.add(b);
    });
    oldCounts.forEach(b -> store.remove(COUNTS, b));
    long cutoff = (long) oldestDay * DetectionSettings.DAY;
    List<String> oldChanges = new ArrayList<>();
    store.forEach(CHANGES, (k, c) -> {
      if (c.time < cutoff) oldChanges.add(k);
    });
    oldChanges.forEach(k -> store.remove(CHANGES, k));
    // risky accesses are kept a week longer than the changes, so a change's "risky access before" never goes away
    RiskyAccess.prune(store, cutoff - 7 * DetectionSettings.DAY);
    for (Slot<Alert> slot : List.of(AlertLedger.ALERTS, PENDING)) {
      List<String> old = new ArrayList<>();
      store.forEach(slot, (id, a) -> {
        if (a.lastSeen < cutoff) old.add(id);
      });
      old.forEach(id -> store.remove(slot, id));
    }
  }

  private static void pruneDays(EntityStore store, Slot<Spans> slot, int oldestDay) {
    List<String> empty = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    store.forEach(slot, (k, sp) -> {
      if (sp.firstBucket() < oldestDay) {
        sp.pruneBefore(oldestDay);
        if (sp.isEmpty()) empty.add(k);
        else changed.add(k);
      }
    });
    empty.forEach(k -> store.remove(slot, k));
    for (String k : changed) {
      Spans sp = store.get(slot, k);
      sp.pruneBefore(oldestDay);
      store.put(slot, k, sp);
    }
  }
}
