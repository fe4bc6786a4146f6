package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Geography;
import io.ualwatch.detect.Novelty;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Spans;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * mailbox-sync-new-context: a MailItemsAccessed Sync (a whole folder downloaded) from a client app or a network
 * (ASN) that did not read the mailbox in the baseline window.
 *
 * <p>Definition (order-independent): a sync <em>context</em> is (client app, ASN, place) of a Sync record. The
 * context has an episode on day d (its first day of Sync in the alert bucket) when, on d, the ASN is novel for the
 * mailbox (seen on d, on none of the {@code retention} days before, in any of the mailbox's mail access) and its
 * place is at least min-distance-km from every place of those days (or it is hosting/VPN, or unlocated), or the app is
 * novel and is not a plain Microsoft first-party client (unless
 * {@code rules.mailbox-sync-new-context.new-first-party-app}). The alert for (mailbox, context, bucket) exists
 * when the mailbox is mature on d. Its facts come from the episode's earliest Sync record; whether the app, the
 * network or both are new is recomputed from state whenever a new day of an app or network is added, and a late
 * record that shows both known withdraws it.
 */
public final class MailboxSyncNewContext implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "mailbox-sync-new-context";
  /** Folder paths listed per alert (the alphabetically first of all the episode's folders). */
  static final int MAX_FOLDERS = 10;

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Whole mail folders synced from a new app or network",
      Severity.MEDIUM,
      "T1114.002", "Email Collection: Remote Email Collection",
      "TA0009", "Collection",
      "A MailItemsAccessed record with MailAccessType Sync (read by name from OperationProperties; Outlook "
          + "desktop downloading a whole folder) comes from an autonomous system (ASN) that did not read this "
          + "mailbox in the previous `detect.baseline.retention`, or from a client app that did not, in a mailbox "
          + "with at least `detect.baseline.maturity` of history. A new ASN counts when its location is at least "
          + "`rules.mailbox-sync-new-context.min-distance-km` from every place the mailbox was read from in that "
          + "window, or it is a hosting/VPN network or has no location: the user's second ISP in the same area "
          + "(home and office) is not a new context. A Microsoft first-party mail client that is new "
          + "to the mailbox on a network it already uses (Outlook on a new machine) does not count unless "
          + "`rules.mailbox-sync-new-context.new-first-party-app` is set; a new app that is not first-party, or a "
          + "first-party app attackers reuse, always does. Microsoft, private and trusted addresses are never a "
          + "new network. Severity goes up one step for a hosting/VPN network or a non-first-party app, and one "
          + "more when both the app and the network are new.",
      "A Sync means every item of the folder was exposed, not just the messages listed: Microsoft's own "
          + "investigation guide says a Sync sharing the attacker's network or client exposes the whole folder. "
          + "An attacker who adds a stolen account to Outlook, or a tool speaking its protocol, downloads the "
          + "mailbox this way. No open rule alerts on it.",
      "A user setting up Outlook at a new place far from their usual ones (a hotel, a branch office in another "
          + "city); a new corporate egress network not in `detect.allow.cidrs`; ISPs whose address pools are "
          + "geolocated far from the user. Once seen, the network is in the mailbox's baseline for the retention "
          + "window. Missed on purpose: a residential proxy on a new ISP in the user's own area.",
      "Check the network (ASN, organisation, country) and app in the alert against the user's sign-ins: did the "
          + "user set up Outlook there? The folders listed were downloaded entirely; if the access is not the "
          + "user's, treat their content as exfiltrated, revoke the user's sessions and reset credentials.",
      List.of("rules.mailbox-sync-new-context.enabled", "rules.mailbox-sync-new-context.new-first-party-app",
          "rules.mailbox-sync-new-context.min-distance-km", "detect.baseline.retention", "detect.baseline.maturity", "detect.suppression", "detect.allow.apps",
          "detect.allow.cidrs", "detect.allow.users"));

  /**
   * Whether the app, the network, or both are new on the episode day, and whether that counts; {@code nearestKm}
   * is the distance to the nearest place of the mailbox's baseline (-1 when there is none or it was not needed).
   */
  record Flags(boolean appNew, boolean networkNew, boolean counts, long nearestKm) {}

  static boolean isSync(AuditEvent e) {
    return "MailItemsAccessed".equals(e.operation) && "Sync".equalsIgnoreCase(e.mailAccessType);
  }

  /**
   * Handles a mail access of the mailbox. {@code app}, {@code network} and {@code place} (null when unknown or not
   * a network or place of the mailbox) already include the record; {@code newDay} says it added a new day to any
   * of them.
   */
  void onAccess(String key, AuditEvent e, String app, String network, String place, boolean newDay, Spans activity,
      EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.SYNC_NEW_CONTEXT_ENABLED)) return;
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    if (newDay) reevaluate(day, store, ctx);
    if (!isSync(e) || (app == null && network == null)) return;
    if (s.appAllowed(app) || s.userAllowed(e.mailboxOwner) || s.userAllowed(e.actor)) return;
    // the place (location cell) is part of the context, so that how far it is from the mailbox's usual places is a
    // property of the context and not of whichever record arrived first
    String context = (app == null ? "-" : app) + "|" + (network == null ? "-" : network) + "|"
        + (place == null ? "-" : place);
    boolean hosting = e.geo != null && e.geo.isHostingOrVpn();
    Spans spans = store.get(MailboxFamily.SYNCS, context);
    if (spans == null) spans = new Spans();
    if (spans.add(day, t)) store.put(MailboxFamily.SYNCS, context, spans);
    long bucket = s.bucketOf(t);
    int d0 = firstDayInBucket(spans, bucket, s);
    if (d0 == Integer.MIN_VALUE) return;
    String id = AlertIds.of(ID, key, context, Long.toString(bucket));
    Flags f = novelty(app, network, place, hosting, d0, store, s);
    if (!f.counts()) {
      store.remove(MailboxFamily.PENDING, id);
      AlertLedger.withdraw(store, id, "records show that " + notNew(app, network, f, s), ctx);
      return;
    }
    Alert active = AlertLedger.active(store, id);
    Alert draft = active != null ? active : store.get(MailboxFamily.PENDING, id);
    draft = Drafts.earliest(draft, e, () -> build(id, bucket, e, app, network, place, d0, s), s.evidenceMax(),
        MailboxSyncNewContext::carry);
    boolean listChanged;
    if (active == null && draft.facts.containsKey(Novelty.LEAN)) {
      Novelty.countOnly(draft, t);
      listChanged = false;
    } else {
      listChanged = AlertLedger.addEvidence(draft, AlertLedger.evidenceOf(e, folderDetail(e)), s.evidenceMax());
    }
    addFolders(draft, e.folders);
    apply(draft, f, s);
    if (active != null) {
      AlertLedger.fold(store, draft, listChanged, s.bucketStart(bucket + 1), ctx);
      return;
    }
    // decided once the watermark has passed the episode's first record (see Novelty.DECIDE_AT)
    Novelty.awaitWatermark(draft, ctx);
    if (Novelty.decided(draft, ctx.watermark()) && Novelty.mature(activity, d0, s)) {
      store.remove(MailboxFamily.PENDING, id);
      draft.facts.remove(Novelty.DECIDE_AT);
      draft.facts.remove(Novelty.LEAN);
      AlertLedger.upsert(store, draft, ctx);
    } else if (Novelty.decided(draft, ctx.watermark()) && Novelty.immatureForGood(d0, ctx.watermark(), s)) {
      store.put(MailboxFamily.PENDING, id, Novelty.lean(draft));
    } else {
      store.put(MailboxFamily.PENDING, id, draft);
    }
  }

  /** Timer: waiting episodes that the watermark has decided and that are mature are raised. */
  void onTimer(Spans activity, long time, EntityStore store, DetectContext ctx) {
    raiseReady(activity, Math.max(time, ctx.watermark()), store, ctx);
  }

  /** A new activity day of the mailbox: waiting episodes that are now mature are raised. */
  void onNewActivityDay(Spans activity, EntityStore store, DetectContext ctx) {
    if (!ctx.settings().config().get(DetectionOptions.SYNC_NEW_CONTEXT_ENABLED)) return;
    raiseReady(activity, ctx.watermark(), store, ctx);
  }

  private void raiseReady(Spans activity, long now, EntityStore store, DetectContext ctx) {
    List<Alert> ready = new ArrayList<>();
    List<String> immature = new ArrayList<>();
    long wm = ctx.watermark();
    store.forEach(MailboxFamily.PENDING, (id, p) -> {
      if (!p.ruleId.equals(ID) || !Novelty.decided(p, now)) return;
      if (Novelty.mature(activity, episodeDay(p), ctx.settings())) ready.add(p);
      else if (Novelty.immatureForGood(episodeDay(p), wm, ctx.settings())) immature.add(id);
    });
    for (String id : immature) {
      Alert p = store.get(MailboxFamily.PENDING, id);
      if (!p.facts.containsKey(Novelty.LEAN)) store.put(MailboxFamily.PENDING, id, Novelty.lean(p));
    }
    ready.sort((x, y) -> x.id.compareTo(y.id));
    for (Alert p : ready) {
      store.remove(MailboxFamily.PENDING, p.id);
      p.facts.remove(Novelty.DECIDE_AT);
      p.facts.remove(Novelty.LEAN);
      AlertLedger.upsert(store, p, ctx);
    }
  }

  /**
   * A new day of an app or network on {@code day} can end the novelty of episodes in the retention window after
   * it: their flags are recomputed, and those no longer new in any way counted are withdrawn.
   */
  private void reevaluate(int day, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    List<Alert> drafts = new ArrayList<>();
    List<Boolean> pending = new ArrayList<>();
    store.forEach(AlertLedger.ALERTS, (id, a) -> {
      if (a.ruleId.equals(ID) && a.status != AlertStatus.WITHDRAWN && affected(a, day, s)) {
        drafts.add(a);
        pending.add(false);
      }
    });
    store.forEach(MailboxFamily.PENDING, (id, a) -> {
      if (a.ruleId.equals(ID) && affected(a, day, s)) {
        drafts.add(a);
        pending.add(true);
      }
    });
    for (int i = 0; i < drafts.size(); i++) {
      Alert a = drafts.get(i);
      String app = orNull(a.facts.get("app"));
      String network = orNull(a.facts.get("network"));
      Flags f = novelty(app, network, orNull(a.facts.get("place")), a.facts.containsKey("networkClass"),
          episodeDay(a), store, s);
      if (!f.counts()) {
        if (pending.get(i)) {
          store.remove(MailboxFamily.PENDING, a.id);
        } else {
          AlertLedger.withdraw(store, a.id, "a record that arrived late shows that " + notNew(app, network, f, s),
              ctx);
        }
      } else if (f.appNew() != "true".equals(a.facts.get("appNew"))
          || f.networkNew() != "true".equals(a.facts.get("networkNew"))
          || !Long.toString(f.nearestKm()).equals(a.facts.get("nearestKm"))) {
        apply(a, f, s);
        if (pending.get(i)) store.put(MailboxFamily.PENDING, a.id, a);
        else AlertLedger.upsert(store, a, ctx);
      }
    }
  }

  /** Why a context is not new: what already read the mailbox. */
  private static String notNew(String app, String network, Flags f, DetectionSettings s) {
    String window = " already read this mailbox in the previous " + s.retentionDays() + " days";
    if (f.appNew() && network == null) {
      return "the app (" + app + ") is a Microsoft first-party client, which does not count on its own";
    }
    if (f.appNew()) {
      return "the network of this Sync (" + network + ")" + window + ", and a Microsoft first-party app new to the "
          + "mailbox does not count on its own";
    }
    if (app != null && network != null) return "both the app (" + app + ") and the network (" + network + ")" + window;
    return (app != null ? "the app (" + app + ")" : "the network (" + network + ")") + window;
  }

  private static boolean affected(Alert a, int day, DetectionSettings s) {
    int d = episodeDay(a);
    return d > day && d - day <= s.retentionDays();
  }

  private static int episodeDay(Alert a) {
    return Integer.parseInt(a.facts.get("day"));
  }

  private static String orNull(String v) {
    return v == null || v.equals("-") ? null : v;
  }

  /**
   * The flags of an episode on day {@code d}. A network is new when its ASN did not read the mailbox on the
   * retention days before d and, unless it is a hosting/VPN network or has no location, its place is at least
   * min-distance-km from every place the mailbox was read from on those days.
   */
  static Flags novelty(String app, String network, String place, boolean hosting, int d, EntityStore store,
      DetectionSettings s) {
    boolean appNew = false;
    boolean networkNew = false;
    long nearestKm = -1;
    if (app != null) {
      Spans sp = store.get(MailboxFamily.APPS, app);
      appNew = sp != null && Novelty.novel(sp, d, s.retentionDays());
    }
    if (network != null) {
      Spans sp = store.get(MailboxFamily.NETWORKS, network);
      networkNew = sp != null && Novelty.novel(sp, d, s.retentionDays());
      if (networkNew && place != null) {
        nearestKm = nearestKm(place, d, store, s);
        int min = s.config().get(DetectionOptions.SYNC_NEW_CONTEXT_MIN_KM);
        if (!hosting && nearestKm >= 0 && nearestKm < min) networkNew = false;
      }
    }
    AppCatalog catalog = s.apps();
    boolean appCounts = appNew && (s.config().get(DetectionOptions.SYNC_NEW_CONTEXT_FIRST_PARTY)
        || !catalog.isFirstParty(app) || catalog.isRiskyFirstParty(app));
    return new Flags(appNew, networkNew, networkNew || appCounts, nearestKm);
  }

  /** Kilometres from {@code place} to the nearest place the mailbox was read from on days d − retention … d − 1. */
  static long nearestKm(String place, int d, EntityStore store, DetectionSettings s) {
    double[] at = coordinates(place);
    double[] best = {Double.MAX_VALUE};
    store.forEach(MailboxFamily.PLACES, (other, sp) -> {
      if (!sp.anyIn(d - s.retentionDays(), d - 1)) return;
      double[] o = coordinates(other);
      best[0] = Math.min(best[0], Geography.km(at[0], at[1], o[0], o[1]));
    });
    return best[0] == Double.MAX_VALUE ? -1 : Math.round(best[0]);
  }

  /** Latitude and longitude of a place key (country|lat|lon, see {@link UserFamily#cellOf}). */
  static double[] coordinates(String place) {
    String[] f = place.split("\\|");
    return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])};
  }

  /** The first day of the context's Sync within the bucket, or Integer.MIN_VALUE (as {@link Novelty}). */
  static int firstDayInBucket(Spans spans, long bucket, DetectionSettings s) {
    int from = DetectionSettings.dayOf(s.bucketStart(bucket));
    int i = spans.indexOf(from);
    int at = i >= 0 ? i : -i - 1;
    if (at >= spans.size()) return Integer.MIN_VALUE;
    return s.bucketOf(spans.minAt(at)) == bucket ? spans.bucketAt(at) : Integer.MIN_VALUE;
  }

  private static Alert build(String id, long bucket, AuditEvent e, String app, String network, String place,
      int day, DetectionSettings s) {
    Alert a = Drafts.base(id, INFO, s.bucketStart(bucket), e);
    AppCatalog catalog = s.apps();
    a.appId = app;
    a.appName = app == null ? null : e.clientAppName != null ? e.clientAppName : catalog.name(app);
    a.appFirstParty = app == null ? null : catalog.isFirstParty(app);
    a.entities.put("app", app == null ? "-" : app);
    a.entities.put("network", network == null ? "-" : network);
    a.facts.put("app", app == null ? "-" : app);
    a.facts.put("network", network == null ? "-" : network);
    a.facts.put("place", place == null ? "-" : place);
    a.facts.put("day", Integer.toString(day));
    boolean hosting = e.geo != null && e.geo.isHostingOrVpn();
    if (hosting) a.facts.put("networkClass", e.geo.network == NetworkClass.VPN ? "VPN" : "hosting");
    if (app != null && (!catalog.isFirstParty(app) || catalog.isRiskyFirstParty(app))) {
      a.facts.put("appNotPlainFirstParty", "true");
    }
    a.facts.put("folders", "");
    return a;
  }

  private static void carry(Alert from, Alert to) {
    addFolders(to, Arrays.asList(from.facts.getOrDefault("folders", "").split("\n")));
  }

  /** The alphabetically first {@link #MAX_FOLDERS} folder paths of the episode (a function of the set). */
  private static void addFolders(Alert a, List<String> folders) {
    if (folders == null || folders.isEmpty()) return;
    TreeSet<String> set = new TreeSet<>();
    for (String f : a.facts.getOrDefault("folders", "").split("\n")) if (!f.isEmpty()) set.add(f);
    for (String f : folders) if (f != null && !f.isEmpty()) set.add(f);
    while (set.size() > MAX_FOLDERS) set.pollLast();
    a.facts.put("folders", String.join("\n", set));
  }

  private static String folderDetail(AuditEvent e) {
    return "Sync" + (e.folders == null ? "" : " " + String.join(", ", e.folders));
  }

  /** Facts, severity and message from the flags. */
  private static void apply(Alert a, Flags f, DetectionSettings s) {
    a.facts.put("appNew", Boolean.toString(f.appNew()));
    a.facts.put("networkNew", Boolean.toString(f.networkNew()));
    a.facts.put("nearestKm", Long.toString(f.nearestKm()));
    int steps = 0;
    if (a.facts.containsKey("networkClass") || a.facts.containsKey("appNotPlainFirstParty")) steps++;
    if (f.appNew() && f.networkNew()) steps++;
    a.severity = INFO.baseSeverity().raise(steps);
    a.confidence = 55 + 15 * steps;
    String what = f.appNew() && f.networkNew() ? "neither this app nor this network"
        : f.networkNew() ? "this network" : "this app";
    a.baseline = what + (f.appNew() && f.networkNew() ? " read" : " did not read") + " this mailbox in the previous "
        + s.retentionDays() + " days (from " + LocalDate.ofEpochDay(episodeDay(a) - s.retentionDays()) + ")"
        + (f.networkNew() && f.nearestKm() >= 0 ? ", and the nearest place it was read from is " + f.nearestKm()
            + " km away" : "");
    a.message = message(a);
  }

  static String message(Alert a) {
    String folders = a.facts.getOrDefault("folders", "");
    String who = a.user != null && !a.user.equals(a.mailbox) ? a.user + " synced" : "Synced";
    return who + " whole folders of " + a.mailbox + "'s mailbox (" + a.evidenceCount + " Sync record"
        + (a.evidenceCount == 1 ? "" : "s") + (folders.isEmpty() ? "" : ": " + folders.replace("\n", ", "))
        + ") with " + Drafts.describeApp(a.appName, a.appId) + " from " + AlertLedger.describe(a.source)
        + (a.facts.containsKey("networkClass") ? ", a " + a.facts.get("networkClass") + " network" : "") + "; "
        + a.baseline + ".";
  }
}
