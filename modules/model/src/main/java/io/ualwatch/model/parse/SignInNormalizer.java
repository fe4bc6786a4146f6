package io.ualwatch.model.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.util.CiObject;
import io.ualwatch.model.util.IpAddresses;
import io.ualwatch.model.util.Json;
import io.ualwatch.model.util.Times;
import java.util.Locale;

/**
 * Maps an Entra sign-in (Graph {@code signIn} resource, or the {@code properties} of a diagnostic-settings
 * envelope record, or a Log Analytics row with PascalCase columns) to an {@link AuditEvent}.
 */
public final class SignInNormalizer {
  private final ObjectMapper mapper;

  public SignInNormalizer(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A Graph signIn: createdDateTime plus one of the identity/app/ip fields, and no UAL CreationTime. */
  public static boolean looksLikeSignIn(CiObject o) {
    return (o.has("createddatetime") || o.has("timegenerated"))
        && (o.has("userprincipalname") || o.has("appid") || o.has("ipaddress") || o.has("uniquetokenidentifier"))
        && !o.has("creationtime");
  }

  /**
   * @param s the sign-in object
   * @param envelopeTenant tenant id from an enclosing envelope, or null
   * @param category diagnostic category (SignInLogs, NonInteractiveUserSignInLogs, …) or null
   */
  public AuditEvent normalize(CiObject s, String envelopeTenant, String category, String raw, String origin,
      String format) throws RejectException {
    AuditEvent e = new AuditEvent();
    e.source = EventSource.ENTRA_SIGNIN;
    e.format = format;
    e.origin = origin;
    e.raw = raw;
    String created = s.firstText("createddatetime", "timegenerated");
    if (created == null) throw new RejectException(RejectReason.MISSING_TIME, "the sign-in has no createdDateTime");
    e.eventTime = Times.parse(created);
    if (e.eventTime == null) {
      throw new RejectException(RejectReason.BAD_TIME, "createdDateTime '" + UalNormalizer.clip(created, 64)
          + "' is not a date-time");
    }
    e.recordId = s.text("id");
    if (e.recordId == null) e.recordId = SyntheticIds.of(raw);
    String tenant = envelopeTenant != null ? envelopeTenant
        : s.firstText("resourcetenantid", "tenantid", "hometenantid", "aadtenantid");
    e.tenantId = tenant == null ? "unknown" : tenant.strip().toLowerCase(Locale.ROOT);
    e.operation = "SignIn";
    e.workload = "AzureActiveDirectory";

    String upn = s.text("userprincipalname");
    String servicePrincipal = s.firstText("serviceprincipalid", "serviceprincipalname");
    if (upn != null) {
      e.actorKind = UalNormalizer.Identities.classify(upn, null);
      e.actor = UalNormalizer.Identities.normalize(upn, e.actorKind);
    } else if (servicePrincipal != null) {
      e.actorKind = io.ualwatch.model.ActorKind.APP;
      e.actor = servicePrincipal.toLowerCase(Locale.ROOT);
    } else {
      e.actorKind = io.ualwatch.model.ActorKind.UNKNOWN;
    }
    String userId = s.text("userid");
    if (userId != null && UalNormalizer.Identities.isGuid(userId)) e.actorObjectId = userId.toLowerCase(Locale.ROOT);
    e.clientAppId = UalNormalizer.lowerGuid(s.text("appid"));
    e.clientAppName = s.text("appdisplayname");
    e.resourceId = UalNormalizer.lowerGuid(s.text("resourceid"));
    String resourceName = s.text("resourcedisplayname");
    if (resourceName != null) UalNormalizer.putAttr(e, "resourceName", resourceName);
    String ip = s.firstText("ipaddress", "calleripaddress");
    e.clientIpRaw = ip;
    e.clientIp = IpAddresses.normalize(ip);
    e.aadSessionId = s.text("sessionid");
    e.uniqueTokenId = s.text("uniquetokenidentifier");
    e.clientInfo = s.text("clientappused");
    e.userAgent = s.text("useragent");
    e.interactive = s.bool("isinteractive");
    if (e.interactive == null && category != null) {
      e.interactive = category.equalsIgnoreCase("SignInLogs");
    }
    if (category != null) UalNormalizer.putAttr(e, "signInCategory", category);
    String protocol = s.text("authenticationprotocol");
    if (protocol != null) UalNormalizer.putAttr(e, "authenticationProtocol", protocol);
    String requirement = s.text("authenticationrequirement");
    if (requirement != null) UalNormalizer.putAttr(e, "authenticationRequirement", requirement);
    String incoming = s.text("incomingtokentype");
    if (incoming != null) UalNormalizer.putAttr(e, "incomingTokenType", incoming);

    CiObject status = CiObject.of(Json.reparse(s.get("status"), mapper));
    Integer code = status == null ? null : status.intValue("errorcode");
    if (code == null) code = Json.intValue(s.get("resulttype"));
    if (code == null) code = Json.intValue(s.get("errorcode"));
    e.errorCode = code;
    if (status != null && status.text("failurereason") != null) {
      UalNormalizer.putAttr(e, "failureReason", status.text("failurereason"));
    }
    e.outcome = code == null ? Outcome.UNKNOWN : (code == 0 ? Outcome.SUCCESS : Outcome.FAILURE);

    CiObject loc = CiObject.of(Json.reparse(s.firstNonNull("location", "locationdetails"), mapper));
    if (loc != null) {
      String country = loc.text("countryorregion");
      if (country != null) UalNormalizer.putAttr(e, "signInCountry", country);
      String city = loc.text("city");
      if (city != null) UalNormalizer.putAttr(e, "signInCity", city);
    }
    JsonNode asn = s.get("autonomoussystemnumber");
    if (asn != null && Json.longValue(asn) != null) {
      UalNormalizer.putAttr(e, "signInAsn", String.valueOf(Json.longValue(asn)));
    }
    return e;
  }
}
