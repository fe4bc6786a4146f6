package io.ualwatch.testkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A recorded history republished through the emulator: nothing lost, bytes untouched, order and duplicates. */
class ReplayedTenantTest {
  static final String TENANT = "e3552582-e3f2-3f88-9edc-1a635a4563b4";

  static List<AuditEvent> events() throws Exception {
    StringBuilder b = new StringBuilder();
    Instant t = Instant.parse("2025-03-03T00:00:00Z");
    for (int i = 0; i < 230; i++) {
      Instant at = t.plus(Duration.ofMinutes(37L * i));
      String workload = i % 3 == 0 ? "AzureActiveDirectory" : i % 7 == 0 ? "SharePoint" : "Exchange";
      b.append("{\"Id\":\"rec-").append(i).append("\",\"CreationTime\":\"").append(at.toString(), 0, 19)
          .append("\",\"Operation\":\"MailItemsAccessed\",\"OrganizationId\":\"").append(TENANT)
          .append("\",\"RecordType\":50,\"Workload\":\"").append(workload).append("\",\"UserId\":\"a@b.c\"}\n");
      if (i % 5 == 0) {
        b.append("{\"id\":\"si-").append(i).append("\",\"createdDateTime\":\"").append(at)
            .append("\",\"userPrincipalName\":\"a@b.c\",\"resourceTenantId\":\"").append(TENANT)
            .append("\",\"isInteractive\":").append(i % 10 == 0).append(",\"ipAddress\":\"1.2.3.4\"}\n");
      }
    }
    List<AuditEvent> out = new ArrayList<>();
    new InputReader().read(new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.UTF_8)), "t", new ParseListener() {
      @Override public void onEvent(AuditEvent e) { out.add(e); }
      @Override public void onReject(Rejection r) { throw new AssertionError(r.toString()); }
    });
    return out;
  }

  @Test
  void everyRecordIsServedByteForByteInEventTimeOrderWithinTheWindowAndSomeTwice() throws Exception {
    List<AuditEvent> events = events();
    Instant from = Instant.parse("2026-01-01T10:00:00Z");
    Instant to = from.plus(Duration.ofMinutes(20));
    List<ReplayedTenant> tenants = ReplayedTenant.of(events, from, to, 10, 13);
    assertEquals(1, tenants.size());
    ReplayedTenant t = tenants.get(0);
    assertEquals(TENANT, t.tenantId());

    Map<String, Integer> served = new HashMap<>();
    for (ContentBlob b : t.allBlobs()) {
      assertTrue(!b.contentCreated().isBefore(from) && !b.contentCreated().isAfter(to), b.contentCreated().toString());
      for (String r : b.records()) served.merge(r, 1, Integer::sum);
    }
    long audit = events.stream().filter(e -> !e.isSignIn()).count();
    for (AuditEvent e : events) {
      if (!e.isSignIn()) assertTrue(served.containsKey(e.raw), "served untouched: " + e.raw);
    }
    assertEquals(audit, served.size());
    long twice = served.values().stream().filter(n -> n == 2).count();
    assertTrue(twice > 0 && served.values().stream().allMatch(n -> n <= 2), "some records twice, none more");
    assertEquals(audit + twice, t.auditRecordsServed());

    // blobs of one content type come in the order of their records' event times
    for (String type : List.of("Audit.Exchange", "Audit.AzureActiveDirectory", "Audit.SharePoint")) {
      List<ContentBlob> blobs = new ArrayList<>(t.blobs(type, from, to.plusMillis(1)));
      assertTrue(!blobs.isEmpty(), type);
      blobs.sort(Comparator.comparing(ContentBlob::contentCreated));
      String last = "";
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (ContentBlob b : blobs) {
        for (String r : b.records()) {
          assertTrue(r.contains("\"Workload\":\"" + type.substring(6)), r);
          if (!seen.add(r)) continue; // a duplicate of an earlier record
          String time = r.substring(r.indexOf("CreationTime") + 15, r.indexOf("CreationTime") + 34);
          assertTrue(time.compareTo(last) >= 0, "event-time order: " + time + " after " + last);
          last = time;
        }
      }
    }

    // sign-ins keep their bytes, get a listing time inside the window and their Graph event type
    assertEquals(events.stream().filter(AuditEvent::isSignIn).count(), t.allSignIns().size());
    for (SignInEvent s : t.allSignIns()) {
      assertTrue(!s.createdDateTime().isBefore(from) && !s.createdDateTime().isAfter(to));
      assertEquals(s.json().contains("\"isInteractive\":true") ? "interactiveUser" : "nonInteractiveUser", s.eventType());
    }
    // the same input gives the same blobs (a connector re-listing after a restart sees the same ids)
    assertEquals(t.allBlobs(), ReplayedTenant.of(events, from, to, 10, 13).get(0).allBlobs());
  }

  @Test
  void asPublishedListsSignInsUnderTheirOwnTimeAndBlobsAnHourOrSoAfterTheirRecords() throws Exception {
    List<AuditEvent> events = events();
    List<ReplayedTenant> tenants = ReplayedTenant.asPublished(events, Duration.ofMinutes(60), Duration.ofMinutes(90),
        10, Duration.ofMinutes(120), 13);
    ReplayedTenant t = tenants.get(0);
    Map<String, Integer> served = new HashMap<>();
    Map<String, Instant> time = new HashMap<>();
    for (AuditEvent e : events) time.put(e.recordId, e.eventTime);
    int inDelay = 0;
    for (ContentBlob b : t.allBlobs()) {
      Instant last = null;
      for (String raw : b.records()) {
        String id = raw.replaceAll(".*\"Id\":\"([^\"]+)\".*", "$1");
        served.merge(id, 1, Integer::sum);
        Instant at = time.get(id);
        if (last == null || at.isAfter(last)) last = at;
      }
      Duration late = Duration.between(last, b.contentCreated());
      assertTrue(late.compareTo(Duration.ofMinutes(60)) >= 0, "never before the API's delay: " + late);
      if (late.compareTo(Duration.ofMinutes(90)) <= 0) inDelay++;
    }
    assertTrue(inDelay >= t.allBlobs().size() - 4, "blobs are created 60-90 min after their last record (all but the "
        + "last blob of each content type, which carries only duplicates): " + inDelay + " of " + t.allBlobs().size());
    long audit = events.stream().filter(e -> e.source != io.ualwatch.model.EventSource.ENTRA_SIGNIN).count();
    assertEquals(audit, served.size(), "every audit record is served");
    assertTrue(served.values().stream().anyMatch(n -> n == 2), "some twice, as the API does");
    for (SignInEvent s : t.allSignIns()) {
      assertEquals(time.get(s.id()), s.createdDateTime(), "a sign-in is listed under its own createdDateTime");
    }
  }

  @Test
  void timeShiftMovesEveryDateTimeByWholeDaysAndKeepsTheRest() {
    String raw = "{\"CreationTime\":\"2025-03-18T14:52:56\",\"AppAccessContext\":{\"IssuedAtTime\":"
        + "\"2025-02-28T23:59:59.1234567Z\"},\"Name\":\"2025-03-18\",\"createdDateTime\":\"2025-12-31T22:00:00+02:00\"}";
    assertEquals("{\"CreationTime\":\"2025-03-21T14:52:56\",\"AppAccessContext\":{\"IssuedAtTime\":"
        + "\"2025-03-03T23:59:59.1234567Z\"},\"Name\":\"2025-03-18\",\"createdDateTime\":\"2026-01-03T22:00:00+02:00\"}",
        TimeShift.shiftDays(raw, 3));
    assertEquals(raw, TimeShift.shiftDays(TimeShift.shiftDays(raw, 400), -400));
  }
}
