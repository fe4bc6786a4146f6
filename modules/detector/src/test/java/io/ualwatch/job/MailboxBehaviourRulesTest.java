package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.Events;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.rules.AppFamily;
import io.ualwatch.detect.rules.AppMailboxFanout;
import io.ualwatch.detect.rules.CrossMailboxAccess;
import io.ualwatch.detect.rules.MailboxBulkAccess;
import io.ualwatch.detect.rules.MailboxFamily;
import io.ualwatch.detect.rules.MailboxSyncNewContext;
import io.ualwatch.detect.rules.MailboxThrottled;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.Geo;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The mailbox-behaviour rules (mailbox-sync-new-context, mailbox-throttled, mailbox-bulk-access,
 * cross-mailbox-access in the mailbox family; app-mailbox-fanout in the app family) as the keyed Flink operators
 * they run as: positive and negative cases, late records that disprove an alert, and every bit of keyed state and
 * every timer gone once the watermark passes retention.
 */
class MailboxBehaviourRulesTest {
  static final String OUTLOOK = FamilyFunctionTest.OUTLOOK;
  static final String UNKNOWN = FamilyFunctionTest.UNKNOWN;
  static final String OUTLOOK_MOBILE = "27922004-5251-4030-b22d-91ecd9a37ea4";
  static final String MBX = FamilyFunctionTest.MBX;
  static final String DELEGATE = "lee@contoso.example";
  static final long H = 3_600_000L;
  static final long DAY = Events.DAY;
  static final Geo SEATTLE_HOME = city("US", 7922, NetworkClass.OTHER, 47.6, -122.3);
  static final Geo SEATTLE_OFFICE = city("US", 7018, NetworkClass.OTHER, 47.61, -122.35);
  static final Geo NEW_YORK_ISP = city("US", 701, NetworkClass.OTHER, 40.78, -73.97);
  static final Geo AMSTERDAM_VPS = city("NL", 14061, NetworkClass.HOSTING, 52.36, 4.96);

  static Geo city(String cc, long asn, NetworkClass n, double lat, double lon) {
    Geo g = Events.geo(cc, asn, "AS" + asn, n);
    g.latitude = lat;
    g.longitude = lon;
    return g;
  }

  static AuditEvent mail(String app, long offset, Geo g, String type, int items) {
    AuditEvent e = Events.mail(MBX, app, offset, "198.18.0." + (g.asn % 200), g);
    e.mailAccessType = type;
    e.operationCount = items;
    if ("Sync".equals(type)) e.folders = List.of("\\Inbox");
    return e;
  }

