package io.ualwatch.model.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.util.CiObject;
import io.ualwatch.model.util.Json;
import io.ualwatch.model.util.Times;
import java.util.Locale;

/**
 * Maps an Entra sign-in to an {@link AuditEvent}: the Graph {@code signIn} resource, the {@code properties} of a
 * diagnostic-settings / Event Hubs envelope record (with the envelope's copies as fallbacks), or a Log Analytics
 * row (SigninLogs, AADNonInteractiveUserSignInLogs, AADServicePrincipalSignInLogs, AADManagedIdentitySignInLogs)
 * seen through {@link ExportViews#signIn}.
 */
public final class SignInNormalizer {
  private final ObjectMapper mapper;

  public SignInNormalizer(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A sign-in: createdDateTime (or TimeGenerated) plus an identity/app/ip field, and no UAL CreationTime. */
  public static boolean looksLikeSignIn(CiObject o) {
    return (o.has("createddatetime") || o.has("timegenerated"))
        && (o.has("userprincipalname") || o.has("appid") || o.has("ipaddress") || o.has("uniquetokenidentifier")
            || o.has("serviceprincipalid"))
        && !o.has("creationtime");
  }

  /** True when a diagnostic category or Log Analytics table name is one of the sign-in logs. */
  public static boolean isSignInCategory(String category) {
    if (category == null) return false;
    String c = category.toLowerCase(Locale.ROOT);
    return c.contains("signinlogs");
  }

  /** Category / table names whose actor is an application, not a user. */
  static boolean isAppCategory(String category) {
    if (category == null) return false;
    String c = category.toLowerCase(Locale.ROOT);
    return c.contains("serviceprincipalsignin") || c.contains("managedidentitysignin");
  }

  /** Kept for callers of the original API. */
  public AuditEvent normalize(CiObject s, String envelopeTenant, String category, String raw, String origin,
      String format) throws RejectException {
    return normalize(s, null, envelopeTenant, category, raw, origin, format, "graph-signin");
  }

  /**
   * @param s the sign-in object (Graph camelCase or a Log Analytics view)
   * @param envelope the enclosing diagnostic-settings record, or null
   * @param envelopeTenant tenant id from the envelope, or null
   * @param category diagnostic category or Log Analytics table (SignInLogs, NonInteractiveUserSignInLogs, …), or null
   */
  AuditEvent normalize(CiObject s, CiObject envelope, String envelopeTenant, String category, String raw,
      String origin, String format, String shape) throws RejectException {
    AuditEvent e = new AuditEvent();
    e.source = EventSource.ENTRA_SIGNIN;
    e.format = format;
    e.shape = shape;
    e.origin = origin;
    e.raw = raw;
    String created = s.firstText("createddatetime", "timegenerated");
    if (created == null && envelope != null) created = envelope.text("time");
    if (created == null) throw new RejectException(RejectReason.MISSING_TIME, "the sign-in has no createdDateTime");
    e.eventTime = Times.parse(created);
    if (e.eventTime == null) {
      throw new RejectException(RejectReason.BAD_TIME, "createdDateTime '" + UalNormalizer.clip(created, 64)
          + "' is not a date-time");
    }
    e.recordId = s.text("id");
    if (e.recordId == null && envelope != null) e.recordId = envelope.text("id");
    if (e.recordId == null) e.recordId = SyntheticIds.of(raw);
    String tenant = envelopeTenant != null ? envelopeTenant
        : s.firstText("aadtenantid", "resourcetenantid", "tenantid", "hometenantid");
    if (tenant == null) tenant = tenantOfAadiamPath(s.text("azureresourceid"));
    e.tenantId = tenant == null ? "unknown" : tenant.strip().toLowerCase(Locale.ROOT);
    e.operation = "SignIn";
    e.workload = "AzureActiveDirectory";

    if (category == null) category = s.firstText("category", "type");
    String eventTypes = signInEventTypes(s);
    boolean appSignIn = isAppCategory(category)
        || (eventTypes != null && (eventTypes.contains("serviceprincipal") || eventTypes.contains("managedidentity")));
    String upn = s.text("userprincipalname");
    String spId = s.text("serviceprincipalid");
    String spName = s.text("serviceprincipalname");
    if (spId != null && spId.equals("00000000-0000-0000-0000-000000000000")) spId = null;
    if (!appSignIn && upn == null && spId != null) appSignIn = true;
    String userId = s.text("userid");
    if (appSignIn) {
      e.actorKind = ActorKind.APP;
      String who = spId != null ? spId : s.text("appid");
      e.actor = who == null ? null : who.strip().toLowerCase(Locale.ROOT);
      if (spId != null) e.actorObjectId = UalNormalizer.lowerGuid(spId);
      if (spName != null) UalNormalizer.putAttr(e, "servicePrincipalName", spName);
      String miType = s.text("managedidentitytype");
      if (miType != null) UalNormalizer.putAttr(e, "managedIdentityType", miType);
    } else if (upn != null) {
      e.actorKind = UalNormalizer.Identities.classify(upn, null);
      e.actor = UalNormalizer.Identities.normalize(upn, e.actorKind);
    } else {
      e.actorKind = ActorKind.UNKNOWN;
    }
    if (!appSignIn && userId != null && UalNormalizer.Identities.isGuid(userId.strip())) {
      e.actorObjectId = userId.strip().toLowerCase(Locale.ROOT);
    }
    e.clientAppId = UalNormalizer.lowerGuid(s.text("appid"));
    e.clientAppName = s.text("appdisplayname");
    e.resourceId = UalNormalizer.lowerGuid(s.firstText("resourceid", "resourceidentity"));
    String resourceName = s.text("resourcedisplayname");
    if (resourceName != null) UalNormalizer.putAttr(e, "resourceName", resourceName);
    UalNormalizer.pickIp(e, s.text("ipaddress"), envelope == null ? null : envelope.text("calleripaddress"));
    e.aadSessionId = s.text("sessionid");
    e.uniqueTokenId = s.text("uniquetokenidentifier");
    e.clientInfo = s.text("clientappused");
    e.userAgent = s.text("useragent");
    e.interactive = s.bool("isinteractive");
    if (e.interactive == null && eventTypes != null) {
      e.interactive = eventTypes.contains("interactiveuser") && !eventTypes.contains("noninteractiveuser");
    }
    if (e.interactive == null && category != null) {
      String c = category.toLowerCase(Locale.ROOT);
      e.interactive = c.equals("signinlogs");
    }
    if (category != null) UalNormalizer.putAttr(e, "signInCategory", category);
    String protocol = s.text("authenticationprotocol");
    if (protocol != null) UalNormalizer.putAttr(e, "authenticationProtocol", protocol);
    String requirement = s.text("authenticationrequirement");
    if (requirement != null) UalNormalizer.putAttr(e, "authenticationRequirement", requirement);
    String incoming = s.text("incomingtokentype");
    if (incoming != null) UalNormalizer.putAttr(e, "incomingTokenType", incoming);
    String correlation = s.text("correlationid");
    if (correlation == null && envelope != null) correlation = envelope.text("correlationid");
    if (correlation != null) UalNormalizer.putAttr(e, "correlationId", correlation);

    // status.errorCode (int); the envelope's and Log Analytics' ResultType carry the same code as a string.
    CiObject status = CiObject.of(Json.reparse(s.get("status"), mapper));
    Integer code = status == null ? null : status.intValue("errorcode");
    if (code == null) code = Json.intValue(s.get("resulttype"));
    if (code == null) code = Json.intValue(s.get("errorcode"));
    if (code == null && envelope != null) code = Json.intValue(envelope.get("resulttype"));
    e.errorCode = code;
    String failure = status == null ? null : status.text("failurereason");
    if (failure == null) failure = s.text("resultdescription");
    if (failure != null && (code == null || code != 0)) UalNormalizer.putAttr(e, "failureReason", failure);
    e.outcome = code == null ? Outcome.UNKNOWN : UalNormalizer.errorOutcome(code);

    CiObject loc = CiObject.of(Json.reparse(s.firstNonNull("location", "locationdetails"), mapper));
    if (loc != null) {
      String country = loc.text("countryorregion");
      if (country != null) UalNormalizer.putAttr(e, "signInCountry", country);
      String city = loc.text("city");
      if (city != null) UalNormalizer.putAttr(e, "signInCity", city);
    }
    JsonNode asn = s.get("autonomoussystemnumber");
    Long asnValue = Json.longValue(asn);
    if (asnValue != null) UalNormalizer.putAttr(e, "signInAsn", String.valueOf(asnValue));
    return e;
  }

  /** The Entra tenant in a Log Analytics ResourceId such as {@code /tenants/<tid>/providers/Microsoft.aadiam}. */
  static String tenantOfAadiamPath(String path) {
    if (path == null) return null;
    String p = path.strip();
    if (!p.regionMatches(true, 0, "/tenants/", 0, 9)) return null;
    int end = p.indexOf('/', 9);
    String t = end < 0 ? p.substring(9) : p.substring(9, end);
    return UalNormalizer.Identities.isGuid(t) ? t : null;
  }

  /** signInEventTypes (array or JSON string) lower-cased and joined, or null. */
  private String signInEventTypes(CiObject s) {
    JsonNode types = Json.reparse(s.get("signineventtypes"), mapper);
    if (types == null) {
      String t = s.text("signineventtypes");
      return t == null ? null : t.toLowerCase(Locale.ROOT);
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode t : types) {
      String v = Json.text(t);
      if (v != null) sb.append(v.toLowerCase(Locale.ROOT)).append(' ');
    }
    return sb.toString();
  }
}
