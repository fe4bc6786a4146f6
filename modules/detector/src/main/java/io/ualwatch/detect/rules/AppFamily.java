package io.ualwatch.detect.rules;

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
import io.ualwatch.model.Outcome;
import io.ualwatch.model.alert.Alert;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Detectors keyed by the principal that reads mailboxes (see {@link #principalOf}): an app-only service principal
 * (tenant + ClientAppId, or the service principal), or one user reading mailboxes other than their own (tenant +
 * {@code user:} + UserId). A user reading their own mailbox is never routed here, whatever the client: everyone's
 * own client on everyone's own mailbox is not one principal reading many mailboxes.
 */
public final class AppFamily implements Family {
  private static final long serialVersionUID = 1L;

  /** Per minute (minutes since epoch): the mailboxes read, with first/last time. */
  public static final Slot<MinuteReads> MINUTES = new Slot<>("app-minutes", MinuteReads.CODEC);
  /** Per UTC day: the most distinct mailboxes read within one window ending that day. */
  public static final Slot<Long> DAY_MAX = new Slot<>("app-daymax", Codecs.LONG);
  /** Days the app read mail (maturity, pruning). */
  public static final Slot<Spans> ACTIVITY = new Slot<>("app-activity", Codecs.SPANS);
  /** Records per alert bucket. */
  public static final Slot<Long> COUNTS = new Slot<>("app-counts", Codecs.LONG);
  /** Days with a fan-out that waits for the app's baseline to be mature. */
  public static final Slot<Long> PENDING = new Slot<>("app-pending", Codecs.LONG);
  /** Fan-out alerts computed but not yet raised: they wait for the watermark to pass them (see Novelty.DECIDE_AT). */
  public static final Slot<io.ualwatch.model.alert.Alert> UNDECIDED = new Slot<>("app-undecided",
      io.ualwatch.detect.AlertCodec.INSTANCE);
  /** The app's display name as records give it (the alphabetically first, so independent of order). */
  public static final Slot<String> NAME = new Slot<>("app-name", new Codecs.Codec<>() {
    @Override public void write(DataOutput out, String v) throws IOException { Codecs.writeString(out, v); }
    @Override public String read(DataInput in) throws IOException { return Codecs.readString(in); }
  });

  /** Minute state is kept this long after the app's latest record: late records still meet their neighbours. */
  static final long MINUTE_RETENTION_MS = 2 * DetectionSettings.DAY;

  private final AppMailboxFanout fanout = new AppMailboxFanout();

  @Override
  public String name() {
    return "app";
  }

  @Override
  public List<Slot<?>> slots() {
    return List.of(MINUTES, DAY_MAX, ACTIVITY, COUNTS, PENDING, UNDECIDED, NAME, AlertLedger.ALERTS);
  }

  /** The app of a mail access: ClientAppId, else the service principal of app-only access, else AppId. */
  static String appOf(AuditEvent e) {
    if (e.clientAppId != null) return e.clientAppId;
    if (e.actorKind == ActorKind.APP && e.actor != null) return e.actor;
    return e.appId;
  }

  /** Key prefix of a user principal (delegated access to other users' mailboxes). */
  static final String USER = "user:";

  /**
   * Who a mail access is counted for: the app for app-only access (and for records that name no user); the user
   * for delegated access to a mailbox that is not theirs (a delegate, an admin with FullAccess, a stolen token
   * used on other mailboxes); null for a user's own mailbox.
   */
  static String principalOf(AuditEvent e) {
    if (e.actorKind == ActorKind.APP || e.actor == null) return appOf(e);
    if (e.actor.equalsIgnoreCase(e.mailboxOwner)) return null;
    return USER + e.actor.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void keys(AuditEvent e, Consumer<String> out) {
    if (e.eventTime == null || e.mailboxOwner == null || !e.isMailAccess() || e.outcome == Outcome.FAILURE) return;
    String principal = principalOf(e);
    if (principal != null) out.accept(e.tenantId + "|" + principal);
  }

  @Override
  public void onEvent(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    String principal = principalOf(e);
    if (principal == null || s.appAllowed(appOf(e)) || s.userAllowed(e.mailboxOwner)) return;
    boolean user = principal.startsWith(USER);
    if (user && s.userAllowed(e.actor)) return;
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    Spans activity = store.get(ACTIVITY, "");
    if (activity == null) activity = new Spans();
    boolean newDay = !activity.has(day);
    if (activity.add(day, t)) store.put(ACTIVITY, "", activity);
    String bucket = Long.toString(s.bucketOf(t));
    Long n = store.get(COUNTS, bucket);
    store.put(COUNTS, bucket, n == null ? 1L : n + 1);
    if (!user && e.clientAppName != null) {
      String name = store.get(NAME, "");
      if (name == null || e.clientAppName.compareTo(name) < 0) store.put(NAME, "", e.clientAppName);
    }
    String minute = Long.toString(Math.floorDiv(t, 60_000L));
    MinuteReads mr = store.get(MINUTES, minute);
    if (mr == null) mr = new MinuteReads();
    boolean changed = mr.add(e.mailboxOwner, t);
    if (changed) store.put(MINUTES, minute, mr);
    ctx.registerExpiry((day + 1L) * DetectionSettings.DAY + MINUTE_RETENTION_MS, MINUTE_RETENTION_MS);
    ctx.registerExpiry((day + 1L) * DetectionSettings.DAY + s.retentionMs(), s.retentionMs());
    fanout.onRead(key, e, changed, newDay, activity, store, ctx);
  }

  @Override
  public void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    AlertLedger.flush(store, ctx);
    fanout.onTimer(key, time, store, ctx);
    DetectionSettings s = ctx.settings();
    Spans activity = store.get(ACTIVITY, "");
    if (activity == null || activity.latest() < time - s.retentionMs()) {
      store.clear();
      return;
    }
    long now = Math.min(time, activity.latest() + DetectionSettings.DAY);
    int oldestDay = DetectionSettings.dayOf(now - s.retentionMs()) - 1;
    if (activity.pruneBefore(oldestDay) > 0) store.put(ACTIVITY, "", activity);
    long minuteCutoff = Math.floorDiv(now - MINUTE_RETENTION_MS, 60_000L);
    removeIf(store, MINUTES, k -> Long.parseLong(k) < minuteCutoff);
    removeIf(store, PENDING, k -> (Long.parseLong(k) + 1) * 1440 < minuteCutoff);
    long oldestBucket = s.bucketOf(now - MINUTE_RETENTION_MS) - 1;
    removeIf(store, COUNTS, k -> Long.parseLong(k) < oldestBucket);
    removeIf(store, DAY_MAX, k -> Integer.parseInt(k) < oldestDay);
    long cutoff = (long) oldestDay * DetectionSettings.DAY;
    List<String> old = new ArrayList<>();
    store.forEach(AlertLedger.ALERTS, (id, a) -> {
      if (a.lastSeen < cutoff) old.add(id);
    });
    old.forEach(id -> store.remove(AlertLedger.ALERTS, id));
    List<String> oldWaiting = new ArrayList<>();
    store.forEach(UNDECIDED, (id, a) -> {
      if (a.lastSeen < cutoff) oldWaiting.add(id);
    });
    oldWaiting.forEach(id -> store.remove(UNDECIDED, id));
  }

  private static <T> void removeIf(EntityStore store, Slot<T> slot, java.util.function.Predicate<String> drop) {
    List<String> l = new ArrayList<>();
    store.forEach(slot, (k, v) -> {
      if (drop.test(k)) l.add(k);
    });
    l.forEach(k -> store.remove(slot, k));
  }
}
