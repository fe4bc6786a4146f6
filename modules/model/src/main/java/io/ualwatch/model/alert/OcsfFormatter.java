package io.ualwatch.model.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * Renders an {@link Alert} as an OCSF 1.3 Detection Finding (class_uid 2004). {@code finding_info.uid} is the
 * deterministic alert id (SIEMs upsert on it), {@code finding_info.analytic.uid} the rule id, and every
 * supporting audit record id is listed in {@code finding_info.related_events}.
 */
public final class OcsfFormatter {
  public static final String OCSF_VERSION = "1.3.0";
  public static final String PRODUCT = "ualwatch";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OcsfFormatter() {}

  public static String toJsonString(Alert a) {
    return toJson(a).toString();
  }

  public static ObjectNode toJson(Alert a) {
    ObjectNode o = MAPPER.createObjectNode();
    int activity = switch (a.status) {
      case NEW -> 1;
      case UPDATED -> 2;
      case WITHDRAWN -> 3;
    };
    o.put("class_uid", 2004);
    o.put("class_name", "Detection Finding");
    o.put("category_uid", 2);
    o.put("category_name", "Findings");
    o.put("activity_id", activity);
    o.put("activity_name", activity == 1 ? "Create" : activity == 2 ? "Update" : "Close");
    o.put("type_uid", 200400 + activity);
    o.put("time", a.time);
    o.put("start_time", a.firstSeen);
    o.put("end_time", a.lastSeen);
    o.put("severity_id", a.severity.ocsfId());
    o.put("severity", a.severity.caption());
    o.put("confidence_score", a.confidence);
    o.put("confidence_id", a.confidence >= 75 ? 3 : a.confidence >= 40 ? 2 : 1);
    o.put("confidence", a.confidence >= 75 ? "High" : a.confidence >= 40 ? "Medium" : "Low");
    if (a.status == AlertStatus.WITHDRAWN) {
      o.put("status_id", 99);
      o.put("status", "Withdrawn");
    } else {
      o.put("status_id", 1);
      o.put("status", "New");
    }
    o.put("is_alert", a.status != AlertStatus.WITHDRAWN);
    o.put("message", a.message);

    ObjectNode meta = o.putObject("metadata");
    meta.put("version", OCSF_VERSION);
    meta.put("uid", a.id + "-r" + a.revision);
    meta.put("log_name", "ualwatch.alerts");
    meta.putArray("profiles");
    ObjectNode product = meta.putObject("product");
    product.put("name", PRODUCT);
    product.put("vendor_name", PRODUCT);
    product.put("version", Alert.SCHEMA_VERSION);
    meta.put("tenant_uid", a.tenantId);

    ObjectNode fi = o.putObject("finding_info");
    fi.put("uid", a.id);
    fi.put("title", a.ruleName);
    fi.put("desc", a.message);
    fi.put("first_seen_time", a.firstSeen);
    fi.put("last_seen_time", a.lastSeen);
    fi.putArray("types").add("Mailbox access anomaly");
    fi.putArray("data_sources").add("Microsoft 365 unified audit log").add("Microsoft Entra ID sign-in logs");
    ObjectNode analytic = fi.putObject("analytic");
    analytic.put("uid", a.ruleId);
    analytic.put("name", a.ruleName);
    analytic.put("type_id", 1);
    analytic.put("type", "Rule");
    if (a.attackTechniqueId != null) {
      ArrayNode attacks = fi.putArray("attacks");
      ObjectNode at = attacks.addObject();
      at.put("version", "v15");
      ObjectNode tech = at.putObject("technique");
      tech.put("uid", a.attackTechniqueId);
      tech.put("name", a.attackTechniqueName);
      if (a.attackTacticId != null) {
        ObjectNode tac = at.putObject("tactic");
        tac.put("uid", a.attackTacticId);
        tac.put("name", a.attackTacticName);
      }
    }
    ArrayNode related = fi.putArray("related_events");
    for (Evidence e : a.evidence) {
      ObjectNode r = related.addObject();
      r.put("uid", e.recordId);
      if (e.operation != null) r.put("type", e.operation);
      r.put("time", e.time);
    }

    if (a.user != null) {
      ObjectNode actor = o.putObject("actor");
      ObjectNode user = actor.putObject("user");
      user.put("name", a.user);
      if (a.appName != null || a.appId != null) {
        actor.put("app_name", a.appName != null ? a.appName : a.appId);
        actor.put("app_uid", a.appId);
      }
    } else if (a.appId != null) {
      ObjectNode actor = o.putObject("actor");
      actor.put("app_name", a.appName != null ? a.appName : a.appId);
      actor.put("app_uid", a.appId);
    }
    if (a.mailbox != null) {
      ArrayNode res = o.putArray("resources");
      ObjectNode r = res.addObject();
      r.put("type", "Mailbox");
      r.put("name", a.mailbox);
      r.put("uid", a.mailbox);
    }

    ArrayNode evidences = o.putArray("evidences");
    for (Endpoint ep : a.endpoints) {
      ObjectNode ev = evidences.addObject();
      ev.set("src_endpoint", endpoint(ep));
      if (a.user != null) ev.putObject("actor").putObject("user").put("name", a.user);
    }
    if (a.endpoints.isEmpty() && a.source != null) {
      evidences.addObject().set("src_endpoint", endpoint(a.source));
    }
    if (a.source != null) o.set("src_endpoint", endpoint(a.source));

    ObjectNode un = o.putObject("unmapped");
    un.put("ualwatch_schema_version", Alert.SCHEMA_VERSION);
    un.put("revision", a.revision);
    un.put("alert_status", a.status.name());
    un.put("rule_id", a.ruleId);
    un.put("bucket", a.bucket);
    un.put("tenant_id", a.tenantId);
    if (a.mailbox != null) un.put("mailbox", a.mailbox);
    if (a.appId != null) un.put("app_id", a.appId);
    if (a.appFirstParty != null) un.put("app_first_party", a.appFirstParty);
    if (a.tokenId != null) un.put("token_id", a.tokenId);
    if (a.sessionId != null) un.put("session_id", a.sessionId);
    if (a.baseline != null) un.put("baseline", a.baseline);
    un.put("evidence_count", a.evidenceCount);
    if (a.configVersion != null) un.put("config_version", a.configVersion);
    ObjectNode ent = un.putObject("entities");
    for (Map.Entry<String, String> e : a.entities.entrySet()) ent.put(e.getKey(), e.getValue());
    ObjectNode facts = un.putObject("facts");
    for (Map.Entry<String, String> e : a.facts.entrySet()) facts.put(e.getKey(), e.getValue());
    un.put("time_iso", Instant.ofEpochMilli(a.time).toString());
    return o;
  }

  private static ObjectNode endpoint(Endpoint ep) {
    ObjectNode s = MAPPER.createObjectNode();
    if (ep.ip != null) s.put("ip", ep.ip);
    if (ep.country != null || ep.latitude != null) {
      ObjectNode loc = s.putObject("location");
      if (ep.country != null) loc.put("country", ep.country);
      if (ep.city != null) loc.put("city", ep.city);
      if (ep.latitude != null && ep.longitude != null) {
        loc.put("lat", ep.latitude);
        loc.put("long", ep.longitude);
      }
    }
    if (ep.asn != null) {
      ObjectNode as = s.putObject("autonomous_system");
      as.put("number", ep.asn);
      if (ep.asOrg != null) as.put("name", ep.asOrg);
    }
    return s;
  }
}