  static List<Alert> run(Family f, Map<String, String> config, List<AuditEvent> events, long finalWatermark)
      throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FamilyFunction(f, config)),
        (KeyedEvent k) -> k.key, Types.STRING);
    h.open();
    for (AuditEvent e : events) FamilyFunctionTest.feed(h, f, e);
    h.processWatermark(finalWatermark);
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    FamilyFunctionTest.assertStateAndTimersGone(h);
    h.close();
    return out;
  }

  static List<Alert> mailbox(List<AuditEvent> events) throws Exception {
    return run(new MailboxFamily(), Map.of(), events, Events.T0 + 12 * DAY);
  }

  static List<Alert> fresh(List<Alert> out, String rule) {
    return out.stream().filter(a -> a.ruleId.equals(rule) && a.status == AlertStatus.NEW).toList();
  }

  static List<AlertStatus> statuses(List<Alert> out, String rule) {
    return out.stream().filter(a -> a.ruleId.equals(rule)).map(a -> a.status).toList();
  }

  /** Ten days of Outlook at home: a morning Sync and a few Binds. */
  static List<AuditEvent> tenDaysAtHome() {
    List<AuditEvent> l = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      l.add(mail(OUTLOOK, d * DAY + 8 * H, SEATTLE_HOME, "Sync", 1));
      l.add(mail(OUTLOOK, d * DAY + 9 * H, SEATTLE_HOME, "Bind", 4));
      l.add(mail(OUTLOOK, d * DAY + 11 * H, SEATTLE_HOME, "Bind", 6));
    }
    return l;
  }

  // ------------------------------------------------------------------ mailbox-sync-new-context

  @Test
  void syncFromAFarNewNetworkRaisesAnAlert() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(mail(OUTLOOK, 10 * DAY + 2 * H, NEW_YORK_ISP, "Sync", 1));
    AuditEvent second = mail(OUTLOOK, 10 * DAY + 2 * H + 60_000, NEW_YORK_ISP, "Sync", 1);
    second.folders = List.of("\\Sent Items");
    ev.add(second);
    List<Alert> out = mailbox(ev);
    List<Alert> a = fresh(out, MailboxSyncNewContext.ID);
    assertEquals(1, a.size(), "" + out);
    assertEquals(Severity.MEDIUM, a.get(0).severity);
    assertTrue(a.get(0).message.contains("this network did not read this mailbox"), a.get(0).message);
    assertTrue(a.get(0).message.contains("km away"), a.get(0).message);
    Alert last = out.get(out.size() - 1);
    assertEquals(AlertStatus.CLOSED, last.status);
    assertEquals(2, last.evidenceCount);
    assertTrue(last.message.contains("\\Inbox, \\Sent Items"), last.message);
    assertEquals(List.of(), fresh(out, "mailbox-new-client-app"), "Outlook is known");
  }

  @Test
  void syncFromTheUsersOtherNetworkNearbyDoesNotAlert() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(mail(OUTLOOK, 10 * DAY + 8 * H, SEATTLE_OFFICE, "Sync", 1));
    assertEquals(List.of(), mailbox(ev));
  }

  @Test
  void withoutADistanceEveryNewNetworkCounts() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(mail(OUTLOOK, 10 * DAY + 8 * H, SEATTLE_OFFICE, "Sync", 1));
    List<Alert> out = run(new MailboxFamily(), Map.of("rules.mailbox-sync-new-context.min-distance-km", "0"), ev,
        Events.T0 + 12 * DAY);
    assertEquals(1, fresh(out, MailboxSyncNewContext.ID).size(), "" + out);
  }

  @Test
  void syncFromANewHostingNetworkNearbyStillAlerts() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    Geo vpsInSeattle = city("US", 14061, NetworkClass.HOSTING, 47.6, -122.33);
    ev.add(mail(OUTLOOK, 10 * DAY + 2 * H, vpsInSeattle, "Sync", 1));
    List<Alert> a = fresh(mailbox(ev), MailboxSyncNewContext.ID);
    assertEquals(1, a.size());
    assertEquals(Severity.HIGH, a.get(0).severity, "hosting network: one step up");
  }

  @Test
  void newFirstPartyClientOnAKnownNetworkIsSilentUnlessConfigured() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(mail(OUTLOOK_MOBILE, 10 * DAY + 8 * H, SEATTLE_HOME, "Sync", 1));
    assertEquals(List.of(), fresh(mailbox(ev), MailboxSyncNewContext.ID));
    List<AuditEvent> again = tenDaysAtHome();
    again.add(mail(OUTLOOK_MOBILE, 10 * DAY + 8 * H, SEATTLE_HOME, "Sync", 1));
    List<Alert> out = run(new MailboxFamily(),
        Map.of("rules.mailbox-sync-new-context.new-first-party-app", "true"), again, Events.T0 + 12 * DAY);
    assertEquals(1, fresh(out, MailboxSyncNewContext.ID).size(), "" + out);
  }

  @Test
  void syncByAnUnknownAppOnAKnownNetworkAlertsHigh() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(mail(UNKNOWN, 10 * DAY + 8 * H, SEATTLE_HOME, "Sync", 1));
    List<Alert> a = fresh(mailbox(ev), MailboxSyncNewContext.ID);
    assertEquals(1, a.size());
    assertEquals(Severity.HIGH, a.get(0).severity);
    assertTrue(a.get(0).message.contains("this app did not read"), a.get(0).message);
  }

  @Test
  void bindFromANewNetworkIsNotASync() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(mail(OUTLOOK, 10 * DAY + 2 * H, NEW_YORK_ISP, "Bind", 3));
    assertEquals(List.of(), mailbox(ev));
  }

  @Test
  void recordWithinTheBoundFromTheSameNetworkMeansNoSyncAlert() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(mail(OUTLOOK, 10 * DAY + 2 * H, NEW_YORK_ISP, "Sync", 1));
    ev.add(mail(OUTLOOK, 6 * DAY + 20 * H, NEW_YORK_ISP, "Bind", 2)); // out of order: the user was there before
    assertEquals(List.of(), statuses(mailbox(ev), MailboxSyncNewContext.ID));
  }

  @Test
  void recordLaterThanTheBoundFromTheSameNetworkWithdrawsTheSyncAlert() throws Exception {
    MailboxFamily f = new MailboxFamily();
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FamilyFunction(f, Map.of())),
        (KeyedEvent k) -> k.key, Types.STRING);
    h.open();
    for (AuditEvent e : tenDaysAtHome()) FamilyFunctionTest.feed(h, f, e);
    FamilyFunctionTest.feed(h, f, mail(OUTLOOK, 10 * DAY + 2 * H, NEW_YORK_ISP, "Sync", 1));
    h.processWatermark(Events.T0 + 10 * DAY + 3 * H);
    // arrives after the watermark passed the episode: the user was there before, so the alert is withdrawn
    FamilyFunctionTest.feed(h, f, mail(OUTLOOK, 6 * DAY + 20 * H, NEW_YORK_ISP, "Bind", 2));
    h.processWatermark(Events.T0 + 12 * DAY);
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    FamilyFunctionTest.assertStateAndTimersGone(h);
    h.close();
    assertEquals(List.of(AlertStatus.NEW, AlertStatus.WITHDRAWN), statuses(out, MailboxSyncNewContext.ID));
    assertTrue(out.get(1).message.startsWith("Withdrawn"), out.get(1).message);
  }

  @Test
  void syncOnAnImmatureMailboxWaitsAndIsRaisedWhenOlderHistoryArrives() throws Exception {
    List<AuditEvent> ev = new ArrayList<>();
    ev.add(mail(OUTLOOK, 10 * DAY + 2 * H, NEW_YORK_ISP, "Sync", 1));
    ev.addAll(tenDaysAtHome()); // history that arrives after (a backfill in reverse)
    List<Alert> out = mailbox(ev);
    assertEquals(1, fresh(out, MailboxSyncNewContext.ID).size(), "" + out);
  }

  // ------------------------------------------------------------------ mailbox-throttled

  @Test
  void throttledRecordSaysTheMailboxIsBlindFor24Hours() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    AuditEvent t = mail(OUTLOOK, 10 * DAY + 15 * H, SEATTLE_HOME, "Bind", 1);
    t.isThrottled = true;
    ev.add(t);
    List<Alert> a = fresh(mailbox(ev), MailboxThrottled.ID);
    assertEquals(1, a.size());
    assertEquals(Severity.MEDIUM, a.get(0).severity);
    String until = Instant.ofEpochMilli(Events.T0 + 11 * DAY + 15 * H).toString();
    assertEquals(until, a.get(0).facts.get("blindUntil"));
    assertTrue(a.get(0).message.contains("not audited until " + until), a.get(0).message);
  }

  @Test
  void throttledAppOnlyReadFromAHostingNetworkIsHigh() throws Exception {
    AuditEvent t = mail(UNKNOWN, 3 * DAY, AMSTERDAM_VPS, "Bind", 1);
    t.isThrottled = true;
    t.actor = UNKNOWN;
    t.actorKind = ActorKind.APP;
    List<Alert> a = fresh(mailbox(List.of(t)), MailboxThrottled.ID);
    assertEquals(Severity.HIGH, a.get(0).severity);
    assertTrue(a.get(0).message.contains("High: app-only access, an app that is not Microsoft first-party, a hosting "
        + "or VPN network."), a.get(0).message);
  }

  @Test
  void unthrottledRecordsDoNotAlert() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    AuditEvent t = mail(OUTLOOK, 10 * DAY + 15 * H, SEATTLE_HOME, "Bind", 1);
    t.isThrottled = false;
    ev.add(t);
    assertEquals(List.of(), mailbox(ev));
  }

  // ------------------------------------------------------------------ mailbox-bulk-access

  static List<AuditEvent> hourOf(int day, int hour, int records, int items, Geo g) {
    List<AuditEvent> l = new ArrayList<>();
    for (int i = 0; i < records; i++) l.add(mail(OUTLOOK, day * DAY + hour * H + i * 60_000L, g, "Bind", items));
    return l;
  }

  @Test
  void bulkReadAboveTheFloorAlerts() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.addAll(hourOf(10, 14, 30, 10, SEATTLE_HOME)); // 300 items; the largest baseline hour is 6 items
    List<Alert> out = mailbox(ev);
    List<Alert> a = fresh(out, MailboxBulkAccess.ID);
    assertEquals(1, a.size(), "" + out);
    Alert last = out.stream().filter(x -> x.ruleId.equals(MailboxBulkAccess.ID)).reduce((x, y) -> y).orElseThrow();
    assertEquals("300", last.facts.get("items"));
    assertEquals("250", last.facts.get("threshold"));
    assertEquals(30, last.evidenceCount);
    assertEquals(Events.T0 + 10 * DAY + 14 * H, last.time);
    assertTrue(last.message.startsWith("300 items were read from " + MBX), last.message);
  }

  @Test
  void bulkAlertSaysWhenOthersReadInTheBulkHour() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.addAll(hourOf(10, 14, 30, 10, SEATTLE_HOME));
    ev.add(delegateRead(10 * DAY + 14 * H + 30 * 60_000L, 2, SEATTLE_OFFICE));
    List<Alert> out = mailbox(ev);
    Alert last = out.stream().filter(x -> x.ruleId.equals(MailboxBulkAccess.ID)).reduce((x, y) -> y).orElseThrow();
    assertEquals(MBX, last.user);
    assertEquals("true", last.facts.get("otherReaders"));
    assertTrue(last.message.contains("some by other users or apps"), last.message);
  }

  @Test
  void busyMailboxWithinFiveTimesItsLargestHourDoesNotAlert() throws Exception {
    List<AuditEvent> ev = new ArrayList<>();
    for (int d = 0; d < 10; d++) ev.addAll(hourOf(d, 9, 10, 9, SEATTLE_HOME)); // 90 items an hour every day
    ev.addAll(hourOf(10, 14, 40, 10, SEATTLE_HOME)); // 400 items: above 250, below 5 × 90
    assertEquals(List.of(), mailbox(ev));
  }

  @Test
  void lateBaselineHourWithdrawsTheBulkAlert() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.addAll(hourOf(10, 14, 30, 10, SEATTLE_HOME));
    ev.addAll(hourOf(5, 14, 8, 10, SEATTLE_HOME)); // late: 80 items in one hour on day 5 → threshold 400
    List<Alert> out = mailbox(ev);
    assertEquals(List.of(AlertStatus.NEW, AlertStatus.WITHDRAWN), statuses(out, MailboxBulkAccess.ID));
  }

  // ------------------------------------------------------------------ cross-mailbox-access

  static AuditEvent delegateRead(long offset, int logonType, Geo g) {
    AuditEvent e = mail(OUTLOOK, offset, g, "Bind", 3);
    e.actor = DELEGATE;
    e.logonType = logonType;
    return e;
  }

  @Test
  void newDelegateReadingAMailboxAlerts() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(delegateRead(10 * DAY + 13 * H, 2, SEATTLE_OFFICE));
    List<Alert> a = fresh(mailbox(ev), CrossMailboxAccess.ID);
    assertEquals(1, a.size());
    assertEquals(Severity.MEDIUM, a.get(0).severity);
    assertEquals(DELEGATE, a.get(0).user);
    assertTrue(a.get(0).message.startsWith(DELEGATE + " read 3 items in " + MBX + "'s mailbox (delegate logon)"),
        a.get(0).message);
  }

  @Test
  void adminLogonIsHigh() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(delegateRead(10 * DAY + 13 * H, 1, SEATTLE_OFFICE));
    assertEquals(Severity.HIGH, fresh(mailbox(ev), CrossMailboxAccess.ID).get(0).severity);
  }

  @Test
  void routineDelegateOfASharedMailboxStaysSilent() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    for (int d = 0; d <= 10; d++) ev.add(delegateRead(d * DAY + 13 * H, 2, SEATTLE_OFFICE));
    assertEquals(List.of(), mailbox(ev));
  }

  @Test
  void ownerLogonIsNotCrossMailbox() throws Exception {
    List<AuditEvent> ev = tenDaysAtHome();
    ev.add(delegateRead(10 * DAY + 13 * H, 0, SEATTLE_HOME));
    assertEquals(List.of(), mailbox(ev));
  }

  // ------------------------------------------------------------------ app-mailbox-fanout

  static final String CRM = "c0ffee00-1111-4222-8333-444444444444";

  static AuditEvent appOnly(String mailbox, long offset, Geo g) {
    AuditEvent e = Events.mail(mailbox, CRM, offset, "198.18.1.1", g);
    e.actor = CRM;
    e.actorKind = ActorKind.APP;
    e.clientAppName = "Contoso CRM Connector";
    return e;
  }

  /** The CRM app reads {@code n} mailboxes, one every {@code stepMs}, from {@code offset}. */
  static List<AuditEvent> crmReads(int n, long offset, long stepMs, Geo g) {
    List<AuditEvent> l = new ArrayList<>();
    for (int i = 0; i < n; i++) l.add(appOnly("user" + i + "@contoso.example", offset + i * stepMs, g));
    return l;
  }

  static List<Alert> app(List<AuditEvent> events) throws Exception {
    return app(events, Map.of());
  }

  static List<Alert> app(List<AuditEvent> events, Map<String, String> config) throws Exception {
    return run(new AppFamily(), config, events, Events.T0 + 12 * DAY);
  }

  static List<AuditEvent> crmBaseline() {
    List<AuditEvent> l = new ArrayList<>();
    for (int d = 0; d < 10; d++) l.addAll(crmReads(2, d * DAY + 10 * H, 120_000L, SEATTLE_OFFICE));
    return l;
  }

  @Test
  void appReadingMoreMailboxesThanEverAlerts() throws Exception {
    List<AuditEvent> ev = crmBaseline();
    ev.addAll(crmReads(7, 10 * DAY + 3 * H, 50_000L, AMSTERDAM_VPS)); // 7 mailboxes in 5 minutes
    List<Alert> out = app(ev);
    List<Alert> a = fresh(out, AppMailboxFanout.ID);
    assertEquals(1, a.size(), "" + out);
    Alert x = a.get(0);
    assertEquals(Severity.HIGH, x.severity, "not a Microsoft first-party app");
    assertEquals(Events.T0 + 10 * DAY + 3 * H + 4 * 50_000L, x.time, "the fifth mailbox is the trigger");
    assertEquals("Contoso CRM Connector", x.appName);
    Alert last = out.get(out.size() - 1);
    assertEquals(AlertStatus.CLOSED, last.status);
    assertEquals("7", last.facts.get("peak"));
    assertEquals("2", last.facts.get("baselineMax"));
    assertTrue(x.message.contains("read 5 distinct mailboxes within 10 minutes"), x.message);
    assertTrue(last.message.contains("up to 7"), last.message);
    assertTrue(x.message.contains("never read more than 2 mailboxes"), x.message);
  }

  @Test
  void mailboxesSpreadWiderThanTheWindowDoNotAlert() throws Exception {
    List<AuditEvent> ev = crmBaseline();
    ev.addAll(crmReads(7, 10 * DAY + 3 * H, 200_000L, AMSTERDAM_VPS)); // a new mailbox every 3m20s: at most 4 in 10m
    assertEquals(List.of(), app(ev));
  }

  @Test
  void appThatAlwaysReadsThatManyMailboxesStaysSilent() throws Exception {
    List<AuditEvent> ev = new ArrayList<>();
    for (int d = 0; d <= 10; d++) ev.addAll(crmReads(8, d * DAY + 2 * H, 20_000L, SEATTLE_OFFICE));
    assertEquals(List.of(), app(ev));
  }

  @Test
  void appWithoutAMatureBaselineIsNotEvaluatedUnlessConfigured() throws Exception {
    List<AuditEvent> ev = crmReads(7, 10 * DAY + 3 * H, 50_000L, AMSTERDAM_VPS);
    assertEquals(List.of(), app(ev));
    List<Alert> out = app(crmReads(7, 10 * DAY + 3 * H, 50_000L, AMSTERDAM_VPS),
        Map.of("rules.app-mailbox-fanout.require-baseline", "false"));
    assertEquals(1, fresh(out, AppMailboxFanout.ID).size(), "" + out);
  }

  @Test
  void historyWithinTheBoundShowingTheSameFanoutMeansNoAlert() throws Exception {
    List<AuditEvent> ev = crmBaseline();
    ev.addAll(crmReads(7, 10 * DAY + 3 * H, 50_000L, AMSTERDAM_VPS));
    ev.addAll(crmReads(7, 6 * DAY + 3 * H, 30_000L, SEATTLE_OFFICE)); // out of order: it read 7 within minutes on day 6
    assertEquals(List.of(), statuses(app(ev), AppMailboxFanout.ID), "decided after the history arrived");
  }

  @Test
  void historyLaterThanTheBoundShowingTheSameFanoutWithdrawsTheAlert() throws Exception {
    AppFamily f = new AppFamily();
    var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FamilyFunction(f, Map.of())),
        (KeyedEvent k) -> k.key, Types.STRING);
    h.open();
    for (AuditEvent e : crmBaseline()) FamilyFunctionTest.feed(h, f, e);
    for (AuditEvent e : crmReads(7, 10 * DAY + 3 * H, 50_000L, AMSTERDAM_VPS)) FamilyFunctionTest.feed(h, f, e);
    h.processWatermark(Events.T0 + 10 * DAY + 4 * H);
    assertEquals(List.of(AlertStatus.NEW), statuses(new ArrayList<>(h.extractOutputValues()), AppMailboxFanout.ID));
    // later than the bound: it did read 7 within minutes on day 6
    for (AuditEvent e : crmReads(7, 6 * DAY + 3 * H, 30_000L, SEATTLE_OFFICE)) FamilyFunctionTest.feed(h, f, e);
    h.processWatermark(Events.T0 + 12 * DAY);
    List<AlertStatus> st = statuses(new ArrayList<>(h.extractOutputValues()), AppMailboxFanout.ID);
    FamilyFunctionTest.assertStateAndTimersGone(h);
    h.close();
    // each late record raises day 6's largest count (the baseline) by one: updated, then withdrawn at 7
    assertEquals(AlertStatus.NEW, st.get(0));
    assertEquals(AlertStatus.WITHDRAWN, st.get(st.size() - 1), "" + st);
  }

  @Test
  void fanoutArrivingBeforeTheHistoryIsRaisedOnceTheBaselineIsMature() throws Exception {
    List<AuditEvent> ev = crmReads(7, 10 * DAY + 3 * H, 50_000L, AMSTERDAM_VPS);
    ev.addAll(crmBaseline());
    List<Alert> out = app(ev);
    List<Alert> a = fresh(out, AppMailboxFanout.ID);
    assertEquals(1, a.size(), "" + out);
    assertEquals(Events.T0 + 10 * DAY + 3 * H + 4 * 50_000L, a.get(0).time);
  }

  @Test
  void ownMailboxReadsAreNeverRoutedToTheAppFamilyAndOtherMailboxesCountForThePrincipal() {
    List<String> keys = new ArrayList<>();
    new AppFamily().keys(mail(OUTLOOK, 0, SEATTLE_HOME, "Bind", 1), keys::add);
    new AppFamily().keys(mail(CRM, 0, SEATTLE_HOME, "Bind", 1), keys::add); // a third-party client, own mailbox
    assertEquals(List.of(), keys);
    new AppFamily().keys(delegateRead(0, 2, SEATTLE_HOME), keys::add);
    assertEquals(List.of(Events.TENANT + "|user:" + DELEGATE), keys, "a delegate counts for the user, not Outlook");
    keys.clear();
    new AppFamily().keys(appOnly("user1@contoso.example", 0, SEATTLE_OFFICE), keys::add);
    assertEquals(List.of(Events.TENANT + "|" + CRM), keys, "app-only access counts for the app");
  }

  @Test
  void morningPeakOfUsersOpeningTheirOwnMailboxWithOneClientIsNoFanout() throws Exception {
    List<AuditEvent> ev = new ArrayList<>();
    for (int d = 0; d <= 10; d++) {
      int users = d < 10 ? 2 : 13; // a quiet baseline, then a morning when 13 users start within ten minutes
      for (int i = 0; i < users; i++) {
        ev.add(Events.mail("user" + i + "@contoso.example", CRM, d * DAY + 8 * H + i * 40_000L, "73.158.64.10",
            Events.COMCAST_US));
      }
    }
    assertEquals(List.of(), app(ev));
  }

  /** {@code n} other users' mailboxes read by {@link #DELEGATE} (delegate logon), one every {@code stepMs}. */
  static List<AuditEvent> delegateReads(int n, long offset, long stepMs, Geo g) {
    List<AuditEvent> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      AuditEvent e = Events.mail("user" + i + "@contoso.example", OUTLOOK, offset + i * stepMs, "198.18.0.9", g);
      e.actor = DELEGATE;
      e.logonType = 1;
      l.add(e);
    }
    return l;
  }

  @Test
  void userReadingManyOtherMailboxesWithinMinutesAlertsForTheUser() throws Exception {
    List<AuditEvent> ev = new ArrayList<>();
    for (int d = 0; d < 10; d++) ev.addAll(delegateReads(1, d * DAY + 9 * H, 0, SEATTLE_OFFICE)); // an assistant
    ev.addAll(delegateReads(7, 10 * DAY + 3 * H, 40_000L, AMSTERDAM_VPS));
    List<Alert> a = fresh(app(ev), AppMailboxFanout.ID);
    assertEquals(1, a.size(), "" + a);
    assertEquals(DELEGATE, a.get(0).user);
    assertEquals(Severity.MEDIUM, a.get(0).severity, "a user, not an app");
    assertTrue(a.get(0).message.startsWith(DELEGATE + " (delegated access) read 5 distinct mailboxes other than their "
        + "own within 10 minutes"), a.get(0).message);
    assertTrue(a.get(0).message.contains("this user never read more than 1 mailbox other than their own"),
        a.get(0).message);
  }

  @Test
  void delegateReadingTheSameSharedMailboxesEveryDayIsBaseline() throws Exception {
    List<AuditEvent> ev = new ArrayList<>();
    for (int d = 0; d <= 10; d++) ev.addAll(delegateReads(6, d * DAY + 9 * H, 30_000L, SEATTLE_OFFICE));
    assertEquals(List.of(), app(ev));
  }
}
