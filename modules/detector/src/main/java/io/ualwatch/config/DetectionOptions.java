package io.ualwatch.config;

import io.ualwatch.model.alert.Severity;
import java.time.Duration;
import java.util.List;

/** Detection settings shared by every rule, and the settings of each rule. Declared once here. */
public final class DetectionOptions {
  private DetectionOptions() {}

  static Option<Duration> positive(Option<Duration> o) {
    return o.check(d -> !d.isNegative() && !d.isZero(), "must be positive");
  }

  public static final Option<Duration> BASELINE_RETENTION = positive(Option.duration("detect.baseline.retention",
      Duration.ofDays(30), "How long a baseline remembers what it saw (apps, countries, networks per entity), "
          + "in event time. State older than this is pruned by timers."))
      .check(d -> d.toDays() >= 2 && d.toDays() <= 400, "must be between 2d and 400d");

  public static final Option<Duration> BASELINE_MATURITY = Option.duration("detect.baseline.maturity",
      Duration.ofDays(7), "Novelty rules fire only for an entity with activity at least this long before the "
          + "event (within the retention window), so a new mailbox does not alert on everything it does.")
      .check(d -> !d.isNegative(), "must not be negative");

  public static final Option<Duration> SUPPRESSION = positive(Option.duration("detect.suppression",
      Duration.ofDays(1), "Alert bucket: repeats of a rule for the same entity inside one bucket of this size "
          + "(aligned to UTC midnight for whole days) are folded into one alert id as updates."));

  public static final Option<Integer> EVIDENCE_MAX = Option.integer("detect.evidence.max", 20,
      "Supporting records listed per alert (the earliest by event time); the total is always counted.")
      .check(n -> n >= 1 && n <= 1000, "must be between 1 and 1000");

  public static final Option<List<String>> ALLOW_APPS = Option.list("detect.allow.apps", List.of(),
      "Client app ids (ClientAppId / AppId) that never raise an alert, e.g. a vetted backup or archiving app.");

  public static final Option<List<String>> ALLOW_USERS = Option.list("detect.allow.users", List.of(),
      "Users / mailboxes (UPN, lower-case) that never raise an alert, e.g. service accounts.");

  public static final Option<List<String>> ALLOW_CIDRS = Option.list("detect.allow.cidrs", List.of(),
      "Trusted networks (CIDR, IPv4 or IPv6): activity from them is never a new network, country or travel.")
      .check(l -> l.stream().allMatch(Cidrs::isValid), "must be CIDR blocks such as 192.0.2.0/24 or 2001:db8::/32");

  // ---- mailbox-new-client-app ----
  public static final Option<Boolean> NEW_CLIENT_APP_ENABLED = Option.bool("rules.mailbox-new-client-app.enabled",
      true, "Turns the mailbox-new-client-app rule on or off.");
  public static final Option<Severity> NEW_CLIENT_APP_MIN_SEVERITY = Option.enumeration(
      "rules.mailbox-new-client-app.min-severity", Severity.class, Severity.LOW,
      "Alerts of this rule below this severity are not raised. Raise to medium to hide new Microsoft first-party "
          + "clients already known in the tenant (a user's new phone or Outlook install).");

  // ---- token-multi-network ----
  public static final Option<Boolean> TOKEN_MULTI_NETWORK_ENABLED = Option.bool("rules.token-multi-network.enabled",
      true, "Turns the token-multi-network rule on or off.");
  public static final Option<Duration> TOKEN_MULTI_NETWORK_WINDOW = positive(Option.duration(
      "rules.token-multi-network.window", Duration.ofHours(24),
      "Two uses of one token (UniqueTokenId) from different networks count when at most this far apart in event time."))
      .check(d -> d.toHours() <= 72, "must be at most 72h");
  public static final Option<Duration> TOKEN_MULTI_NETWORK_SESSION_WINDOW = positive(Option.duration(
      "rules.token-multi-network.session-window", Duration.ofHours(2),
      "Window for Entra session ids. Sessions (unlike tokens, which live about an hour) last days and follow a "
          + "laptop from home to office, so the default looks for near-concurrent use only; raise it to 24h for "
          + "the strict reading at the cost of daily commuter alerts."))
      .check(d -> d.toHours() <= 72, "must be at most 72h");
  public static final Option<Boolean> TOKEN_MULTI_NETWORK_SESSIONS = Option.bool(
      "rules.token-multi-network.sessions", true,
      "Also track Entra session ids (AADSessionId / sign-in sessionId), not only UniqueTokenId. Sessions live "
          + "longer than tokens, so a laptop moving between home and office networks can trigger this.");


