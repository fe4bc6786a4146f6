package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ualwatch.model.AuditEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A listener's own exception (a Kafka producer that failed, a caller that stops early) ends the read and reaches
 * the caller as it was thrown: it is not reported as a parser bug and the reader does not go on.
 */
class ListenerExceptionTest {
  static String record(int i) {
    return "{\"Id\":\"r" + i + "\",\"CreationTime\":\"2025-03-03T10:0" + i + ":00\",\"Operation\":\"MailItemsAccessed\","
        + "\"OrganizationId\":\"t\",\"RecordType\":50,\"Workload\":\"Exchange\",\"UserId\":\"a@b.c\"}";
  }

  @ParameterizedTest
  @ValueSource(strings = {"ndjson", "array", "csv"})
  void theListenersExceptionReachesTheCallerUnchanged(String layout) {
    List<String> recs = new ArrayList<>();
    for (int i = 0; i < 6; i++) recs.add(record(i));
    String text = switch (layout) {
      case "ndjson" -> String.join("\n", recs) + "\n";
      case "array" -> "[" + String.join(",", recs) + "]";
      default -> "CreationDate,UserIds,Operations,AuditData\n" + String.join("\n", recs.stream()
          .map(r -> "2025-03-03T10:00:00.0000000Z,a@b.c,MailItemsAccessed,\"" + r.replace("\"", "\"\"") + "\"").toList()) + "\n";
    };
    IllegalStateException boom = new IllegalStateException("sink refused the record");
    List<AuditEvent> seen = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    IllegalStateException got = assertThrows(IllegalStateException.class, () -> new InputReader().read(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t", new ParseListener() {
          @Override public void onEvent(AuditEvent e) {
            seen.add(e);
            if (seen.size() == 3) throw boom;
          }
          @Override public void onReject(Rejection r) { rejected.add(r); }
        }));
    assertSame(boom, got);
    assertEquals(3, seen.size(), "reading stopped at the failure");
    assertEquals(List.of(), rejected, "not reported as a parser bug");
  }
}
