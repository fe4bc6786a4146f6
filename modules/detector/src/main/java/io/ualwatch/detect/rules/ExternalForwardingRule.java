package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * external-forwarding-rule: an inbox rule (New-InboxRule, Set-InboxRule, client-side UpdateInboxRules) or a
 * mailbox setting (Set-Mailbox) that forwards or redirects mail to a domain outside the tenant's domains.
 *
 * <p>The tenant's domains, for one record: the domains in {@code rules.external-forwarding-rule.internal-domains},
 * the UPN domain of the user who made the change, the domain of the mailbox, and the tenant's initial domain
 * (OrganizationName), each with its sub-domains. A function of the record and the configuration, so the verdict
 * never depends on which other records arrived first; a tenant with several accepted domains lists the others.
 *
 * <p>Definition: the alert for (user who made the change, bucket) exists when a forwarding change of the user in
 * the bucket names an external address; its time is the earliest such change. Severity starts at medium and goes
 * up one step when a forwarding change hides the mail (deletes it, or the mailbox keeps no copy), and one step when
 * the user had a risky sign-in or mail access ({@link RiskyAccess}) at most
 * {@code rules.external-forwarding-rule.risky-signin-window} before an external forwarding change. A risky access
 * that arrives late raises the severity of the existing alert.
 */
