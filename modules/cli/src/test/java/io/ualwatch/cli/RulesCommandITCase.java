package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.testkit.EmbeddedKafka;
import org.junit.jupiter.api.Test;

/** `ualwatch rules set|unset|enable|disable|allow|show|list` against a real broker's control topic. */
class RulesCommandITCase {
  @Test
  void changesAreCheckedWrittenToTheControlTopicAndReadBack() {
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary()) {
      kafka.createTopic("ualwatch.control", 1);
      String b = kafka.bootstrapServers();
      CliTest.Run none = CliTest.run("rules", "show", "--bootstrap", b);
      assertEquals(0, none.code(), none.err());
      assertTrue(none.out().contains("no live changes"), none.out());

      assertEquals(0, CliTest.run("rules", "disable", "token-without-signin", "--bootstrap", b).code());
      assertEquals(0, CliTest.run("rules", "set", "rules.impossible-travel.max-speed-kmh=1100", "--bootstrap", b).code());
      assertEquals(0, CliTest.run("rules", "allow", "app", "aaaa-1", "bbbb-2", "--bootstrap", b).code());
      assertEquals(0, CliTest.run("rules", "allow", "app", "aaaa-1", "--remove", "--bootstrap", b).code());
      CliTest.Run shown = CliTest.run("rules", "show", "--bootstrap", b);
      assertTrue(shown.out().contains("rules.token-without-signin.enabled=false"), shown.out());
      assertTrue(shown.out().contains("rules.impossible-travel.max-speed-kmh=1100"), shown.out());
      assertTrue(shown.out().contains("detect.allow.apps=bbbb-2"), "allow starts from the list in force: " + shown.out());
      assertTrue(shown.out().contains("configuration version with these changes: cfg-"), shown.out());

      CliTest.Run list = CliTest.run("rules", "list", "--bootstrap", b);
      assertTrue(list.out().matches("(?s).*off\\* token-without-signin.*"), list.out());
      assertTrue(list.out().matches("(?s).*on   token-multi-network.*"), list.out());

      // refused before anything is written, with what to fix
      CliTest.Run typo = CliTest.run("rules", "disable", "token-without-sigin", "--bootstrap", b);
      assertEquals(2, typo.code());
      assertTrue(typo.err().contains("did you mean token-without-signin"), typo.err());
      CliTest.Run restart = CliTest.run("rules", "set", "detect.suppression=2h", "--bootstrap", b);
      assertEquals(2, restart.code());
      assertTrue(restart.err().contains("cannot be changed live"), restart.err());
      CliTest.Run bad = CliTest.run("rules", "set", "rules.impossible-travel.max-speed-kmh=fast", "--bootstrap", b);
      assertEquals(2, bad.code());

      assertEquals(0, CliTest.run("rules", "unset", "rules.token-without-signin.enabled", "--bootstrap", b).code());
      assertEquals(0, CliTest.run("rules", "allow", "app", "bbbb-2", "--remove", "--bootstrap", b).code());
      CliTest.Run after = CliTest.run("rules", "show", "--bootstrap", b);
      assertTrue(!after.out().contains("token-without-signin"), after.out());
      assertTrue(!after.out().contains("detect.allow.apps"), "an emptied list reverts: " + after.out());
      assertTrue(after.out().contains("rules.impossible-travel.max-speed-kmh=1100"), after.out());
    }
  }
}
