package io.ualwatch.detect;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.Geo;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import java.util.Comparator;
import java.util.Objects;

/**
 * What a family has emitted, per entity, and the three ways it changes: an alert that should exist is
 * created (or updated when its content changed), one that should not is withdrawn, and a record that
 * belongs to an existing alert is folded in as evidence. Emissions are deterministic functions of the
 * stored state, so the final content of every alert id does not depend on arrival order.
 */
public final class AlertLedger {
  public static final Slot<Alert> ALERTS = new Slot<>("alerts", AlertCodec.INSTANCE);

  private static final Comparator<Evidence> BY_TIME =
      Comparator.comparingLong((Evidence e) -> e.time).thenComparing(e -> e.recordId == null ? "" : e.recordId);

  private AlertLedger() {}

  /** The stored alert with this id that is not withdrawn, or null. */
  public static Alert active(EntityStore store, String id) {
    Alert a = store.get(ALERTS, id);
    return a != null && a.status != AlertStatus.WITHDRAWN ? a : null;
  }

  /**
   * Makes {@code desired} the current content of its id: emits it as NEW when unseen, as UPDATED when seen
   * (withdrawn or closed included) and its content differs from what was emitted, nothing otherwise. Every
   * emission asks for a timer at the end of the alert's bucket, where {@link #flush} closes it.
   */
  public static void upsert(EntityStore store, Alert desired, DetectContext ctx) {
    Alert prev = store.get(ALERTS, desired.id);
    int digest = digest(desired);
    if (prev != null && prev.status != AlertStatus.WITHDRAWN) {
      // compare with what was emitted, not with the stored object (callers may have changed it in place)
      if (prev.emittedDigest == digest) {
        // nothing to emit: keep the emitted revision and status (callers may pass a freshly built object)
        desired.revision = prev.revision;
        desired.status = prev.status;
        desired.emittedDigest = prev.emittedDigest;
        desired.configVersion = prev.configVersion;
        store.put(ALERTS, desired.id, desired);
        return;
      }
      desired.revision = prev.revision + 1;
      desired.status = AlertStatus.UPDATED;
    } else {
      desired.revision = prev == null ? 1 : prev.revision + 1;
      desired.status = prev == null ? AlertStatus.NEW : AlertStatus.UPDATED;
    }
    emit(store, desired, digest, ctx);
    ctx.registerTimer(bucketEnd(desired, ctx.settings()));
  }

  private static void emit(EntityStore store, Alert a, int digest, DetectContext ctx) {
    a.configVersion = ctx.settings().version();
    a.emittedDigest = digest;
    store.put(ALERTS, a.id, a);
    ctx.emit(a);
  }

  /**
   * Event time at which an alert's bucket ends: from then on repeats of the rule for its entity fold into the
   * next bucket's id, so nothing more is added to this one unless a record arrives later than the watermark.
   */
  public static long bucketEnd(Alert a, DetectionSettings s) {
    long start;
    try {
      start = java.time.Instant.parse(a.bucket).toEpochMilli();
    } catch (RuntimeException e) {
      start = s.bucketStart(s.bucketOf(a.time));
    }
    return start + s.bucketMs();
  }

  /** Withdraws an emitted alert, saying why; no-op when there is none or it is already withdrawn. */
  public static void withdraw(EntityStore store, String id, String reason, DetectContext ctx) {
    Alert prev = store.get(ALERTS, id);
    if (prev == null || prev.status == AlertStatus.WITHDRAWN) return;
    prev.revision++;
    prev.status = AlertStatus.WITHDRAWN;
    prev.emittedDigest = 0;
    prev.facts.put("withdrawnBecause", reason);
    prev.message = "Withdrawn: " + reason + ". Was: " + prev.message;
    store.put(ALERTS, id, prev);
    ctx.emit(prev);
  }

  /**
   * Adds a supporting record to an alert (keeping the earliest {@code evidence.max} by event time) and
   * returns true when the listed evidence changed. Does not emit.
   */
  public static boolean addEvidence(Alert a, Evidence ev, int max) {
    for (Evidence x : a.evidence) {
      if (Objects.equals(x.recordId, ev.recordId)) return false;
    }
    a.evidenceCount++;
    a.firstSeen = Math.min(a.firstSeen, ev.time);
    a.lastSeen = Math.max(a.lastSeen, ev.time);
    if (a.evidence.size() < max) {
      a.evidence.add(ev);
      a.evidence.sort(BY_TIME);
      return true;
    }
    Evidence last = a.evidence.get(a.evidence.size() - 1);
    if (BY_TIME.compare(ev, last) < 0) {
      a.evidence.set(a.evidence.size() - 1, ev);
      a.evidence.sort(BY_TIME);
      return true;
    }
    return false;
  }