  // ---- new-country ----
  public static final Option<Boolean> NEW_COUNTRY_ENABLED = Option.bool("rules.new-country.enabled", true,
      "Turns the new-country rule on or off.");

  // ---- hosting-network-access ----
  public static final Option<Boolean> HOSTING_ENABLED = Option.bool("rules.hosting-network-access.enabled", true,
      "Turns the hosting-network-access rule on or off.");

  // ---- impossible-travel ----
  public static final Option<Boolean> TRAVEL_ENABLED = Option.bool("rules.impossible-travel.enabled", true,
      "Turns the impossible-travel rule on or off.");
  public static final Option<Integer> TRAVEL_MIN_KM = Option.integer("rules.impossible-travel.min-distance-km", 500,
      "Two locations closer than this are never travel (DB-IP city precision, metro areas, carrier hubs).")
      .check(n -> n >= 50 && n <= 20_000, "must be between 50 and 20000");
  public static final Option<Integer> TRAVEL_MAX_KMH = Option.integer("rules.impossible-travel.max-speed-kmh", 900,
      "Faster than this between two located activities is impossible (an airliner cruises at 800–900 km/h).")
      .check(n -> n >= 100 && n <= 5000, "must be between 100 and 5000");

  // ---- token-without-signin ----
  public static final Option<Boolean> NO_SIGNIN_ENABLED = Option.bool("rules.token-without-signin.enabled", true,
      "Turns the token-without-signin rule on or off.");
  public static final Option<Duration> NO_SIGNIN_GRACE = positive(Option.duration("rules.token-without-signin.grace",
      Duration.ofHours(2), "How long (event time) after a mail access a sign-in of its token or session may still "
          + "appear. The check runs when the watermark passes the access time plus this grace."));
  public static final Option<Duration> NO_SIGNIN_LOOKBACK = positive(Option.duration(
      "rules.token-without-signin.lookback", Duration.ofHours(24),
      "How far before the token's issue time (IssuedAtTime) a sign-in of the token or session counts."));
  public static final Option<Duration> NO_SIGNIN_FEED_WINDOW = positive(Option.duration(
      "rules.token-without-signin.feed-active-window", Duration.ofHours(1),
      "The rule is only evaluated for accesses when the tenant's sign-in feed delivered sign-ins within this "
          + "window before the access; otherwise the access is counted as not evaluated (a missing feed is not an "
          + "attack)."));

  // ---- consent-then-mail-access ----
  public static final Option<Boolean> CONSENT_ENABLED = Option.bool("rules.consent-then-mail-access.enabled", true,
      "Turns the consent-then-mail-access rule on or off.");
  public static final Option<Duration> CONSENT_WINDOW = positive(Option.duration(
      "rules.consent-then-mail-access.window", Duration.ofHours(24),
      "Mail access by an app counts when it comes at most this long (event time) after the consent, mail app role "
          + "assignment or new credential of that app."))
      .check(d -> d.toMinutes() >= 5 && d.toHours() <= 168, "must be between 5m and 168h");
  public static final Option<List<String>> CONSENT_MAIL_PERMISSIONS = Option.list(
      "rules.consent-then-mail-access.mail-permissions", List.of("Mail.Read", "Mail.ReadBasic", "Mail.ReadBasic.All",
          "Mail.ReadWrite", "Mail.Read.Shared", "Mail.ReadWrite.Shared", "full_access_as_app", "full_access_as_user",
          "EWS.AccessAsUser.All", "IMAP.AccessAsUser.All", "IMAP.AccessAsApp", "POP.AccessAsUser.All",
          "POP.AccessAsApp"),
      "Permissions (delegated scopes and app roles, compared whole and case-insensitively, so the OpenID 'email' "
          + "scope never matches) that let an app read mail. An app role assignment is a trigger only with one of "
          + "these; a consent with one of them raises severity.");

