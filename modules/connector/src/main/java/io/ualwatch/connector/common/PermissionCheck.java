package io.ualwatch.connector.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;

/**
 * Least privilege, checked at task start: compares the application permissions (app roles) Entra put in the
 * task's first access token with what the connector needs for its configuration, and says what to remove or
 * grant.
 *
 * <p>The token's payload is decoded, <b>not verified</b>: the token comes straight from the token endpoint over
 * the configured authority and we only read what Entra granted us; the API verifies it on every call, and nothing
 * here makes a security decision from it (it only logs). The token itself is never logged, nor any claim but the
 * app id, tenant id, audience and roles.
 */
public final class PermissionCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a connector needs on one API.
   *
   * @param api the API's name in the Entra portal (API permissions), e.g. {@code Office 365 Management APIs}
   * @param required roles without which the connector cannot work
   * @param optional roles the configuration asks for (e.g. {@code ActivityFeed.ReadDlp} with {@code DLP.All}):
   *     not extra when granted, an INFO line when missing
   * @param optionalWhy what is lost without the optional roles, for the warning
   */
  public record Need(String api, Set<String> required, Set<String> optional, String optionalWhy) {
    public Need {
      required = Set.copyOf(required);
      optional = Set.copyOf(optional);
    }

    public static Need of(String api, String... required) {
      return new Need(api, Set.of(required), Set.of(), "");
    }

    /** Everything this connector may hold: required and optional. */
    public Set<String> allowed() {
      Set<String> s = new TreeSet<>(required);
      s.addAll(optional);
      return s;
    }
  }

  public enum Outcome {
    /** Exactly the roles needed (optional ones may be present or not, see {@link Findings#missingOptional}). */
    EXACT,
    /** More than needed, or a required role missing, or both. */
    MISMATCH,
    /** Not a JWT (an opaque token): nothing to read. */
    OPAQUE
  }

  /** What the token says against the need; sets are sorted, empty when the token is opaque. */
  public record Findings(Outcome outcome, String appId, String tenantId, String audience, Set<String> granted,
      Set<String> extra, Set<String> missing, Set<String> missingOptional) {
    public boolean ok() {
      return outcome != Outcome.MISMATCH;
    }
  }

  private PermissionCheck() {}

  /** Reads the roles of an access token and compares them with {@code need}. Never throws. */
  public static Findings inspect(String accessToken, Need need) {
    JsonNode claims = payload(accessToken);
    if (claims == null) return new Findings(Outcome.OPAQUE, "", "", "", Set.of(), Set.of(), Set.of(), Set.of());
    // App-only tokens carry application permissions in "roles"; Entra leaves the claim out when there are none.
    Set<String> granted = new TreeSet<>();
    JsonNode roles = claims.path("roles");
    if (roles.isArray()) roles.forEach(r -> { if (r.isTextual() && !r.asText().isBlank()) granted.add(r.asText()); });
    else if (roles.isTextual()) granted.addAll(split(roles.asText()));
    Set<String> extra = new TreeSet<>();
    for (String g : granted) if (!containsIgnoreCase(need.allowed(), g)) extra.add(g);
    Set<String> missing = new TreeSet<>();
    for (String r : need.required()) if (!containsIgnoreCase(granted, r)) missing.add(r);
    Set<String> missingOptional = new TreeSet<>();
    for (String r : need.optional()) if (!containsIgnoreCase(granted, r)) missingOptional.add(r);
    String appId = text(claims, "appid", text(claims, "azp", ""));
    return new Findings(extra.isEmpty() && missing.isEmpty() ? Outcome.EXACT : Outcome.MISMATCH, appId,
        text(claims, "tid", ""), text(claims, "aud", ""), granted, extra, missing, missingOptional);
  }

  /**
   * Logs the findings for one task: at most one WARN naming the extra permissions, one ERROR naming the missing
   * required ones, one INFO for missing optional ones; INFO when exact, DEBUG for an opaque token.
   *
   * @param who the task, e.g. {@code <tenant> Audit.Exchange}
   */
  public static void report(Findings f, Need need, Logger log, String who) {
    if (f.outcome() == Outcome.OPAQUE) {
      log.debug("{}: the access token is not a JWT; the least-privilege check of its permissions is skipped", who);
      return;
    }
    String app = f.appId().isEmpty() ? "" : " " + f.appId();
    String tenant = f.tenantId().isEmpty() ? "the tenant" : "tenant " + f.tenantId();
    if (!f.extra().isEmpty()) {
      boolean one = f.extra().size() == 1;
      log.warn("{}: the app registration{} has {} on {} that ualwatch does not need; remove {} (least "
          + "privilege): Entra admin center > App registrations > the app > API permissions > remove {}, and "
          + "revoke {} admin consent in {}. This connector needs only {} ({}, application permission{}).",
          who, app, join(f.extra()), need.api(), one ? "it" : "them", one ? "it" : "each", one ? "its" : "their",
          tenant, join(need.allowed()), need.api(), need.allowed().size() == 1 ? "" : "s");
    }
    if (!f.missing().isEmpty()) {
      log.error("{}: the app registration{} lacks {} on {}, which this connector needs; its calls will be refused. "
          + "Grant it: App registrations > the app > API permissions > Add a permission > {} > Application "
          + "permissions > {}, then 'Grant admin consent' for {} (an admin must consent; a new token carries it).",
          who, app, join(f.missing()), need.api(), need.api(), join(f.missing()), tenant);
    }
    if (!f.missingOptional().isEmpty()) {
      // INFO, not WARN: an optional permission left out is least privilege at work, not a fault.
      log.info("{}: the app registration{} does not have {} on {}: {}. Only if you need that, grant {} "
          + "(application permission) with admin consent in {}.", who, app, join(f.missingOptional()), need.api(),
          need.optionalWhy(), join(f.missingOptional()), tenant);
    }
    if (f.outcome() == Outcome.EXACT) {
      log.info("{}: the app registration{} holds exactly the {} permissions this connector needs ({})", who, app,
          need.api(), f.granted().isEmpty() ? "none" : join(f.granted()));
    }
  }

  /** The decoded JWT payload, or null when {@code token} is not a JWT. */
  static JsonNode payload(String token) {
    if (token == null) return null;
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[1].isEmpty()) return null;
    try {
      JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      return n != null && n.isObject() ? n : null;
    } catch (IOException | IllegalArgumentException e) {
      return null; // not base64url JSON: opaque (the exception text is not logged, it could quote the payload)
    }
  }

  private static Set<String> split(String s) {
    Set<String> out = new LinkedHashSet<>();
    for (String p : s.trim().split("[\\s,]+")) if (!p.isEmpty()) out.add(p);
    return out;
  }

  private static boolean containsIgnoreCase(Collection<String> set, String v) {
    String l = v.toLowerCase(Locale.ROOT);
    for (String s : set) if (s.toLowerCase(Locale.ROOT).equals(l)) return true;
    return false;
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? v.asText() : dflt;
  }

  private static String join(Set<String> s) {
    return String.join(", ", s);
  }
}
