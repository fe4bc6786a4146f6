package io.ualwatch.siem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.EcsFormatter;
import io.ualwatch.model.alert.OcsfFormatter;
import java.math.BigDecimal;
import java.util.List;

/**
 * The request bodies that the SIEM integrations in deploy/siem send for alerts, built the way each vendor
 * documents them. The connectors build these themselves in production; these builders let the tests send the
 * same requests to local receivers that check them against the documented formats, and serve anyone who
 * posts alerts without Kafka Connect.
 */
public final class SiemPayloads {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SiemPayloads() {}

  /**
   * Splunk HEC {@code /services/collector/event} envelope: {@code {"time","host","source","sourcetype","index",
   * "event"}} with the OCSF finding as the event object and {@code time} in epoch seconds (the alert's publication
   * time; the alert's own event time is the OCSF {@code time} field).
   */
  public static ObjectNode splunkHecEvent(Alert a, long publishedMillis, String host, String index) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("time", BigDecimal.valueOf(publishedMillis, 3));
    o.put("host", host);
    o.put("source", "ualwatch");
    o.put("sourcetype", "ualwatch:ocsf");
    o.put("index", index);
    o.set("event", OcsfFormatter.toJson(a));
    ObjectNode fields = o.putObject("fields");
    fields.put("alert_id", a.id);
    fields.put("severity", a.severity.name().toLowerCase(java.util.Locale.ROOT));
    fields.put("status", a.status.label());
    return o;
  }

  /** A HEC batch: envelopes concatenated (HEC takes several JSON objects in one body, not an array). */
  public static String splunkHecBatch(List<Alert> alerts, long publishedMillis, String host, String index) {
    StringBuilder sb = new StringBuilder();
    for (Alert a : alerts) sb.append(splunkHecEvent(a, publishedMillis, host, index)).append('\n');
    return sb.toString();
  }

  /**
   * Elasticsearch {@code _bulk} NDJSON as the Elasticsearch sink connector writes it with {@code key.ignore=false}:
   * {@code write.method=upsert} gives {@code update} actions with {@code doc_as_upsert}, {@code insert} gives
   * {@code index} actions; {@code _id} is the alert id either way, so every revision lands on one document.
   */
  public static String elasticBulk(List<Alert> alerts, String index, boolean upsert) {
    StringBuilder sb = new StringBuilder();
    for (Alert a : alerts) {
      ObjectNode action = MAPPER.createObjectNode();
      ObjectNode meta = action.putObject(upsert ? "update" : "index");
      meta.put("_index", index);
      meta.put("_id", a.id);
      sb.append(action).append('\n');
      ObjectNode doc = EcsFormatter.toJson(a);
      if (upsert) {
        ObjectNode u = MAPPER.createObjectNode();
        u.set("doc", doc);
        u.put("doc_as_upsert", true);
        sb.append(u).append('\n');
      } else {
        sb.append(doc).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Body of an Azure Monitor Logs Ingestion API call for the {@code Custom-UalwatchAlerts} stream of
   * deploy/siem/sentinel/dcr.json: a JSON array of OCSF findings as they are on the alerts topic (the stream
   * declares their top-level attributes; the DCR's KQL transform flattens them into the table's columns).
   */
  public static String logsIngestionBody(List<Alert> alerts) {
    ArrayNode arr = MAPPER.createArrayNode();
    for (Alert a : alerts) arr.add(OcsfFormatter.toJson(a));
    return arr.toString();
  }

  /** The Logs Ingestion request path for a DCR immutable id and stream. */
  public static String logsIngestionPath(String dcrImmutableId, String stream) {
    return "/dataCollectionRules/" + dcrImmutableId + "/streams/" + stream + "?api-version=2023-01-01";
  }

  /** The value the alert sink writes for a format (for connectors that read a topic in that format). */
  public static String topicValue(Alert a, AlertFormat f) {
    return f.render(a);
  }
}
