package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.detect.Events;
import io.ualwatch.detect.rules.HostingNetworkAccess;
import io.ualwatch.detect.rules.ImpossibleTravel;
import io.ualwatch.detect.rules.NewCountry;
import io.ualwatch.detect.rules.TokenFamily;
import io.ualwatch.detect.rules.TokenMultiNetwork;
import io.ualwatch.detect.rules.TokenWithoutSignIn;
import io.ualwatch.detect.rules.UserFamily;
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
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The user family (new-country, hosting-network-access, impossible-travel) and token-without-signin, under Flink's harnesses. */
class UserAndTokenRulesTest {
  static final String U = "adele@contoso.example";
  static final long H = 3_600_000L;
  static final Geo SEATTLE = city("US", 7922, NetworkClass.OTHER, 47.6062, -122.332);
  static final Geo BELLEVUE_SAME_ISP = city("US", 7922, NetworkClass.OTHER, 47.61, -122.20);
  static final Geo HAYWARD_SAME_ISP = city("US", 7922, NetworkClass.OTHER, 37.6688, -122.081);
  static final Geo AMSTERDAM_VPS = city("NL", 14061, NetworkClass.HOSTING, 52.3563, 4.9571);
  static final Geo BREMERHAVEN = city("DE", 3320, NetworkClass.OTHER, 53.5536, 8.5755);
  static final Geo MS_AUSTRALIA = city("AU", 8075, NetworkClass.MICROSOFT, -37.81, 144.96);

  static Geo city(String cc, long asn, NetworkClass n, double lat, double lon) {
    Geo g = Events.geo(cc, asn, "AS" + asn, n);
    g.latitude = lat;
    g.longitude = lon;
    return g;
  }

  static AuditEvent signIn(long offset, Geo g) {
    return Events.signIn(U, offset, "198.18.0.1", g, null, null);
  }

  static List<Alert> user(List<AuditEvent> events, long finalWatermark) throws Exception {
    UserFamily f = new UserFamily();
    var h = FamilyFunctionTest.harness(f);
    for (AuditEvent e : events) FamilyFunctionTest.feed(h, f, e);
    h.processWatermark(finalWatermark);
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    FamilyFunctionTest.assertStateAndTimersGone(h);
    h.close();
    return out;
  }

  static List<AuditEvent> tenDaysInSeattle() {
    List<AuditEvent> l = new ArrayList<>();
    for (int d = 0; d < 10; d++) l.add(signIn(d * Events.DAY + 16 * H, SEATTLE));
    return l;
  }

  static List<String> rules(List<Alert> alerts) {
    return alerts.stream().filter(a -> a.status == AlertStatus.NEW).map(a -> a.ruleId).sorted().toList();
  }

