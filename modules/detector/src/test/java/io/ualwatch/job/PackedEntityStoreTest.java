package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.AlertCodec;
import io.ualwatch.detect.Events;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.rules.MailboxFamily;
import io.ualwatch.detect.rules.TokenFamily;
import io.ualwatch.detect.rules.UserFamily;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packed state layout ({@code job.state.packed-families}): the encoding round-trips, and a family gives the
 * same alerts in both layouts, with all state and every timer gone after retention.
 */
class PackedEntityStoreTest {
  static final String OUTLOOK = FamilyFunctionTest.OUTLOOK;
  static final String UNKNOWN = FamilyFunctionTest.UNKNOWN;
  static final String MBX = FamilyFunctionTest.MBX;

  @Test
  void encodingRoundTripsSlotsAndTimers() {
    List<HashMap<String, byte[]>> slots = new ArrayList<>();
    for (int i = 0; i < 4; i++) slots.add(new HashMap<>());
    slots.get(0).put("a", new byte[] {1, 2, 3});
    slots.get(2).put("", new byte[0]);
    slots.get(2).put("ünïcode|key", new byte[300]);
    TreeSet<Long> timers = new TreeSet<>(List.of(-5L, 0L, Long.MAX_VALUE - 1));
    byte[] b = PackedEntityStore.encode(slots, timers);
    List<HashMap<String, byte[]>> back = new ArrayList<>();
    for (int i = 0; i < 4; i++) back.add(new HashMap<>());
    TreeSet<Long> backTimers = new TreeSet<>();
    PackedEntityStore.decode(b, back, backTimers);
    assertEquals(timers, backTimers);
    for (int i = 0; i < 4; i++) {
      assertEquals(slots.get(i).keySet(), back.get(i).keySet());
      for (String k : slots.get(i).keySet()) assertArrayEquals(slots.get(i).get(k), back.get(i).get(k));
    }
    assertNull(PackedEntityStore.encode(List.of(new HashMap<>(), new HashMap<>()), List.of()), "nothing to keep");
  }

  static Stream<Family> families() {
    return Stream.of(new MailboxFamily(), new TokenFamily(), new UserFamily());
  }

  /** Ten days of a routine, then a token from a hosting network on a new app, a token that never signed in. */
  static List<AuditEvent> history() {
    List<AuditEvent> l = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      long at = d * Events.DAY + 9 * 3_600_000L;
      String sess = "sess-" + d;
      String tok = "tok-" + d;
      l.add(Events.signIn(MBX, at - 60_000L, "73.158.64.10", Events.COMCAST_US, sess, tok));
      for (int k = 0; k < 3; k++) {
        AuditEvent m = Events.mail(MBX, OUTLOOK, at + k * 600_000L, "73.158.64.10", Events.COMCAST_US);
        m.uniqueTokenId = tok;
        m.aadSessionId = sess;
        l.add(m);
      }
    }
    AuditEvent stolen = Events.mail(MBX, UNKNOWN, 9 * Events.DAY + 9 * 3_600_000L + 22 * 60_000L, "188.166.200.17",
        Events.DIGITALOCEAN_NL);
    stolen.uniqueTokenId = "tok-9";
    stolen.aadSessionId = "sess-9";
    l.add(stolen);
    AuditEvent forged = Events.mail(MBX, UNKNOWN, 9 * Events.DAY + 15 * 3_600_000L, "188.166.200.18",
        Events.DIGITALOCEAN_NL);
    forged.uniqueTokenId = "tok-forged";
    l.add(forged);
    AuditEvent abroad = Events.mail(MBX, OUTLOOK, 9 * Events.DAY + 16 * 3_600_000L, "80.187.0.1", Events.TELEKOM_DE);
    l.add(abroad);
    return l;
  }

  static List<String> run(Family f, String packed) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
        new FamilyFunction(f, Map.of("job.state.packed-families", packed))), (KeyedEvent k) -> k.key, Types.STRING);
    h.open();
    List<AuditEvent> events = history();
    for (int i = 0; i < events.size(); i++) {
      FamilyFunctionTest.feed(h, f, events.get(i));
      if (i % 7 == 6) h.processWatermark(events.get(i).eventTime.toEpochMilli() - 3 * 3_600_000L);
    }
    h.processWatermark(Events.T0 + 12 * Events.DAY);
    List<String> out = new ArrayList<>();
    for (Alert a : h.extractOutputValues()) {
      Alert c = AlertCodec.INSTANCE.fromBytes(AlertCodec.INSTANCE.toBytes(a));
      out.add(c.id + " " + c.status + " r" + c.revision + " " + c.severity + " " + c.evidenceCount + " " + c.message);
    }
    FamilyFunctionTest.assertStateAndTimersGone(h);
    h.close();
    return out;
  }

  @ParameterizedTest
  @MethodSource("families")
  void bothLayoutsRaiseTheSameAlertsAndLeaveNothingBehind(Family f) throws Exception {
    List<String> slots = run(f, "");
    List<String> packed = run(f, f.name());
    assertEquals(slots, packed);
    if (!(f instanceof UserFamily)) assertFalse(slots.isEmpty(), "the history raises alerts in " + f.name());
    assertTrue(slots.stream().allMatch(s -> !s.isBlank()));
  }
}
