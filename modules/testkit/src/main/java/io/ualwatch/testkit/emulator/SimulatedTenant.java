package io.ualwatch.testkit.emulator;

import io.ualwatch.testkit.sim.TenantSimulator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic tenant simulator served live: the simulated tenant's days are laid out on the real calendar
 * (day 0 = {@link TenantSimulator.Settings#start()}), and every audit record is published the way the Management
 * Activity API publishes it, 60 to 90 minutes after it happened (one in fifty up to 24 hours late), in content
 * blobs of five-minute publication slots. Sign-ins are listed from their own time. The emulator only lists what
 * its clock has passed, so an emulator on the system clock delivers the tenant as it "happens", with realistic
 * delays, duplicates-free, for as long as it runs.
 *
 * <p>Deterministic: a record's delay derives from its id, a slot's blob from the records published in it, so
 * the same range always yields the same blobs (as the connector's restart semantics require).
 */
public final class SimulatedTenant implements EmulatedTenant {
  static final long SLOT = 5 * 60_000L;
  static final long MAX_DELAY = 24 * 3_600_000L;
  private static final Pattern WORKLOAD = Pattern.compile("\"Workload\"\\s*:\\s*\"(\\w+)\"");
  private static final Pattern INTERACTIVE = Pattern.compile("\"isInteractive\"\\s*:\\s*(true|false)");

  private final TenantSimulator sim;
  private final LocalDate start;
  private final int days;
  /** A few generated days (the connector asks for neighbouring ranges). */
  private final Map<Integer, List<TenantSimulator.Record>> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, List<TenantSimulator.Record>> e) {
      return size() > 6;
    }
  };

  public SimulatedTenant(TenantSimulator sim) {
    this.sim = sim;
    this.start = sim.settings().start();
    this.days = sim.settings().days();
  }

  public TenantSimulator simulator() {
    return sim;
  }

  @Override
  public String tenantId() {
    return sim.tenantId();
  }

  /** When the API publishes an audit record: 60–90 min after it happened, one in fifty up to 24 h. */
  public static long publishedAt(TenantSimulator.Record r) {
    long h = mix(r.id().getBytes(StandardCharsets.UTF_8));
    long minutes = 60 + Math.floorMod(h, 31);
    if (Math.floorMod(h >>> 20, 50) == 0) minutes = 90 + Math.floorMod(h >>> 32, 22 * 60 + 30);
    return r.time() + minutes * 60_000L;
  }

  @Override
  public List<ContentBlob> blobs(String contentType, Instant fromInclusive, Instant toExclusive) {
    long from = Math.floorDiv(fromInclusive.toEpochMilli(), SLOT) * SLOT;
    long to = toExclusive.toEpochMilli();
    TreeMap<Long, List<String>> bySlot = new TreeMap<>();
    for (TenantSimulator.Record r : records(from - MAX_DELAY - SLOT, to)) {
      if (r.feed() != TenantSimulator.Feed.AUDIT || !contentType.equals(contentType(r.json()))) continue;
      long p = publishedAt(r);
      long slotEnd = Math.floorDiv(p, SLOT) * SLOT + SLOT;
      if (slotEnd < from || slotEnd >= to + SLOT) continue;
      bySlot.computeIfAbsent(slotEnd, k -> new ArrayList<>()).add(r.json());
    }
    List<ContentBlob> out = new ArrayList<>();
    bySlot.forEach((slotEnd, recs) -> {
      Instant created = Instant.ofEpochMilli(slotEnd);
      if (!created.isBefore(fromInclusive) && created.isBefore(toExclusive)) {
        out.add(ContentBlob.of(contentType, created, recs));
      }
    });
    return out;
  }

  @Override
  public List<SignInEvent> signIns(Instant fromInclusive, Instant toExclusive) {
    List<SignInEvent> out = new ArrayList<>();
    for (TenantSimulator.Record r : records(fromInclusive.toEpochMilli(), toExclusive.toEpochMilli())) {
      if (r.feed() != TenantSimulator.Feed.SIGNIN) continue;
      Instant t = Instant.ofEpochMilli(r.time());
      if (t.isBefore(fromInclusive) || !t.isBefore(toExclusive)) continue;
      Matcher m = INTERACTIVE.matcher(r.json());
      String type = m.find() && m.group(1).equals("false") ? "nonInteractiveUser" : "interactiveUser";
      out.add(new SignInEvent(r.id(), t, type, r.json()));
    }
    return out;
  }

  static String contentType(String json) {
    Matcher m = WORKLOAD.matcher(json);
    String w = m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : "";
    return switch (w) {
      case "exchange" -> "Audit.Exchange";
      case "azureactivedirectory" -> "Audit.AzureActiveDirectory";
      case "sharepoint", "onedrive" -> "Audit.SharePoint";
      default -> "Audit.General";
    };
  }

  /** Records of every simulated day that overlaps {@code [from, to)} (event time). */
  private List<TenantSimulator.Record> records(long from, long to) {
    long day0 = start.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    int first = (int) Math.max(0, Math.floorDiv(from - day0, 86_400_000L));
    int last = (int) Math.min(days - 1, Math.floorDiv(to - day0, 86_400_000L));
    List<TenantSimulator.Record> out = new ArrayList<>();
    for (int d = first; d <= last; d++) out.addAll(day(d));
    return out;
  }

  private List<TenantSimulator.Record> day(int d) {
    synchronized (cache) {
      List<TenantSimulator.Record> l = cache.get(d);
      if (l == null) {
        l = List.copyOf(sim.day(d));
        cache.put(d, l);
      }
      return l;
    }
  }

  private static long mix(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h ^= x;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }
}
