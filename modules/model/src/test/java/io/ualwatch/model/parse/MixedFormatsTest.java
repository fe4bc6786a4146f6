package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.AuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The mixed folder fixture for {@code validate}: one file per input format plus deliberate garbage. Every
 * record must be parsed and each garbage record rejected with its reason, as listed (by construction of the
 * files, not by running the parser) in {@code mixed-formats.expected.json}.
 */
class MixedFormatsTest {
  static final Path DIR = Path.of("src/test/resources/mixed-formats");
  static final Path MANIFEST = Path.of("src/test/resources/mixed-formats.expected.json");

  @Test
  void everyFileParsesAsListedAndEveryGarbageRecordIsRejectedWithItsReason() throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(MANIFEST.toFile());
    List<String> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    List<String> listed = new ArrayList<>();
    manifest.fieldNames().forEachRemaining(listed::add);
    assertEquals(listed.stream().sorted().toList(), files, "the manifest lists exactly the files in the folder");

    int events = 0;
    int rejections = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = manifest.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode want = f.getValue();
      Collected got;
      try (InputStream in = Files.newInputStream(DIR.resolve(f.getKey()))) {
        got = Collected.read(ParseLimits.DEFAULT, in, f.getKey());
      }
      assertEquals(want.get("format").asText(), got.format.id(), f.getKey() + ": format");
      assertEquals(want.get("events").asInt(), got.events.size(), f.getKey() + ": events " + got.rejections);
      Map<String, String> wantRej = new TreeMap<>();
      want.get("rejections").fields().forEachRemaining(r -> wantRej.put(r.getKey(), r.getValue().asText()));
      Map<String, String> gotRej = new TreeMap<>();
      for (Rejection r : got.rejections) gotRej.put(r.origin(), r.reason().name());
      assertEquals(wantRej, gotRej, f.getKey() + ": rejections by origin");
      for (AuditEvent e : got.events) {
        assertNotNull(e.eventTime, f.getKey());
        assertNotNull(e.recordId, f.getKey());
        assertNotNull(e.raw, f.getKey());
      }
      events += got.events.size();
      rejections += got.rejections.size();
    }
    assertEquals(25, events, "records parsed across the folder");
    assertEquals(5, rejections, "garbage records rejected across the folder");
  }
}
