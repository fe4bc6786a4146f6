package io.ualwatch.model.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.RecordTypes;
import io.ualwatch.model.util.CiObject;
import io.ualwatch.model.util.IpAddresses;
import io.ualwatch.model.util.Json;
import io.ualwatch.model.util.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps one unified audit log record (the JSON object the Management Activity API returns, and the
 * {@code AuditData} of every export) to an {@link AuditEvent}. Field names are matched case-insensitively,
 * name/value arrays by name, numbers and booleans leniently (record-schema.md §10).
 */
public final class UalNormalizer {
  /** Item ids kept per record; the count stays in {@link AuditEvent#operationCount}. */
  public static final int MAX_ITEM_IDS = 100;
  static final int MAX_ATTRIBUTE_VALUE = 2048;
  static final int MAX_PARAMETERS = 64;

  private final ObjectMapper mapper;

  public UalNormalizer(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** True when the object looks like a UAL record (has CreationTime and Operation or RecordType). */
  public static boolean looksLikeUal(CiObject o) {
    return o.has("creationtime") && (o.has("operation") || o.has("recordtype"));
  }

  /** Like {@link #looksLikeUal} but counting what the surrounding wrapper supplies. */
  static boolean looksLikeUal(CiObject o, Fallbacks fb) {
    if (fb == null) return looksLikeUal(o);
    return (o.has("creationtime") || fb.creationTime != null)
        && (o.has("operation") || o.has("recordtype") || fb.operation != null || fb.recordType != null);
  }

  public AuditEvent normalize(CiObject r, String raw, String origin, String format) throws RejectException {
    return normalize(r, null, raw, origin, format, "ual");
  }

  /**
   * @param r the UAL record (case-insensitive view)
   * @param fb values from around the record, used only where the record has none (may be null)
   * @param shape the record shape reported in {@link AuditEvent#shape}
   */
  AuditEvent normalize(CiObject r, Fallbacks fb, String raw, String origin, String format, String shape)
      throws RejectException {
    if (fb == null) fb = Fallbacks.none();
    AuditEvent e = new AuditEvent();
    e.source = EventSource.UAL;
    e.format = format;
    e.shape = shape;
    e.origin = origin;
    e.raw = raw;

    String created = r.text("creationtime");
    if (created == null) created = fb.creationTime;
    if (created == null) throw new RejectException(RejectReason.MISSING_TIME, "the record has no CreationTime");
    e.eventTime = Times.parse(created);
    if (e.eventTime == null) {
      throw new RejectException(RejectReason.BAD_TIME, "CreationTime '" + clip(created, 64) + "' is not a date-time");
    }

    e.recordId = r.text("id");
    if (e.recordId == null) e.recordId = fb.recordId;
    if (e.recordId == null) e.recordId = r.firstText("identity", "recordid");
    if (e.recordId == null) e.recordId = SyntheticIds.of(raw);

    JsonNode rt = r.get("recordtype");
    if (rt == null || Json.text(rt) == null) rt = fb.recordType;
    if (rt != null) {
      Integer n = Json.intValue(rt);
      if (n == null) {
        n = RecordTypes.byName(Json.text(rt));
        if (n == null) putAttr(e, "recordTypeName", Json.text(rt));
      }
      e.recordType = n;
    }
    String op = r.text("operation");
    e.operation = stripTrailingPeriod(op != null ? op : fb.operation);
    e.workload = r.text("workload");
    e.resultStatus = r.text("resultstatus");
    String tenant = r.firstText("organizationid", "tenantid");
    if (tenant == null) tenant = fb.tenantId;
    e.tenantId = tenant == null ? "unknown" : lowerAscii(tenant.strip());
    e.userType = Json.intValue(r.get("usertype"));
    if (e.userType == null) e.userType = UserTypes.byName(r.text("usertype"));

    String userId = r.text("userid");
    if (userId == null) userId = fb.userId;
    e.actorKind = Identities.classify(userId, e.userType);
    e.actor = Identities.normalize(userId, e.actorKind);
    String tokenObjectId = r.text("tokenobjectid");
    if (tokenObjectId != null) {
      e.actorObjectId = lowerAscii(tokenObjectId);
    } else if ("AzureActiveDirectory".equalsIgnoreCase(e.workload)) {
      String userKey = r.text("userkey");
      if (userKey != null && Identities.isGuid(userKey)) e.actorObjectId = userKey.toLowerCase(Locale.ROOT);
    }

    // Mailbox records (RecordType 2, 3, 50) and their client details.
    String owner = r.text("mailboxownerupn");
    if (owner != null) e.mailboxOwner = lowerAscii(owner.strip());
    e.mailboxGuid = r.text("mailboxguid");
    e.logonType = Json.intValue(r.get("logontype"));
    if (e.logonType == null) e.logonType = LogonTypes.byName(r.firstText("logontype", "logon_type"));
    e.externalAccess = Json.bool(r.get("externalaccess"));
    e.clientInfo = r.text("clientinfostring");
    e.exchangeSessionId = r.text("sessionid");
    e.appId = lowerGuid(r.text("appid"));
    e.clientAppId = lowerGuid(r.text("clientappid"));
    String tokenTenant = r.text("tokentenantid");
    if (tokenTenant != null) e.tokenTenantId = lowerAscii(tokenTenant);
    String server = r.text("originatingserver");
    if (server != null && !server.isBlank()) putAttr(e, "originatingServer", server.strip());

    // Client IP: Exchange writes ClientIPAddress, most others ClientIP, STS logons also ActorIpAddress. The first
    // one that is an address wins; OriginatingServer is a host name and is never read as an IP.
    pickIp(e, r.text("clientipaddress"), r.text("clientip"), r.text("actoripaddress"), r.text("ipaddress"),
        fb.clientIp);

    CiObject ctx = CiObject.of(Json.reparse(r.get("appaccesscontext"), mapper));
    if (ctx != null) {
      if (e.clientAppId == null) e.clientAppId = lowerGuid(ctx.text("clientappid"));
      e.clientAppName = ctx.text("clientappname");
      if (e.appId == null) e.appId = lowerGuid(ctx.text("apiid"));
      e.aadSessionId = ctx.text("aadsessionid");
      e.uniqueTokenId = ctx.text("uniquetokenid");
      String iat = ctx.firstText("issuedattime", "tokenissuedattime");
      if (iat != null) e.tokenIssuedAt = Times.parse(iat);
      String corr = ctx.text("correlationid");
      if (corr != null) putAttr(e, "correlationId", corr);
      if (e.actorObjectId == null) {
        String uo = ctx.text("userobjectid");
        if (uo != null) e.actorObjectId = uo.toLowerCase(Locale.ROOT);
      }
    }

    JsonNode opProps = Json.reparse(r.get("operationproperties"), mapper);
    if (opProps != null) {
      e.mailAccessType = Json.nameValue(opProps, "MailAccessType");
      e.isThrottled = Json.bool(Json.nameValue(opProps, "IsThrottled"));
    }
    Integer count = Json.intValue(r.get("operationcount"));
    e.operationCount = count == null || count < 1 ? 1 : count;
    collectItems(e, r);

    // STS logons (RecordType 15) and legacy account logons. ApplicationId is the Entra app (a GUID) there;
    // anything else (Defender's numeric ids) is never a client app id.
    if (e.clientAppId == null) {
      String appIdField = r.text("applicationid");
      if (appIdField != null && Identities.isGuid(appIdField.strip())) e.clientAppId = lowerGuid(appIdField);
    }
    JsonNode ext = Json.reparse(r.get("extendedproperties"), mapper);
    if (ext != null) {
      e.userAgent = Json.nameValue(ext, "UserAgent");
      e.requestType = Json.nameValue(ext, "RequestType");
      String detail = Json.nameValue(ext, "ResultStatusDetail");
      if (detail != null) putAttr(e, "resultStatusDetail", detail);
      String method = Json.nameValue(ext, "UserAuthenticationMethod");
      if (method != null) putAttr(e, "userAuthenticationMethod", method);
    }
    if (e.userAgent == null) e.userAgent = r.text("useragent");
    JsonNode dev = Json.reparse(r.get("deviceproperties"), mapper);
    if (dev != null) {
      String sid = Json.nameValue(dev, "SessionId");
      if (sid != null) e.aadSessionId = sid;
      String os = Json.nameValue(dev, "OS");
      if (os != null) putAttr(e, "deviceOs", os);
      String trust = Json.nameValue(dev, "DeviceTrustType");
      if (trust != null) putAttr(e, "deviceTrustType", trust);
      String compliant = Json.nameValue(dev, "IsCompliant");
      if (compliant != null) putAttr(e, "deviceCompliant", compliant);
    }
    // AADSTS code: records write ErrorNumber (a string); the schema page names it ErrorCode.
    JsonNode err = r.get("errornumber");
    if (err == null || Json.text(err) == null) err = r.get("errorcode");
    e.errorCode = Json.intValue(err);
    String logonError = r.text("logonerror");
    if (logonError != null) putAttr(e, "logonError", logonError);
    if (e.recordType != null && (e.recordType == RecordTypes.AZURE_ACTIVE_DIRECTORY_STS_LOGON
        || e.recordType == RecordTypes.AZURE_ACTIVE_DIRECTORY_ACCOUNT_LOGON)) {
      e.resourceId = lowerGuid(r.text("objectid"));
    } else {
      String objectId = r.text("objectid");
      if (objectId != null) putAttr(e, "objectId", clip(objectId, MAX_ATTRIBUTE_VALUE));
    }

    // Exchange admin cmdlets: Parameters [{Name, Value}] by name, in any order.
    JsonNode params = Json.reparse(r.get("parameters"), mapper);
    if (params != null && params.isArray()) {
      int n = 0;
      for (JsonNode p : params) {
        if (n++ >= MAX_PARAMETERS) break;
        String name = Json.text(Json.get(p, "Name"));
        JsonNode v = Json.get(p, "Value");
        if (name != null) putAttr(e, "param." + name, v == null ? "" : (v.isContainerNode() ? v.toString() : Json.text(v)));
      }
    }
    // Directory operations: Target and ModifiedProperties by name. NewValue is often JSON inside a string
    // (["True"], [{...}]): the text is kept as written, and a JSON array of scalars is also unwrapped.
    JsonNode modified = Json.reparse(r.get("modifiedproperties"), mapper);
    if (modified != null && modified.isArray()) {
      int n = 0;
      for (JsonNode p : modified) {
        if (n++ >= MAX_PARAMETERS) break;
        String name = Json.text(Json.get(p, "Name"));
        if (name == null) continue;
        JsonNode nvNode = Json.get(p, "NewValue");
        String nv = nvNode == null ? null : (nvNode.isContainerNode() ? nvNode.toString() : Json.text(nvNode));
        if (nv == null) continue;
        putAttr(e, "modified." + name, nv);
        String unwrapped = scalarList(Json.reparse(nvNode, mapper));
        if (unwrapped != null) putAttr(e, "modified." + name + ".values", unwrapped);
      }
    }
    JsonNode target = r.get("target");
    if (target != null && target.isArray()) {
      List<String> ids = new ArrayList<>();
      for (JsonNode t : target) {
        String id = Json.text(Json.get(t, "ID"));
        if (id != null && ids.size() < 8) ids.add(id);
      }
      if (!ids.isEmpty()) putAttr(e, "targetIds", String.join(",", ids));
    }
    e.outcome = outcome(e);
    // Consents, app role assignments, credential, MFA and forwarding changes: facts by name for the chain rules.
    ChangeFacts.extract(r, e, mapper);
    return e;
  }

  /** The values of a JSON array of scalars joined by ", ", else null. */
  private static String scalarList(JsonNode n) {
    if (n == null || !n.isArray()) return null;
    StringBuilder sb = new StringBuilder();
    for (JsonNode v : n) {
      if (v.isContainerNode()) return null;
      String t = Json.text(v);
      if (t == null) continue;
      if (sb.length() > 0) sb.append(", ");
      sb.append(t);
    }
    return sb.toString();
  }

  /** Sets clientIp from the first candidate that is an address, clientIpRaw to that one (or the first given). */
  static void pickIp(AuditEvent e, String... candidates) {
    String firstRaw = null;
    for (String c : candidates) {
      if (c == null) continue;
      if (firstRaw == null) firstRaw = c;
      String n = IpAddresses.normalize(c);
      if (n != null) {
        e.clientIp = n;
        e.clientIpRaw = c;
        return;
      }
    }
    e.clientIpRaw = firstRaw;
  }

  private void collectItems(AuditEvent e, CiObject r) {
    List<String> items = new ArrayList<>();
    List<String> folders = new ArrayList<>();
    JsonNode fs = Json.reparse(r.get("folders"), mapper);
    if (fs != null && fs.isArray()) {
      for (JsonNode f : fs) {
        String path = Json.text(Json.get(f, "Path"));
        if (path != null && folders.size() < MAX_ITEM_IDS) folders.add(path);
        JsonNode fi = Json.get(f, "FolderItems");
        if (fi != null && fi.isArray()) {
          for (JsonNode it : fi) {
            if (items.size() >= MAX_ITEM_IDS) break;
            String id = Json.text(Json.get(it, "InternetMessageId"));
            if (id == null) id = Json.text(Json.get(it, "Id"));
            if (id != null) items.add(id);
          }
        }
      }
    }
    JsonNode item = Json.reparse(r.get("item"), mapper);
    if (item != null && item.isObject()) {
      String id = Json.text(Json.get(item, "InternetMessageId"));
      if (id == null) id = Json.text(Json.get(item, "Id"));
      if (id != null) items.add(id);
      JsonNode parent = Json.get(item, "ParentFolder");
      String path = parent == null ? null : Json.text(Json.get(parent, "Path"));
      if (path != null) folders.add(path);
    }
    JsonNode affected = Json.reparse(r.get("affecteditems"), mapper);
    if (affected != null && affected.isArray()) {
      for (JsonNode it : affected) {
        if (items.size() >= MAX_ITEM_IDS) break;
        String id = Json.text(Json.get(it, "InternetMessageId"));
        if (id == null) id = Json.text(Json.get(it, "Id"));
        if (id != null) items.add(id);
      }
    }
    JsonNode folder = Json.reparse(r.get("folder"), mapper);
    if (folder != null && folder.isObject()) {
      String path = Json.text(Json.get(folder, "Path"));
      if (path != null) folders.add(path);
    }
    if (!items.isEmpty()) e.itemIds = items;
    if (!folders.isEmpty()) e.folders = folders;
  }

  static Outcome outcome(AuditEvent e) {
    String op = e.operation;
    if ("UserLoginFailed".equals(op)) return Outcome.FAILURE;
    if ("UserLoggedIn".equals(op)) {
      return e.errorCode == null ? Outcome.SUCCESS : errorOutcome(e.errorCode);
    }
    String s = e.resultStatus;
    if (s == null) return Outcome.UNKNOWN;
    switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "succeeded": case "success": case "true": case "partiallysucceeded":
        return Outcome.SUCCESS;
      case "failed": case "failure": case "false":
        return Outcome.FAILURE;
      default:
        return Outcome.UNKNOWN;
    }
  }

