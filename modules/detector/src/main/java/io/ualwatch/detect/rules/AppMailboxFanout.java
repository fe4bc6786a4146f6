package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Novelty;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * app-mailbox-fanout: one principal (an app-only service principal, or a user on mailboxes that are not theirs;
 * see {@link AppFamily#principalOf}) reads at least min-mailboxes distinct mailboxes within the window, more than
 * it ever did within the window in the baseline.
 *
 * <p>Definition (order-independent): count(t) is the number of distinct mailboxes the app read in [t − window, t].
 * A <em>trigger</em> is a record time t with count(t) ≥ min-mailboxes and count(t) &gt; the largest count of any
 * record time on days d − retention … d − 1 (d the day of t), on a day d when the app is mature (it read mail on
 * some day between d − retention and d − maturity) unless require-baseline is off. The alert for bucket B exists
 * when B holds a trigger; its time is the earliest trigger.
 *
 * <p>Exact from compact state: per minute, the mailboxes read with their first and last time. A minute is shorter
 * than the window, so a mailbox has a record in [t − window, t] exactly when one of its per-minute first or last
 * times does; and count only grows at the first record of a mailbox in its minute, so the earliest trigger and
 * every day's largest count are found among those times. Counts only grow as records are added; a day's largest
 * count only grows, so a late record can only end triggers of later days by raising their baseline: the buckets
 * of existing alerts are then recomputed and the alerts withdrawn when no trigger is left.
 */
public final class AppMailboxFanout implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "app-mailbox-fanout";
  /** Mailboxes named in the message. */
  static final int NAMED = 10;

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "One app reading many mailboxes within minutes",
      Severity.MEDIUM,
      "T1114.002", "Email Collection: Remote Email Collection",
      "TA0009", "Collection",
      "One principal reads at least `rules.app-mailbox-fanout.min-mailboxes` distinct mailboxes that are not "
          + "its own within any `rules.app-mailbox-fanout.window` (a sliding window, evaluated on every record), "
          + "and more than it ever read within one window on the previous `detect.baseline.retention` days. The "
          + "principal is the app for app-only access (ClientAppId, else the service principal), or the user for "
          + "delegated access to other users' mailboxes (a delegate, an admin with FullAccess, a token used on "
          + "mailboxes that are not its user's). A user reading their own mailbox is never counted, whatever the "
          + "client: a morning when most users open their own mailbox with the same desktop client is not a "
          + "fan-out. Delegates and shared-mailbox readers who do so every day are in the baseline. Only "
          + "principals with a mature baseline (reading mail at least `detect.baseline.maturity` before) are "
          + "evaluated unless `rules.app-mailbox-fanout.require-baseline` is off; apps new to the tenant are "
          + "reported per mailbox by mailbox-new-client-app. High for an app that is not Microsoft first-party, "
          + "or a first-party app attackers reuse; medium for a user.",
      "An app with Mail.Read application permission, or full_access_as_app, can read every mailbox of the "
          + "tenant: Nobelium and Midnight Blizzard abused such apps (and their added credentials) to read "
          + "executives' mail. Splunk's rule counts mailboxes per app in fixed 10-minute buckets each hour; here "
          + "the window slides over every record, and an integration that always reads many mailboxes (backup, "
          + "archiving) stays quiet because it did so before.",
      "Backup, archiving, journaling, eDiscovery and security tools on their first runs or when they grow (allow-list "
          + "them with `detect.allow.apps`); a migration; a helpdesk or admin tool used on many mailboxes in one "
          + "session. Counts above 128 mailboxes in one minute are capped, so apps that routinely read that many are "
          + "only compared with that cap.",
      "Identify the app (Entra admin centre > Enterprise applications): who owns it, which permissions it holds, "
          + "when they were granted and whether credentials were added recently (consent and credential events in "
          + "the audit log). Check the source network of the evidence records. If the app should not read these "
          + "mailboxes, remove its credentials and grants, then scope what it read per mailbox. For a user: who "
          + "gave them access to these mailboxes (Add-MailboxPermission in the audit log) and when; do the "
          + "evidence records' token and session belong to the user's own sign-ins from their usual network?",
      List.of("rules.app-mailbox-fanout.enabled", "rules.app-mailbox-fanout.min-mailboxes",
          "rules.app-mailbox-fanout.window", "rules.app-mailbox-fanout.require-baseline", "detect.baseline.retention",
          "detect.baseline.maturity", "detect.suppression", "detect.allow.apps", "detect.allow.users"));

  /** A record time at which a window count was evaluated. */
  record Trigger(long time, int count) {}

  /**
   * Handles a read; {@code changed} says the minute's first/last times moved (otherwise no count changed),
   * {@code newDay} that the app's activity got a new day.
   */
  void onRead(String key, AuditEvent e, boolean changed, boolean newDay, Spans activity, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    boolean enabled = s.config().get(DetectionOptions.FANOUT_ENABLED);
    long w = window(s);
    long t = e.eventTime.toEpochMilli();
    if (enabled && newDay && s.config().get(DetectionOptions.FANOUT_REQUIRE_BASELINE)) {
      raisePending(key, activity, store, ctx);
    }
    List<Trigger> triggers = new ArrayList<>();
    if (changed) {
      Window win = Window.load(store, minute(t - w), minute(t + w));
      long[] queries = win.minimaIn(t, t + w);
      int[] counts = win.counts(queries, w);
      // the days' largest counts (the baseline) are kept whether or not the rule is on
      TreeSet<Integer> raisedDays = new TreeSet<>();
      for (int i = 0; i < queries.length; i++) {
        int d = DetectionSettings.dayOf(queries[i]);
        String sub = Integer.toString(d);
        Long max = store.get(AppFamily.DAY_MAX, sub);
        if (max == null || counts[i] > max) {
          store.put(AppFamily.DAY_MAX, sub, (long) counts[i]);
          raisedDays.add(d);
        }
      }
      if (!enabled) return;
      if (!raisedDays.isEmpty()) recheckLater(key, raisedDays, store, ctx);
      Baselines base = new Baselines(store, s, activity);
      int k = s.config().get(DetectionOptions.FANOUT_MIN_MAILBOXES);
      for (int i = 0; i < queries.length; i++) {
        int d = DetectionSettings.dayOf(queries[i]);
        if (counts[i] < k || counts[i] <= base.max(d)) continue;
        if (!base.mature(d)) {
          store.put(AppFamily.PENDING, Integer.toString(d), 1L);
          continue;
        }
        triggers.add(new Trigger(queries[i], counts[i]));
      }
    } else if (!enabled) {
      return;
    }
    TreeMap<Long, List<Trigger>> byBucket = new TreeMap<>();
    for (Trigger tr : triggers) byBucket.computeIfAbsent(s.bucketOf(tr.time()), b -> new ArrayList<>()).add(tr);
    long own = s.bucketOf(t);
    if (!byBucket.containsKey(own) && (AlertLedger.active(store, alertId(key, own)) != null
        || store.get(AppFamily.UNDECIDED, alertId(key, own)) != null)) {
      byBucket.put(own, List.of());
    }
    for (Map.Entry<Long, List<Trigger>> b : byBucket.entrySet()) update(key, b.getKey(), b.getValue(), e, store, ctx);
  }

  /** Timer: fan-outs that waited for the watermark and are decided by now are computed again and raised. */
  void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    long now = Math.max(time, ctx.watermark());
    List<Long> due = new ArrayList<>();
    DetectionSettings s = ctx.settings();
    store.forEach(AppFamily.UNDECIDED, (id, a) -> {
      if (Novelty.decided(a, now)) due.add(s.bucketOf(a.time));
    });
    due.sort(null);
    for (long b : due) rescan(key, b, null, store, ctx);
  }

  static long window(DetectionSettings s) {
    return s.config().get(DetectionOptions.FANOUT_WINDOW).toMillis();
  }

  static long minute(long t) {
    return Math.floorDiv(t, 60_000L);
  }

  static String alertId(String key, long bucket) {
    return AlertIds.of(ID, key, Long.toString(bucket));
  }

  /** Days whose largest count grew raise the baseline of the following days: their alerts are recomputed. */
  private void recheckLater(String key, TreeSet<Integer> raisedDays, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    TreeSet<Long> buckets = new TreeSet<>();
    store.forEach(AlertLedger.ALERTS, (id, a) -> {
      if (!a.ruleId.equals(ID) || a.status == AlertStatus.WITHDRAWN) return;
      int ad = DetectionSettings.dayOf(a.time);
      Integer below = raisedDays.lower(ad);
      if (below != null && ad - below <= s.retentionDays()) buckets.add(s.bucketOf(a.time));
    });
    for (long b : buckets) rescan(key, b, null, store, ctx);
  }

  /** Days that waited for the app's baseline to mature are recomputed once it is. */
  private void raisePending(String key, Spans activity, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    Baselines base = new Baselines(store, s, activity);
    List<Integer> ready = new ArrayList<>();
    store.forEach(AppFamily.PENDING, (d, v) -> {
      if (base.mature(Integer.parseInt(d))) ready.add(Integer.parseInt(d));
    });
    ready.sort(null);
    for (int d : ready) {
      store.remove(AppFamily.PENDING, Integer.toString(d));
      long from = s.bucketOf((long) d * DetectionSettings.DAY);
      long to = s.bucketOf((d + 1L) * DetectionSettings.DAY - 1);
      for (long b = from; b <= to; b++) rescan(key, b, null, store, ctx);
    }
  }

  /** Folds new triggers (and the record) into the bucket's alert; a bucket without one is computed in full. */
  private void update(String key, long bucket, List<Trigger> triggers, AuditEvent e, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    Alert prev = AlertLedger.active(store, alertId(key, bucket));
    if (prev == null) {
      rescan(key, bucket, e, store, ctx);
      return;
    }
    long w = window(s);
    long time = prev.time;
    int peak = Integer.parseInt(prev.facts.get("peak"));
    long lastTrigger = prev.lastSeen;
    for (Trigger tr : triggers) {
      time = Math.min(time, tr.time());
      peak = Math.max(peak, tr.count());
      lastTrigger = Math.max(lastTrigger, tr.time());
    }
    long t = e.eventTime.toEpochMilli();
    Alert a;
    if (time != prev.time || (t >= time - w && t <= time)) {
      Window win = Window.load(store, minute(time - w), minute(time));
      a = build(key, bucket, time, win.mailboxesAt(time, w), win.earliestIn(time, w), lastTrigger, peak,
          new Baselines(store, s, null).max(DetectionSettings.dayOf(time)), store, s);
    } else {
      a = build(key, bucket, time, new TreeSet<>(Arrays.asList(prev.facts.get("mailboxes").split(", "))),
          prev.firstSeen, lastTrigger, peak, Long.parseLong(prev.facts.get("baselineMax")), store, s);
    }
    finish(a, prev, e, store, ctx);
  }

  /** Computes the bucket's alert from state alone: the earliest trigger, the peak, the last trigger. */
  private void rescan(String key, long bucket, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    long w = window(s);
    long from = s.bucketStart(bucket);
    long to = s.bucketStart(bucket + 1);
    Window win = Window.load(store, minute(from - w), minute(to - 1));
    long[] queries = win.minimaIn(from, to - 1);
    int[] counts = win.counts(queries, w);
    Baselines base = new Baselines(store, s, store.get(AppFamily.ACTIVITY, ""));
    int k = s.config().get(DetectionOptions.FANOUT_MIN_MAILBOXES);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int peak = 0;
    for (int i = 0; i < queries.length; i++) {
      int d = DetectionSettings.dayOf(queries[i]);
      if (counts[i] < k || counts[i] <= base.max(d)) continue;
      if (!base.mature(d)) {
        store.put(AppFamily.PENDING, Integer.toString(d), 1L);
        continue;
      }
      first = Math.min(first, queries[i]);
      last = Math.max(last, queries[i]);
      peak = Math.max(peak, counts[i]);
    }
    String id = alertId(key, bucket);
    Alert emitted = store.get(AlertLedger.ALERTS, id);
    Alert prev = emitted != null ? emitted : store.get(AppFamily.UNDECIDED, id);
    if (first == Long.MAX_VALUE) {
      if (emitted == null && prev != null) store.remove(AppFamily.UNDECIDED, id); // never raised: nothing to say
      if (emitted != null && emitted.status != AlertStatus.WITHDRAWN) {
        AlertLedger.withdraw(store, id, "records that arrived late show the app read as many mailboxes within "
            + (w / 60_000L) + " minutes in its baseline, or no trigger is left in this bucket", ctx);
      }
      return;
    }
    Alert a = build(key, bucket, first, win.mailboxesAt(first, w), win.earliestIn(first, w), last, peak,
        base.max(DetectionSettings.dayOf(first)), store, s);
    finish(a, prev, e, store, ctx);
  }

  /** Carries evidence and lifecycle over from the stored alert, adds the record, emits as needed. */
  private static void finish(Alert a, Alert prev, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    long bucket = s.bucketOf(a.time);
    boolean listChanged = false;
    if (prev != null) {
      Drafts.keepLifecycle(prev, a);
      a.evidence.addAll(prev.evidence);
    }
    if (e != null && s.bucketOf(e.eventTime.toEpochMilli()) == bucket) {
      int n = a.evidenceCount;
      long fs = a.firstSeen;
      long ls = a.lastSeen;
      listChanged = AlertLedger.addEvidence(a, AlertLedger.evidenceOf(e, e.actor + " read " + e.mailboxOwner),
          s.evidenceMax());
      a.evidenceCount = n;
      a.firstSeen = fs;
      a.lastSeen = ls;
    }
    if (store.get(AlertLedger.ALERTS, a.id) == null) {
      // never raised: decided once the watermark passes the earliest trigger, so that records within the bound
      // that raise the baseline (the app read as many mailboxes on an earlier day) arrive before anything is said
      String at = a.facts.get(Novelty.DECIDE_AT);
      if (at != null && Long.parseLong(at) < a.time) {
        a.facts.remove(Novelty.DECIDE_AT); // the earliest trigger moved later: wait for it
      }
      Novelty.awaitWatermark(a, ctx);
      if (!Novelty.decided(a, ctx.watermark())) {
        store.put(AppFamily.UNDECIDED, a.id, a);
        return;
      }
      store.remove(AppFamily.UNDECIDED, a.id);
      a.facts.remove(Novelty.DECIDE_AT);
      AlertLedger.upsert(store, a, ctx);
      return;
    }
    if (prev == null || prev.status == AlertStatus.WITHDRAWN || prev.time != a.time
        || prev.severity != a.severity || !prev.facts.get("mailboxes").equals(a.facts.get("mailboxes"))) {
      AlertLedger.upsert(store, a, ctx);
    } else {
      AlertLedger.fold(store, a, listChanged, s.bucketStart(bucket + 1), ctx);
    }
  }

  private static Alert build(String key, long bucket, long time, TreeSet<String> mailboxes, long firstSeen,
      long lastTrigger, int peak, long baselineMax, EntityStore store, DetectionSettings s) {
    Alert a = Drafts.start(alertId(key, bucket), INFO, s.bucketStart(bucket));
    int bar = key.indexOf('|');
    a.tenantId = key.substring(0, bar);
    String principal = key.substring(bar + 1);
    boolean user = principal.startsWith(AppFamily.USER);
    if (user) {
      // one user reading other users' mailboxes (delegated access)
      a.user = principal.substring(AppFamily.USER.length());
      a.entities.put("user", a.user);
      a.facts.put("principal", "user");
    } else {
      a.appId = principal;
      // the acting identity is the app (for app-only access the audit log's UserId is the app too)
      a.user = a.appId;
      String name = store.get(AppFamily.NAME, "");
      a.appName = name != null ? name : s.apps().name(a.appId);
      a.appFirstParty = s.apps().isFirstParty(a.appId);
      a.facts.put("principal", "app");
    }
    a.time = time;
    a.firstSeen = Math.min(firstSeen, time);
    a.lastSeen = Math.max(lastTrigger, time);
    a.entities.put("tenant", a.tenantId);
    if (!user) a.entities.put("app", a.appId);
    Long n = store.get(AppFamily.COUNTS, Long.toString(bucket));
    a.evidenceCount = n == null ? 0 : n.intValue();
    a.facts.put("mailboxes", String.join(", ", mailboxes));
    a.facts.put("mailboxCount", Integer.toString(mailboxes.size()));
    a.facts.put("peak", Integer.toString(Math.max(peak, mailboxes.size())));
    a.facts.put("baselineMax", Long.toString(baselineMax));
    a.facts.put("windowMinutes", Long.toString(window(s) / 60_000L));
    // an app that is not Microsoft's (or one attackers reuse) reading many mailboxes is high; a user reading
    // other users' mailboxes stays medium (delegates and admins do, at a smaller scale)
    boolean risky = !user && (!Boolean.TRUE.equals(a.appFirstParty) || s.apps().isRiskyFirstParty(a.appId));
    a.severity = risky ? Severity.HIGH : INFO.baseSeverity();
    a.confidence = risky ? 80 : 60;
    String who = user ? "this user" : "it";
    String whose = user ? " other than their own" : "";
    a.baseline = baselineMax == 0
        ? "in the previous " + s.retentionDays() + " days " + who + " never read more than one mailbox" + whose
            + " within " + a.facts.get("windowMinutes") + " minutes"
        : "in the previous " + s.retentionDays() + " days " + who + " never read more than " + baselineMax
            + (baselineMax == 1 ? " mailbox" : " mailboxes") + whose + " within " + a.facts.get("windowMinutes") + " minutes";
    a.message = message(a, mailboxes);
    return a;
  }

  static String message(Alert a, TreeSet<String> mailboxes) {
    List<String> l = new ArrayList<>(mailboxes);
    String named = l.size() <= NAMED ? String.join(", ", l)
        : String.join(", ", l.subList(0, NAMED)) + " and " + (l.size() - NAMED) + " more";
    int peak = Integer.parseInt(a.facts.get("peak"));
    String who = "user".equals(a.facts.get("principal")) ? a.user + " (delegated access)"
        : Drafts.describeApp(a.appName, a.appId);
    return who + " read " + l.size() + " distinct " + ("user".equals(a.facts.get("principal"))
        ? "mailboxes other than their own" : "mailboxes") + " within "
        + a.facts.get("windowMinutes") + " minutes, from " + Instant.ofEpochMilli(a.firstSeen) + " to "
        + Instant.ofEpochMilli(a.time) + " (" + named + ")"
        + (peak > l.size() ? "; up to " + peak + " within one window later in this period" : "") + "; "
        + a.baseline + ".";
  }

  /** Day maxima and maturity of the app, read once per evaluation. */
  static final class Baselines {
    private final Map<Integer, Long> days = new HashMap<>();
    private final DetectionSettings s;
    private final Spans activity;

    Baselines(EntityStore store, DetectionSettings s, Spans activity) {
      this.s = s;
      this.activity = activity;
      store.forEach(AppFamily.DAY_MAX, (d, v) -> days.put(Integer.parseInt(d), v));
    }

    /** The largest count on days d − retention … d − 1. */
    long max(int d) {
      long m = 0;
      for (Map.Entry<Integer, Long> x : days.entrySet()) {
        if (x.getKey() >= d - s.retentionDays() && x.getKey() < d) m = Math.max(m, x.getValue());
      }
      return m;
    }

    boolean mature(int d) {
      if (!s.config().get(DetectionOptions.FANOUT_REQUIRE_BASELINE)) return true;
      return activity != null && activity.anyIn(d - s.retentionDays(), d - s.maturityDays());
    }
  }

  /**
   * The per-minute first and last read times of each mailbox over a range of minutes, sorted by time: a
   * mailbox has a record in [q − window, q] exactly when one of these times lies there (a minute is shorter
   * than the window).
   */
  static final class Window {
    private long[] points = new long[16];
    private int n;
    private long[] minima = new long[16];
    private int m;
    private final List<String> names = new ArrayList<>();
    private long base;

    static Window load(EntityStore store, long fromMinute, long toMinute) {
      Window win = new Window();
      win.base = fromMinute * 60_000L;
      Map<String, Integer> index = new HashMap<>();
      for (long mi = fromMinute; mi <= toMinute; mi++) {
        MinuteReads r = store.get(AppFamily.MINUTES, Long.toString(mi));
        if (r == null) continue;
        for (int i = 0; i < r.size; i++) {
          Integer id = index.get(r.mailbox[i]);
          if (id == null) {
            id = win.names.size();
            index.put(r.mailbox[i], id);
            win.names.add(r.mailbox[i]);
          }
          win.point(r.min[i], id);
          if (r.max[i] != r.min[i]) win.point(r.max[i], id);
          if (win.m == win.minima.length) win.minima = Arrays.copyOf(win.minima, win.m * 2);
          win.minima[win.m++] = r.min[i];
        }
      }
      Arrays.sort(win.points, 0, win.n);
      Arrays.sort(win.minima, 0, win.m);
      return win;
    }

    private void point(long time, int id) {
      if (n == points.length) points = Arrays.copyOf(points, n * 2);
      points[n++] = ((time - base) << 20) | id;
    }

    private long timeOf(long p) {
      return (p >> 20) + base;
    }

    private static int idOf(long p) {
      return (int) (p & 0xFFFFF);
    }

    /** Distinct first-in-minute read times in [from, to], ascending. */
    long[] minimaIn(long from, long to) {
      long[] out = new long[m];
      int k = 0;
      for (int i = 0; i < m; i++) {
        long q = minima[i];
        if (q >= from && q <= to && (k == 0 || out[k - 1] != q)) out[k++] = q;
      }
      return Arrays.copyOf(out, k);
    }

    /** For each query time (ascending), the distinct mailboxes with a read in [q − w, q]. */
    int[] counts(long[] queries, long w) {
      int[] per = new int[names.size()];
      int distinct = 0;
      int lo = 0;
      int hi = 0;
      int[] out = new int[queries.length];
      for (int i = 0; i < queries.length; i++) {
        long q = queries[i];
        while (hi < n && timeOf(points[hi]) <= q) {
          if (per[idOf(points[hi++])]++ == 0) distinct++;
        }
        while (lo < hi && timeOf(points[lo]) < q - w) {
          if (--per[idOf(points[lo++])] == 0) distinct--;
        }
        out[i] = distinct;
      }
      return out;
    }

    /** The mailboxes with a read in [q − w, q]. */
    TreeSet<String> mailboxesAt(long q, long w) {
      TreeSet<String> out = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        long t = timeOf(points[i]);
        if (t >= q - w && t <= q) out.add(names.get(idOf(points[i])));
      }
      return out;
    }

    /** The earliest read in [q − w, q], or q. */
    long earliestIn(long q, long w) {
      for (int i = 0; i < n; i++) {
        long t = timeOf(points[i]);
        if (t >= q - w && t <= q) return t;
      }
      return q;
    }
  }
}
