package io.ualwatch.detect.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Events;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.Novelty;
import io.ualwatch.detect.TenantFacts;
import io.ualwatch.engine.InMemoryStore;
import io.ualwatch.engine.TestSupport;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What state keeps once a decision is taken and nothing was raised: a token check that found its sign-in, and a
 * novelty episode of an entity that is immature for good, keep one evidence record and count the rest.
 */
class LeanStateTest {
  static final String OUTLOOK = "5d661950-3475-41cd-a2c3-d671a3162bc1";
  static final String MBX = "lean@contoso.example";

  /** One family over in-memory state (encoded on every access, as in RocksDB) with its timers. */
  static final class Driver {
    final Family family;
    final Map<String, InMemoryStore> stores = new HashMap<>();
    final Map<String, TreeSet<Long>> timers = new HashMap<>();
    final List<Alert> out = new ArrayList<>();
    final DetectionSettings settings = TestSupport.defaults();
    long watermark = Long.MIN_VALUE;

    Driver(Family family) {
      this.family = family;
    }

    DetectContext ctx(String key) {
      return new DetectContext() {
        @Override public long watermark() { return watermark; }
        @Override public void registerTimer(long time) { timers.computeIfAbsent(key, k -> new TreeSet<>()).add(time); }
        @Override public void emit(Alert a) { out.add(a); }
        @Override public DetectionSettings settings() { return settings; }
        @Override public TenantFacts tenantFacts() { return (tenant, hour) -> true; }
      };
    }

    EntityStore store(String key) {
      return stores.computeIfAbsent(key, k -> new InMemoryStore(true));
    }

    void feed(AuditEvent e) {
      List<String> keys = new ArrayList<>();
      family.keys(e, keys::add);
      for (String k : keys) family.onEvent(k, e, store(k), ctx(k));
    }

    void advance(long wm) {
      watermark = wm;
      for (Map.Entry<String, TreeSet<Long>> t : timers.entrySet()) {
        while (!t.getValue().isEmpty() && t.getValue().first() <= wm) {
          long at = t.getValue().pollFirst();
          family.onTimer(t.getKey(), at, store(t.getKey()), ctx(t.getKey()));
        }
      }
    }
  }

  @Test
  void aTokenCheckThatFoundItsSignInKeepsOneEvidenceRecordAndTheCount() {
    Driver d = new Driver(new TokenFamily());
    long at = 9 * 3_600_000L;
    d.feed(Events.signIn(MBX, at - 60_000L, "73.158.64.10", Events.COMCAST_US, null, "tok-lean"));
    for (int i = 0; i < 12; i++) {
      AuditEvent m = Events.mail(MBX, OUTLOOK, at + i * 60_000L, "73.158.64.10", Events.COMCAST_US);
      m.uniqueTokenId = "tok-lean";
      d.feed(m);
    }
    String key = Events.TENANT + "|tok|tok-lean";
    Alert before = only(d.store(key));
    assertEquals(12, before.evidence.size(), "evidence is collected while the check waits");
    d.advance(Events.T0 + at + 4 * 3_600_000L);
    Alert after = only(d.store(key));
    assertEquals("1", after.facts.get("checked"));
    assertEquals(1, after.evidence.size(), "checked without an alert: only the earliest access is kept");
    assertEquals(Events.T0 + at, after.evidence.get(0).time);
    assertEquals(12, after.evidenceCount);
    assertEquals(null, after.baseline, "drafts keep no baseline sentence");
    AuditEvent later = Events.mail(MBX, OUTLOOK, at + 3 * 3_600_000L, "73.158.64.10", Events.COMCAST_US);
    later.uniqueTokenId = "tok-lean";
    d.feed(later);
    Alert counted = only(d.store(key));
    assertEquals(1, counted.evidence.size());
    assertEquals(13, counted.evidenceCount);
    assertEquals(List.of(), d.out, "the token signed in: nothing to say");
  }

  @Test
  void anEpisodeOfAMailboxImmatureForGoodKeepsOneEvidenceRecord() {
    Driver d = new Driver(new MailboxFamily());
    for (int i = 0; i < 8; i++) {
      d.feed(Events.mail(MBX, OUTLOOK, 9 * 3_600_000L + i * 600_000L, "73.158.64.10", Events.COMCAST_US));
    }
    d.advance(Events.T0 + 2 * Events.DAY);
    InMemoryStore s = (InMemoryStore) d.store(Events.TENANT + "|" + MBX);
    List<Alert> pending = new ArrayList<>();
    s.forEach(MailboxFamily.PENDING, (k, v) -> pending.add(v));
    assertTrue(!pending.isEmpty(), "the first day of a mailbox waits: a much later record may show it mature");
    for (Alert p : pending) {
      assertNotNull(p.facts.get(Novelty.LEAN), p.ruleId);
      assertEquals(1, p.evidence.size(), p.ruleId);
      assertEquals(8, p.evidenceCount, p.ruleId);
    }
    assertEquals(List.of(), d.out, "an immature mailbox raises nothing");
  }

  private static Alert only(EntityStore s) {
    List<Alert> l = new ArrayList<>();
    s.forEach(TokenWithoutSignIn.CHECKS, (k, v) -> l.add(v));
    assertEquals(1, l.size(), "one check per bucket");
    return l.get(0);
  }
}