  /** AADSTS code → outcome: 0 success; 50140 (keep-me-signed-in interrupt) is not a failure; any other code is. */
  static Outcome errorOutcome(int code) {
    return code == 0 || code == KMSI_INTERRUPT ? Outcome.SUCCESS : Outcome.FAILURE;
  }

  /** AADSTS50140: the "keep me signed in" interrupt, shown after a successful authentication. */
  static final int KMSI_INTERRUPT = 50140;

  static void putAttr(AuditEvent e, String name, String value) {
    if (value == null) return;
    if (e.attributes == null) e.attributes = new LinkedHashMap<>();
    e.attributes.put(name, clip(value, MAX_ATTRIBUTE_VALUE));
  }

  static String stripTrailingPeriod(String op) {
    if (op == null) return null;
    String s = op.strip();
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  static String lowerGuid(String v) {
    if (v == null) return null;
    String s = v.strip();
    if (s.isEmpty()) return null;
    if (!Identities.isGuid(s)) return s;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'F') return s.toLowerCase(Locale.ROOT);
    }
    return s;
  }

  /** Lower-cases ASCII text only when it has upper-case letters (no copy for the common case). */
  static String lowerAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= 'A' && c <= 'Z') || c > 127) return s.toLowerCase(Locale.ROOT);
    }
    return s;
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  static Instant time(String s) {
    return s == null ? null : Times.parse(s);
  }

  /** The known enum names of UserType (Sentinel exports write names). */
  static final class UserTypes {
    private static final Map<String, Integer> NAMES = Map.ofEntries(
        Map.entry("regular", 0), Map.entry("reserved", 1), Map.entry("admin", 2), Map.entry("dcadmin", 3),
        Map.entry("system", 4), Map.entry("application", 5), Map.entry("serviceprincipal", 6),
        Map.entry("custompolicy", 7), Map.entry("systempolicy", 8), Map.entry("partnertechnician", 9),
        Map.entry("guest", 10));

    static Integer byName(String s) {
      return s == null ? null : NAMES.get(s.strip().toLowerCase(Locale.ROOT));
    }
  }

  /** LogonType names as Sentinel writes them. */
  static final class LogonTypes {
    private static final Map<String, Integer> NAMES = Map.of(
        "owner", 0, "admin", 1, "delegated", 2, "transport", 3, "systemservice", 4, "bestaccess", 5,
        "delegatedadmin", 6);

    static Integer byName(String s) {
      if (s == null) return null;
      Integer n = Json.intValue(com.fasterxml.jackson.databind.node.TextNode.valueOf(s));
      return n != null ? n : NAMES.get(s.strip().toLowerCase(Locale.ROOT));
    }
  }

  /** Identity classification helpers. */
  public static final class Identities {
    private Identities() {}

    public static ActorKind classify(String userId, Integer userType) {
      if (userId == null) return ActorKind.UNKNOWN;
      String s = userId.strip();
      if (s.isEmpty() || s.equalsIgnoreCase("Not Available") || s.equalsIgnoreCase("Unknown")
          || s.equalsIgnoreCase("<null>")) {
        return ActorKind.UNKNOWN;
      }
      if (userType != null && (userType == 5 || userType == 6)) return ActorKind.APP;
      if (userType != null && (userType == 3 || userType == 4)) return ActorKind.SYSTEM;
      if (s.regionMatches(true, 0, "ServicePrincipal_", 0, 17) || s.equalsIgnoreCase("app@sharepoint")) {
        return ActorKind.APP;
      }
      if (s.regionMatches(true, 0, "NT AUTHORITY", 0, 12) || s.startsWith("S-1-")
          || s.regionMatches(true, s.length() - 7, "\\system", 0, 7)
          || s.regionMatches(true, 0, "Microsoft.Exchange.", 0, 19) || s.equalsIgnoreCase("system")) {
        return ActorKind.SYSTEM;
      }
      if (s.indexOf('@') > 0) return ActorKind.USER;
      if (isGuid(s)) return ActorKind.APP;
      return ActorKind.USER;
    }

    public static String normalize(String userId, ActorKind kind) {
      if (userId == null) return null;
      String s = userId.strip();
      if (s.isEmpty()) return null;
      return kind == ActorKind.USER || kind == ActorKind.APP ? lowerAscii(s) : s;
    }

    public static boolean isGuid(String s) {
      if (s == null || s.length() != 36) return false;
      for (int i = 0; i < 36; i++) {
        char c = s.charAt(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
          if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
          return false;
        }
      }
      return true;
    }
  }
}
