package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.Events;
import io.ualwatch.detect.rules.MailboxFamily;
import io.ualwatch.detect.rules.MailboxNewClientApp;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * "New in the tenant" (one severity step of mailbox-new-client-app) comes from broadcast app-day facts and is
 * settled when the episode is raised, so it does not depend on whether another mailbox's earlier record of the
 * app arrives before or after this mailbox's record. And the keyed stage that makes the facts passes each
 * (tenant, app, day) once and forgets it after the retention window.
 */
class TenantAppFactsTest {
  static final String MBX = FamilyFunctionTest.MBX;
  static final String UNKNOWN = FamilyFunctionTest.UNKNOWN;
  static final long H = 3_600_000L;

  static KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> mailboxHarness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new BroadcastFamilyFunction(new MailboxFamily(), Map.of()), (KeyedEvent k) -> k.key, Types.STRING,
        BroadcastFamilyFunction.FACTS, BroadcastFamilyFunction.CONTROL);
  }

  static void feed(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h, AuditEvent e)
      throws Exception {
    List<String> keys = new ArrayList<>();
    new MailboxFamily().keys(e, keys::add);
    for (String k : keys) h.processElement(new KeyedEvent(k, e), e.eventTime.toEpochMilli());
    // what the tenant-app-days stage broadcasts for it (repeats are harmless)
    h.processBroadcastElement(TenantFact.appDay(e.tenantId, e.effectiveClientApp(),
        DetectionSettings.dayOf(e.eventTime.toEpochMilli())), e.eventTime.toEpochMilli());
  }

  static void watermark(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h, long wm)
      throws Exception {
    h.processWatermark(wm);
    h.processBroadcastWatermark(wm);
  }

  /**
   * Ten days of Outlook, then the unknown app on day 10; {@code otherMailboxDay} (or none, -1) is a day on which
   * the unknown app read another mailbox of the tenant, whose fact arrives after the day-10 record, before the
   * watermark reaches it.
   */
  static Alert newClientApp(int otherMailboxDay) throws Exception {
    var h = mailboxHarness();
    for (int d = 0; d < 10; d++) {
      feed(h, Events.mail(MBX, FamilyFunctionTest.OUTLOOK, d * Events.DAY + 9 * H, "73.158.64.10", Events.COMCAST_US));
    }
    watermark(h, Events.T0 + 9 * Events.DAY);
    AuditEvent access = Events.mail(MBX, UNKNOWN, 10 * Events.DAY + 10 * H, "188.166.200.17", Events.DIGITALOCEAN_NL);
    feed(h, access);
    if (otherMailboxDay >= 0) {
      AuditEvent other = Events.mail("bob@contoso.example", UNKNOWN, otherMailboxDay * Events.DAY + 9 * H,
          "73.158.64.10", Events.COMCAST_US);
      h.processBroadcastElement(TenantFact.appDay(other.tenantId, UNKNOWN, DetectionSettings.dayOf(
          other.eventTime.toEpochMilli())), other.eventTime.toEpochMilli());
    }
    watermark(h, Events.T0 + 11 * Events.DAY + H);
    List<Alert> out = new ArrayList<>();
    for (Alert a : h.extractOutputValues()) if (a.ruleId.equals(MailboxNewClientApp.ID)) out.add(a);
    h.close();
    assertTrue(!out.isEmpty(), "the new app on a mature mailbox alerts either way");
    return out.get(0);
  }

  @Test
  void anAppNoMailboxOfTheTenantSawBeforeIsNewInTheTenant() throws Exception {
    Alert a = newClientApp(-1);
    assertEquals("true", a.facts.get("appNewInTenant"));
    // new in the tenant, not first-party: two steps above low
    assertEquals(Severity.HIGH, a.severity);
    assertTrue(a.message.contains("never seen in this tenant before"), a.message);
  }

  @Test
  void anEarlierDayOfAnotherMailboxThatArrivesLaterStillCounts() throws Exception {
    Alert a = newClientApp(4);
    assertEquals("false", a.facts.get("appNewInTenant"));
    assertEquals(Severity.MEDIUM, a.severity);
    assertTrue(!a.message.contains("never seen in this tenant before"), a.message);
  }

  @Test
  void theSameDayIsNotAnEarlierDay() throws Exception {
    assertEquals(Severity.HIGH, newClientApp(10).severity, "the same day is not an earlier day");
  }

  @Test
  void theFactStagePassesEachAppDayOnceAndForgetsIt() throws Exception {
    long keep = 30 * Events.DAY;
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new TenantAppDaysFunction(keep)),
        TenantAppDaysFunction::keyOf, Types.STRING);
    h.open();
    int d3 = DetectionSettings.dayOf(Events.T0 + 3 * Events.DAY);
    for (int i = 0; i < 3; i++) h.processElement(TenantFact.appDay("t1", UNKNOWN, d3), Events.T0 + 3 * Events.DAY + i);
    h.processElement(TenantFact.appDay("t1", UNKNOWN, d3 + 1), Events.T0 + 4 * Events.DAY);
    h.processElement(TenantFact.appDay("t2", UNKNOWN, d3), Events.T0 + 3 * Events.DAY);
    assertEquals(3, h.extractOutputValues().size(), "one fact per (tenant, app, day)");
    h.processWatermark(Events.T0 + 400 * Events.DAY);
    assertEquals(0, h.numKeyedStateEntries(), "keyed state left after retention");
    assertEquals(0, h.numEventTimeTimers(), "timers left after retention");
    h.close();
  }
}