  // ---- mfa-change-then-risky-access ----
  public static final Option<Boolean> MFA_CHAIN_ENABLED = Option.bool("rules.mfa-change-then-risky-access.enabled",
      true, "Turns the mfa-change-then-risky-access rule on or off.");
  public static final Option<Duration> MFA_CHAIN_WINDOW = positive(Option.duration(
      "rules.mfa-change-then-risky-access.window", Duration.ofHours(24),
      "A sign-in or mail access from a new country or a new hosting/VPN network counts when it comes at most this "
          + "long (event time) after the MFA / security-info change, password reset or temporary access pass."))
      .check(d -> d.toMinutes() >= 5 && d.toHours() <= 168, "must be between 5m and 168h");

  // ---- external-forwarding-rule ----
  public static final Option<Boolean> FORWARDING_ENABLED = Option.bool("rules.external-forwarding-rule.enabled", true,
      "Turns the external-forwarding-rule rule on or off.");
  public static final Option<List<String>> FORWARDING_INTERNAL_DOMAINS = Option.list(
      "rules.external-forwarding-rule.internal-domains", List.of(),
      "The tenant's other accepted domains (and partner domains mail may be forwarded to). Forwarding to these "
          + "domains or their sub-domains is internal. Without it, internal means the domain of the user who made "
          + "the change, of the mailbox, or the tenant's initial domain (OrganizationName) - or a sub-domain of one.")
      .check(l -> l.stream().allMatch(d -> d.matches("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+")),
          "must be domain names such as contoso.com");
  public static final Option<Duration> FORWARDING_RISKY_WINDOW = positive(Option.duration(
      "rules.external-forwarding-rule.risky-signin-window", Duration.ofHours(24),
      "Severity goes up one step when the user had a sign-in or mail access from a new country or a new hosting/VPN "
          + "network at most this long before the forwarding change."))
      .check(d -> d.toMinutes() >= 5 && d.toHours() <= 168, "must be between 5m and 168h");
  // ---- mailbox-sync-new-context ----
  public static final Option<Boolean> SYNC_NEW_CONTEXT_ENABLED = Option.bool("rules.mailbox-sync-new-context.enabled",
      true, "Turns the mailbox-sync-new-context rule on or off.");
  public static final Option<Boolean> SYNC_NEW_CONTEXT_FIRST_PARTY = Option.bool(
      "rules.mailbox-sync-new-context.new-first-party-app", false,
      "Also alert when the only new thing about a Sync is a Microsoft first-party mail client (Outlook set up on a "
          + "new machine, another Outlook flavour) on a network the mailbox already uses. Off by default: that is "
          + "what a user's new laptop looks like. A new network, or a new app that is not first-party (or a "
          + "first-party app attackers reuse), always counts.");
  public static final Option<Integer> SYNC_NEW_CONTEXT_MIN_KM = Option.integer(
      "rules.mailbox-sync-new-context.min-distance-km", 250,
      "A network new to the mailbox counts only when its location is at least this far from every place the "
          + "mailbox was read from in the baseline window, or when it is a hosting/VPN network or has no location: "
          + "a second ISP in the same area (the user's home and office) is not a new context. 0 makes every new "
          + "ASN count.")
      .check(n -> n >= 0 && n <= 20_000, "must be between 0 and 20000");

  // ---- mailbox-throttled ----
  public static final Option<Boolean> THROTTLED_ENABLED = Option.bool("rules.mailbox-throttled.enabled", true,
      "Turns the mailbox-throttled rule on or off.");

