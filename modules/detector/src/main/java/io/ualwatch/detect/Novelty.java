package io.ualwatch.detect;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.Severity;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The shared mechanics of "first time in the baseline window" rules (a new client app on a mailbox, a new
 * country or a new hosting network for a user, …), defined on order-independent state:
 *
 * <ul>
 *   <li>value v has an <em>episode</em> on day d when v was seen on d and on none of the {@code retention}
 *       days before d (day granularity, from {@link Spans});
 *   <li>the episode raises an alert when the entity is mature on d (activity on some day between
 *       d − retention and d − maturity), if the rule requires maturity;
 *   <li>the alert id is (rule, entity key, v, bucket of the episode's first record); every record of v in that
 *       bucket folds into it, the facts come from the earliest record whatever arrived first;
 *   <li>an episode is decided only once the watermark has reached its earliest record ({@link #DECIDE_AT}):
 *       records within the out-of-orderness bound cannot make an alert appear and then be withdrawn;
 *   <li>a record of v on an earlier day that arrives later than the bound ends the novelty: the alert is
 *       withdrawn.
 * </ul>
 */
public final class Novelty {
  private Novelty() {}

  /** What a novelty rule supplies. */
  public interface Rule extends java.io.Serializable {
    String ruleId();

    /** Where episodes of immature entities wait (shared by the rules of a family; filtered by rule id). */
    Slot<Alert> pending();

    boolean requireMaturity();

    Severity minSeverity(DetectionSettings s);

    /** A new alert from the episode's earliest record (evidence is added by the caller). */
    Alert build(String id, String key, String value, long bucket, AuditEvent e, int day, EntityStore store,
        DetectContext ctx);

    /** Folds a record of the episode into the alert (counts, flags that raise severity). */
    void fold(Alert a, AuditEvent e);

    /**
     * Called just before a decided episode is raised, when the watermark has passed its earliest record: facts
     * that depended on records still on their way when the draft was built (e.g. tenant-wide ones) can be
     * settled now, independently of arrival order. The message is rebuilt afterwards.
     */
    default void settle(Alert draft, DetectContext ctx) {}

    /** Carries rule-specific facts over when the facts are rebuilt from an earlier record. */
    default void carry(Alert from, Alert to) {}

    String message(Alert a);

    /** The evidence detail shown for a record. */
    default String detail(AuditEvent e) {
      return e.operation;
    }
  }

  public static boolean novel(Spans spans, int day, int retentionDays) {
    return spans.has(day) && !spans.anyIn(day - retentionDays, day - 1);
  }

  public static boolean mature(Spans activity, int day, DetectionSettings s) {
    return activity != null && activity.anyIn(day - s.retentionDays(), day - s.maturityDays());
  }

  public static String alertId(Rule rule, String key, String value, long bucket) {
    return AlertIds.of(rule.ruleId(), key, value, Long.toString(bucket));
  }

  /**
   * Handles a record of {@code value}; {@code spans} (the value's days) and {@code activity} (the entity's
   * days) already include it.
   */
  public static void onValue(Rule rule, String key, AuditEvent e, String value, Spans spans, Spans activity,
      boolean spansChanged, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    if (spansChanged) {
      // a new day of this value can end the novelty of the next episode within the retention window
      int next = spans.nextAfter(day);
      if (next != Integer.MIN_VALUE && next - day <= s.retentionDays()) {
        withdrawIfNotNovel(rule, key, value, next, spans, store, ctx);
      }
      withdrawIfNotNovel(rule, key, value, day, spans, store, ctx);
    }
    long bucket = s.bucketOf(t);
    int d0 = firstDayInBucket(spans, bucket, s);
    if (d0 == Integer.MIN_VALUE || !novel(spans, d0, s.retentionDays())) return;
    String id = alertId(rule, key, value, bucket);
    Alert active = AlertLedger.active(store, id);
    Alert draft = active != null ? active : store.get(rule.pending(), id);
    if (draft == null || t < draft.time || (t == draft.time && e.recordId.compareTo(firstId(draft)) < 0)) {
      Alert rebuilt = rule.build(id, key, value, bucket, e, d0, store, ctx);
      if (draft != null) carryOver(rule, draft, rebuilt, s);
      draft = rebuilt;
    }
    boolean listChanged;
    if (active == null && draft.facts.containsKey(LEAN)) {
      countOnly(draft, t);
      listChanged = false;
    } else {
      listChanged = AlertLedger.addEvidence(draft, AlertLedger.evidenceOf(e, rule.detail(e)), s.evidenceMax());
    }
    rule.fold(draft, e);
    draft.message = rule.message(draft);
    if (active != null) {
      AlertLedger.fold(store, draft, listChanged, s.bucketStart(bucket + 1), ctx);
      return;
    }
    awaitWatermark(draft, ctx);
    if (decided(draft, ctx.watermark()) && (!rule.requireMaturity() || mature(activity, d0, s))) {
      store.remove(rule.pending(), id);
      raise(rule, draft, store, ctx);
    } else if (decided(draft, ctx.watermark()) && immatureForGood(d0, ctx.watermark(), s)) {
      store.put(rule.pending(), id, lean(draft));
    } else {
      store.put(rule.pending(), id, draft);
    }
  }

  /**
   * True when an episode on {@code day} of an immature entity can no longer become mature from records within the
   * out-of-orderness bound: maturity needs activity on a day up to {@code day − maturity}, and the watermark has
   * passed the end of the last such day, so every record of those days that is not later than the bound has
   * arrived. Such an episode still waits (a record much later than the bound may show earlier activity and raise
   * it: alert ids do not depend on arrival order), but {@link #lean}.
   */
  public static boolean immatureForGood(int day, long watermark, DetectionSettings s) {
    return watermark != Long.MIN_VALUE && watermark >= (day - (long) s.maturityDays() + 1) * DetectionSettings.DAY;
  }

  /**
   * Fact of a waiting episode (never emitted): the episode's entity is immature for good (see
   * {@link #immatureForGood}) and the draft keeps only its earliest record as evidence, the count going on; an
   * episode on a mailbox's or user's first days waits for the whole retention window in case a record much later than
   * the bound shows earlier activity, and its 20 evidence records were half of an idle user's waiting state. Raised
   * after all, it lists the earliest record and those after it.
   */
  public static final String LEAN = "lean";

  /** Marks {@code draft} lean and keeps only its earliest evidence record. */
  public static Alert lean(Alert draft) {
    draft.facts.put(LEAN, "1");
    if (draft.evidence.size() > 1) draft.evidence.subList(1, draft.evidence.size()).clear();
    return draft;
  }

  /** Counts a record of a lean draft without listing it. */
  public static void countOnly(Alert draft, long t) {
    draft.evidenceCount++;
    draft.firstSeen = Math.min(draft.firstSeen, t);
    draft.lastSeen = Math.max(draft.lastSeen, t);
  }


  /**
   * Fact of a waiting episode (never emitted): the event time the watermark must reach before the episode is
   * decided. A record of the same value on an earlier day, or earlier in the bucket, would change the decision
   * or the alert id; within the out-of-orderness bound such a record has arrived once the watermark passes the
   * episode's earliest record, so no alert is emitted and then withdrawn because of arrival order.
   */
  public static final String DECIDE_AT = "decideAt";

  /**
   * Sets {@link #DECIDE_AT} (the episode's earliest record) on a new waiting episode and asks for the timer that
   * decides it. A record already behind the watermark (later than the bound) is decided at once: waiting for more
   * watermark progress would hold it for ever once the feeds are quiet, and such records may revise and withdraw.
   */
  public static void awaitWatermark(Alert draft, DetectContext ctx) {
    if (draft.facts.containsKey(DECIDE_AT)) return;
    long due = draft.time;
    draft.facts.put(DECIDE_AT, Long.toString(due));
    ctx.registerTimer(due);
  }

  /** True when the watermark has reached the episode's {@link #DECIDE_AT}. */
  public static boolean decided(Alert draft, long watermark) {
    String at = draft.facts.get(DECIDE_AT);
    return at != null && Long.parseLong(at) <= watermark;
  }

  private static void raise(Rule rule, Alert draft, EntityStore store, DetectContext ctx) {
    draft.facts.remove(DECIDE_AT); // waiting marks, not facts of the alert
    draft.facts.remove(LEAN);
    rule.settle(draft, ctx);
    draft.message = rule.message(draft);
    if (draft.severity.compareTo(rule.minSeverity(ctx.settings())) >= 0) AlertLedger.upsert(store, draft, ctx);
  }

  /**
   * Timer at {@code time}: waiting episodes of this rule that are decided by now and mature (when the rule asks
   * for it) are raised, in id order.
   */
  public static void onTimer(Rule rule, Spans activity, long time, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    long now = Math.max(time, ctx.watermark());
    List<Alert> ready = new ArrayList<>();
    List<String> immature = new ArrayList<>();
    long wm = ctx.watermark();
    store.forEach(rule.pending(), (id, p) -> {
      if (!p.ruleId.equals(rule.ruleId()) || !decided(p, now)) return;
      int day = DetectionSettings.dayOf(p.time);
      if (!rule.requireMaturity() || mature(activity, day, s)) ready.add(p);
      else if (immatureForGood(day, wm, s)) immature.add(id);
    });
    for (String id : immature) {
      Alert p = store.get(rule.pending(), id);
      if (!p.facts.containsKey(LEAN)) store.put(rule.pending(), id, lean(p));
    }
    ready.sort(Comparator.comparing(a -> a.id));
    for (Alert p : ready) {
      store.remove(rule.pending(), p.id);
      raise(rule, p, store, ctx);
    }
  }

  /** A new activity day of the entity: waiting episodes of this rule that are decided and now mature are raised. */
  public static void onNewActivityDay(Rule rule, Spans activity, EntityStore store, DetectContext ctx) {
    onTimer(rule, activity, ctx.watermark(), store, ctx);
  }

  /** The first day the value was seen within the bucket, or Integer.MIN_VALUE. */
  static int firstDayInBucket(Spans spans, long bucket, DetectionSettings s) {
    int from = DetectionSettings.dayOf(s.bucketStart(bucket));
    int i = spans.indexOf(from);
    int at = i >= 0 ? i : -i - 1;
    if (at >= spans.size()) return Integer.MIN_VALUE;
    return s.bucketOf(spans.minAt(at)) == bucket ? spans.bucketAt(at) : Integer.MIN_VALUE;
  }

  private static void withdrawIfNotNovel(Rule rule, String key, String value, int day, Spans spans,
      EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    int idx = spans.indexOf(day);
    if (idx < 0 || novel(spans, day, s.retentionDays())) return;
    String id = alertId(rule, key, value, s.bucketOf(spans.minAt(idx)));
    store.remove(rule.pending(), id);
    int prev = spans.lastIndexBefore(day);
    String when = prev >= 0 ? LocalDate.ofEpochDay(spans.bucketAt(prev)).toString() : "an earlier day";
    AlertLedger.withdraw(store, id, "a record that arrived late shows " + value + " was already seen for this "
        + "entity on " + when, ctx);
  }

  private static String firstId(Alert a) {
    return a.evidence.isEmpty() ? "" : a.evidence.get(0).recordId;
  }

  /** Keeps what an episode accumulated when its facts are rebuilt from an earlier record. */
  private static void carryOver(Rule rule, Alert from, Alert to, DetectionSettings s) {
    to.evidence.clear();
    to.evidenceCount = 0;
    for (var ev : from.evidence) AlertLedger.addEvidence(to, ev, s.evidenceMax());
    to.evidenceCount = from.evidenceCount;
    to.firstSeen = Math.min(to.firstSeen, from.firstSeen);
    to.lastSeen = Math.max(to.lastSeen, from.lastSeen);
    rule.carry(from, to);
    String due = from.facts.get(DECIDE_AT);
    if (due != null) to.facts.put(DECIDE_AT, due);
    to.revision = from.revision;
    to.status = from.status;
    to.emittedDigest = from.emittedDigest;
  }
}
