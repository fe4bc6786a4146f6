package io.ualwatch.engine;

import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionGraph;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.Family;
import io.ualwatch.enrich.Enricher;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Runs the detection graph over a bounded input in one thread with in-memory state: the engine behind
 * `hunt`, the scenario tests and the benchmarks. Same stages, same logic as the Flink job: de-duplicate by
 * record id, enrich, tenant facts, detect. Event-time watermarks follow the same rule (highest event time seen
 * minus the out-of-orderness bound), and at the end of input the watermark jumps to +∞ so that pending
 * timers resolve, as Flink does at the end of a bounded source.
 */
public final class LocalEngine {
  private final DetectionSettings settings;
  private final Enricher enricher;
  private final Consumer<Alert> alerts;
  private final List<Family> families = DetectionGraph.families();
  private final List<Map<String, InMemoryStore>> familyState = new ArrayList<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  /** The timers in {@link #timers}, to register each (stage, key, time) once as Flink does. */
  private final java.util.Set<Timer> timerKeys = new java.util.HashSet<>();
  private final Dedupe dedupe;
  private final FactsStore facts = new FactsStore();
  private final long outOfOrdernessMs;
  private final boolean copyOnAccess;
  private boolean project = true;
  private long maxEventTime = Long.MIN_VALUE;
  private long watermark = Long.MIN_VALUE;
  private long events;
  private long duplicates;
  private long alertsEmitted;

  private record Timer(long time, int stage, String key) implements Comparable<Timer> {
    // written out: the generated record methods go through method handles, measurably slower in hunt's loop
    @Override
    public boolean equals(Object o) {
      return o instanceof Timer t && t.time == time && t.stage == stage && t.key.equals(key);
    }

    @Override
    public int hashCode() {
      return (Long.hashCode(time) * 31 + stage) * 31 + key.hashCode();
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(time, o.time);
      if (c != 0) return c;
      c = Integer.compare(stage, o.stage);
      return c != 0 ? c : key.compareTo(o.key);
    }
  }

  public LocalEngine(DetectionSettings settings, Enricher enricher, long outOfOrdernessMs, long dedupeTtlMs,
      boolean copyOnAccess, Consumer<Alert> alerts) {
    this.settings = settings;
    this.enricher = enricher;
    this.alerts = alerts;
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.copyOnAccess = copyOnAccess;
    this.dedupe = new Dedupe(dedupeTtlMs);
    for (int i = 0; i < families.size(); i++) familyState.add(new HashMap<>());
  }

  /** Keeps every parsed field (no {@link io.ualwatch.detect.Projection}): for the test that the projection is safe. */
  public LocalEngine withoutProjection() {
    project = false;
    return this;
  }

  /** Processes one parsed event. */
  public void accept(AuditEvent e) {
    if (!dedupe.firstTime(e.tenantId + "|" + e.recordId, e.eventTime.toEpochMilli())) {
      duplicates++;
      return;
    }
    events++;
    if (project) io.ualwatch.detect.Projection.forDetection(e); // as the job does right after parsing
    if (enricher != null) enricher.enrich(e);
    String app = e.effectiveClientApp();
    if (app != null && e.isMailAccess()) facts.addAppDay(e.tenantId, app, DetectionSettings.dayOf(e.eventTime.toEpochMilli()));
    if (e.isSignIn()) facts.addSignIn(e.tenantId, e.eventTime.toEpochMilli());
    for (int i = 0; i < families.size(); i++) {
      Family f = families.get(i);
      final int stage = i;
      final Map<String, InMemoryStore> state = familyState.get(i);
      f.keys(e, key -> {
        InMemoryStore store = state.computeIfAbsent(key, k -> new InMemoryStore(copyOnAccess));
        f.onEvent(key, e, store, ctx(stage, key));
        if (store.isEmpty()) state.remove(key);
      });
    }
    long t = e.eventTime.toEpochMilli();
    if (t > maxEventTime) {
      maxEventTime = t;
      advanceWatermark(maxEventTime - outOfOrdernessMs);
    }
  }

  /** End of input: the watermark goes to +∞ and every pending timer fires. */
  public void finish() {
    advanceWatermark(Long.MAX_VALUE);
  }

  /** Moves event time forward; timers at or before it fire. */
  public void advanceWatermark(long wm) {
    if (wm <= watermark) return;
    watermark = wm;
    while (!timers.isEmpty() && timers.peek().time <= watermark) {
      Timer t = timers.poll();
      timerKeys.remove(t);
      fire(t);
    }
    dedupe.expire(watermark == Long.MAX_VALUE ? Long.MAX_VALUE : watermark);
  }

  private void fire(Timer t) {
    int i = t.stage;
    InMemoryStore store = familyState.get(i).get(t.key);
    if (store == null) return;
    families.get(i).onTimer(t.key, t.time, store, ctx(t.stage, t.key));
    if (store.isEmpty()) familyState.get(i).remove(t.key);
  }

  private DetectContext ctx(int stage, String key) {
    return new DetectContext() {
      @Override
      public long watermark() {
        return watermark;
      }

      @Override
      public void registerTimer(long time) {
        // like Flink: one timer per (key, timestamp); a timer at or before the watermark fires next time it advances
        Timer t = new Timer(time, stage, key);
        if (timerKeys.add(t)) timers.add(t);
      }

      @Override
      public void emit(Alert alert) {
        alertsEmitted++;
        // a snapshot: the detector keeps changing its stored alert after emitting it (Flink serializes here too)
        alerts.accept(io.ualwatch.detect.AlertCodec.INSTANCE.fromBytes(io.ualwatch.detect.AlertCodec.INSTANCE.toBytes(alert)));
      }

      @Override
      public DetectionSettings settings() {
        return settings;
      }

      @Override
      public io.ualwatch.detect.TenantFacts tenantFacts() {
        return facts;
      }
    };
  }

