package io.ualwatch.testkit.emulator;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves recorded audit and sign-in records (a scenario's files, an export) through the emulator as if they had
 * just been published: records keep their own event times and bytes, only the API's publication times are new.
 * Audit records are grouped, in event-time order and per content type, into blobs; blob {@code contentCreated}
 * and sign-in {@code createdDateTime} (the listing filter) are spread linearly over {@code [publishFrom,
 * publishTo]} in event-time order, so a connector starting a little before {@code publishFrom} reads the whole
 * history within minutes, in roughly the order it happened, the way a live tenant would deliver it.
 *
 * <p>Like the real API, a small share of records is published twice, in two consecutive blobs of the same
 * content type ({@code duplicateEvery}: every n-th record of a content type; 0 = none). Deterministic: the same
 * records and times give the same blobs, ids and duplicates.
 */
public final class ReplayedTenant implements EmulatedTenant {
  private final String tenantId;
  private final Map<String, List<ContentBlob>> blobsByType;
  private final List<SignInEvent> signIns;

  private ReplayedTenant(String tenantId, Map<String, List<ContentBlob>> blobsByType, List<SignInEvent> signIns) {
    this.tenantId = tenantId;
    this.blobsByType = blobsByType;
    this.signIns = signIns;
  }

  /**
   * Builds one tenant per tenant id found in {@code events} (parsed records with {@link AuditEvent#raw}), the whole
   * history "published" over {@code [publishFrom, publishTo]}: blob {@code contentCreated} and sign-in listing times
   * spread linearly in event-time order (the records keep their own, older times).
   *
   * @param recordsPerBlob records per content blob (the real API serves from one to thousands)
   */
  public static List<ReplayedTenant> of(List<AuditEvent> events, Instant publishFrom, Instant publishTo,
      int recordsPerBlob, int duplicateEvery) {
    if (!publishTo.isAfter(publishFrom)) throw new IllegalArgumentException("publishTo must be after publishFrom");
    List<AuditEvent> sorted = sorted(events);
    if (sorted.isEmpty()) return List.of();
    long t0 = sorted.get(0).eventTime.toEpochMilli();
    long t1 = sorted.get(sorted.size() - 1).eventTime.toEpochMilli();
    long c0 = publishFrom.toEpochMilli();
    long span = publishTo.toEpochMilli() - c0;
    java.util.function.UnaryOperator<Instant> publish = t -> Instant.ofEpochMilli(t1 == t0 ? c0 + span
        : c0 + (long) ((double) (t.toEpochMilli() - t0) / (t1 - t0) * span));
    return build(sorted, recordsPerBlob, Long.MAX_VALUE, duplicateEvery, publish,
        (tenant, type, index, last) -> publish.apply(last), lastCreated -> publishTo);
  }

  /**
   * Builds one tenant per tenant id, published the way the real APIs publish: a sign-in is listed under its own
   * {@code createdDateTime}; audit records are grouped, in event-time order and per content type, into blobs of
   * at most {@code recordsPerBlob} records spanning at most {@code maxBlobSpan} of event time, and each blob is
   * created {@code latencyMin}..{@code latencyMax} after its last record (the Management Activity API's 60–90
   * minutes; deterministic per blob). Records must lie in the API's last 7 days for a connector to reach them;
   * blobs created after the emulator's "now" become visible when their time comes.
   */
  public static List<ReplayedTenant> asPublished(List<AuditEvent> events, Duration latencyMin, Duration latencyMax,
      int recordsPerBlob, Duration maxBlobSpan, int duplicateEvery) {
    if (latencyMax.compareTo(latencyMin) < 0) throw new IllegalArgumentException("latencyMax must not be below latencyMin");
    long spread = latencyMax.toMillis() - latencyMin.toMillis();
    return build(sorted(events), recordsPerBlob, maxBlobSpan.toMillis(), duplicateEvery, t -> t,
        (tenant, type, index, last) -> last.plus(latencyMin).plusMillis(spread == 0 ? 0
            : Math.floorMod((type + "|" + tenant + "|" + index).hashCode() * 2654435761L, spread + 1)),
        lastCreated -> lastCreated.plusSeconds(60));
  }

  /** When a blob is created: from its tenant, content type, index among the type's blobs and its last record. */
  private interface BlobCreated {
    Instant at(String tenant, String type, int index, Instant lastRecord);
  }

  private static List<AuditEvent> sorted(List<AuditEvent> events) {
    List<AuditEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing((AuditEvent e) -> e.eventTime).thenComparing(e -> e.recordId == null ? "" : e.recordId));
    return sorted;
  }

  /**
   * The tenants of {@code sorted} (event-time order): sign-ins listed at {@code signInListed} of their time; per
   * content type, blobs of at most {@code recordsPerBlob} records spanning at most {@code maxSpanMs}, created at
   * {@code created}; every {@code duplicateEvery}-th record is published again in the next blob, and those of the
   * last blob in one more, created at {@code carriedCreated} of the last blob's time.
   */
  private static List<ReplayedTenant> build(List<AuditEvent> sorted, int recordsPerBlob, long maxSpanMs,
      int duplicateEvery, java.util.function.UnaryOperator<Instant> signInListed, BlobCreated created,
      java.util.function.UnaryOperator<Instant> carriedCreated) {
    if (recordsPerBlob < 1) throw new IllegalArgumentException("recordsPerBlob must be at least 1");
    Map<String, Map<String, List<AuditEvent>>> audit = new LinkedHashMap<>();
    Map<String, List<SignInEvent>> signIns = new LinkedHashMap<>();
    for (AuditEvent e : sorted) {
      String tenant = e.tenantId == null || e.tenantId.isBlank() ? "00000000-0000-0000-0000-000000000000" : e.tenantId;
      if (e.source == EventSource.ENTRA_SIGNIN) {
        if (e.recordId == null) continue;
        String type = Boolean.FALSE.equals(e.interactive) ? "nonInteractiveUser" : "interactiveUser";
        signIns.computeIfAbsent(tenant, k -> new ArrayList<>())
            .add(new SignInEvent(e.recordId, signInListed.apply(e.eventTime), type, e.raw));
      } else {
        audit.computeIfAbsent(tenant, k -> new LinkedHashMap<>()).computeIfAbsent(contentType(e), k -> new ArrayList<>())
            .add(e);
      }
    }
    List<ReplayedTenant> out = new ArrayList<>();
    java.util.Set<String> tenants = new java.util.TreeSet<>(audit.keySet());
    tenants.addAll(signIns.keySet());
    for (String tenant : tenants) {
      Map<String, List<ContentBlob>> byType = new LinkedHashMap<>();
      audit.getOrDefault(tenant, Map.of()).forEach((type, recs) -> {
        List<ContentBlob> blobs = new ArrayList<>();
        List<String> carried = new ArrayList<>();
        int n = 0;
        int i = 0;
        while (i < recs.size()) {
          long first = recs.get(i).eventTime.toEpochMilli();
          int j = i;
          while (j < recs.size() && j - i < recordsPerBlob
              && recs.get(j).eventTime.toEpochMilli() - first <= maxSpanMs) j++;
          List<String> raw = new ArrayList<>(carried);
          carried.clear();
          for (AuditEvent e : recs.subList(i, j)) {
            raw.add(e.raw);
            n++;
            if (duplicateEvery > 0 && n % duplicateEvery == 0) carried.add(e.raw);
          }
          blobs.add(ContentBlob.of(type, created.at(tenant, type, blobs.size(), recs.get(j - 1).eventTime), raw));
          i = j;
        }
        if (!carried.isEmpty()) {
          blobs.add(ContentBlob.of(type, carriedCreated.apply(blobs.get(blobs.size() - 1).contentCreated()), carried));
        }
        byType.put(type, List.copyOf(blobs));
      });
      out.add(new ReplayedTenant(tenant, Map.copyOf(byType), List.copyOf(signIns.getOrDefault(tenant, List.of()))));
    }
    return out;
  }

  /** The Management Activity content type a record is published under, from its workload. */
  public static String contentType(AuditEvent e) {
    String w = e.workload == null ? "" : e.workload.toLowerCase(Locale.ROOT);
    return switch (w) {
      case "exchange" -> "Audit.Exchange";
      case "azureactivedirectory" -> "Audit.AzureActiveDirectory";
      case "sharepoint", "onedrive" -> "Audit.SharePoint";
      default -> "Audit.General";
    };
  }

  @Override
  public String tenantId() {
    return tenantId;
  }

  @Override
  public List<ContentBlob> blobs(String contentType, Instant fromInclusive, Instant toExclusive) {
    List<ContentBlob> out = new ArrayList<>();
    for (ContentBlob b : blobsByType.getOrDefault(contentType, List.of())) {
      if (!b.contentCreated().isBefore(fromInclusive) && b.contentCreated().isBefore(toExclusive)) out.add(b);
    }
    return out;
  }

  @Override
  public List<SignInEvent> signIns(Instant fromInclusive, Instant toExclusive) {
    List<SignInEvent> out = new ArrayList<>();
    for (SignInEvent s : signIns) {
      if (!s.createdDateTime().isBefore(fromInclusive) && s.createdDateTime().isBefore(toExclusive)) out.add(s);
    }
    return out;
  }

  /** Every blob served, all content types (for tests and the demo's counts). */
  public List<ContentBlob> allBlobs() {
    List<ContentBlob> all = new ArrayList<>();
    blobsByType.values().forEach(all::addAll);
    return all;
  }

  public List<SignInEvent> allSignIns() {
    return signIns;
  }

  /** Audit records served, counting the API's duplicates. */
  public long auditRecordsServed() {
    return allBlobs().stream().mapToLong(b -> b.records().size()).sum();
  }

  @Override
  public String toString() {
    return "ReplayedTenant[" + tenantId + ", " + allBlobs().size() + " blobs, " + signIns.size() + " sign-ins]";
  }
}