  @Test
  void newCountryForAMatureUser() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(signIn(11 * Events.DAY + 16 * H, BREMERHAVEN));
    List<Alert> out = user(ev, Events.T0 + 12 * Events.DAY);
    assertEquals(List.of(NewCountry.ID), rules(out));
    assertTrue(out.get(0).message.contains("from DE for the first time"), out.get(0).message);
  }

  @Test
  void noNewCountryForAKnownCountryOrAnImmatureUser() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(signIn(11 * Events.DAY + 16 * H, SEATTLE));
    assertEquals(List.of(), rules(user(ev, Events.T0 + 12 * Events.DAY)));
    assertEquals(List.of(), rules(user(List.of(signIn(5 * Events.DAY, SEATTLE),
        signIn(6 * Events.DAY, BREMERHAVEN)), Events.T0 + 7 * Events.DAY)));
  }

  @Test
  void microsoftAddressesAreNeverALocation() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    AuditEvent mobile = Events.mail(U, "27922004-5251-4030-b22d-91ecd9a37ea4", 10 * Events.DAY + 16 * H + 60_000,
        "52.98.10.10", MS_AUSTRALIA);
    ev.add(mobile);
    assertEquals(List.of(), rules(user(ev, Events.T0 + 12 * Events.DAY)), "no new country, no travel");
  }

  @Test
  void impossibleTravelSeattleToAmsterdamInThirtyMinutes() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    ev.add(signIn(10 * Events.DAY + 16 * H, SEATTLE));
    ev.add(signIn(10 * Events.DAY + 16 * H + 30 * 60_000L, AMSTERDAM_VPS));
    List<Alert> out = user(ev, Events.T0 + 12 * Events.DAY);
    assertEquals(List.of(HostingNetworkAccess.ID, ImpossibleTravel.ID, NewCountry.ID), rules(out));
    Alert travel = out.stream().filter(a -> a.ruleId.equals(ImpossibleTravel.ID)).findFirst().orElseThrow();
    assertEquals(Severity.HIGH, travel.severity, "one side is a hosting network");
    assertEquals("30", travel.facts.get("gapMinutes"));
  }

  @Test
  void airlinerSpeedAndSameIspPoolsAreNotTravel() throws Exception {
    List<AuditEvent> ev = tenDaysInSeattle();
    // Seattle → Bremerhaven, 8,000 km in 12 h: 670 km/h
    ev.add(signIn(9 * Events.DAY + 16 * H + 12 * H, BREMERHAVEN));
    // same ISP geolocated 1,100 km away, minutes apart
    ev.add(signIn(9 * Events.DAY + 16 * H + 3 * 60_000L, HAYWARD_SAME_ISP));
    ev.add(signIn(9 * Events.DAY + 16 * H + 6 * 60_000L, BELLEVUE_SAME_ISP));
    List<String> r = rules(user(ev, Events.T0 + 12 * Events.DAY));
    assertTrue(!r.contains(ImpossibleTravel.ID), "no travel alert: " + r);
  }

  @Test
  void hostingNetworkOnlyTheFirstTimeWithinTheWindow() throws Exception {
    List<AuditEvent> ev = new ArrayList<>();
    ev.add(signIn(2 * H, AMSTERDAM_VPS)); // no maturity needed
    ev.add(signIn(3 * Events.DAY, AMSTERDAM_VPS));
    List<Alert> out = user(ev, Events.T0 + 4 * Events.DAY);
    assertEquals(List.of(HostingNetworkAccess.ID), rules(out));
  }

  // ---- token-without-signin, through the keyed broadcast operator ----

  static KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> tokenHarness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        new BroadcastFamilyFunction(new TokenFamily(), Map.of()), (KeyedEvent k) -> k.key, Types.STRING,
        BroadcastFamilyFunction.FACTS, BroadcastFamilyFunction.CONTROL);
  }

  /** A token seen at home, then 22 minutes later from a hosting network: token-multi-network on arrival. */
  static void replayedToken(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h, String token,
      long offset) throws Exception {
    AuditEvent home = Events.mail(U, "5d661950-3475-41cd-a2c3-d671a3162bc1", offset, "73.158.64.10", Events.COMCAST_US);
    home.uniqueTokenId = token;
    AuditEvent stolen = Events.mail(U, "5d661950-3475-41cd-a2c3-d671a3162bc1", offset + 22 * 60_000L, "188.166.200.17",
        Events.DIGITALOCEAN_NL);
    stolen.uniqueTokenId = token;
    feed(h, home);
    feed(h, stolen);
  }

  static List<Alert> raised(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h, String rule) {
    return h.extractOutputValues().stream().filter(a -> a.ruleId.equals(rule) && a.status == AlertStatus.NEW).toList();
  }

  @Test
  void liveControlDisablesARuleWithoutARestartKeepsItAcrossARestoreAndRevertsIt() throws Exception {
    var h = tokenHarness();
    replayedToken(h, "tok-before", 9 * H);
    List<Alert> before = raised(h, TokenMultiNetwork.ID);
    assertEquals(1, before.size(), "the rule works: " + h.extractOutputValues());
    h.processBroadcastElement(TenantFact.control("rules.token-multi-network.enabled", "false", "control/0@0"), 0L);
    replayedToken(h, "tok-while-disabled", 11 * H);
    assertEquals(1, raised(h, TokenMultiNetwork.ID).size(), "disabled live: nothing new");

    // a restart from a checkpoint keeps the change (broadcast state), without the control record being read again
    var snapshot = h.snapshot(1L, 1L);
    h.close();
    var restored = new KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert>(
        new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
            new BroadcastFamilyFunction(new TokenFamily(), Map.of()),
            List.of(BroadcastFamilyFunction.FACTS, BroadcastFamilyFunction.CONTROL)),
        (KeyedEvent k) -> k.key, Types.STRING, 1, 1, 0);
    restored.initializeState(snapshot);
    restored.open();
    replayedToken(restored, "tok-after-restart", 13 * H);
    assertEquals(List.of(), raised(restored, TokenMultiNetwork.ID), "still disabled after the restore");

    restored.processBroadcastElement(TenantFact.control("rules.token-multi-network.enabled", null, "control/0@1"), 0L);
    replayedToken(restored, "tok-after-revert", 15 * H);
    List<Alert> after = raised(restored, TokenMultiNetwork.ID);
    assertEquals(1, after.size(), "reverted to the job's configuration: " + restored.extractOutputValues());
    assertEquals(before.get(0).configVersion, after.get(0).configVersion, "back to the same configuration version");
    restored.close();
  }

  @Test
  void liveControlChangesAnAllowListAndTheAlertCarriesTheNewConfigurationVersion() throws Exception {
    var h = tokenHarness();
    String base = io.ualwatch.config.UalwatchOptions.of(Map.of()).version();
    h.processBroadcastElement(TenantFact.control("detect.allow.users", "someone.else@contoso.com", "control/0@0"), 0L);
    replayedToken(h, "tok-1", 9 * H);
    List<Alert> a = raised(h, TokenMultiNetwork.ID);
    assertEquals(1, a.size());
    assertTrue(!a.get(0).configVersion.equals(base), "raised under the changed configuration");
    h.processBroadcastElement(TenantFact.control("detect.allow.users", U, "control/0@1"), 0L);
    replayedToken(h, "tok-2", 11 * H);
    assertEquals(1, raised(h, TokenMultiNetwork.ID).size(), "the user is allow-listed now");
    h.close();
  }


  static AuditEvent access(long offset, String token, String session) {
    AuditEvent e = Events.mail(U, "5d661950-3475-41cd-a2c3-d671a3162bc1", offset, "73.109.10.1", SEATTLE);
    e.uniqueTokenId = token;
    e.aadSessionId = session;
    e.tokenIssuedAt = Instant.ofEpochMilli(Events.T0 + offset - 60_000);
    return e;
  }

  static void feed(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h, AuditEvent e)
      throws Exception {
    List<String> keys = new ArrayList<>();
    new TokenFamily().keys(e, keys::add);
    for (String k : keys) h.processElement(new KeyedEvent(k, e), e.eventTime.toEpochMilli());
  }

  /** The operator's event time is the minimum over its two inputs: advance both. */
  static void both(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h, long wm)
      throws Exception {
    h.processWatermark(wm);
    h.processBroadcastWatermark(wm);
  }

  /** Keyed state entries of the operator behind a broadcast harness (heap backend in tests). */
  static int keyedEntries(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h) {
    var backend = h.getOperator().getKeyedStateBackend();
    return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
  }

  static void feedActive(KeyedBroadcastOperatorTestHarness<String, KeyedEvent, TenantFact, Alert> h, long offset)
      throws Exception {
    h.processBroadcastElement(new TenantFact(Events.TENANT, (int) ((Events.T0 + offset) / H)), Events.T0 + offset);
  }

  @Test
  void mailReadWithATokenThatNeverSignedInIsRaisedAfterTheGraceAndWithdrawnByALateSignIn() throws Exception {
    var h = tokenHarness();
    feedActive(h, -20 * H); // the feed delivered before the search window (24 h before the token) began
    feedActive(h, 10 * H);
    feed(h, access(10 * H + 5 * 60_000L, "forged-token", null));
    both(h, Events.T0 + 10 * H + 2 * H); // grace not over yet
    assertEquals(List.of(), h.extractOutputValues());
    both(h, Events.T0 + 13 * H);
    List<Alert> out = new ArrayList<>(h.extractOutputValues());
    assertEquals(1, out.size(), out.toString());
    assertEquals(TokenWithoutSignIn.ID, out.get(0).ruleId);
    assertEquals(AlertStatus.NEW, out.get(0).status);
    // the sign-in that minted it arrives very late
    feed(h, Events.signIn(U, 10 * H, "73.109.10.1", SEATTLE, null, "forged-token"));
    List<Alert> all = h.extractOutputValues();
    assertEquals(AlertStatus.WITHDRAWN, all.get(all.size() - 1).status);
    both(h, Events.T0 + 400 * Events.DAY);
    assertEquals(0, keyedEntries(h), "state left");
    assertEquals(0, h.numEventTimeTimers(), "timers left");
    h.close();
  }

  @Test
  void atTheBeginningOfTheSignInFeedAnAbsenceProvesNothing() throws Exception {
    // The feed starts 3 hours before the access (the first hours of a backfill): the token's sign-in may well
    // lie before the feed's first record, so the access is not evaluated.
    var h = tokenHarness();
    feedActive(h, 7 * H);
    feedActive(h, 10 * H);
    feed(h, access(10 * H + 5 * 60_000L, "token-from-before-the-feed", null));
    both(h, Events.T0 + 20 * H);
    assertEquals(List.of(), h.extractOutputValues());
    both(h, Events.T0 + 400 * Events.DAY);
    assertEquals(0, keyedEntries(h), "state left");
    assertEquals(0, h.numEventTimeTimers(), "timers left");
    h.close();
  }

  @Test
  void aTokenWithASignInOrAnInactiveFeedRaisesNothing() throws Exception {
    var h = tokenHarness();
    feedActive(h, 10 * H);
    feed(h, Events.signIn(U, 9 * H, "73.109.10.1", SEATTLE, "sess-ok", "tok-ok"));
    feed(h, access(10 * H, "tok-ok", "sess-ok"));
    // no feed fact for day 5: not evaluated
    feed(h, access(5 * Events.DAY + 10 * H, "tok-nofeed", null));
    both(h, Events.T0 + 400 * Events.DAY);
    assertEquals(List.of(), h.extractOutputValues());
    assertEquals(0, keyedEntries(h));
    assertEquals(0, h.numEventTimeTimers());
    h.close();
  }
}
