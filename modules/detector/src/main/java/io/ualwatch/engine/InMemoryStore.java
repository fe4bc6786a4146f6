package io.ualwatch.engine;

import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Slot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Entity state in plain maps. With {@code copyOnAccess} every value goes through its codec on get and put,
 * exactly as in Flink's RocksDB backend, so a detector that mutates a value without writing it back fails
 * in tests instead of only in production.
 */
public final class InMemoryStore implements EntityStore {
  private final Map<String, Map<String, Object>> slots = new HashMap<>(4);
  private final boolean copyOnAccess;

  public InMemoryStore(boolean copyOnAccess) {
    this.copyOnAccess = copyOnAccess;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(Slot<T> slot, String subKey) {
    Map<String, Object> m = slots.get(slot.name());
    if (m == null) return null;
    Object v = m.get(subKey);
    if (v == null) return null;
    return copyOnAccess ? slot.codec().fromBytes((byte[]) v) : (T) v;
  }

  @Override
  public <T> void put(Slot<T> slot, String subKey, T value) {
    slots.computeIfAbsent(slot.name(), k -> new HashMap<>(4))
        .put(subKey, copyOnAccess ? slot.codec().toBytes(value) : value);
  }

  @Override
  public <T> void remove(Slot<T> slot, String subKey) {
    Map<String, Object> m = slots.get(slot.name());
    if (m != null) {
      m.remove(subKey);
      if (m.isEmpty()) slots.remove(slot.name());
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> void forEach(Slot<T> slot, BiConsumer<String, T> visitor) {
    Map<String, Object> m = slots.get(slot.name());
    if (m == null) return;
    List<Map.Entry<String, Object>> entries = new ArrayList<>(m.entrySet());
    for (Map.Entry<String, Object> e : entries) {
      Object v = e.getValue();
      visitor.accept(e.getKey(), copyOnAccess ? slot.codec().fromBytes((byte[]) v) : (T) v);
    }
  }

  @Override
  public void clear() {
    slots.clear();
  }

  public boolean isEmpty() {
    return slots.isEmpty();
  }

  /**
   * Adds this store's entries and encoded bytes (sub-key + value) per declared slot to {@code into}, under
   * {@code prefix + slot name} (for state-size measurements).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void addEncodedBytesBySlot(List<Slot<?>> declared, String prefix, Map<String, long[]> into) {
    for (Slot s : declared) {
      Map<String, Object> m = slots.get(s.name());
      if (m == null) continue;
      long[] acc = into.computeIfAbsent(prefix + s.name(), k -> new long[2]);
      for (Map.Entry<String, Object> e : m.entrySet()) {
        acc[0]++;
        acc[1] += e.getKey().length() + (copyOnAccess ? ((byte[]) e.getValue()).length : s.codec().toBytes(e.getValue()).length);
      }
    }
  }

  /** Encoded size of all values (for state-size measurements). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public long encodedBytes(List<Slot<?>> declared) {
    long n = 0;
    for (Slot s : declared) {
      Map<String, Object> m = slots.get(s.name());
      if (m == null) continue;
      for (Map.Entry<String, Object> e : m.entrySet()) {
        n += e.getKey().length() + (copyOnAccess ? ((byte[]) e.getValue()).length : s.codec().toBytes(e.getValue()).length);
      }
    }
    return n;
  }
}
