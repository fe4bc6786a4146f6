package io.ualwatch.model.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Pseudonymous alerts: stable keyed tokens, nothing original left in any rendering, the id kept. */
class PseudonymizerTest {
  static final byte[] KEY = "k7Yp3qv0ZJc2m9T1xW4rB8nL6sD5fH0a".getBytes(StandardCharsets.US_ASCII);
  static final byte[] OTHER_KEY = "Q2w9E8r7T6y5U4i3O2p1A0s9D8f7G6h5".getBytes(StandardCharsets.US_ASCII);

  static final String USER = "Alice.Smith@contoso.com";
  static final String MAILBOX = "ceo@contoso.com";
  static final String GUEST = "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com";
  static final String EXTERNAL = "drop.box@evil-mail.example";
  static final String SYSTEM = "NT AUTHORITY\\SYSTEM";
  static final String IP4 = "203.0.113.7";
  static final String IP4B = "198.51.100.23";
  static final String IP6 = "2001:db8:85a3::8a2e:370:7334";
  static final String IP6_LONG = "2001:0db8:85a3:0000:0000:8a2e:0370:7334";
  static final String FOLDER = "Inbox/Board minutes";
  static final String RULE = "Hide CFO mail";

  static final List<String> ORIGINALS = List.of(USER, MAILBOX, GUEST, EXTERNAL, SYSTEM, IP4, IP4B, IP6, IP6_LONG,
      "alice.smith", "alice", "smith", "fabrikam", "evil-mail", "drop.box", "ceo@", "NT AUTHORITY", "203.0.113",
      "198.51.100", "8a2e:370");

  static Alert alert() {
    Alert a = new Alert();
    a.id = AlertIds.of("mailbox-sync-new-context", "tenant-1|" + MAILBOX, "20250304");
    a.ruleId = "mailbox-sync-new-context";
    a.ruleName = "Whole folders synced from a new context";
    a.revision = 2;
    a.status = AlertStatus.UPDATED;
    a.severity = Severity.HIGH;
    a.confidence = 80;
    a.tenantId = "3f1c2b1e-5a6d-4c1e-9a0b-1234567890ab";
    a.time = 1_741_075_200_000L;
    a.firstSeen = a.time;
    a.lastSeen = a.time + 60_000;
    a.bucket = "2025-03-04T00:00:00Z";
    a.user = USER;
    a.mailbox = MAILBOX;
    a.appId = "d3590ed6-52b3-4102-aeff-aad2292ab01c";
    a.appName = "Microsoft Office";
    a.appFirstParty = true;
    a.tokenId = "tok-1";
    a.sessionId = "sess-1";
    Endpoint e1 = new Endpoint();
    e1.ip = IP4;
    e1.country = "NL";
    e1.city = "Amsterdam";
    e1.latitude = 52.37;
    e1.longitude = 4.89;
    e1.asn = 14061L;
    e1.asOrg = "DigitalOcean";
    e1.network = "hosting";
    e1.time = a.time;
    Endpoint e2 = e1.at(a.time + 60_000);
    e2.ip = IP6;
    e2.country = "US";
    a.source = e1;
    a.endpoints.add(e1);
    a.endpoints.add(e2);
    a.message = "alice.smith@CONTOSO.com synced whole folders of " + MAILBOX + "'s mailbox (2 Sync records: " + FOLDER
        + ") from " + IP4 + " (AS14061 DigitalOcean, NL) and " + IP6_LONG + ", rule '" + RULE + "' forwards to "
        + EXTERNAL + "; granted by " + SYSTEM + " for " + GUEST + " at 2025-03-04T08:15:30Z from [" + IP4B
        + "]:443 and " + IP6 + "; rule '.' also set.";
    a.baseline = "the mailbox was synced before only from " + IP4B + " by " + USER;
    a.evidence.add(new Evidence("rec-1", a.time, "MailItemsAccessed", IP4, "NL", 14061L,
        "Sync " + FOLDER + " by " + USER));
    a.evidence.add(new Evidence("rec-2", a.time + 60_000, "New-InboxRule", IP6, "US", null,
        "forwards to " + EXTERNAL));
    a.evidenceCount = 7;
    a.attackTechniqueId = "T1114.002";
    a.attackTechniqueName = "Email Collection: Remote Email Collection";
    a.attackTacticId = "TA0009";
    a.attackTacticName = "Collection";
    a.entities.put("tenant", a.tenantId);
    a.entities.put("mailbox", MAILBOX);
    a.entities.put("user", SYSTEM);
    // a folder named like the domain and a rule named "." must not cut the addresses before they are replaced
    a.facts.put("folders", FOLDER + "\nArchive\ncontoso");
    a.facts.put("rules", RULE + ";.");
    a.facts.put("grantedBy", SYSTEM);
    a.facts.put("forwardTo", EXTERNAL + ";" + GUEST);
    a.facts.put("mailboxes", MAILBOX + ", " + USER);
    a.facts.put("riskyAccess", "a|" + IP4B);
    a.configVersion = "cfg-1";
    return a;
  }

