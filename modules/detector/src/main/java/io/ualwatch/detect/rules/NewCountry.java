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
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/** new-country: activity of a mature user from a country absent from the user's baseline. */
public final class NewCountry implements Novelty.Rule {
  private static final long serialVersionUID = 1L;
  public static final String ID = "new-country";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Activity from a country new for the user",
      Severity.MEDIUM,
      "T1078.004", "Valid Accounts: Cloud Accounts",
      "TA0001", "Initial Access",
      "A successful sign-in or a mail access by a user whose history spans at least `detect.baseline.maturity`, "
          + "from a country where the user had no located activity in the previous `detect.baseline.retention`. "
          + "Microsoft addresses (Outlook mobile, services), in-flight Wi-Fi, private and unlocated addresses and "
          + "trusted CIDRs never count as a location. High when the network is a hosting or VPN provider.",
      "Stolen credentials and tokens are used from wherever the attacker is; Lapsus$ used VPN exits near the "
          + "victim, many others do not bother. A country a user has never worked from is the cheapest strong "
          + "signal, and the baseline is per user, not tenant-wide.",
      "Business travel and holidays (the first day in a new country alerts once; the country then joins the "
          + "baseline); commercial VPNs and privacy relays; geolocation errors of mobile carriers.",
      "Ask the user (or their manager) whether they travel. Check the network: residential ISP in a plausible "
          + "destination, or a hosting/VPN provider? Look for impossible-travel and token-multi-network alerts "
          + "for the same user, and at what was accessed from the new country.",
      List.of("rules.new-country.enabled", "detect.baseline.retention", "detect.baseline.maturity",
          "detect.suppression", "detect.allow.cidrs", "detect.allow.users"));

  void onCountry(String key, AuditEvent e, String country, Spans spans, Spans activity, boolean changed,
      EntityStore store, DetectContext ctx) {
    if (!ctx.settings().config().get(DetectionOptions.NEW_COUNTRY_ENABLED)) return;
    Novelty.onValue(this, key, e, country, spans, activity, changed, store, ctx);
  }

  void onNewActivityDay(Spans activity, EntityStore store, DetectContext ctx) {
    if (!ctx.settings().config().get(DetectionOptions.NEW_COUNTRY_ENABLED)) return;
    Novelty.onNewActivityDay(this, activity, store, ctx);
  }

  @Override public String ruleId() { return ID; }
  @Override public Slot<Alert> pending() { return UserFamily.PENDING; }
  @Override public boolean requireMaturity() { return true; }
  @Override public Severity minSeverity(DetectionSettings s) { return Severity.INFORMATIONAL; }
  @Override public void fold(Alert a, AuditEvent e) {}

  @Override
  public Alert build(String id, String key, String country, long bucket, AuditEvent e, int day, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    Alert a = UserAlerts.base(id, INFO, key, bucket, e, s);
    a.entities.put("country", country);
    a.facts.put("country", country);
    TreeSet<String> known = new TreeSet<>();
    store.forEach(UserFamily.COUNTRIES, (c, sp) -> {
      if (!c.equals(country) && sp.anyIn(day - s.retentionDays(), day - 1)) known.add(c);
    });
    a.baseline = known.isEmpty() ? "no located activity in the previous " + s.retentionDays() + " days"
        : "in the previous " + s.retentionDays() + " days this user was only seen from " + String.join(", ", known);
    a.facts.put("baselineCountries", String.join(";", known));
    boolean risky = e.geo != null && e.geo.isHostingOrVpn();
    a.severity = risky ? Severity.HIGH : INFO.baseSeverity();
    a.confidence = risky ? 75 : 55;
    return a;
  }

  @Override
  public String message(Alert a) {
    return a.user + (a.facts.containsKey("firstOperation") ? " (" + a.facts.get("firstOperation") + ")" : "")
        + " was active from " + a.facts.get("country") + " for the first time: " + AlertLedger.describe(a.source)
        + "; " + a.baseline + ".";
  }
}
