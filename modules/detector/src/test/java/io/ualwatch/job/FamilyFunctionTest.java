package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.Events;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.rules.MailboxFamily;
import io.ualwatch.detect.rules.MailboxNewClientApp;
import io.ualwatch.detect.rules.TokenFamily;
import io.ualwatch.detect.rules.TokenMultiNetwork;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Each detector family as the keyed Flink operator it runs as, under Flink's test harness: positive and
 * negative cases, and every bit of keyed state and every timer gone once the watermark passes retention.
 */
class FamilyFunctionTest {
  static final String OUTLOOK = "5d661950-3475-41cd-a2c3-d671a3162bc1";
  static final String UNKNOWN = "5a95c0de-7f3b-4c1e-9d2a-6b8e1f0c4a77";
  static final String MBX = "adele@contoso.example";

  static KeyedOneInputStreamOperatorTestHarness<String, KeyedEvent, Alert> harness(Family f) throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FamilyFunction(f, Map.of())),
        (KeyedEvent k) -> k.key, Types.STRING);
    h.open();
    return h;
  }

  static void feed(KeyedOneInputStreamOperatorTestHarness<String, KeyedEvent, Alert> h, Family f, AuditEvent e)
      throws Exception {
    List<String> keys = new ArrayList<>();
    f.keys(e, keys::add);
    for (String k : keys) h.processElement(new KeyedEvent(k, e), e.eventTime.toEpochMilli());
  }

  static void assertStateAndTimersGone(KeyedOneInputStreamOperatorTestHarness<String, KeyedEvent, Alert> h)
      throws Exception {
    h.processWatermark(Events.T0 + 400 * Events.DAY);
    assertEquals(0, h.numKeyedStateEntries(), "keyed state left after retention");
    assertEquals(0, h.numEventTimeTimers(), "timers left after retention");
  }

  /** Ten days of Outlook, then whatever {@code last} is on day 10. */
  static List<Alert> mailboxHistoryThen(AuditEvent last) throws Exception {
    MailboxFamily f = new MailboxFamily();
    var h = harness(f);
    for (int d = 0; d < 10; d++) {
      feed(h, f, Events.mail(MBX, OUTLOOK, d * Events.DAY + 9 * 3_600_000L, "73.158.64.10", Events.COMCAST_US));
    }
    feed(h, f, last);
    h.processWatermark(last.eventTime.toEpochMilli() + Events.DAY + 3_600_000L);
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    assertStateAndTimersGone(h);
    h.close();
    return out;
  }

  @Test
  void newClientAppOnAMatureMailboxRaisesAnAlert() throws Exception {
    List<Alert> out = mailboxHistoryThen(Events.mail(MBX, UNKNOWN, 10 * Events.DAY + 10 * 3_600_000L,
        "188.166.200.17", Events.DIGITALOCEAN_NL));
    // raised, then closed once the watermark passes the end of its bucket (same id, same content)
    assertEquals(List.of(AlertStatus.NEW, AlertStatus.CLOSED), out.stream().map(x -> x.status).toList(), "" + out);
    Alert a = out.get(0);
    assertEquals(a.id, out.get(1).id);
    assertEquals(a.message, out.get(1).message);
    assertEquals(a.revision + 1, out.get(1).revision);
    assertEquals(MailboxNewClientApp.ID, a.ruleId);
    assertEquals(AlertStatus.NEW, a.status);
    assertEquals(MBX, a.mailbox);
    assertEquals(UNKNOWN, a.appId);
    // never seen in the tenant is not known here (no tenant facts wired), not first-party: one step above low
    assertEquals(Severity.MEDIUM, a.severity);
    assertTrue(a.message.contains("only by Microsoft Outlook"), a.message);
  }

  @Test
  void knownAppDoesNotAlert() throws Exception {
    assertEquals(List.of(), mailboxHistoryThen(Events.mail(MBX, OUTLOOK, 10 * Events.DAY + 10 * 3_600_000L,
        "188.166.200.17", Events.DIGITALOCEAN_NL)));
  }

  @Test
  void immatureMailboxDoesNotAlert() throws Exception {
    MailboxFamily f = new MailboxFamily();
    var h = harness(f);
    feed(h, f, Events.mail(MBX, OUTLOOK, 3 * Events.DAY, "73.158.64.10", Events.COMCAST_US));
    feed(h, f, Events.mail(MBX, UNKNOWN, 5 * Events.DAY, "188.166.200.17", Events.DIGITALOCEAN_NL));
    h.processWatermark(Events.T0 + 6 * Events.DAY);
    assertEquals(List.of(), h.extractOutputValues());
    assertStateAndTimersGone(h);
    h.close();
  }

  @Test
  void recordWithinTheBoundThatProvesTheAppKnownMeansNoAlertEver() throws Exception {
    MailboxFamily f = new MailboxFamily();
    var h = harness(f);
    for (int d = 0; d < 10; d++) {
      feed(h, f, Events.mail(MBX, OUTLOOK, d * Events.DAY + 9 * 3_600_000L, "73.158.64.10", Events.COMCAST_US));
    }
    feed(h, f, Events.mail(MBX, UNKNOWN, 10 * Events.DAY, "188.166.200.17", Events.DIGITALOCEAN_NL));
    // the watermark has not reached the new app's first record: the episode waits
    h.processWatermark(Events.T0 + 10 * Events.DAY - 1);
    assertEquals(List.of(), h.extractOutputValues());
    assertTrue(h.numEventTimeTimers() > 0);
    // arrives out of order but within the bound: the same app had read the mailbox on day 4
    feed(h, f, Events.mail(MBX, UNKNOWN, 4 * Events.DAY, "73.158.64.10", Events.COMCAST_US));
    h.processWatermark(Events.T0 + 12 * Events.DAY);
    assertEquals(List.of(), h.extractOutputValues(), "nothing raised, so nothing to withdraw");
    assertStateAndTimersGone(h);
    h.close();
  }

  @Test
  void recordLaterThanTheBoundThatProvesTheAppKnownWithdrawsTheAlert() throws Exception {
    MailboxFamily f = new MailboxFamily();
    var h = harness(f);
    for (int d = 0; d < 10; d++) {
      feed(h, f, Events.mail(MBX, OUTLOOK, d * Events.DAY + 9 * 3_600_000L, "73.158.64.10", Events.COMCAST_US));
    }
    feed(h, f, Events.mail(MBX, UNKNOWN, 10 * Events.DAY, "188.166.200.17", Events.DIGITALOCEAN_NL));
    h.processWatermark(Events.T0 + 10 * Events.DAY);
    // arrives after the watermark passed the episode (later than the bound): it still counts, and withdraws
    feed(h, f, Events.mail(MBX, UNKNOWN, 4 * Events.DAY, "73.158.64.10", Events.COMCAST_US));
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    assertEquals(List.of(AlertStatus.NEW, AlertStatus.WITHDRAWN), out.stream().map(a -> a.status).toList());
    assertEquals(out.get(0).id, out.get(1).id);
    assertTrue(out.get(1).message.startsWith("Withdrawn"), out.get(1).message);
    assertTrue(!out.get(0).facts.containsKey(io.ualwatch.detect.Novelty.DECIDE_AT), "waiting mark not emitted");
    assertStateAndTimersGone(h);
    h.close();
  }

  @Test
  void newAppRecordLaterThanTheBoundIsDecidedAtOnceWithoutMoreWatermark() throws Exception {
    MailboxFamily f = new MailboxFamily();
    var h = harness(f);
    for (int d = 0; d < 10; d++) {
      feed(h, f, Events.mail(MBX, OUTLOOK, d * Events.DAY + 9 * 3_600_000L, "73.158.64.10", Events.COMCAST_US));
    }
    h.processWatermark(Events.T0 + 11 * Events.DAY);
    // a late blob after the feeds went quiet: the watermark will not move again, the record is decided now
    feed(h, f, Events.mail(MBX, UNKNOWN, 10 * Events.DAY, "188.166.200.17", Events.DIGITALOCEAN_NL));
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    assertEquals(List.of(AlertStatus.NEW), out.stream().map(a -> a.status).toList());
    assertStateAndTimersGone(h);
    h.close();
  }

  @Test
  void tokenUsedFromTwoNetworksRaisesOneAlertPerToken() throws Exception {
    TokenFamily f = new TokenFamily();
    var h = harness(f);
    feed(h, f, Events.signIn(MBX, 9 * 3_600_000L, "73.158.64.10", Events.COMCAST_US, "sess-1", "tok-1"));
    AuditEvent stolen = Events.mail(MBX, UNKNOWN, 9 * 3_600_000L + 22 * 60_000L, "188.166.200.17",
        Events.DIGITALOCEAN_NL);
    stolen.uniqueTokenId = "tok-1";
    stolen.aadSessionId = "sess-1";
    feed(h, f, stolen);
    h.processWatermark(Events.T0 + 2 * Events.DAY);
    List<Alert> out = h.extractOutputValues();
    List<Alert> fresh = out.stream().filter(a -> a.status == AlertStatus.NEW).toList();
    assertEquals(2, fresh.size(), "token and session: " + out);
    for (Alert a : fresh) {
      assertEquals(TokenMultiNetwork.ID, a.ruleId);
      assertEquals(Severity.CRITICAL, a.severity, "one side is a hosting network");
      assertEquals(22, Long.parseLong(a.facts.get("gapMinutes")));
    }
    assertStateAndTimersGone(h);
    h.close();
  }

  @Test
  void tokenOnOneNetworkOrThroughMicrosoftDoesNotAlert() throws Exception {
    TokenFamily f = new TokenFamily();
    var h = harness(f);
    feed(h, f, Events.signIn(MBX, 9 * 3_600_000L, "73.158.64.10", Events.COMCAST_US, "sess-2", "tok-2"));
    AuditEvent viaMicrosoft = Events.mail(MBX, OUTLOOK, 9 * 3_600_000L + 5 * 60_000L, "52.96.0.10", Events.MICROSOFT_US);
    viaMicrosoft.uniqueTokenId = "tok-2";
    AuditEvent sameNet = Events.mail(MBX, OUTLOOK, 9 * 3_600_000L + 9 * 60_000L, "73.158.64.11", Events.COMCAST_US);
    sameNet.uniqueTokenId = "tok-2";
    feed(h, f, viaMicrosoft);
    feed(h, f, sameNet);
    h.processWatermark(Events.T0 + 2 * Events.DAY);
    assertEquals(List.of(), h.extractOutputValues());
    assertStateAndTimersGone(h);
    h.close();
  }
}
