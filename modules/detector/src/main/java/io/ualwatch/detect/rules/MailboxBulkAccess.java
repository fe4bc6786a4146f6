package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * mailbox-bulk-access: more items read from one mailbox in one UTC hour than max(min-items, factor × the
 * mailbox's largest hour in the baseline).
 *
 * <p>Definition (order-independent): items(h) is the sum of OperationCount of the MailItemsAccessed records of
 * the mailbox in hour h; threshold(d) = max(min-items, factor × the largest items(h') over the hours of days
 * d − retention … d − 1). Hour h of day d is a <em>bulk hour</em> when items(h) &gt; threshold(d). The alert for
 * bucket B exists when B holds a bulk hour; its time is the first record of the earliest bulk hour, and its
 * counts are those of all bulk hours of B, from state. A late record that raises a baseline hour can end a bulk
 * hour, and the alert is withdrawn when none is left. No maturity is needed: the floor applies from the first day.
 */
public final class MailboxBulkAccess implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "mailbox-bulk-access";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Bulk mail read from one mailbox in one hour",
      Severity.MEDIUM,
      "T1114.002", "Email Collection: Remote Email Collection",
      "TA0009", "Collection",
      "The items read from one mailbox in one UTC hour (the sum of OperationCount of its MailItemsAccessed "
          + "records, Bind and Sync, whoever read) exceed both `rules.mailbox-bulk-access.min-items` and "
          + "`rules.mailbox-bulk-access.baseline-factor` times the mailbox's largest hour in the previous "
          + "`detect.baseline.retention` (by default more than max(250, 5 × the largest hour)). Records of "
          + "allow-listed apps are not counted. High when the hour is at least four times its threshold. A late "
          + "record that raises a baseline hour withdraws alerts it disproves.",
      "Collection before exfiltration: a stolen token or an insider script pulling a whole mailbox reads hundreds "
          + "of messages in an hour, far beyond what the owner's clients do. Elastic's rule fires on one record with "
          + "OperationCount of 100 or more and drowns in proxy noise (a fixed 250 was proposed); a per-mailbox "
          + "baseline keeps busy mailboxes quiet and still catches a quiet mailbox being emptied.",
      "A new Outlook profile or device downloading a mailbox for the first time (mostly Sync records), migrations, "
          + "archiving and backup tools (allow-list their app ids), a user searching or catching up after a long "
          + "absence, a shared mailbox processed by several people at once.",
      "Look at the evidence: which actor, app, network and Exchange session read in the bulk hours? Compare with "
          + "the mailbox's usual clients (mailbox-new-client-app alerts for the same mailbox). If it is not the "
          + "owner's own client, revoke the sessions or the app's grants and scope what was read by "
          + "InternetMessageId; if the mailbox was also throttled (mailbox-throttled), treat it as fully exposed.",
      List.of("rules.mailbox-bulk-access.enabled", "rules.mailbox-bulk-access.min-items",
          "rules.mailbox-bulk-access.baseline-factor", "detect.baseline.retention", "detect.suppression",
          "detect.allow.apps", "detect.allow.users"));

  /** Records whose OperationCount counts as items read. */
  static boolean counts(AuditEvent e) {
    return "MailItemsAccessed".equals(e.operation) || "MessageBind".equals(e.operation);
  }

  void onAccess(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!counts(e) || s.appAllowed(e.effectiveClientApp()) || s.userAllowed(e.mailboxOwner)) return;
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    int hour = (int) Math.floorMod(t, DetectionSettings.DAY) / (int) DetectionSettings.HOUR;
    String sub = Integer.toString(day);
    HourItems hi = store.get(MailboxFamily.HOURS, sub);
    if (hi == null) hi = new HourItems();
    long before = hi.max();
    boolean byOther = e.actorKind != io.ualwatch.model.ActorKind.USER || !e.mailboxOwner.equals(e.actor);
    hi.add(hour, Math.max(1, e.operationCount), t, byOther);
    store.put(MailboxFamily.HOURS, sub, hi);
    // the baseline is kept whether or not the rule is on, so that turning it on finds it
    if (!s.config().get(DetectionOptions.BULK_ENABLED)) return;
    long floor = s.config().get(DetectionOptions.BULK_MIN_ITEMS);
    double factor = s.config().get(DetectionOptions.BULK_BASELINE_FACTOR);
    if (hi.max() > before && factor * hi.max() > floor) {
      // this day's largest hour grew: thresholds of the following days may have risen
      List<Long> later = new ArrayList<>();
      store.forEach(io.ualwatch.detect.AlertLedger.ALERTS, (id, a) -> {
        int ad = DetectionSettings.dayOf(a.time);
        if (a.ruleId.equals(ID) && a.status != AlertStatus.WITHDRAWN && ad > day && ad <= day + s.retentionDays()) {
          later.add(s.bucketOf(a.time));
        }
      });
      later.sort(null);
      for (long b : later) evaluate(key, b, null, store, ctx);
    }
    if (hi.items[hour] > floor) evaluate(key, s.bucketOf(t), e, store, ctx);
  }

  /** The threshold of day {@code d}: max(floor, factor × the largest hour of days d − retention … d − 1). */
  static long threshold(int d, EntityStore store, DetectionSettings s, long[] baselineOut) {
    long[] max = {0};
    store.forEach(MailboxFamily.HOURS, (k, v) -> {
      int kd = Integer.parseInt(k);
      if (kd >= d - s.retentionDays() && kd < d) max[0] = Math.max(max[0], v.max());
    });
    baselineOut[0] = max[0];
    long floor = s.config().get(DetectionOptions.BULK_MIN_ITEMS);
    double factor = s.config().get(DetectionOptions.BULK_BASELINE_FACTOR);
    return Math.max(floor, (long) Math.floor(factor * max[0]));
  }

  /** Recomputes the alert of {@code bucket} from state; {@code e} (may be null) is the record that caused it. */
  void evaluate(String key, long bucket, AuditEvent e, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    String id = AlertIds.of(ID, key, Long.toString(bucket));
    long from = s.bucketStart(bucket);
    long to = s.bucketStart(bucket + 1);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long items = 0;
    int records = 0;
    int bulkHours = 0;
    long peakItems = 0;
    long peakHourStart = 0;
    long peakThreshold = 0;
    long peakBaseline = 0;
    boolean others = false;
    for (int d = DetectionSettings.dayOf(from); d <= DetectionSettings.dayOf(to - 1); d++) {
      HourItems hi = store.get(MailboxFamily.HOURS, Integer.toString(d));
      if (hi == null) continue;
      long[] baseline = {0};
      long thr = -1;
      for (int h = 0; h < 24; h++) {
        long hourStart = (long) d * DetectionSettings.DAY + h * DetectionSettings.HOUR;
        if (hi.records[h] == 0 || hourStart < from || hourStart >= to) continue;
        if (thr < 0) thr = threshold(d, store, s, baseline);
        if (hi.items[h] <= thr) continue;
        bulkHours++;
        others |= (hi.others & (1 << h)) != 0;
        items += hi.items[h];
        records += hi.records[h];
        first = Math.min(first, hi.first[h]);
        last = Math.max(last, hi.last[h]);
        if (hi.items[h] > peakItems) {
          peakItems = hi.items[h];
          peakHourStart = hourStart;
          peakThreshold = thr;
          peakBaseline = baseline[0];
        }
      }
    }
    Alert prev = store.get(AlertLedger.ALERTS, id);
    if (bulkHours == 0) {
      if (prev != null && prev.status != AlertStatus.WITHDRAWN) {
        AlertLedger.withdraw(store, id, "records that arrived late raised the mailbox's baseline, so no hour of "
            + "the bucket is above its threshold any more", ctx);
      }
      return;
    }
    Alert a = Drafts.start(id, INFO, from);
    a.tenantId = key.substring(0, key.indexOf('|'));
    a.mailbox = key.substring(key.indexOf('|') + 1);
    a.time = first;
    a.firstSeen = first;
    a.lastSeen = last;
    a.entities.put("tenant", a.tenantId);
    a.entities.put("mailbox", a.mailbox);
    // the user is the mailbox's own: who else read in the bulk hours is not kept in state, only that someone did
    a.user = a.mailbox;
    if (others) a.facts.put("otherReaders", "true");
    a.facts.put("bulkHours", Integer.toString(bulkHours));
    a.facts.put("items", Long.toString(items));
    a.facts.put("peakHour", Instant.ofEpochMilli(peakHourStart).toString());
    a.facts.put("peakItems", Long.toString(peakItems));
    a.facts.put("threshold", Long.toString(peakThreshold));
    a.facts.put("baselineLargestHour", Long.toString(peakBaseline));
    boolean high = peakItems >= 4 * peakThreshold;
    a.severity = high ? Severity.HIGH : INFO.baseSeverity();
    a.confidence = high ? 80 : 60;
    a.baseline = peakBaseline == 0
        ? "no mail was read from this mailbox in the previous " + s.retentionDays() + " days"
        : "in the previous " + s.retentionDays() + " days at most " + peakBaseline + " items were read from this "
            + "mailbox in one hour";
    a.evidenceCount = records;
    a.message = message(a);
    // Readers are in the evidence: who read first in a bulk hour is not kept in state (app and source stay empty
    // so that the content does not depend on arrival order).
    boolean listChanged = false;
    if (prev != null) {
      Drafts.keepLifecycle(prev, a);
      a.evidence.addAll(prev.evidence);
    }
    if (e != null && s.bucketOf(e.eventTime.toEpochMilli()) == bucket) {
      int n = a.evidenceCount;
      long fs = a.firstSeen;
      long ls = a.lastSeen;
      listChanged = AlertLedger.addEvidence(a, AlertLedger.evidenceOf(e, e.actor + " " + e.effectiveClientApp()
          + " " + e.mailAccessType + " " + Math.max(1, e.operationCount) + " items"), s.evidenceMax());
      // counts and times come from state, not from what happened to be folded in
      a.evidenceCount = n;
      a.firstSeen = fs;
      a.lastSeen = ls;
    }
    if (prev == null || prev.status == AlertStatus.WITHDRAWN || prev.severity != a.severity || prev.time != a.time) {
      AlertLedger.upsert(store, a, ctx);
    } else {
      AlertLedger.fold(store, a, listChanged, s.bucketStart(bucket + 1), ctx);
    }
  }

  static String message(Alert a) {
    int hours = Integer.parseInt(a.facts.get("bulkHours"));
    String when = hours == 1
        ? "in the hour from " + a.facts.get("peakHour") + ", above the threshold of " + a.facts.get("threshold")
            + " items"
        : "in " + hours + " hours above the threshold of " + a.facts.get("threshold") + " items (peak "
            + a.facts.get("peakItems") + " in the hour from " + a.facts.get("peakHour") + ")";
    return a.facts.get("items") + " items were read from " + a.mailbox + "'s mailbox " + when + " in "
        + a.evidenceCount + " records" + ("true".equals(a.facts.get("otherReaders"))
            ? " (some by other users or apps, see the evidence)" : "") + "; " + a.baseline + ".";
  }
}
