package io.ualwatch.engine;

import io.ualwatch.detect.Annotator;
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
 * record id, enrich, annotate, detect. Event-time watermarks follow the same rule (highest event time seen
 * minus the out-of-orderness bound), and at the end of input the watermark jumps to +∞ so that pending
 * timers resolve, as Flink does at the end of a bounded source.
 */
public final class LocalEngine {
  private final DetectionSettings settings;
  private final Enricher enricher;
  private final Consumer<Alert> alerts;
  private final List<Annotator> annotators = DetectionGraph.annotators();
  private final List<Family> families = DetectionGraph.families();
  private final List<Map<String, InMemoryStore>> annotatorState = new ArrayList<>();
  private final List<Map<String, InMemoryStore>> familyState = new ArrayList<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  /** The timers in {@link #timers}, to register each (stage, key, time) once as Flink does. */
  private final java.util.Set<Timer> timerKeys = new java.util.HashSet<>();
  private final Dedupe dedupe;
  private final FactsStore facts = new FactsStore();
  private final long outOfOrdernessMs;
  private final boolean copyOnAccess;
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
    for (int i = 0; i < annotators.size(); i++) annotatorState.add(new HashMap<>());
    for (int i = 0; i < families.size(); i++) familyState.add(new HashMap<>());
  }

  /** Processes one parsed event. */
  public void accept(AuditEvent e) {
    if (!dedupe.firstTime(e.tenantId + "|" + e.recordId, e.eventTime.toEpochMilli())) {
      duplicates++;
      return;
    }
    events++;
    e.raw = null; // as in the job: the raw text is not carried past de-duplication
    if (enricher != null) enricher.enrich(e);
    for (int i = 0; i < annotators.size(); i++) {
      Annotator a = annotators.get(i);
      String key = a.key(e);
      if (key == null) continue;
      InMemoryStore store = annotatorState.get(i).computeIfAbsent(key, k -> new InMemoryStore(copyOnAccess));
      a.annotate(key, e, store, ctx(i, key));
      if (store.isEmpty()) annotatorState.get(i).remove(key);
    }
    if (e.isSignIn()) facts.addSignIn(e.tenantId, e.eventTime.toEpochMilli());
    int base = annotators.size();
    for (int i = 0; i < families.size(); i++) {
      Family f = families.get(i);
      final int stage = base + i;
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
    int base = annotators.size();
    if (t.stage < base) {
      InMemoryStore store = annotatorState.get(t.stage).get(t.key);
      if (store == null) return;
      annotators.get(t.stage).onTimer(t.key, t.time, store, ctx(t.stage, t.key));
      if (store.isEmpty()) annotatorState.get(t.stage).remove(t.key);
    } else {
      int i = t.stage - base;
      InMemoryStore store = familyState.get(i).get(t.key);
      if (store == null) return;
      families.get(i).onTimer(t.key, t.time, store, ctx(t.stage, t.key));
      if (store.isEmpty()) familyState.get(i).remove(t.key);
    }
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

  /** Hours with sign-ins per tenant (what the job broadcasts to the detectors). */
  static final class FactsStore implements io.ualwatch.detect.TenantFacts {
    private final Map<String, java.util.Set<Integer>> hours = new HashMap<>();

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
    for (int i = 0; i < annotators.size(); i++) m.put(annotators.get(i).name(), annotatorState.get(i).size());
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
   * Encoded state bytes of every stage, annotators included, as {name → {entities, bytes}}: key plus
   * slot sub-keys plus encoded values, what RocksDB would hold without its own overhead.
   */
  public Map<String, long[]> stageState() {
    Map<String, long[]> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < annotators.size(); i++) {
      m.put(annotators.get(i).name(), measure(annotatorState.get(i), annotators.get(i).slots()));
    }
    for (int i = 0; i < families.size(); i++) m.put(families.get(i).name(), measure(familyState.get(i), families.get(i).slots()));
    return m;
  }

  /** Entries and encoded bytes per state slot of every stage, as {"stage/slot" → {entries, bytes}}. */
  public Map<String, long[]> slotState() {
    Map<String, long[]> m = new java.util.TreeMap<>();
    for (int i = 0; i < annotators.size(); i++) {
      for (InMemoryStore st : annotatorState.get(i).values()) {
        st.addEncodedBytesBySlot(annotators.get(i).slots(), annotators.get(i).name() + "/", m);
      }
    }
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
