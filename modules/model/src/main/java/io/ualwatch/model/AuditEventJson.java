package io.ualwatch.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The normalized JSON form of an {@link AuditEvent}: fixed field order, nulls omitted. Used by golden files and `validate --json`. */
public final class AuditEventJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AuditEventJson() {}

  public static ObjectNode toJson(AuditEvent e, boolean includeRaw) {
    ObjectNode o = MAPPER.createObjectNode();
    put(o, "source", e.source == null ? null : e.source.name());
    put(o, "format", e.format);
    put(o, "shape", e.shape);
    put(o, "tenantId", e.tenantId);
    put(o, "eventTime", e.eventTime == null ? null : e.eventTime.toString());
    put(o, "recordId", e.recordId);
    if (e.recordType != null) o.put("recordType", e.recordType);
    put(o, "operation", e.operation);
    put(o, "workload", e.workload);
    put(o, "resultStatus", e.resultStatus);
    put(o, "outcome", e.outcome == null ? null : e.outcome.name());
    put(o, "actor", e.actor);
    put(o, "actorKind", e.actorKind == null ? null : e.actorKind.name());
    if (e.userType != null) o.put("userType", e.userType);
    put(o, "actorObjectId", e.actorObjectId);
    put(o, "mailboxOwner", e.mailboxOwner);
    put(o, "mailboxGuid", e.mailboxGuid);
    if (e.logonType != null) o.put("logonType", e.logonType);
    if (e.externalAccess != null) o.put("externalAccess", e.externalAccess);
    put(o, "clientIp", e.clientIp);
    put(o, "clientIpRaw", e.clientIpRaw);
    put(o, "appId", e.appId);
    put(o, "clientAppId", e.clientAppId);
    put(o, "clientAppName", e.clientAppName);
    put(o, "clientInfo", e.clientInfo);
    put(o, "userAgent", e.userAgent);
    put(o, "exchangeSessionId", e.exchangeSessionId);
    put(o, "aadSessionId", e.aadSessionId);
    put(o, "uniqueTokenId", e.uniqueTokenId);
    put(o, "tokenIssuedAt", e.tokenIssuedAt == null ? null : e.tokenIssuedAt.toString());
    put(o, "tokenTenantId", e.tokenTenantId);
    put(o, "mailAccessType", e.mailAccessType);
    if (e.isThrottled != null) o.put("isThrottled", e.isThrottled);
    o.put("operationCount", e.operationCount);
    list(o, "itemIds", e.itemIds);
    list(o, "folders", e.folders);
    if (e.errorCode != null) o.put("errorCode", e.errorCode);
    if (e.interactive != null) o.put("interactive", e.interactive);
    put(o, "resourceId", e.resourceId);
    put(o, "requestType", e.requestType);
    if (e.attributes != null && !e.attributes.isEmpty()) {
      ObjectNode a = o.putObject("attributes");
      for (Map.Entry<String, String> en : new TreeMap<>(e.attributes).entrySet()) a.put(en.getKey(), en.getValue());
    }
    if (e.geo != null) {
      ObjectNode g = o.putObject("geo");
      put(g, "country", e.geo.country);
      put(g, "region", e.geo.region);
      put(g, "city", e.geo.city);
      if (e.geo.latitude != null) g.put("latitude", e.geo.latitude);
      if (e.geo.longitude != null) g.put("longitude", e.geo.longitude);
      if (e.geo.asn != null) g.put("asn", e.geo.asn);
      put(g, "asOrg", e.geo.asOrg);
      put(g, "network", e.geo.network == null ? null : e.geo.network.name());
      g.put("located", e.geo.located);
    }
    put(o, "origin", e.origin);
    if (includeRaw) put(o, "raw", e.raw);
    return o;
  }

  private static void put(ObjectNode o, String k, String v) {
    if (v != null) o.put(k, v);
  }

  private static void list(ObjectNode o, String k, List<String> v) {
    if (v == null || v.isEmpty()) return;
    ArrayNode a = o.putArray(k);
    v.forEach(a::add);
  }
}
