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

  private final MailboxNewClientApp newClientApp = new MailboxNewClientApp();

  @Override
  public String name() {
    return "mailbox";
  }

  @Override
  public List<Slot<?>> slots() {
    return List.of(ACTIVITY, APPS, PENDING, AlertLedger.ALERTS);
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
    if (app != null) {
      Spans spans = store.get(APPS, app);
      if (spans == null) spans = new Spans();
      boolean changed = spans.add(day, t);
      if (changed) store.put(APPS, app, spans);
      newClientApp.onAppEvent(key, e, app, spans, activity, changed, store, ctx);
    }
    if (newDay) {
      newClientApp.onNewActivityDay(activity, store, ctx);
    }
    // Prune after the retention window; the timer is per day so each key has at most a few.
    ctx.registerExpiry((long) (day + 1) * DetectionSettings.DAY + ctx.settings().retentionMs(),
        ctx.settings().retentionMs());
  }

  @Override
  public void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    AlertLedger.flush(store, ctx);
    Spans activity = store.get(ACTIVITY, "");
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
}
