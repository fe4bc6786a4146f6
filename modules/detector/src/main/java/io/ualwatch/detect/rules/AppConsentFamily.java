package io.ualwatch.detect.rules;

import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.Codecs;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Detectors keyed by app (tenant + client app id) over what was granted to the app and when it read mail:
 * consents, app role assignments and new credentials naming the app (directory records), and the mail access of
 * the app (ClientAppId, else AppId). Microsoft first-party apps that attackers do not reuse are not followed:
 * their consents are routine and their mail access is everyone's.
 */
public final class AppConsentFamily implements Family {
  private static final long serialVersionUID = 1L;

  /** Consents, mail app role assignments and credential changes of the app ("&lt;record id&gt;"), kept whole. */
  public static final Slot<ChangeRecord> GRANTS = new Slot<>("app-grants", ChangeRecord.CODEC);
  /** Mail access by the app: 5-minute buckets with first/last time. */
  public static final Slot<Spans> ACCESS = new Slot<>("app-access", Codecs.SPANS);
  /** Mail access records per hour (sub-key: hour number), after de-duplication. */
  public static final Slot<Long> COUNTS = new Slot<>("app-counts", Codecs.LONG);
  /** Per mailbox: hours the app read it (at most {@link #MAX_MAILBOXES} mailboxes). */
  public static final Slot<Spans> MAILBOXES = new Slot<>("app-mailboxes", Codecs.SPANS);

  static final long BUCKET_MS = 5 * 60_000L;
  static final int MAX_MAILBOXES = 64;
  /** Mail access is kept this long beyond the rule window, so grants that arrive days late still find it. */
  static final long LATENESS_MS = 3 * DetectionSettings.DAY;

  private final ConsentThenMailAccess consent = new ConsentThenMailAccess();

  @Override
  public String name() {
    return "app-consent";
  }

  @Override
  public List<Slot<?>> slots() {
    return List.of(GRANTS, ACCESS, COUNTS, MAILBOXES, AlertLedger.ALERTS);
  }

  /** Microsoft first-party apps that are not on the list of those attackers reuse are not followed. */
  static boolean followed(String app) {
    AppCatalog c = AppCatalog.bundled();
    return app != null && (!c.isFirstParty(app) || c.isRiskyFirstParty(app));
  }

  @Override
  public void keys(AuditEvent e, Consumer<String> out) {
    if (e.eventTime == null || e.outcome == Outcome.FAILURE) return;
    if (e.attributes != null && e.attribute("appChange") != null) {
      String app = e.attribute("targetAppId");
      if (followed(app)) out.accept(e.tenantId + "|" + app);
      return;
    }
    if (e.isMailAccess()) {
      String app = e.effectiveClientApp();
      if (followed(app)) out.accept(e.tenantId + "|" + app);
    }
  }

  @Override
  public void onEvent(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    long t = e.eventTime.toEpochMilli();
    if (e.attribute("appChange") != null) {
      consent.onGrant(key, e, store, ctx);
    } else {
      Spans access = store.get(ACCESS, "");
      if (access == null) access = new Spans();
      boolean changed = access.add((int) Math.floorDiv(t, BUCKET_MS), t);
      if (changed) store.put(ACCESS, "", access);
      String hour = Integer.toString(DetectionSettings.hourOf(t));
      Long n = store.get(COUNTS, hour);
      store.put(COUNTS, hour, n == null ? 1L : n + 1);
      if (e.mailboxOwner != null) {
        Spans mb = store.get(MAILBOXES, e.mailboxOwner);
        if (mb == null) {
          int[] count = {0};
          store.forEach(MAILBOXES, (k, v) -> count[0]++);
          if (count[0] < MAX_MAILBOXES) mb = new Spans();
        }
        if (mb != null && mb.add(DetectionSettings.hourOf(t), t)) store.put(MAILBOXES, e.mailboxOwner, mb);
      }
      consent.onAccess(key, t, store, ctx);
    }
    long keep = keepMs(s);
    ctx.registerExpiry((DetectionSettings.dayOf(t) + 1L) * DetectionSettings.DAY + keep, keep);
  }

  /** How long mail access and grants are kept (event time): the rule window plus a few days of lateness. */
  static long keepMs(DetectionSettings s) {
    return ConsentThenMailAccess.window(s) + LATENESS_MS;
  }

  /** Latest event time in the key's state, or Long.MIN_VALUE. */
  private static long latest(EntityStore store) {
    long[] l = {Long.MIN_VALUE};
    Spans a = store.get(ACCESS, "");
    if (a != null) l[0] = a.latest();
    store.forEach(GRANTS, (k, g) -> l[0] = Math.max(l[0], g.time));
    return l[0];
  }

  @Override
  public void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    AlertLedger.flush(store, ctx);
    long keep = keepMs(ctx.settings());
    long latest = latest(store);
    if (latest == Long.MIN_VALUE || latest < time - keep) {
      store.clear();
      return;
    }
    // relative to the app's own latest record: a replayed backlog far behind the watermark stays usable
    long cutoff = Math.min(time, latest + DetectionSettings.DAY) - keep;
    // grants are dropped first: a grant that is kept always finds the mail access it chains to
    List<String> old = new ArrayList<>();
    store.forEach(GRANTS, (k, g) -> {
      if (g.time < cutoff) old.add(k);
    });
    old.forEach(k -> store.remove(GRANTS, k));
    Spans access = store.get(ACCESS, "");
    if (access != null) {
      if (access.latest() < cutoff) store.remove(ACCESS, "");
      else if (access.pruneBefore((int) Math.floorDiv(cutoff, BUCKET_MS)) > 0) store.put(ACCESS, "", access);
    }
    int cutoffHour = DetectionSettings.hourOf(cutoff);
    List<String> oldCounts = new ArrayList<>();
    store.forEach(COUNTS, (h, n) -> {
      if (Integer.parseInt(h) < cutoffHour) oldCounts.add(h);
    });
    oldCounts.forEach(h -> store.remove(COUNTS, h));
    List<String> drop = new ArrayList<>();
    List<String> prune = new ArrayList<>();
    store.forEach(MAILBOXES, (m, sp) -> {
      if (sp.latest() < cutoff) drop.add(m);
      else if (sp.firstBucket() < cutoffHour) prune.add(m);
    });
    drop.forEach(m -> store.remove(MAILBOXES, m));
    for (String m : prune) {
      Spans sp = store.get(MAILBOXES, m);
      sp.pruneBefore(cutoffHour);
      store.put(MAILBOXES, m, sp);
    }
    List<String> oldAlerts = new ArrayList<>();
    store.forEach(AlertLedger.ALERTS, (id, a) -> {
      if (a.lastSeen < cutoff) oldAlerts.add(id);
    });
    oldAlerts.forEach(id -> store.remove(AlertLedger.ALERTS, id));
  }
}
