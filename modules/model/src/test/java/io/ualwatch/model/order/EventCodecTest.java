package io.ualwatch.model.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.Geo;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spill-file and network encoding of an event: every field of every parsed record survives, whatever its values. */
class EventCodecTest {
  static final ObjectMapper FIELDS = new ObjectMapper().registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
          .addSerializer(Instant.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance))
      .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);

  static void assertRoundTrip(AuditEvent e) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    EventCodec.write(out, e);
    EventCodec.writeEnd(out);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(b.toByteArray()));
    AuditEvent back = EventCodec.read(in);
    assertEquals(FIELDS.valueToTree(e), FIELDS.valueToTree(back), e.recordId);
    assertEquals(null, EventCodec.read(in), "the end mark follows");
  }

  @Test
  void everyRecordOfTheParserGoldenFilesRoundTrips() throws IOException {
    List<AuditEvent> events = new ArrayList<>();
    try (var dirs = Files.list(Path.of("src/test/resources/golden"))) {
      for (Path d : dirs.sorted().toList()) {
        try (var files = Files.list(d)) {
          for (Path f : files.filter(p -> p.getFileName().toString().startsWith("input")).toList()) {
            try (InputStream in = Files.newInputStream(f)) {
              new InputReader().read(in, f.toString(), new ParseListener() {
                @Override public void onEvent(AuditEvent e) { events.add(e); }
                @Override public void onReject(Rejection r) {}
              });
            }
          }
        }
      }
    }
    assertTrue(events.size() > 100, "parsed " + events.size());
    for (AuditEvent e : events) assertRoundTrip(e);
  }

  @Test
  void unusualValuesRoundTrip() throws IOException {
    AuditEvent e = new AuditEvent();
    assertRoundTrip(e); // everything absent
    e.tenantId = "0F2B6C4E-AAAA-BBBB-CCCC-123456789ABC"; // upper case: kept as a string
    e.recordId = "ffffffff-ffff-ffff-ffff-ffffffffffff";
    e.appId = "00000000-0000-0000-0000-000000000000";
    e.clientAppId = "0000000-0000-0000-0000-0000000000000"; // a dash out of place
    e.eventTime = Instant.parse("1969-12-31T23:59:59.999999999Z");
    e.tokenIssuedAt = Instant.ofEpochMilli(-1);
    e.operation = "MailItemsAccessed";
    e.workload = "";
    e.actor = "é ünïcode ✓ " + "x".repeat(70_000);
    e.actorKind = ActorKind.APP;
    e.recordType = Integer.MIN_VALUE;
    e.userType = -1;
    e.logonType = Integer.MAX_VALUE;
    e.operationCount = -7;
    e.errorCode = 0;
    e.externalAccess = false;
    e.isThrottled = true;
    e.itemIds = List.of("a", "", "MailItemsAccessed");
    e.folders = new ArrayList<>();
    e.attributes = new LinkedHashMap<>();
    e.attributes.put("k", null);
    e.attributes.put("", "v");
    Geo g = new Geo();
    g.asn = Long.MAX_VALUE;
    g.latitude = -0.0;
    g.network = NetworkClass.HOSTING;
    e.geo = g;
    assertRoundTrip(e);
    g.asn = -1L;
    e.eventTime = Instant.MAX;
    assertRoundTrip(e);
    e.eventTime = Instant.MAX.minusNanos(999_999_999);
    assertRoundTrip(e);
    e.eventTime = Instant.MIN.plusNanos(5);
    assertRoundTrip(e);
  }
}
