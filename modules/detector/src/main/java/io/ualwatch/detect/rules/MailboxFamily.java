package io.ualwatch.detect.rules;

import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.Codecs;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Detectors keyed by mailbox (tenant + MailboxOwnerUPN), over the mailbox's baseline: on which days it was
 * read at all, and by which client apps.
 */
public final class MailboxFamily implements Family {
  /** Days with any successful mail access, with first/last time per day. */
  public static final Slot<Spans> ACTIVITY = new Slot<>("mbx-activity", Codecs.SPANS);
  /** Per client app id: days it read this mailbox. */
  public static final Slot<Spans> APPS = new Slot<>("mbx-apps", Codecs.SPANS);
  /** Novel episodes not yet raised because the mailbox was not mature yet. */
  public static final Slot<Alert> PENDING = new Slot<>("mbx-pending", io.ualwatch.detect.AlertCodec.INSTANCE);
  /** Per network ("AS" + number) that read the mailbox: days it did (Microsoft, private, trusted never count). */
  public static final Slot<Spans> NETWORKS = new Slot<>("mbx-networks", Codecs.SPANS);
  /** Per place (country|lat|lon, 0.1°) the mailbox was read from: days it was (same exclusions as networks). */
  public static final Slot<Spans> PLACES = new Slot<>("mbx-places", Codecs.SPANS);
  /** Per Sync context (client app | network | place): days it synced folders of this mailbox. */
  public static final Slot<Spans> SYNCS = new Slot<>("mbx-syncs", Codecs.SPANS);
  /** Per other user who read this mailbox (delegate or admin logon): days they did. */
  public static final Slot<Spans> READERS = new Slot<>("mbx-readers", Codecs.SPANS);
  /** Per UTC day: items read per hour (sum of OperationCount). */
  public static final Slot<HourItems> HOURS = new Slot<>("mbx-hours", HourItems.CODEC);

  private final MailboxNewClientApp newClientApp = new MailboxNewClientApp();
  private final MailboxSyncNewContext syncNewContext = new MailboxSyncNewContext();
  private final MailboxThrottled throttled = new MailboxThrottled();
  private final MailboxBulkAccess bulk = new MailboxBulkAccess();
  private final CrossMailboxAccess crossMailbox = new CrossMailboxAccess();

  @Override
  public String name() {
    return "mailbox";
  }

  /** mailbox-new-client-app asks whether the app read mail anywhere in the tenant before. */
  @Override
  public boolean needsTenantFacts() {
    return true;
  }

  @Override
  public List<Slot<?>> slots() {
    return List.of(ACTIVITY, APPS, PENDING, AlertLedger.ALERTS, NETWORKS, PLACES, SYNCS, READERS, HOURS);
  }

  public static String keyOf(AuditEvent e) {
    return e.tenantId + "|" + e.mailboxOwner;
  }

  @Override
  public void keys(AuditEvent e, Consumer<String> out) {
    if (e.mailboxOwner != null && e.isMailAccess() && e.outcome != Outcome.FAILURE && e.eventTime != null) {
      out.accept(keyOf(e));
    }
  }

  @Override
  public void onEvent(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    Spans activity = store.get(ACTIVITY, "");
    if (activity == null) activity = new Spans();
    boolean newDay = !activity.has(day);
    if (activity.add(day, t)) store.put(ACTIVITY, "", activity);

    String app = e.effectiveClientApp();
    boolean newAppDay = false;
    if (app != null) {
      Spans spans = store.get(APPS, app);
      if (spans == null) spans = new Spans();
      newAppDay = !spans.has(day);
      boolean changed = spans.add(day, t);
      if (changed) store.put(APPS, app, spans);
      newClientApp.onAppEvent(key, e, app, spans, activity, changed, store, ctx);
    }
    String network = UserFamily.networked(e, ctx.settings()) ? "AS" + e.geo.asn : null;
    boolean newNetworkDay = false;
    if (network != null) {
      Spans spans = store.get(NETWORKS, network);
      if (spans == null) spans = new Spans();
      newNetworkDay = !spans.has(day);
      if (spans.add(day, t)) store.put(NETWORKS, network, spans);
    }
    String place = UserFamily.locatable(e, ctx.settings()) ? UserFamily.cellOf(e.geo) : null;
    boolean newPlaceDay = false;
    if (place != null) {
      Spans spans = store.get(PLACES, place);
      if (spans == null) spans = new Spans();
      newPlaceDay = !spans.has(day);
      if (spans.add(day, t)) store.put(PLACES, place, spans);
    }
    syncNewContext.onAccess(key, e, app, network, place, newAppDay || newNetworkDay || newPlaceDay, activity, store,
        ctx);
    throttled.onAccess(key, e, store, ctx);
    bulk.onAccess(key, e, store, ctx);
    if (CrossMailboxAccess.crossMailbox(e)) {
      Spans spans = store.get(READERS, e.actor);
      if (spans == null) spans = new Spans();
      boolean changed = spans.add(day, t);
      if (changed) store.put(READERS, e.actor, spans);
      crossMailbox.onReader(key, e, spans, activity, changed, store, ctx);
    }
    if (newDay) {
      newClientApp.onNewActivityDay(activity, store, ctx);
      syncNewContext.onNewActivityDay(activity, store, ctx);
      crossMailbox.onNewActivityDay(activity, store, ctx);
    }
    // Prune after the retention window; the timer is per day so each key has at most a few.
    ctx.registerExpiry((long) (day + 1) * DetectionSettings.DAY + ctx.settings().retentionMs(),
        ctx.settings().retentionMs());
  }

