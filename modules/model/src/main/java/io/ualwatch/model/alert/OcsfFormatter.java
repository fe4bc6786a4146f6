package io.ualwatch.model.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Renders an {@link Alert} as an OCSF 1.3 Detection Finding (class_uid 2004, category 2 Findings), using only
 * attributes that the 1.3 class, its objects and the base event define; everything else goes to
 * {@code unmapped}. {@code finding_info.uid} is the deterministic alert id (SIEMs upsert on it),
 * {@code finding_info.analytic.uid} the rule id, {@code metadata.sequence} the revision, and every listed
 * supporting audit record id is in {@code finding_info.related_events}. The profile is pinned by
 * {@code schemas/ocsf-detection-finding.ualwatch.schema.json}; the mapping is documented in docs/siem.md.
 *
 * <p>Status mapping (the producer's lifecycle is {@code activity_id}; {@code status_id} is the triage status):
 * NEW → Create / New, UPDATED → Update / New, CLOSED → Close / Other "Closed", WITHDRAWN → Close / Other
 * "Withdrawn" (with the reason in {@code status_detail}).
 */
public final class OcsfFormatter {
  public static final String OCSF_VERSION = "1.3.0";
  public static final String PRODUCT = "ualwatch";
  public static final int CLASS_UID = 2004;
  /** ATT&CK matrix version the technique ids are taken from. */
  public static final String ATTACK_VERSION = "v15";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OcsfFormatter() {}

  public static String toJsonString(Alert a) {
    return toJson(a).toString();
  }

  /** OCSF activity_id for a status: 1 Create, 2 Update, 3 Close. */
  public static int activityId(AlertStatus s) {
    return switch (s) {
      case NEW -> 1;
      case UPDATED -> 2;
      case WITHDRAWN, CLOSED -> 3;
    };
  }

  /** OCSF finding status_id: 1 New while the producer may still change it, 99 Other once closed or withdrawn. */
  public static int statusId(AlertStatus s) {
    return s == AlertStatus.NEW || s == AlertStatus.UPDATED ? 1 : 99;
  }

  /** OCSF confidence_id from a 0–100 score: 1 Low (&lt;40), 2 Medium (40–74), 3 High (≥75). */
  public static int confidenceId(int confidence) {
    return confidence >= 75 ? 3 : confidence >= 40 ? 2 : 1;
  }

  public static ObjectNode toJson(Alert a) {
    ObjectNode o = MAPPER.createObjectNode();
    int activity = activityId(a.status);
    String activityName = switch (activity) {
      case 1 -> "Create";
      case 2 -> "Update";
      default -> "Close";
    };
    o.put("class_uid", CLASS_UID);
    o.put("class_name", "Detection Finding");
    o.put("category_uid", 2);
    o.put("category_name", "Findings");
    o.put("activity_id", activity);
    o.put("activity_name", activityName);
    o.put("type_uid", CLASS_UID * 100L + activity);
    o.put("type_name", "Detection Finding: " + activityName);
    o.put("time", a.time);
    o.put("start_time", a.firstSeen);
    o.put("end_time", a.lastSeen);
    o.put("count", Math.max(1, a.evidenceCount));
    o.put("severity_id", a.severity.ocsfId());
    o.put("severity", a.severity.caption());
    o.put("confidence_id", confidenceId(a.confidence));
    o.put("confidence", switch (confidenceId(a.confidence)) {
      case 3 -> "High";
      case 2 -> "Medium";
      default -> "Low";
    });
    o.put("confidence_score", a.confidence);
    int status = statusId(a.status);
    o.put("status_id", status);
    switch (a.status) {
      case WITHDRAWN -> {
        o.put("status", "Withdrawn");
        String why = a.facts.get("withdrawnBecause");
        o.put("status_detail", why != null ? why : "a late record disproved the alert");
      }
      case CLOSED -> {
        o.put("status", "Closed");
        o.put("status_detail", "the alert's suppression bucket ended; later activity raises a new alert id");
      }
      default -> o.put("status", "New");
    }
    o.put("message", a.message);

    ObjectNode meta = o.putObject("metadata");
    meta.put("version", OCSF_VERSION);
    meta.put("uid", a.id + "-r" + a.revision);
    meta.put("sequence", a.revision);
    meta.put("log_name", "ualwatch.alerts");
    meta.putArray("profiles");
    ObjectNode product = meta.putObject("product");
    product.put("name", PRODUCT);
    product.put("vendor_name", PRODUCT);
    product.put("version", Alert.SCHEMA_VERSION);
    if (a.tenantId != null) meta.put("tenant_uid", a.tenantId);

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
    if (a.configVersion != null) analytic.put("version", a.configVersion);
    if (a.attackTechniqueId != null) {
      ObjectNode at = fi.putArray("attacks").addObject();
      at.put("version", ATTACK_VERSION);
      Attack t = Attack.of(a.attackTechniqueId, a.attackTechniqueName);
      ObjectNode tech = at.putObject("technique");
      tech.put("uid", t.techniqueId());
      if (t.techniqueName() != null) tech.put("name", t.techniqueName());
      if (t.subTechniqueId() != null) {
        ObjectNode sub = at.putObject("sub_technique");
        sub.put("uid", t.subTechniqueId());
        if (t.subTechniqueName() != null) sub.put("name", t.subTechniqueName());
      }
      if (a.attackTacticId != null) {
        ObjectNode tac = at.putObject("tactic");
        tac.put("uid", a.attackTacticId);
        if (a.attackTacticName != null) tac.put("name", a.attackTacticName);
      }
    }
    ArrayNode related = fi.putArray("related_events");
    for (Evidence e : a.evidence) {
      ObjectNode r = related.addObject();
      r.put("uid", e.recordId);
      if (e.operation != null) r.put("type", e.operation);
    }

    if (a.mailbox != null) {
      ObjectNode r = o.putArray("resources").addObject();
      r.put("type", "Mailbox");
      r.put("name", a.mailbox);
      r.put("uid", a.mailbox);
    }

    // One evidence per network location involved, each with the actor (user and client app).
    ArrayNode evidences = o.putArray("evidences");
    java.util.List<Endpoint> eps = a.endpoints.isEmpty() && a.source != null ? java.util.List.of(a.source) : a.endpoints;
    for (Endpoint ep : eps) {
      ObjectNode ev = evidences.addObject();
      ObjectNode actor = actor(a);
      if (actor != null) ev.set("actor", actor);
      ev.set("src_endpoint", endpoint(ep));
    }
    if (eps.isEmpty()) {
      ObjectNode actor = actor(a);
      if (actor != null) evidences.addObject().set("actor", actor);
    }

    ArrayNode obs = o.putArray("observables");
    if (a.user != null) observable(obs, "evidences.actor.user.name", 4, "User Name", a.user);
    if (a.mailbox != null) {
      boolean email = a.mailbox.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
      observable(obs, "resources.uid", email ? 5 : 4, email ? "Email Address" : "User Name", a.mailbox);
    }
    Set<String> ips = new LinkedHashSet<>();
    for (Endpoint ep : eps) if (ep.ip != null) ips.add(ep.ip);
    for (String ip : ips) observable(obs, "evidences.src_endpoint.ip", 2, "IP Address", ip);

    ObjectNode un = o.putObject("unmapped");
    un.put("ualwatch_schema_version", Alert.SCHEMA_VERSION);
    un.put("revision", a.revision);
    un.put("alert_status", a.status.name());
    un.put("is_alert", a.status.alertable());
    un.put("rule_id", a.ruleId);
    un.put("bucket", a.bucket);
    un.put("tenant_id", a.tenantId);
    if (a.user != null) un.put("user", a.user);
    if (a.source != null && a.source.ip != null) un.put("source_ip", a.source.ip);
    if (a.mailbox != null) un.put("mailbox", a.mailbox);
    if (a.appId != null) un.put("app_id", a.appId);
    if (a.appName != null) un.put("app_name", a.appName);
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
    ArrayNode evs = un.putArray("evidence");
    for (Evidence e : a.evidence) {
      ObjectNode x = evs.addObject();
      x.put("record_id", e.recordId);
      x.put("time", e.time);
      if (e.operation != null) x.put("operation", e.operation);
      if (e.ip != null) x.put("ip", e.ip);
      if (e.country != null) x.put("country", e.country);
      if (e.asn != null) x.put("asn", e.asn);
      if (e.detail != null) x.put("detail", e.detail);
    }
    un.put("time_iso", Instant.ofEpochMilli(a.time).toString());
    return o;
  }

  private static ObjectNode actor(Alert a) {
    if (a.user == null && a.appId == null && a.sessionId == null) return null;
    ObjectNode actor = MAPPER.createObjectNode();
    if (a.user != null) actor.putObject("user").put("name", a.user);
    if (a.appId != null) {
      actor.put("app_name", a.appName != null ? a.appName : a.appId);
      actor.put("app_uid", a.appId);
    }
    if (a.sessionId != null) actor.putObject("session").put("uid", a.sessionId);
    return actor;
  }

  private static void observable(ArrayNode obs, String name, int typeId, String type, String value) {
    ObjectNode n = obs.addObject();
    n.put("name", name);
    n.put("type_id", typeId);
    n.put("type", type);
    n.put("value", value);
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