  static List<String> renderings(Alert a) {
    return List.of(OcsfFormatter.toJsonString(a), EcsFormatter.toJsonString(a), CefFormatter.format(a));
  }

  @Test
  void sameValueAndKeyGiveTheSameTokenSoTheSocCanCorrelate() {
    Pseudonymizer p = new Pseudonymizer(KEY, false);
    Pseudonymizer again = new Pseudonymizer(KEY.clone(), true);
    assertEquals(p.user(USER), again.user(USER));
    assertEquals(p.user(USER), p.user(USER.toUpperCase(Locale.ROOT)), "UPNs are case-insensitive");
    assertEquals(p.ip(IP6), again.ip(IP6_LONG), "one IPv6 address, two spellings");
    assertEquals(p.ip(IP4), p.ip("::ffff:" + IP4), "an IPv4-mapped IPv6 address is the IPv4 address");
    assertEquals(p.keyId(), again.keyId());
    assertNotEquals(p.user(USER), p.user(MAILBOX));
    assertNotEquals(p.ip(IP4), p.ip(IP4B));

    Pseudonymizer other = new Pseudonymizer(OTHER_KEY, false);
    assertNotEquals(p.user(USER), other.user(USER));
    assertNotEquals(p.ip(IP4), other.ip(IP4));
    assertNotEquals(p.keyId(), other.keyId());
  }

  @Test
  void tokensKeepTheShapeOfWhatTheyReplace() {
    Pseudonymizer p = new Pseudonymizer(KEY, false);
    String u = p.user(USER);
    assertTrue(u.matches("upn-[0-9a-f]{16}@d-[0-9a-f]{10}\\.pseudo\\.invalid"), u);
    assertEquals(u.substring(u.indexOf('@')), p.user(MAILBOX).substring(p.user(MAILBOX).indexOf('@')),
        "same domain, same domain token");
    assertNotEquals(u.substring(u.indexOf('@')), p.user(EXTERNAL).substring(p.user(EXTERNAL).indexOf('@')));
    assertTrue(p.user(SYSTEM).matches("user-[0-9a-f]{16}"), p.user(SYSTEM));
    for (String ip : List.of(IP4, IP6, "not-an-ip")) {
      String t = p.ip(ip);
      assertTrue(t.startsWith("2001:db8:"), t);
      byte[] b = Pseudonymizer.parseIp(t);
      assertNotNull(b, t);
      assertEquals(16, b.length, t);
    }
    assertNull(p.user(null));
    assertNull(p.ip(null));
  }

  @Test
  void nothingOriginalSurvivesInAnyRendering() {
    Alert a = alert();
    Pseudonymizer p = new Pseudonymizer(KEY, false);
    Alert x = p.apply(a);
    for (String r : renderings(x)) {
      String lower = r.toLowerCase(Locale.ROOT);
      for (String o : ORIGINALS) assertFalse(lower.contains(o.toLowerCase(Locale.ROOT)), o + " left in " + r);
      // the tokens are there, consistently: the SOC can still pivot on the user and the address
      assertTrue(r.contains(p.user(USER)), r);
      assertTrue(r.contains(p.user(MAILBOX)), r);
      assertTrue(r.contains(p.ip(IP4)), r);
    }
    assertEquals(p.user(USER), x.user);
    assertEquals(p.user(MAILBOX), x.mailbox);
    assertEquals(p.user(MAILBOX), x.entities.get("mailbox"));
    assertEquals(p.user(SYSTEM), x.entities.get("user"));
    assertEquals(p.ip(IP4), x.source.ip);
    assertEquals(p.ip(IP6), x.endpoints.get(1).ip);
    assertEquals(p.ip(IP6), x.evidence.get(1).ip);
    assertTrue(x.message.startsWith(p.user(USER) + " synced"), x.message);
    assertTrue(x.message.contains(p.ip(IP6) + ", rule"), x.message);
    assertTrue(x.message.contains("at 2025-03-04T08:15:30Z from [" + p.ip(IP4B) + "]:443"), "times and ports kept: "
        + x.message);
    assertTrue(x.message.contains(" and " + p.ip(IP6) + "; rule '.' also set."), "full stop kept: " + x.message);
    assertTrue(x.facts.get("mailboxes").equals(p.user(MAILBOX) + ", " + p.user(USER)), x.facts.toString());
    assertEquals(p.keyId(), x.facts.get(Pseudonymizer.KEY_ID_FACT));
    // without dropping content, folder and rule names stay (only who and where are replaced)
    assertTrue(x.message.contains(FOLDER) && x.message.contains(RULE), x.message);
    assertTrue(x.evidence.get(0).detail.contains(FOLDER), x.evidence.get(0).detail);
  }

