package io.ualwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.engine.InMemoryStore;
import io.ualwatch.engine.TestSupport;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The alert lifecycle the ledger drives: NEW → UPDATED → CLOSED when the watermark passes the end of the
 * alert's bucket → re-opened (UPDATED) by a late record → CLOSED again; WITHDRAWN is never closed. Each
 * emission is a new revision of the same id, and an unchanged alert is never emitted twice.
 */
class AlertLedgerLifecycleTest {
  static final long DAY = 86_400_000L;
  static final long B0 = Instant.parse("2025-03-18T00:00:00Z").toEpochMilli();

  final DetectionSettings settings = TestSupport.defaults();
  final InMemoryStore store = new InMemoryStore(true);
  final List<Alert> emitted = new ArrayList<>();
  final List<Long> timers = new ArrayList<>();
  long watermark = Long.MIN_VALUE;

  final DetectContext ctx = new DetectContext() {
    @Override public long watermark() { return watermark; }
    @Override public void registerTimer(long time) { timers.add(time); }
    @Override public void emit(Alert a) { emitted.add(AlertCodec.INSTANCE.fromBytes(AlertCodec.INSTANCE.toBytes(a))); }
    @Override public DetectionSettings settings() { return settings; }
  };

  static Alert draft(long t) {
    Alert a = new Alert();
    a.id = AlertIds.of("test-rule", "tenant|mbx", Long.toString(B0 / DAY));
    a.ruleId = "test-rule";
    a.ruleName = "Test rule";
    a.status = AlertStatus.NEW;
    a.severity = Severity.HIGH;
    a.confidence = 70;
    a.tenantId = "tenant";
    a.time = t;
    a.firstSeen = t;
    a.lastSeen = t;
    a.bucket = Instant.ofEpochMilli(B0).toString();
    a.message = "something unusual";
    AlertLedger.addEvidence(a, new Evidence("rec-" + t, t, "MailItemsAccessed", "188.166.200.17", "NL", 14061L, null), 10);
    return a;
  }

  List<String> statuses() {
    return emitted.stream().map(a -> a.status + " r" + a.revision).toList();
  }

  @Test
  void closesAtBucketEndAndReopensOnLateEvidence() {
    long t = B0 + 10 * 3_600_000L;
    AlertLedger.upsert(store, draft(t), ctx);
    assertEquals(List.of("NEW r1"), statuses());
    assertEquals(List.of(B0 + DAY), timers, "a timer at the end of the bucket");

    watermark = B0 + DAY - 1;
    AlertLedger.flush(store, ctx);
    assertEquals(List.of("NEW r1"), statuses(), "bucket not over yet: nothing to do");

    watermark = B0 + DAY;
    AlertLedger.flush(store, ctx);
    assertEquals(List.of("NEW r1", "CLOSED r2"), statuses());
    assertEquals(emitted.get(0).message, emitted.get(1).message, "closing does not change the content");
    AlertLedger.flush(store, ctx);
    assertEquals(2, emitted.size(), "closed once");

    // a record later than the watermark adds evidence to the closed alert: re-opened, then closed again
    Alert a = AlertLedger.active(store, emitted.get(0).id);
    assertEquals(AlertStatus.CLOSED, a.status);
    AlertLedger.addEvidence(a, new Evidence("rec-late", t + 60_000, "MailItemsAccessed", "188.166.200.17", "NL", 14061L, null), 10);
    AlertLedger.upsert(store, a, ctx);
    assertEquals(List.of("NEW r1", "CLOSED r2", "UPDATED r3"), statuses());
    assertEquals(2, emitted.get(2).evidenceCount);
    watermark = B0 + DAY + 5;
    AlertLedger.flush(store, ctx);
    assertEquals(List.of("NEW r1", "CLOSED r2", "UPDATED r3", "CLOSED r4"), statuses());
    assertEquals(2, emitted.get(3).evidenceCount);
  }

  @Test
  void evidenceFoldedWithoutEmissionIsPublishedInTheClosingRevision() {
    long t = B0 + 3_600_000L;
    AlertLedger.upsert(store, draft(t), ctx);
    Alert a = AlertLedger.active(store, emitted.get(0).id);
    // count goes 1 → 3: not a power of two after the second, so the second record is folded silently
    AlertLedger.addEvidence(a, new Evidence("rec-2", t + 1, "MailItemsAccessed", null, null, null, null), 10);
    AlertLedger.fold(store, a, true, B0 + DAY, ctx);
    AlertLedger.addEvidence(a, new Evidence("rec-3", t + 2, "MailItemsAccessed", null, null, null, null), 10);
    AlertLedger.fold(store, a, true, B0 + DAY, ctx);
    assertEquals(List.of("NEW r1", "UPDATED r2"), statuses());
    watermark = Long.MAX_VALUE;
    AlertLedger.flush(store, ctx);
    assertEquals(List.of("NEW r1", "UPDATED r2", "CLOSED r3"), statuses());
    assertEquals(3, emitted.get(2).evidenceCount, "the closing revision carries the final content");
  }

  @Test
  void withdrawnAlertsAreNeverClosed() {
    AlertLedger.upsert(store, draft(B0 + 1000), ctx);
    AlertLedger.withdraw(store, emitted.get(0).id, "a late record disproved it", ctx);
    watermark = Long.MAX_VALUE;
    AlertLedger.flush(store, ctx);
    assertEquals(List.of("NEW r1", "WITHDRAWN r2"), statuses());
  }

  @Test
  void aFreshlyBuiltUnchangedAlertKeepsTheEmittedRevisionAndStatus() {
    AlertLedger.upsert(store, draft(B0 + 1000), ctx);
    watermark = B0 + DAY;
    AlertLedger.flush(store, ctx);
    // a detector rebuilds the same alert from state (as token-multi-network does) with status NEW, revision 0
    AlertLedger.upsert(store, draft(B0 + 1000), ctx);
    assertEquals(List.of("NEW r1", "CLOSED r2"), statuses(), "nothing changed: nothing emitted");
    Alert stored = store.get(AlertLedger.ALERTS, emitted.get(0).id);
    assertEquals(2, stored.revision);
    assertEquals(AlertStatus.CLOSED, stored.status);
    // so the next real change continues the revision sequence instead of reusing r1
    Alert changed = draft(B0 + 1000);
    changed.severity = Severity.CRITICAL;
    AlertLedger.upsert(store, changed, ctx);
    assertEquals(List.of("NEW r1", "CLOSED r2", "UPDATED r3"), statuses());
    assertTrue(timers.stream().allMatch(x -> x == B0 + DAY), "every timer at the bucket end: " + timers);
  }
}