  /**
   * Stores an alert whose evidence changed; emits it now when worth it, otherwise asks for a timer at the
   * end of its bucket, when {@link #flush} publishes the final content.
   */
  public static void fold(EntityStore store, Alert a, boolean listChanged, long bucketEnd, DetectContext ctx) {
    if (worthEmitting(listChanged, a.evidenceCount)) {
      upsert(store, a, ctx);
    } else {
      store.put(ALERTS, a.id, a);
      ctx.registerTimer(bucketEnd);
    }
  }

  /**
   * Call from timers. Emits every stored alert whose content changed since it was last emitted, and closes
   * every alert whose bucket has ended (its end is at or before the watermark): one revision with status
   * CLOSED and the final content. A closed alert that a later record changes is re-opened as UPDATED by
   * {@link #upsert} and closed again here at the next watermark. Withdrawn alerts are left alone.
   */
  public static void flush(EntityStore store, DetectContext ctx) {
    long watermark = ctx.watermark();
    java.util.List<Alert> changed = new java.util.ArrayList<>();
    store.forEach(ALERTS, (id, a) -> {
      if (a.status == AlertStatus.WITHDRAWN) return;
      boolean ended = bucketEnd(a, ctx.settings()) <= watermark;
      if (digest(a) != a.emittedDigest || (ended && a.status != AlertStatus.CLOSED)) changed.add(a);
    });
    changed.sort(java.util.Comparator.comparing(a -> a.id));
    for (Alert a : changed) {
      if (bucketEnd(a, ctx.settings()) <= watermark) {
        a.revision++;
        a.status = AlertStatus.CLOSED;
        emit(store, a, digest(a), ctx);
      } else {
        upsert(store, a, ctx);
      }
    }
  }

  /**
   * True when an evidence update is worth a new revision right away: when the count reaches a power of two
   * (2, 4, 8, …). Everything else is published by {@link #flush} at the end of the alert's bucket.
   */
  public static boolean worthEmitting(boolean listChanged, int count) {
    return Integer.bitCount(count) == 1;
  }

  /** Digest of everything a consumer sees change between revisions. */
  static int digest(Alert a) {
    return Objects.hash(a.severity, a.time, a.firstSeen, a.lastSeen, a.evidenceCount, a.message, a.evidence,
        a.facts, a.source == null ? null : a.source.ip, a.baseline);
  }

  /** An evidence entry for an event. */
  public static Evidence evidenceOf(AuditEvent e, String detail) {
    Geo g = e.geo;
    return new Evidence(e.recordId, e.eventTime.toEpochMilli(), e.operation, e.clientIp,
        g == null ? null : g.country, g == null ? null : g.asn, detail);
  }

  /** The source endpoint of an event (its client IP with geo and network). */
  public static Endpoint endpointOf(AuditEvent e) {
    Endpoint p = new Endpoint();
    p.ip = e.clientIp;
    p.time = e.eventTime.toEpochMilli();
    Geo g = e.geo;
    if (g != null) {
      p.country = g.country;
      p.city = g.city;
      p.latitude = g.latitude;
      p.longitude = g.longitude;
      p.asn = g.asn;
      p.asOrg = g.asOrg;
      p.network = g.network == null ? null : g.network.name().toLowerCase(java.util.Locale.ROOT);
    }
    return p;
  }

  /** "203.0.113.7 (AS14061 DigitalOcean, NL)" — or just the IP, or "an unknown address". */
  public static String describe(Endpoint p) {
    if (p == null || p.ip == null) return "an unknown address";
    StringBuilder sb = new StringBuilder(p.ip);
    StringBuilder in = new StringBuilder();
    if (p.asn != null) in.append("AS").append(p.asn).append(p.asOrg == null ? "" : " " + p.asOrg);
    if (p.country != null) {
      if (in.length() > 0) in.append(", ");
      in.append(p.city != null ? p.city + ", " : "").append(p.country);
    }
    if (p.network != null && !p.network.equals("other") && !p.network.equals("unknown")) {
      if (in.length() > 0) in.append(", ");
      in.append(p.network.replace('_', ' '));
    }
    if (in.length() > 0) sb.append(" (").append(in).append(')');
    return sb.toString();
  }
}