  // ---- mailbox-bulk-access ----
  public static final Option<Boolean> BULK_ENABLED = Option.bool("rules.mailbox-bulk-access.enabled", true,
      "Turns the mailbox-bulk-access rule on or off.");
  public static final Option<Integer> BULK_MIN_ITEMS = Option.integer("rules.mailbox-bulk-access.min-items", 250,
      "Items read from one mailbox in one UTC hour (sum of OperationCount of MailItemsAccessed) must exceed at "
          + "least this many, whatever the baseline.")
      .check(n -> n >= 1 && n <= 1_000_000, "must be between 1 and 1000000");
  public static final Option<Double> BULK_BASELINE_FACTOR = Option.decimal(
      "rules.mailbox-bulk-access.baseline-factor", 5.0,
      "Items in the hour must also exceed this multiple of the mailbox's largest hour in the baseline window "
          + "(`detect.baseline.retention` before the day).")
      .check(f -> f >= 1.0 && f <= 100.0, "must be between 1 and 100");

  // ---- app-mailbox-fanout ----
  public static final Option<Boolean> FANOUT_ENABLED = Option.bool("rules.app-mailbox-fanout.enabled", true,
      "Turns the app-mailbox-fanout rule on or off.");
  public static final Option<Integer> FANOUT_MIN_MAILBOXES = Option.integer("rules.app-mailbox-fanout.min-mailboxes",
      5, "Distinct mailboxes one app must read within the window (and more than it ever did in the baseline).")
      .check(n -> n >= 2 && n <= 100, "must be between 2 and 100");
  public static final Option<Duration> FANOUT_WINDOW = Option.duration("rules.app-mailbox-fanout.window",
      Duration.ofMinutes(10), "The sliding window in which the distinct mailboxes an app reads are counted.")
      .check(d -> d.toSeconds() >= 120 && d.toMinutes() <= 60, "must be between 2m and 60m");
  public static final Option<Boolean> FANOUT_REQUIRE_BASELINE = Option.bool(
      "rules.app-mailbox-fanout.require-baseline", true,
      "Only apps with a mature baseline in the tenant (seen reading mail at least `detect.baseline.maturity` "
          + "before) alert. Set to false to also alert on apps seen for the first time; every routine bulk reader "
          + "(backup, archiving) then alerts once at the start of the data. Apps new to the tenant are what "
          + "mailbox-new-client-app reports, per mailbox.");

  // ---- cross-mailbox-access ----
  public static final Option<Boolean> CROSS_MAILBOX_ENABLED = Option.bool("rules.cross-mailbox-access.enabled", true,
      "Turns the cross-mailbox-access rule on or off.");

  public static final List<Option<?>> ALL = List.of(BASELINE_RETENTION, BASELINE_MATURITY, SUPPRESSION,
      EVIDENCE_MAX, ALLOW_APPS, ALLOW_USERS, ALLOW_CIDRS, NEW_CLIENT_APP_ENABLED, NEW_CLIENT_APP_MIN_SEVERITY,
      TOKEN_MULTI_NETWORK_ENABLED, TOKEN_MULTI_NETWORK_WINDOW, TOKEN_MULTI_NETWORK_SESSION_WINDOW,
      TOKEN_MULTI_NETWORK_SESSIONS, NEW_COUNTRY_ENABLED, HOSTING_ENABLED, TRAVEL_ENABLED, TRAVEL_MIN_KM,
      TRAVEL_MAX_KMH, NO_SIGNIN_ENABLED, NO_SIGNIN_GRACE, NO_SIGNIN_LOOKBACK, NO_SIGNIN_FEED_WINDOW,
      CONSENT_ENABLED, CONSENT_WINDOW, CONSENT_MAIL_PERMISSIONS, MFA_CHAIN_ENABLED, MFA_CHAIN_WINDOW,
      FORWARDING_ENABLED, FORWARDING_INTERNAL_DOMAINS, FORWARDING_RISKY_WINDOW,
      SYNC_NEW_CONTEXT_ENABLED, SYNC_NEW_CONTEXT_FIRST_PARTY, SYNC_NEW_CONTEXT_MIN_KM, THROTTLED_ENABLED,
      BULK_ENABLED, BULK_MIN_ITEMS, BULK_BASELINE_FACTOR, FANOUT_ENABLED, FANOUT_MIN_MAILBOXES, FANOUT_WINDOW,
      FANOUT_REQUIRE_BASELINE, CROSS_MAILBOX_ENABLED);
}