  @Test
  void idAndWhatIsNotPersonalAreKeptAndTheInputIsNotChanged() {
    Alert a = alert();
    List<String> before = renderings(a);
    Alert x = new Pseudonymizer(KEY, true).apply(a);
    assertEquals(before, renderings(a), "apply must not change its argument (every sink gets the same object)");
    assertEquals(a.id, x.id);
    assertTrue(x.id.matches("ualw-[0-9a-f]{32}"), "the id is a hash, no UPN in it: " + x.id);
    assertEquals(a.ruleId, x.ruleId);
    assertEquals(a.tenantId, x.tenantId);
    assertEquals(a.revision, x.revision);
    assertEquals(a.status, x.status);
    assertEquals(a.severity, x.severity);
    assertEquals(a.time, x.time);
    assertEquals(a.evidenceCount, x.evidenceCount);
    assertEquals(a.appId, x.appId);
    assertEquals(a.tokenId, x.tokenId);
    assertEquals("Amsterdam", x.source.city);
    assertEquals(14061L, x.source.asn);
    assertEquals(52.37, x.source.latitude);
    assertEquals(a.evidence.get(0).recordId, x.evidence.get(0).recordId);
    assertEquals(a.evidence.get(0).operation, x.evidence.get(0).operation);
    assertEquals(a.attackTechniqueId, x.attackTechniqueId);
  }

  @Test
  void dropContentRemovesEvidenceDetailFolderAndRuleNames() {
    Alert x = new Pseudonymizer(KEY, true).apply(alert());
    for (Evidence e : x.evidence) assertNull(e.detail);
    assertEquals(Pseudonymizer.REDACTED, x.facts.get("folders"));
    assertEquals(Pseudonymizer.REDACTED, x.facts.get("rules"));
    for (String r : renderings(x)) {
      for (String c : List.of(FOLDER, "Board minutes", RULE, "Archive", "Sync Inbox", "contoso", "'.'")) {
        assertFalse(r.contains(c), c + " left in " + r);
      }
      for (String o : ORIGINALS) assertFalse(r.toLowerCase(Locale.ROOT).contains(o.toLowerCase(Locale.ROOT)), o);
    }
    assertTrue(x.message.contains("rule '" + Pseudonymizer.REDACTED + "'"), x.message);
    assertTrue(x.message.contains("Sync records: " + Pseudonymizer.REDACTED + ")"), x.message);
    assertTrue(x.message.contains("rule '" + Pseudonymizer.REDACTED + "' also set."), x.message);
    assertTrue(x.message.startsWith(new Pseudonymizer(KEY, true).user(USER) + " synced"), "addresses whole: " + x.message);
  }

  @Test
  void textWithoutAddressesIsLeftAlone() {
    Pseudonymizer p = new Pseudonymizer(KEY, false);
    for (String s : List.of("at 08:15:30 on 2025-03-04T08:15:30.123Z", "MAC 00:1a:2b:3c:4d:5e", "Outlook 16.0.17928.20114",
        "AS14061 DigitalOcean, NL", "ratio 3:2:1", "deadbeef: cafe: done", "version 1.2.3", "ualw-0123abcd")) {
      assertEquals(s, p.text(s));
    }
    assertEquals("from " + p.ip("10.0.0.1") + "/24.", p.text("from 10.0.0.1/24."));
    assertEquals("'" + p.user(USER) + "'s", p.text("'" + USER + "'s"));
  }

  @Test
  void aShortOrMissingKeyIsRefusedWithoutShowingIt() {
    byte[] shortKey = "short-key-0123456789".getBytes(StandardCharsets.US_ASCII);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pseudonymizer(shortKey, false));
    assertFalse(e.getMessage().contains("short-key"), e.getMessage());
    assertTrue(e.getMessage().contains(Integer.toString(Pseudonymizer.MIN_KEY_BYTES)), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Pseudonymizer(null, false));
  }

  /** Guards the copy: a field added to Alert, Evidence or Endpoint must be carried over by apply (or fail here). */
  @Test
  void everyFieldIsCarriedOver() throws IllegalAccessException {
    Alert a = alert();
    a.user = "someone";
    a.mailbox = null;
    a.entities.remove("mailbox");
    a.entities.remove("user");
    a.message = "nothing personal";
    a.baseline = "none";
    a.facts.clear();
    a.facts.put("k", "v");
    a.source.ip = null;
    a.endpoints.get(1).ip = null;
    for (Evidence e : a.evidence) {
      e.ip = null;
      e.detail = "d";
    }
    a.emittedDigest = 42;
    Alert x = new Pseudonymizer(KEY, false).apply(a);
    x.facts.remove(Pseudonymizer.KEY_ID_FACT);
    for (Field f : Alert.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) continue;
      Object want = f.get(a);
      Object got = f.get(x);
      switch (f.getName()) {
        case "user" -> assertEquals(new Pseudonymizer(KEY, false).user("someone"), got);
        case "source" -> assertEndpointsEqual((Endpoint) want, (Endpoint) got);
        case "endpoints" -> {
          for (int i = 0; i < a.endpoints.size(); i++) assertEndpointsEqual(a.endpoints.get(i), x.endpoints.get(i));
        }
        default -> assertEquals(want, got, "Alert." + f.getName() + " is not carried over by Pseudonymizer.apply");
      }
    }
  }

  private static void assertEndpointsEqual(Endpoint want, Endpoint got) throws IllegalAccessException {
    for (Field f : Endpoint.class.getFields()) {
      assertTrue(Objects.equals(f.get(want), f.get(got)), "Endpoint." + f.getName() + " is not carried over");
    }
  }
}
