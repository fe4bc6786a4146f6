package io.ualwatch.model.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Renders an {@link Alert} as an Elastic Common Schema document ({@code event.kind: alert}). {@code event.id}
 * is the deterministic alert id — use it as the Elasticsearch document {@code _id} so that every revision
 * upserts the same document — and {@code event.sequence} is the revision. ECS has no place for some of our
 * fields; they are under {@code ualwatch.*}. Field types follow the ECS reference (keyword arrays for
 * {@code threat.technique.*}, {@code geo_point} as {lat, lon}, dates as ISO-8601). The mapping is pinned by
 * {@code schemas/ecs-alert.ualwatch.schema.json}.
 */
public final class EcsFormatter {
  public static final String ECS_VERSION = "8.11.0";
  public static final String DATASET = "ualwatch.alerts";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EcsFormatter() {}

  public static String toJsonString(Alert a) {
    return toJson(a).toString();
  }

  /** A stable UUID for a rule id (ECS {@code rule.uuid}): name-based, so every deployment agrees. */
  public static String ruleUuid(String ruleId) {
    return UUID.nameUUIDFromBytes(("ualwatch/rule/" + ruleId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  public static ObjectNode toJson(Alert a) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("@timestamp", Instant.ofEpochMilli(a.time).toString());
    o.putObject("ecs").put("version", ECS_VERSION);
    o.put("message", a.message);

    ObjectNode ev = o.putObject("event");
    ev.put("kind", "alert");
    ev.put("module", "ualwatch");
    ev.put("dataset", DATASET);
    ev.put("provider", "ualwatch");
    ev.put("id", a.id);
    ev.put("code", a.ruleId);
    ev.put("action", "alert-" + a.status.label());
    ev.putArray("category").add(a.mailbox != null ? "email" : "session");
    ev.putArray("type").add("info");
    ev.put("severity", a.severity.ocsfId());
    ev.put("risk_score", (double) a.confidence);
    ev.put("start", Instant.ofEpochMilli(a.firstSeen).toString());
    ev.put("end", Instant.ofEpochMilli(a.lastSeen).toString());
    ev.put("sequence", a.revision);
    if (a.baseline != null) ev.put("reason", a.baseline);

    ObjectNode rule = o.putObject("rule");
    rule.put("id", a.ruleId);
    rule.put("uuid", ruleUuid(a.ruleId));
    rule.put("name", a.ruleName);
    rule.put("ruleset", "ualwatch");
    rule.put("category", "Mailbox access anomaly");
    rule.putArray("author").add("ualwatch");
    if (a.configVersion != null) rule.put("version", a.configVersion);

    ObjectNode obs = o.putObject("observer");
    obs.put("vendor", "ualwatch");
    obs.put("product", "ualwatch");
    obs.put("version", Alert.SCHEMA_VERSION);

    if (a.tenantId != null) o.putObject("organization").put("id", a.tenantId);

    if (a.user != null || a.mailbox != null) {
      ObjectNode user = o.putObject("user");
      if (a.user != null) user.put("name", a.user);
      if (a.mailbox != null && !a.mailbox.equalsIgnoreCase(a.user == null ? "" : a.user)) {
        user.putObject("target").put("name", a.mailbox);
      }
    }

    if (a.source != null) o.set("source", endpoint(a.source));

    if (a.attackTechniqueId != null || a.attackTacticId != null) {
      ObjectNode th = o.putObject("threat");
      th.put("framework", "MITRE ATT&CK");
      if (a.attackTechniqueId != null) {
        Attack t = Attack.of(a.attackTechniqueId, a.attackTechniqueName);
        ObjectNode tech = th.putObject("technique");
        tech.putArray("id").add(t.techniqueId());
        if (t.techniqueName() != null) tech.putArray("name").add(t.techniqueName());
        tech.putArray("reference").add(Attack.reference(t.techniqueId()));
        if (t.subTechniqueId() != null) {
          ObjectNode sub = tech.putObject("subtechnique");
          sub.putArray("id").add(t.subTechniqueId());
          if (t.subTechniqueName() != null) sub.putArray("name").add(t.subTechniqueName());
          sub.putArray("reference").add(Attack.reference(t.subTechniqueId()));
        }
      }
      if (a.attackTacticId != null) {
        ObjectNode tac = th.putObject("tactic");
        tac.putArray("id").add(a.attackTacticId);
        if (a.attackTacticName != null) tac.putArray("name").add(a.attackTacticName);
        tac.putArray("reference").add(Attack.tacticReference(a.attackTacticId));
      }
    }

    ObjectNode rel = o.putObject("related");
    Set<String> users = new LinkedHashSet<>();
    if (a.user != null) users.add(a.user);
    if (a.mailbox != null) users.add(a.mailbox);
    ArrayNode ru = rel.putArray("user");
    users.forEach(ru::add);
    Set<String> ips = new LinkedHashSet<>();
    if (a.source != null && a.source.ip != null) ips.add(a.source.ip);
    for (Endpoint e : a.endpoints) if (e.ip != null) ips.add(e.ip);
    ArrayNode ri = rel.putArray("ip");
    ips.forEach(ri::add);

    ObjectNode u = o.putObject("ualwatch");
    u.put("schema_version", Alert.SCHEMA_VERSION);
    u.put("alert_id", a.id);
    u.put("revision", a.revision);
    u.put("status", a.status.label());
    u.put("is_alert", a.status.alertable());
    u.put("severity", a.severity.name().toLowerCase(java.util.Locale.ROOT));
    u.put("confidence", a.confidence);
    u.put("bucket", a.bucket);
    u.put("tenant_id", a.tenantId);
    if (a.mailbox != null) u.put("mailbox", a.mailbox);
    if (a.appId != null || a.appName != null) {
      ObjectNode app = u.putObject("app");
      if (a.appId != null) app.put("id", a.appId);
      if (a.appName != null) app.put("name", a.appName);
      if (a.appFirstParty != null) app.put("first_party", a.appFirstParty);
    }
    if (a.tokenId != null) u.put("token_id", a.tokenId);
    if (a.sessionId != null) u.put("session_id", a.sessionId);
    if (a.baseline != null) u.put("baseline", a.baseline);
    u.put("evidence_count", a.evidenceCount);
    if (a.configVersion != null) u.put("config_version", a.configVersion);
    ObjectNode ent = u.putObject("entities");
    for (Map.Entry<String, String> e : a.entities.entrySet()) ent.put(e.getKey(), e.getValue());
    ObjectNode facts = u.putObject("facts");
    for (Map.Entry<String, String> e : a.facts.entrySet()) facts.put(e.getKey(), e.getValue());
    ArrayNode eps = u.putArray("endpoints");
    for (Endpoint e : a.endpoints) {
      ObjectNode x = endpoint(e);
      x.put("time", Instant.ofEpochMilli(e.time).toString());
      if (e.network != null) x.put("network_class", e.network);
      eps.add(x);
    }
    ArrayNode evs = u.putArray("evidence");
    for (Evidence e : a.evidence) {
      ObjectNode x = evs.addObject();
      x.put("record_id", e.recordId);
      x.put("time", Instant.ofEpochMilli(e.time).toString());
      if (e.operation != null) x.put("operation", e.operation);
      if (e.ip != null) x.put("ip", e.ip);
      if (e.country != null) x.put("country_iso_code", e.country);
      if (e.asn != null) x.put("as_number", e.asn);
      if (e.detail != null) x.put("detail", e.detail);
    }
    return o;
  }

  private static ObjectNode endpoint(Endpoint ep) {
    ObjectNode s = MAPPER.createObjectNode();
    if (ep.ip != null) s.put("ip", ep.ip);
    if (ep.country != null || ep.city != null || ep.latitude != null) {
      ObjectNode geo = s.putObject("geo");
      if (ep.country != null) geo.put("country_iso_code", ep.country);
      if (ep.city != null) geo.put("city_name", ep.city);
      if (ep.latitude != null && ep.longitude != null) {
        ObjectNode loc = geo.putObject("location");
        loc.put("lat", ep.latitude);
        loc.put("lon", ep.longitude);
      }
    }
    if (ep.asn != null) {
      ObjectNode as = s.putObject("as");
      as.put("number", ep.asn);
      if (ep.asOrg != null) as.putObject("organization").put("name", ep.asOrg);
    }
    return s;
  }
}