  /** Name of the tenant-app-days stage in the state figures. */
  public static final String TENANT_APP_DAYS = "tenant-app";

  /** Hours with sign-ins and days an app read mail, per tenant (what the job broadcasts to the detectors). */
  static final class FactsStore implements io.ualwatch.detect.TenantFacts {
    private final Map<String, java.util.Set<Integer>> hours = new HashMap<>();
    /** tenant|app → days it read mail. */
    final Map<String, java.util.Set<Integer>> appDays = new HashMap<>();

    void addAppDay(String tenant, String app, int day) {
      appDays.computeIfAbsent(tenant + "|" + app, k -> new java.util.HashSet<>()).add(day);
    }

    @Override
    public boolean appReadMailOn(String tenant, String app, int day) {
      java.util.Set<Integer> d = appDays.get(tenant + "|" + app);
      return d != null && d.contains(day);
    }

    /** As the job's keyed stage stores them: key, then 4 bytes per day. */
    long appDayBytes() {
      long n = 0;
      for (Map.Entry<String, java.util.Set<Integer>> e : appDays.entrySet()) n += e.getKey().length() + 4L * e.getValue().size();
      return n;
    }

    void addSignIn(String tenant, long time) {
      hours.computeIfAbsent(tenant, t -> new java.util.HashSet<>()).add(DetectionSettings.hourOf(time));
    }

    @Override
    public boolean signInsInHour(String tenant, int hour) {
      java.util.Set<Integer> h = hours.get(tenant);
      return h != null && h.contains(hour);
    }
  }

  public long events() {
    return events;
  }

  public long duplicates() {
    return duplicates;
  }

  public long alertsEmitted() {
    return alertsEmitted;
  }

  /** Number of entities with state, per stage name. */
  public Map<String, Integer> entityCounts() {
    Map<String, Integer> m = new java.util.LinkedHashMap<>();
    m.put(TENANT_APP_DAYS, facts.appDays.size());
    for (int i = 0; i < families.size(); i++) m.put(families.get(i).name(), familyState.get(i).size());
    return m;
  }

  /** Encoded state bytes per stage name (what RocksDB would hold, without its overhead). */
  public Map<String, Long> stateBytes() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < families.size(); i++) {
      long n = 0;
      for (Map.Entry<String, InMemoryStore> e : familyState.get(i).entrySet()) {
        n += e.getKey().length() + e.getValue().encodedBytes(families.get(i).slots());
      }
      m.put(families.get(i).name(), n);
    }
    return m;
  }

  /**
   * Encoded state bytes of every stage, the tenant app days included, as {name → {entities, bytes}}: key plus
   * slot sub-keys plus encoded values, what RocksDB would hold without its own overhead.
   */
  public Map<String, long[]> stageState() {
    Map<String, long[]> m = new java.util.LinkedHashMap<>();
    m.put(TENANT_APP_DAYS, new long[] {facts.appDays.size(), facts.appDayBytes()});
    for (int i = 0; i < families.size(); i++) m.put(families.get(i).name(), measure(familyState.get(i), families.get(i).slots()));
    return m;
  }

  /** Entries and encoded bytes per state slot of every stage, as {"stage/slot" → {entries, bytes}}. */
  public Map<String, long[]> slotState() {
    Map<String, long[]> m = new java.util.TreeMap<>();
    m.put(TENANT_APP_DAYS + "/days", new long[] {facts.appDays.size(), facts.appDayBytes()});
    for (int i = 0; i < families.size(); i++) {
      for (InMemoryStore st : familyState.get(i).values()) {
        st.addEncodedBytesBySlot(families.get(i).slots(), families.get(i).name() + "/", m);
      }
    }
    return m;
  }

  private static long[] measure(Map<String, InMemoryStore> state, List<io.ualwatch.detect.Slot<?>> slots) {
    long n = 0;
    for (Map.Entry<String, InMemoryStore> e : state.entrySet()) n += e.getKey().length() + e.getValue().encodedBytes(slots);
    return new long[] {state.size(), n};
  }

  /** Record ids remembered for de-duplication right now. */
  public int dedupeSize() {
    return dedupe.size();
  }

  /** Record ids already seen, forgotten once their event time falls behind the watermark by the TTL. */
  static final class Dedupe {
    private record Seen(long time, String id) {}

    private final long ttlMs;
    private final java.util.Set<String> seen = new java.util.HashSet<>();
    private final PriorityQueue<Seen> byTime = new PriorityQueue<>((a, b) -> Long.compare(a.time, b.time));

    Dedupe(long ttlMs) {
      this.ttlMs = ttlMs;
    }

    boolean firstTime(String id, long time) {
      if (!seen.add(id)) return false;
      byTime.add(new Seen(time, id));
      return true;
    }

    int size() {
      return seen.size();
    }

    void expire(long watermark) {
      if (watermark == Long.MAX_VALUE) return;
      long cutoff = watermark - ttlMs;
      while (!byTime.isEmpty() && byTime.peek().time < cutoff) seen.remove(byTime.poll().id);
    }
  }
}
