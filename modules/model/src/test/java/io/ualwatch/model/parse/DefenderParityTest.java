package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.AuditEventJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A UAL record read from a Defender XDR CloudAppEvents row (Advanced Hunting CSV and JSON exports, the streaming
 * envelope) is the same event as the record read directly: the same operation (ActionType {@code Consent to
 * application.} = UAL {@code Consent to application}), tenant, actor, ids, and the same change facts
 * ({@code appChange}, {@code targetAppId}, {@code grantedPermissions}, {@code securityChange}, {@code forwardTo},
 * ...) the attack-chain rules read. Only format, shape, origin and the {@code defender*} attributes differ.
 */
class DefenderParityTest {
  private static final ObjectMapper M = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"directory-consent-and-grants", "directory-mfa-reset-tap", "exchange-forwarding-rules",
      "ual-single-record"})
  void defenderRowsGiveTheUalEvent(String golden) throws IOException {
    Path dir = GoldenParseTest.ROOT.resolve(golden);
    Path input;
    try (var s = Files.list(dir)) {
      input = s.filter(p -> p.getFileName().toString().startsWith("input")).findFirst().orElseThrow();
    }
    List<JsonNode> records = new ArrayList<>();
    try (var values = M.readerFor(JsonNode.class).<JsonNode>readValues(input.toFile())) {
      while (values.hasNext()) {
        JsonNode n = values.next();
        if (n.isArray()) n.forEach(records::add);
        else records.add(n);
      }
    }
    assertFalse(records.isEmpty());
    Collected plain = Collected.read(M.writeValueAsString(records));
    assertEquals(records.size(), plain.events.size(), () -> "plain: " + plain.rejections);

    StringBuilder csv = new StringBuilder("Timestamp,ActionType,Application,ApplicationId,ReportId,RawEventData\r\n");
    List<ObjectNode> ahString = new ArrayList<>();
    List<ObjectNode> ahObject = new ArrayList<>();
    ObjectNode stream = M.createObjectNode();
    int i = 0;
    for (JsonNode r : records) {
      String op = r.path("Operation").asText();
      String text = M.writeValueAsString(r);
      csv.append("2025-03-04T12:00:00.0000000Z,").append(quote(op)).append(",Microsoft 365,11161,r-").append(i)
          .append(',').append(quote(text)).append("\r\n");
      ObjectNode row = M.createObjectNode().put("Timestamp", "2025-03-04T12:00:00.0000000Z").put("ActionType", op)
          .put("Application", "Microsoft 365").put("ApplicationId", "11161").put("ReportId", "r-" + i);
      ahString.add(row.deepCopy().put("RawEventData", text));
      ahObject.add((ObjectNode) row.deepCopy().set("RawEventData", r));
      ObjectNode env = stream.withArray("records").addObject().put("time", "2025-03-04T12:05:00Z")
          .put("tenantId", "0c0ffee0-0000-4000-8000-0000000000aa").put("operationName", "Publish")
          .put("category", "AdvancedHunting-CloudAppEvents");
      env.set("properties", row.deepCopy().set("RawEventData", r));
      i++;
    }
    Map<String, String> forms = Map.of(
        "advanced hunting CSV", csv.toString(),
        "advanced hunting JSON, RawEventData as text", M.writeValueAsString(ahString),
        "advanced hunting JSON, RawEventData as object", M.writeValueAsString(ahObject),
        "streaming envelope", M.writeValueAsString(stream));
    for (Map.Entry<String, String> f : forms.entrySet()) {
      Collected d = Collected.read(f.getValue());
      assertEquals(plain.events.size(), d.events.size(), () -> f.getKey() + ": " + d.rejections);
      for (int k = 0; k < plain.events.size(); k++) {
        AuditEvent want = plain.events.get(k);
        AuditEvent got = d.events.get(k);
        assertEquals("defender-cloudappevents", got.shape, f.getKey());
        assertEquals(comparable(want), comparable(got), f.getKey() + ", record " + k + " (" + want.operation + ")");
      }
    }
    // the chain rules' facts are there at all (not only equal because both lack them)
    if (golden.equals("directory-consent-and-grants")) {
      assertTrue(plain.events.stream().anyMatch(e -> "consent".equals(e.attribute("appChange"))
          && "7d1e9a3f-2b88-4c10-9f55-c0aa41e2b6d1".equals(e.attribute("targetAppId"))));
    }
  }

  /** The event without what names the container: format, shape, origin, Defender's own attributes. */
  private static String comparable(AuditEvent e) throws IOException {
    ObjectNode o = (ObjectNode) AuditEventJson.toJson(e, false);
    o.remove(List.of("format", "shape", "origin"));
    JsonNode attrs = o.get("attributes");
    if (attrs instanceof ObjectNode a) {
      for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
        if (it.next().startsWith("defender")) it.remove();
      }
      if (a.isEmpty()) o.remove("attributes");
    }
    return M.writerWithDefaultPrettyPrinter().writeValueAsString(o);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
