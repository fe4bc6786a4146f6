package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Novelty;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.enrich.NetworkClassifier;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.Severity;
import java.util.List;

/** hosting-network-access: a successful sign-in or mail access from a hosting/VPN ASN not in the user's baseline. */
public final class HostingNetworkAccess implements Novelty.Rule {
  private static final long serialVersionUID = 1L;
  public static final String ID = "hosting-network-access";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Sign-in or mail access from a new hosting or VPN network",
      Severity.MEDIUM,
      "T1078.004", "Valid Accounts: Cloud Accounts",
      "TA0001", "Initial Access",
      "A successful sign-in or a mail access from an autonomous system classed as hosting/datacenter or "
          + "commercial VPN (bundled lists, see reference/NOTICE.md), that the user did not use in the previous "
          + "`detect.baseline.retention`. Microsoft's own ASNs are never hosting. Does not need a mature baseline: "
          + "a brand-new account signing in from a VPS is worth a look. High for mail access from a VPN; low for "
          + "the big clouds (AWS, Google) where legitimate SaaS integrations egress.",
      "Attackers operate from rented servers and VPN exits (Lapsus$, Storm-0558's infrastructure, most "
          + "token-replay kits); employees rarely read mail from a datacenter. Existing rules check hosting "
          + "addresses on sign-ins only; mailbox access is where the data leaves.",
      "Corporate VPNs hosted on cloud providers, privacy VPNs on personal devices, SaaS tools acting for a user "
          + "from a cloud. Once seen, the network is in the user's baseline for the retention window.",
      "Identify the network (the alert names the ASN and organisation). Is it the company VPN or a known "
          + "integration? If not, check the session and token ids in the evidence for token-multi-network and "
          + "token-without-signin alerts, and revoke sessions if the access is not the user's.",
      List.of("rules.hosting-network-access.enabled", "detect.baseline.retention", "detect.suppression",
          "detect.allow.cidrs", "detect.allow.users"));

  void onNetwork(String key, AuditEvent e, String asn, Spans spans, Spans activity, boolean changed,
      EntityStore store, DetectContext ctx) {
    if (!ctx.settings().config().get(DetectionOptions.HOSTING_ENABLED)) return;
    // An ASN's class is fixed, so records of other networks never concern an alert of this rule.
    if (e.geo == null || !e.geo.isHostingOrVpn()) return;
    Novelty.onValue(this, key, e, asn, spans, activity, changed, store, ctx);
  }

  @Override public String ruleId() { return ID; }
  @Override public Slot<Alert> pending() { return UserFamily.PENDING; }
  @Override public boolean requireMaturity() { return false; }
  @Override public Severity minSeverity(DetectionSettings s) { return Severity.INFORMATIONAL; }

  @Override
  public void fold(Alert a, AuditEvent e) {
    if (e.isMailAccess() && !"true".equals(a.facts.get("mailAccess"))) {
      a.facts.put("mailAccess", "true");
      if ("vpn".equals(a.source == null ? null : a.source.network) && a.severity.compareTo(Severity.HIGH) < 0) {
        a.severity = Severity.HIGH;
      }
    }
  }

  @Override
  public void carry(Alert from, Alert to) {
    if ("true".equals(from.facts.get("mailAccess"))) fold(to, mailAccessMarker());
  }

  private static AuditEvent mailAccessMarker() {
    AuditEvent m = new AuditEvent();
    m.operation = "MailItemsAccessed";
    return m;
  }

  @Override
  public Alert build(String id, String key, String asn, long bucket, AuditEvent e, int day, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    Alert a = UserAlerts.base(id, INFO, key, bucket, e, s);
    a.entities.put("asn", asn);
    a.facts.put("asn", asn);
    a.facts.put("network", e.geo.network == NetworkClass.VPN ? "VPN" : "hosting");
    String caution = NetworkClassifier.bundled().caution(e.geo.asn);
    if (caution != null) a.facts.put("caution", caution);
    int[] others = {0};
    store.forEach(UserFamily.ASNS, (k, sp) -> {
      if (!k.equals(asn) && sp.anyIn(day - s.retentionDays(), day - 1)) others[0]++;
    });
    a.baseline = "this " + a.facts.get("network") + " network was not among the " + others[0]
        + " networks the user came from in the previous " + s.retentionDays() + " days";
    if (caution != null && caution.startsWith("major-cloud")) {
      a.severity = Severity.LOW;
      a.confidence = 35;
    } else {
      a.severity = INFO.baseSeverity();
      a.confidence = 60;
    }
    return a;
  }

  @Override
  public String message(Alert a) {
    return a.user + " " + ("true".equals(a.facts.get("mailAccess")) ? "read mail" : "signed in") + " from "
        + AlertLedger.describe(a.source) + ", a " + a.facts.get("network") + " network; " + a.baseline + ".";
  }
}
