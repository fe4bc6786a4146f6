package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.AuditEventJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: every directory under src/test/resources/golden holds one {@code input.*} file and one
 * {@code expected.json} (the detected format, every normalized event, every rejection). One dynamic test
 * per directory, no code per case. Run with {@code -Dgolden.update=true} to rewrite the expected files
 * after a deliberate change, then review the diff.
 */
class GoldenParseTest {
  static final Path ROOT = Path.of("src/test/resources/golden");
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @TestFactory
  Stream<DynamicTest> goldenCases() throws IOException {
    List<Path> cases;
    try (Stream<Path> s = Files.list(ROOT)) {
      cases = s.filter(Files::isDirectory).sorted().toList();
    }
    assertFalse(cases.isEmpty(), "no golden cases under " + ROOT.toAbsolutePath());
    return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
  }

  static void check(Path dir) throws IOException {
    Path input;
    try (Stream<Path> s = Files.list(dir)) {
      input = s.filter(p -> p.getFileName().toString().startsWith("input")).findFirst()
          .orElseThrow(() -> new AssertionError("no input.* in " + dir));
    }
    ObjectNode actual = run(input);
    Path expected = dir.resolve("expected.json");
    if (Boolean.getBoolean("golden.update") || !Files.exists(expected)) {
      Files.writeString(expected, MAPPER.writeValueAsString(actual) + "\n");
      if (!Boolean.getBoolean("golden.update")) {
        throw new AssertionError("wrote missing " + expected + "; review it and run again");
      }
      return;
    }
    JsonNode want = MAPPER.readTree(expected.toFile());
    assertEquals(MAPPER.writeValueAsString(want), MAPPER.writeValueAsString(actual),
        "normalized output differs for " + dir.getFileName());
  }

  static ObjectNode run(Path input) throws IOException {
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode events = MAPPER.createArrayNode();
    ArrayNode rejections = MAPPER.createArrayNode();
    ArrayNode warnings = MAPPER.createArrayNode();
    String name = input.getFileName().toString();
    InputFormat format;
    try (InputStream in = Files.newInputStream(input)) {
      format = new InputReader().read(in, name, new ParseListener() {
        @Override public void onEvent(AuditEvent e) { events.add(AuditEventJson.toJson(e, false)); }
        @Override public void onReject(Rejection r) {
          ObjectNode o = rejections.addObject();
          o.put("reason", r.reason().name());
          o.put("origin", r.origin());
          o.put("message", r.message());
        }
        @Override public void onWarning(String origin, String message) { warnings.add(message); }
      });
    }
    out.put("format", format.id());
    out.put("events", events.size());
    out.put("rejected", rejections.size());
    out.set("records", events);
    out.set("rejections", rejections);
    if (!warnings.isEmpty()) out.set("warnings", warnings);
    return out;
  }
}