public final class ExternalForwardingRule implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "external-forwarding-rule";
  static final String PREFIX = "fwd|";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Mail forwarded to an external domain",
      Severity.MEDIUM,
      "T1114.003", "Email Collection: Email Forwarding Rule",
      "TA0009", "Collection",
      "New-InboxRule or Set-InboxRule with ForwardTo, ForwardAsAttachmentTo or RedirectTo, a client-side rule "
          + "(UpdateInboxRules, whose Parameters are empty: the forward and redirect actions are read from "
          + "OperationProperties RuleActions), or Set-Mailbox with ForwardingSmtpAddress / ForwardingAddress, naming "
          + "an address outside the tenant's domains. The tenant's domains are those in "
          + "`rules.external-forwarding-rule.internal-domains`, the domain of the user who made the change, of the "
          + "mailbox, and the tenant's initial domain (OrganizationName), with their sub-domains. Recipients written "
          + "without an address (display names) are never judged. Severity goes up a step when the rule deletes "
          + "the message or the mailbox keeps no copy, and a step when the user had a sign-in or mail access from "
          + "a new country or a new hosting/VPN network within `rules.external-forwarding-rule.risky-signin-window` "
          + "before the change.",
      "A forwarding rule is the cheapest persistence in business email compromise: the attacker keeps reading the "
          + "victim's mail after the password is reset and the sessions revoked. Rules made in Outlook desktop are "
          + "logged as UpdateInboxRules with empty Parameters, which rules that only read New-InboxRule parameters "
          + "miss (Azure-Sentinel#9988), and positional parsing of Parameters has returned 'True' as an address.",
      "Users forwarding to a personal address or to a partner; a tenant with several accepted domains (list them "
          + "in `rules.external-forwarding-rule.internal-domains`); helpdesk or shared mailboxes forwarding to a "
          + "ticketing system in the cloud.",
      "Open the rule (Get-InboxRule -Mailbox, or the client rules in Outlook) and the destination: does the user "
          + "know it? Was there a risky sign-in before (the alert says so, see mfa-change-then-risky-access and "
          + "new-country alerts)? If not the user's: remove the rule or the forwarding, revoke sessions, reset the "
          + "password, and search the sent and forwarded mail for what left.",
      List.of("rules.external-forwarding-rule.enabled", "rules.external-forwarding-rule.internal-domains",
          "rules.external-forwarding-rule.risky-signin-window", "detect.suppression", "detect.allow.users"));

  static String alertId(String key, long bucket) {
    return AlertIds.of(ID, key, Long.toString(bucket));
  }

  /** A forwarding change made by the user of {@code key}. */
  void onChange(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    ChangeRecord c = ChangeRecord.of("forwarding", e);
    c.detail = e.attribute("forwardTo");
    c.extra = e.attribute("ruleName");
    String mailbox = e.attribute("ruleMailbox");
    if (mailbox == null || mailbox.indexOf('@') < 0) mailbox = e.mailboxOwner != null ? e.mailboxOwner : e.actor;
    c.subject = mailbox;
    StringBuilder flags = new StringBuilder();
    if ("true".equals(e.attribute("forwardHides"))) flags.append("hides;");
    String org = e.attribute("organizationName");
    if (org != null) flags.append("org=").append(org).append(';');
    c.flags = flags.toString();
    String sub = PREFIX + e.recordId;
    if (store.get(UserFamily.CHANGES, sub) == null) store.put(UserFamily.CHANGES, sub, c);
    evaluate(key, ctx.settings().bucketOf(c.time), store, ctx);
  }

  void reevaluate(String key, EntityStore store, DetectContext ctx) {
    for (long b : ChangeRecord.buckets(store, PREFIX, ctx.settings())) evaluate(key, b, store, ctx);
  }

  /** The domain of an address, lower-case. */
  static String domainOf(String address) {
    int at = address == null ? -1 : address.lastIndexOf('@');
    return at < 0 ? null : address.substring(at + 1).toLowerCase(Locale.ROOT);
  }

  /** True when {@code domain} is one of {@code internal} or a sub-domain of one. */
  static boolean internal(String domain, List<String> internal) {
    for (String d : internal) {
      if (d == null || d.isEmpty()) continue;
      if (domain.equals(d) || domain.endsWith("." + d)) return true;
    }
    return false;
  }

  /** The external addresses of a change (sorted), given the configuration and the change's own domains. */
  static List<String> external(ChangeRecord c, String user, DetectionSettings s) {
    List<String> domains = new ArrayList<>();
    for (String d : s.config().get(DetectionOptions.FORWARDING_INTERNAL_DOMAINS)) domains.add(d.toLowerCase(Locale.ROOT));
    domains.add(domainOf(user));
    domains.add(domainOf(c.actor));
    domains.add(domainOf(c.subject));
    if (c.flags != null) {
      for (String f : c.flags.split(";")) if (f.startsWith("org=")) domains.add(f.substring(4));
    }
    TreeSet<String> out = new TreeSet<>();
    if (c.detail == null) return List.of();
    for (String a : c.detail.split(";")) {
      String d = domainOf(a.strip());
      if (d != null && !internal(d, domains)) out.add(a.strip());
    }
    return new ArrayList<>(out);
  }

  void evaluate(String key, long bucket, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    String id = alertId(key, bucket);
    String user = key.substring(key.indexOf('|') + 1);
    if (!s.config().get(DetectionOptions.FORWARDING_ENABLED) || s.userAllowed(user)) return;
    List<ChangeRecord> all = new ArrayList<>();
    store.forEach(UserFamily.CHANGES, (k, c) -> {
      if (k.startsWith(PREFIX) && s.bucketOf(c.time) == bucket) all.add(c);
    });
    all.sort(ChangeRecord.BY_TIME);
    List<ChangeRecord> ext = new ArrayList<>();
    TreeSet<String> addresses = new TreeSet<>();
    TreeSet<String> mailboxes = new TreeSet<>();
    TreeSet<String> rules = new TreeSet<>();
    boolean hides = false;
    for (ChangeRecord c : all) {
      List<String> x = external(c, user, s);
      if (x.isEmpty()) continue;
      ext.add(c);
      addresses.addAll(x);
      if (c.subject != null) mailboxes.add(c.subject);
      if (c.extra != null && !c.extra.isBlank()) rules.add(c.extra);
      if (c.flags != null && c.flags.contains("hides;")) hides = true;
    }
    if (ext.isEmpty()) {
      AlertLedger.withdraw(store, id, "no forwarding to an external domain remains (the configuration now lists "
          + "the domain as internal)", ctx);
      return;
    }
    long w = s.config().get(DetectionOptions.FORWARDING_RISKY_WINDOW).toMillis();
    RiskyAccess.Hit risky = null;
    for (ChangeRecord c : ext) {
      RiskyAccess.Hit h = RiskyAccess.earliest(store, s, c.time - w, c.time);
      if (h != null && (risky == null || h.time() < risky.time())) risky = h;
    }
    ChangeRecord first = ext.get(0);
    Alert a = Drafts.start(id, INFO, s.bucketStart(bucket));
    a.tenantId = key.substring(0, key.indexOf('|'));
    a.user = user;
    a.mailbox = first.subject;
    a.time = first.time;
    a.firstSeen = first.time;
    a.lastSeen = ext.get(ext.size() - 1).time;
    Endpoint p = new Endpoint();
    p.ip = first.ip;
    p.time = first.time;
    a.source = p;
    a.endpoints.add(p);
    a.entities.put("tenant", a.tenantId);
    a.entities.put("user", user);
    a.facts.put("forwardTo", String.join(";", addresses));
    a.facts.put("mailboxes", String.join(";", mailboxes));
    if (!rules.isEmpty()) a.facts.put("rules", String.join(";", rules));
    a.facts.put("hides", Boolean.toString(hides));
    for (ChangeRecord c : ext) {
      a.evidence.add(new Evidence(c.recordId, c.time, c.operation, c.ip, null, null, "forwards to " + c.detail));
    }
    int steps = (hides ? 1 : 0) + (risky != null ? 1 : 0);
    if (risky != null) {
      a.facts.put("riskyAccess", risky.key().substring(2));
      a.facts.put("riskyAccessTime", Instant.ofEpochMilli(risky.time()).toString());
      if (risky.obs().first != null) a.endpoints.add(0, risky.obs().first);
      a.evidence.add(new Evidence(risky.obs().firstRecordId, risky.obs().first == null ? risky.time()
          : risky.obs().first.time, risky.obs().firstOperation, risky.obs().first == null ? null
          : risky.obs().first.ip, risky.obs().country, risky.obs().asn, "risky access before the change"));
    }
    a.evidence.sort(java.util.Comparator.comparingLong((Evidence x) -> x.time).thenComparing(x -> x.recordId));
    while (a.evidence.size() > s.evidenceMax()) a.evidence.remove(a.evidence.size() - 1);
    a.evidenceCount = ext.size() + (risky != null ? 1 : 0);
    a.severity = INFO.baseSeverity().raise(steps);
    a.confidence = 55 + 15 * steps;
    a.baseline = "forwarding inside the tenant (" + String.join(", ", tenantDomains(first, user, s)) + ") is not "
        + "alerted";
    a.message = user + " set " + first.operation + (first.extra != null && !first.extra.isBlank()
        ? " '" + first.extra + "'" : "") + " on " + first.subject + "'s mailbox forwarding mail to "
        + String.join(", ", addresses) + (hides ? ", without keeping it in the mailbox" : "")
        + (risky != null ? "; " + ((risky.time() <= first.time ? (first.time - risky.time()) / 60_000L : 0))
            + " minutes before, a " + risky.obs().firstOperation + " from " + risky.label() : "")
        + "; " + a.baseline + ".";
    AlertLedger.upsert(store, a, ctx);
  }

  private static List<String> tenantDomains(ChangeRecord c, String user, DetectionSettings s) {
    TreeSet<String> d = new TreeSet<>();
    for (String x : s.config().get(DetectionOptions.FORWARDING_INTERNAL_DOMAINS)) d.add(x.toLowerCase(Locale.ROOT));
    for (String x : new String[] {domainOf(user), domainOf(c.subject), domainOf(c.actor)}) if (x != null) d.add(x);
    if (c.flags != null) {
      for (String f : c.flags.split(";")) if (f.startsWith("org=")) d.add(f.substring(4));
    }
    return new ArrayList<>(d);
  }
}
