package io.ualwatch.siem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SIEM HTTP integrations, without the SIEMs: a loopback JDK HttpServer plays Splunk HEC, Elasticsearch
 * and the Azure Monitor Logs Ingestion API, and checks each request against the vendor's documented format
 * (path, method, headers, body framing, envelope fields); the payloads are the ones the connectors in
 * deploy/siem produce from the alert topics. The Elasticsearch receiver applies the bulk actions to an
 * in-memory index, so the test also proves that revisions upsert onto one document per alert id. The DCR in
 * deploy/siem/sentinel is checked against the payload (every attribute declared, with a compatible type) and
 * against the table (the KQL transform reads only declared columns and projects exactly the table's columns).
 */
class SiemHttpPayloadsTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String HEC_TOKEN = "11111111-2222-3333-4444-555555555555";
  static final String DCR_ID = "dcr-0123456789abcdef0123456789abcdef";
  static HttpServer server;
  static String base;
  static final List<String> violations = new CopyOnWriteArrayList<>();
  static final List<JsonNode> hecEvents = new CopyOnWriteArrayList<>();
  static final Map<String, ObjectNode> esIndex = new HashMap<>();
  static final List<JsonNode> ingested = new CopyOnWriteArrayList<>();
  static JsonNode dcr;
  static JsonNode table;

  @BeforeAll
  static void start() throws IOException {
    Path root = repoRoot();
    dcr = MAPPER.readTree(root.resolve("deploy/siem/sentinel/dcr.json").toFile());
    table = MAPPER.readTree(root.resolve("deploy/siem/sentinel/table.json").toFile());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/services/collector/event", SiemHttpPayloadsTest::hec);
    server.createContext("/_bulk", SiemHttpPayloadsTest::bulk);
    server.createContext("/dataCollectionRules/", SiemHttpPayloadsTest::logsIngestion);
    server.start();
    base = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  static Path repoRoot() {
    String p = System.getProperty("ualwatch.repo.root");
    Path root = p != null ? Path.of(p) : Path.of("../..").toAbsolutePath().normalize();
    if (!Files.isDirectory(root.resolve("deploy"))) root = Path.of("../..").toAbsolutePath().normalize();
    return root;
  }

  // ---- receivers ----

  static void reply(HttpExchange x, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(code, code == 204 ? -1 : b.length);
    if (code != 204) x.getResponseBody().write(b);
    x.close();
  }

  static void fail(HttpExchange x, String why) throws IOException {
    violations.add(x.getRequestURI().getPath() + ": " + why);
    reply(x, 400, "{\"error\":\"" + why.replace("\"", "'") + "\"}");
  }

  /** Splunk HEC /services/collector/event: Authorization "Splunk <token>", body = one or more event objects. */
  static void hec(HttpExchange x) throws IOException {
    if (!x.getRequestMethod().equals("POST")) { fail(x, "method " + x.getRequestMethod()); return; }
    if (!("Splunk " + HEC_TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) { fail(x, "Authorization"); return; }
    byte[] body = x.getRequestBody().readAllBytes();
    List<JsonNode> events = new ArrayList<>();
    try (JsonParser p = MAPPER.getFactory().createParser(body)) {
      MappingIterator<JsonNode> it = MAPPER.readValues(p, JsonNode.class);
      while (it.hasNext()) events.add(it.next());
    }
    Set<String> allowed = Set.of("time", "host", "source", "sourcetype", "index", "event", "fields");
    for (JsonNode e : events) {
      if (!e.isObject()) { fail(x, "not an object"); return; }
      for (Iterator<String> f = e.fieldNames(); f.hasNext(); ) {
        String k = f.next();
        if (!allowed.contains(k)) { fail(x, "unknown envelope key " + k); return; }
      }
      if (!e.has("event") || e.get("event").isNull()) { fail(x, "no event"); return; }
      if (e.has("time") && !e.get("time").isNumber()) { fail(x, "time is not epoch seconds"); return; }
      for (String k : List.of("host", "source", "sourcetype", "index")) {
        if (e.has(k) && !e.get(k).isTextual()) { fail(x, k + " is not a string"); return; }
      }
      if (e.has("fields")) {
        for (Iterator<JsonNode> v = e.get("fields").elements(); v.hasNext(); ) {
          JsonNode fv = v.next();
          if (!fv.isTextual() && !fv.isArray()) { fail(x, "indexed field values must be strings"); return; }
        }
      }
    }
    hecEvents.addAll(events);
    reply(x, 200, "{\"text\":\"Success\",\"code\":0}");
  }

  /** Elasticsearch _bulk: NDJSON action/source pairs ending in a newline, applied to an in-memory index. */
  static void bulk(HttpExchange x) throws IOException {
    if (!x.getRequestMethod().equals("POST")) { fail(x, "method"); return; }
    String ct = x.getRequestHeaders().getFirst("Content-Type");
    if (ct == null || !ct.startsWith("application/x-ndjson")) { fail(x, "Content-Type " + ct); return; }
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (!body.endsWith("\n")) { fail(x, "bulk body must end with a newline"); return; }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      JsonNode action = MAPPER.readTree(lines[i]);
      if (action.size() != 1) { fail(x, "action line with " + action.size() + " keys"); return; }
      String op = action.fieldNames().next();
      JsonNode meta = action.get(op);
      if (!Set.of("index", "create", "update", "delete").contains(op)) { fail(x, "unknown action " + op); return; }
      if (!meta.hasNonNull("_index") || !meta.hasNonNull("_id")) { fail(x, op + " without _index/_id"); return; }
      String key = meta.get("_index").asText() + "/" + meta.get("_id").asText();
      if (op.equals("delete")) {
        esIndex.remove(key);
        continue;
      }
      if (++i >= lines.length) { fail(x, "action without source line"); return; }
      JsonNode src = MAPPER.readTree(lines[i]);
      synchronized (esIndex) {
        if (op.equals("update")) {
          if (!src.has("doc")) { fail(x, "update without doc"); return; }
          ObjectNode cur = esIndex.get(key);
          if (cur == null) {
            if (!src.path("doc_as_upsert").asBoolean()) { fail(x, "update of a missing document without doc_as_upsert"); return; }
            esIndex.put(key, (ObjectNode) src.get("doc").deepCopy());
          } else {
            merge(cur, (ObjectNode) src.get("doc"));
          }
        } else {
          esIndex.put(key, (ObjectNode) src.deepCopy());
        }
      }
      if (items.length() > 0) items.append(',');
      items.append("{\"").append(op).append("\":{\"_id\":\"").append(meta.get("_id").asText()).append("\",\"status\":200}}");
    }
    reply(x, 200, "{\"took\":1,\"errors\":false,\"items\":[" + items + "]}");
  }

  /** Elasticsearch partial-update semantics: objects merge recursively, everything else is replaced. */
  static void merge(ObjectNode into, ObjectNode from) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode cur = into.get(e.getKey());
      if (cur != null && cur.isObject() && e.getValue().isObject()) merge((ObjectNode) cur, (ObjectNode) e.getValue());
      else into.set(e.getKey(), e.getValue().deepCopy());
    }
  }

  /** Logs Ingestion API: POST /dataCollectionRules/{id}/streams/{stream}?api-version=2023-01-01, JSON array. */
  static void logsIngestion(HttpExchange x) throws IOException {
    Matcher m = Pattern.compile("/dataCollectionRules/([^/]+)/streams/([^/]+)").matcher(x.getRequestURI().getPath());
    if (!m.matches()) { fail(x, "path"); return; }
    if (!"api-version=2023-01-01".equals(x.getRequestURI().getQuery())) { fail(x, "api-version"); return; }
    if (!x.getRequestMethod().equals("POST")) { fail(x, "method"); return; }
    String auth = x.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) { fail(x, "Authorization must be a Bearer token"); return; }
    if (!"application/json".equals(x.getRequestHeaders().getFirst("Content-Type"))) { fail(x, "Content-Type"); return; }
    if (!m.group(1).equals(DCR_ID)) { fail(x, "unknown DCR " + m.group(1)); return; }
    Map<String, String> columns = streamColumns(m.group(2));
    if (columns == null) { fail(x, "stream " + m.group(2) + " not declared in the DCR"); return; }
    byte[] body = x.getRequestBody().readAllBytes();
    if (body.length > 1_000_000) { fail(x, "body over the 1 MB limit"); return; }
    JsonNode arr = MAPPER.readTree(body);
    if (!arr.isArray()) { fail(x, "body must be a JSON array"); return; }
    for (JsonNode row : arr) {
      for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String type = columns.get(e.getKey());
        if (type == null) { fail(x, "column " + e.getKey() + " is not in the stream declaration"); return; }
        if (!compatible(type, e.getValue())) { fail(x, e.getKey() + " is not a " + type + ": " + e.getValue()); return; }
      }
    }
    arr.forEach(ingested::add);
    reply(x, 204, "");
  }

  static Map<String, String> streamColumns(String stream) {
    JsonNode decl = dcr.at("/properties/streamDeclarations").get(stream);
    if (decl == null) return null;
    Map<String, String> cols = new LinkedHashMap<>();
    for (JsonNode c : decl.get("columns")) cols.put(c.get("name").asText(), c.get("type").asText());
    return cols;
  }

  static boolean compatible(String type, JsonNode v) {
    return switch (type) {
      case "string" -> v.isTextual();
      case "int" -> v.isInt();
      case "long" -> v.isIntegralNumber();
      case "real" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      case "datetime" -> v.isTextual() || v.isIntegralNumber();
      case "dynamic" -> true;
      default -> false;
    };
  }

  // ---- clients ----

  static HttpResponse<String> post(String path, String contentType, String auth, String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", contentType).header("Authorization", auth)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }

  static List<Alert> lifecycle() {
    return List.of(TestAlerts.alert(1, Severity.HIGH, AlertStatus.NEW, 1),
        TestAlerts.alert(2, Severity.CRITICAL, AlertStatus.NEW, 1),
        TestAlerts.alert(1, Severity.HIGH, AlertStatus.UPDATED, 2),
        TestAlerts.alert(1, Severity.HIGH, AlertStatus.CLOSED, 3),
        TestAlerts.alert(2, Severity.CRITICAL, AlertStatus.WITHDRAWN, 2));
  }

  @Test
  void splunkHecAcceptsTheEventEnvelopes() throws Exception {
    HttpResponse<String> r = post("/services/collector/event", "application/json", "Splunk " + HEC_TOKEN,
        SiemPayloads.splunkHecBatch(lifecycle(), TestAlerts.T + 3_600_000, "ualwatch-job", "security"));
    assertEquals(200, r.statusCode(), r.body() + " " + violations);
    assertEquals(List.of(), violations);
    assertEquals(5, hecEvents.stream().filter(e -> e.path("sourcetype").asText().equals("ualwatch:ocsf")).count());
    JsonNode first = hecEvents.stream().filter(e -> e.at("/event/metadata/sequence").asInt() == 1).findFirst().orElseThrow();
    assertEquals(2004, first.at("/event/class_uid").asInt());
    assertEquals((TestAlerts.T + 3_600_000) / 1000.0, first.get("time").asDouble(), 1e-9);
    // a wrong token is refused, as HEC does
    assertEquals(400, post("/services/collector/event", "application/json", "Bearer x", "{\"event\":1}").statusCode());
    violations.clear();
  }

  @Test
  void elasticsearchBulkUpsertsOneDocumentPerAlertId() throws Exception {
    for (boolean upsert : new boolean[] {true, false}) {
      String index = upsert ? "ualwatch-alerts" : "ualwatch-alerts-insert";
      HttpResponse<String> r = post("/_bulk", "application/x-ndjson", "ApiKey x",
          SiemPayloads.elasticBulk(lifecycle(), index, upsert));
      assertEquals(200, r.statusCode(), r.body() + " " + violations);
      assertEquals(List.of(), violations);
      assertFalse(MAPPER.readTree(r.body()).get("errors").asBoolean());
      Map<String, ObjectNode> docs = new HashMap<>();
      esIndex.forEach((k, v) -> { if (k.startsWith(index + "/")) docs.put(k.substring(index.length() + 1), v); });
      assertEquals(2, docs.size(), "five revisions of two alerts: two documents");
      ObjectNode one = docs.get(TestAlerts.alert(1).id);
      assertEquals(3, one.at("/event/sequence").asInt());
      assertEquals("closed", one.at("/ualwatch/status").asText());
      ObjectNode two = docs.get(TestAlerts.alert(2).id);
      assertEquals("withdrawn", two.at("/ualwatch/status").asText());
      assertFalse(two.at("/ualwatch/is_alert").asBoolean());
    }
  }

  @Test
  void logsIngestionAcceptsTheDcrStream() throws Exception {
    HttpResponse<String> r = post(SiemPayloads.logsIngestionPath(DCR_ID, "Custom-UalwatchAlerts"), "application/json",
        "Bearer eyJ0eXAiOiJKV1QifQ.test.sig", SiemPayloads.logsIngestionBody(lifecycle()));
    assertEquals(204, r.statusCode(), r.body() + " " + violations);
    assertEquals(List.of(), violations);
    assertEquals(5, ingested.size());
    // a stream the DCR does not declare is refused
    assertEquals(400, post(SiemPayloads.logsIngestionPath(DCR_ID, "Custom-Other"), "application/json", "Bearer t", "[]")
        .statusCode());
    violations.clear();
  }

  static final Set<String> KQL_FUNCTIONS = Set.of("tostring", "toint", "tolong", "tobool", "todouble", "todynamic",
      "unixtime_milliseconds_todatetime");

  @Test
  void theDcrTransformReadsDeclaredColumnsAndFillsTheTable() {
    Map<String, String> stream = streamColumns("Custom-UalwatchAlerts");
    Map<String, String> tableCols = new LinkedHashMap<>();
    for (JsonNode c : table.at("/properties/schema/columns")) tableCols.put(c.get("name").asText(), c.get("type").asText());
    JsonNode flow = dcr.at("/properties/dataFlows/0");
    assertEquals("Custom-UalwatchAlerts", flow.at("/streams/0").asText());
    assertEquals("Custom-" + table.at("/properties/schema/name").asText(), flow.get("outputStream").asText());
    assertEquals(dcr.at("/properties/destinations/logAnalytics/0/name").asText(), flow.at("/destinations/0").asText());
    String kql = flow.get("transformKql").asText();
    assertTrue(kql.startsWith("source | extend TimeGenerated = "), kql);
    String project = kql.substring(kql.indexOf("| project ") + "| project ".length());
    Map<String, String> produced = new LinkedHashMap<>();
    produced.put("TimeGenerated", "datetime");
    for (String item : project.split(",\\s*")) {
      String name;
      String expr;
      int eq = item.indexOf(" = ");
      if (eq < 0) {
        name = item.strip();
        expr = name;
      } else {
        name = item.substring(0, eq).strip();
        expr = item.substring(eq + 3).strip();
      }
      // every root identifier the expression reads is a declared stream column (or TimeGenerated)
      Matcher id = Pattern.compile("\\['([a-z_]+)'\\]|(?<![.\\w])([A-Za-z_][A-Za-z0-9_]*)").matcher(expr);
      while (id.find()) {
        String ident = id.group(1) != null ? id.group(1) : id.group(2);
        if (KQL_FUNCTIONS.contains(ident) || ident.equals("TimeGenerated")) continue;
        assertTrue(stream.containsKey(ident), name + " reads " + ident + ", which the stream does not declare");
      }
      String type;
      if (expr.startsWith("tostring(")) type = "string";
      else if (expr.startsWith("toint(")) type = "int";
      else if (expr.startsWith("tobool(")) type = "boolean";
      else if (expr.startsWith("unixtime_milliseconds_todatetime(")) type = "datetime";
      else if (expr.equals("TimeGenerated")) type = "datetime";
      else if (expr.contains(".")) type = "dynamic";
      else type = stream.get(expr);
      produced.put(name, type);
    }
    assertEquals(tableCols, produced, "the transform's output is exactly the table's columns and types");
    Set<String> reserved = new LinkedHashSet<>(List.of("TenantId", "Type", "_ResourceId", "SourceSystem"));
    reserved.retainAll(tableCols.keySet());
    assertEquals(Set.of(), reserved, "Log Analytics reserves these column names");
  }

  @Test
  void connectorConfigurationsUpsertByAlertId() throws IOException {
    JsonNode es = MAPPER.readTree(repoRoot().resolve("deploy/siem/elasticsearch/ualwatch-elasticsearch-sink.json").toFile())
        .get("config");
    assertEquals("false", es.get("key.ignore").asText(), "the record key (alert id) is the document _id");
    assertEquals("upsert", es.get("write.method").asText());
    assertEquals("org.apache.kafka.connect.storage.StringConverter", es.get("key.converter").asText());
    JsonNode splunk = MAPPER.readTree(repoRoot().resolve("deploy/siem/splunk/ualwatch-splunk-sink.json").toFile())
        .get("config");
    assertEquals("ualwatch.alerts", splunk.get("topics").asText());
    assertEquals("false", splunk.get("splunk.hec.raw").asText(), "the /event endpoint and its envelope");
    assertEquals("true", splunk.get("splunk.hec.ack.enabled").asText());
    JsonNode template = MAPPER.readTree(repoRoot().resolve("deploy/siem/elasticsearch/index-template.json").toFile());
    assertEquals("geo_point", template.at("/template/mappings/properties/source/properties/geo/properties/location/type").asText());
    assertEquals("ip", template.at("/template/mappings/properties/source/properties/ip/type").asText());
  }
}