  @Override
  public void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    AlertLedger.flush(store, ctx);
    Spans activity = store.get(ACTIVITY, "");
    // episodes waiting for the watermark to pass their first record are decided now
    io.ualwatch.detect.Novelty.onTimer(newClientApp, activity, time, store, ctx);
    io.ualwatch.detect.Novelty.onTimer(crossMailbox, activity, time, store, ctx);
    syncNewContext.onTimer(activity, time, store, ctx);
    // relative to the mailbox's own latest activity: a replayed backlog far behind the watermark stays usable
    long now = activity == null ? time : Math.min(time, activity.latest() + DetectionSettings.DAY);
    int oldestKept = DetectionSettings.dayOf(now - ctx.settings().retentionMs()) - 1;
    if (activity == null || activity.latest() < time - ctx.settings().retentionMs()) {
      // no mail access for a whole retention window: forget the mailbox
      store.clear();
      return;
    }
    if (activity.pruneBefore(oldestKept) > 0) store.put(ACTIVITY, "", activity);
    List<String> emptyApps = new ArrayList<>();
    List<String[]> changed = new ArrayList<>();
    store.forEach(APPS, (app, spans) -> {
      if (spans.pruneBefore(oldestKept) > 0) {
        if (spans.isEmpty()) emptyApps.add(app);
        else changed.add(new String[] {app});
      }
    });
    for (String app : emptyApps) store.remove(APPS, app);
    for (String[] app : changed) {
      Spans s = store.get(APPS, app[0]);
      s.pruneBefore(oldestKept);
      store.put(APPS, app[0], s);
    }
    for (Slot<Spans> slot : List.of(NETWORKS, PLACES, SYNCS, READERS)) pruneDays(store, slot, oldestKept);
    List<String> oldHours = new ArrayList<>();
    store.forEach(HOURS, (d, h) -> {
      if (Integer.parseInt(d) < oldestKept) oldHours.add(d);
    });
    oldHours.forEach(d -> store.remove(HOURS, d));
    long cutoff = (long) oldestKept * DetectionSettings.DAY;
    List<String> oldAlerts = new ArrayList<>();
    store.forEach(AlertLedger.ALERTS, (id, a) -> {
      if (a.lastSeen < cutoff) oldAlerts.add(id);
    });
    oldAlerts.forEach(id -> store.remove(AlertLedger.ALERTS, id));
    List<String> oldPending = new ArrayList<>();
    store.forEach(PENDING, (id, a) -> {
      if (a.lastSeen < cutoff) oldPending.add(id);
    });
    oldPending.forEach(id -> store.remove(PENDING, id));
  }

  private static void pruneDays(EntityStore store, Slot<Spans> slot, int oldestKept) {
    List<String> empty = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    store.forEach(slot, (k, sp) -> {
      if (sp.firstBucket() < oldestKept) {
        if (sp.lastBucket() < oldestKept) empty.add(k);
        else changed.add(k);
      }
    });
    empty.forEach(k -> store.remove(slot, k));
    for (String k : changed) {
      Spans sp = store.get(slot, k);
      sp.pruneBefore(oldestKept);
      store.put(slot, k, sp);
    }
  }
}
