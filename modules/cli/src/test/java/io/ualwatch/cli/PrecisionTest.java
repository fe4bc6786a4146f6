package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.detect.DetectionGraph;
import io.ualwatch.detect.RuleInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Precision: a generated tenant with nothing but ordinary work and every benign look-alike the simulator knows (a
 * trip abroad, in-flight Wi-Fi, a dual-stack line whose addresses geolocate far apart, Outlook mobile through
 * Microsoft datacentres on three continents, a first-party consent, an MFA re-registration, an internal forward, a
 * CRM integration and a backup service reading mailboxes app-only, a new laptop, a power user, a catch-up after
 * leave, assistants reading their manager's mailbox every day), written oldest first, newest first, shuffled and
 * as a newest-first Purview CSV. The token, travel, hosting-network and fan-out rules must stay silent in every
 * order; what the other rules raise is printed per 1,000 mailbox-days (the note and docs quote it), and must be
 * the same in every order.
 */
class PrecisionTest {
  static final ObjectMapper M = new ObjectMapper();
  static final int MAILBOXES = 30;
  static final int DAYS = 35;
  static final String LOOK_ALIKES = "benign-trip:2:10,benign-trip:12:20,benign-business-trip:3:16,benign-business-trip:23:27,"
      + "benign-inflight:4:11,benign-inflight:14:25,"
      + "benign-dualstack:6:12,benign-dualstack:16:22,benign-ms-global:0:14,benign-ms-global:20:30,"
      + "benign-consent-first-party:0:9,benign-mfa-reregister:6:12,benign-forward-internal:7:13,benign-crm-app:4:0,"
      + "benign-new-laptop:1:15,benign-power-user:5:0,benign-catch-up:5:22,benign-assistant:7:0,"
      + "benign-assistant:21:0,benign-backup-app:0:3";
  /** Rules that must raise nothing on benign activity: identity (travel, networks), token and fan-out. */
  static final Set<String> SILENT = Set.of("token-multi-network", "token-without-signin", "impossible-travel",
      "hosting-network-access", "app-mailbox-fanout", "mfa-change-then-risky-access", "cross-mailbox-access",
      "consent-then-mail-access", "external-forwarding-rule");

  @Test
  void benignTenantRaisesNoTokenTravelNetworkOrFanoutAlertInAnyOrder(@TempDir Path tmp) throws Exception {
    Map<String, Map<String, Integer>> byVariant = new TreeMap<>();
    Map<String, Set<String>> ids = new TreeMap<>();
    for (String[] v : List.of(new String[] {"ndjson", "oldest-first"}, new String[] {"ndjson", "newest-first"},
        new String[] {"ndjson", "shuffled"}, new String[] {"purview-csv", "newest-first"})) {
      String name = v[0] + " " + v[1];
      Path dir = tmp.resolve(v[0] + "-" + v[1]);
      List<String> args = new ArrayList<>(List.of("generate", "--out", dir.toString(), "--mailboxes", "" + MAILBOXES,
          "--days", "" + DAYS, "--seed", "77", "--format", v[0], "--order", v[1]));
      for (String a : LOOK_ALIKES.split(",")) {
        args.add("--attack");
        args.add(a);
      }
      CliTest.Run g = CliTest.run(args.toArray(String[]::new));
      assertEquals(0, g.code(), g.err());
      Path out = tmp.resolve(v[0] + "-" + v[1] + ".jsonl");
      CliTest.Run h = CliTest.run("hunt", dir.toString(), "--out", out.toString(), "--quiet");
      assertEquals(0, h.code(), h.err());
      Map<String, Integer> counts = new TreeMap<>();
      Set<String> seen = new TreeSet<>();
      for (String l : Files.readAllLines(out)) {
        if (l.isBlank()) continue;
        JsonNode n = M.readTree(l);
        String rule = n.path("finding_info").path("analytic").path("uid").asText();
        counts.merge(rule, 1, Integer::sum);
        seen.add(n.path("finding_info").path("uid").asText() + " " + rule);
      }
      byVariant.put(name, counts);
      ids.put(name, seen);
    }
    double mailboxDays = MAILBOXES * (double) DAYS;
    StringBuilder table = new StringBuilder("alerts per 1,000 mailbox-days on the benign tenant (" + MAILBOXES
        + " mailboxes × " + DAYS + " days, every look-alike):\n");
    for (RuleInfo r : DetectionGraph.rules()) {
      int n = byVariant.get("ndjson oldest-first").getOrDefault(r.id(), 0);
      table.append(String.format(java.util.Locale.ROOT, "  %-32s %3d alerts = %6.2f%n", r.id(), n,
          1000.0 * n / mailboxDays));
    }
    System.out.print(table);
    for (Map.Entry<String, Map<String, Integer>> e : byVariant.entrySet()) {
      for (String rule : SILENT) {
        assertEquals(0, e.getValue().getOrDefault(rule, 0), e.getKey() + ": " + rule + " on benign activity\n" + table);
      }
    }
    Set<String> first = ids.get("ndjson oldest-first");
    for (Map.Entry<String, Set<String>> e : ids.entrySet()) {
      assertEquals(first, e.getValue(), e.getKey() + ": the same alerts as oldest first");
    }
    assertTrue(byVariant.size() == 4);
  }
}
