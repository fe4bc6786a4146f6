package io.ualwatch.job;

import io.ualwatch.detect.Slot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * {@link EntityStore} over Flink keyed state: one {@code MapState<String, byte[]>} per slot, values in the
 * detectors' own compact encoding. The current key is whatever Flink set for the element or timer.
 */
final class FlinkEntityStore extends FlinkStateStore {
  private final Map<String, MapState<String, byte[]>> states = new HashMap<>();

  FlinkEntityStore(RuntimeContext ctx, List<Slot<?>> slots) {
    for (Slot<?> s : slots) {
      states.put(s.name(), ctx.getMapState(new MapStateDescriptor<>(s.name(), Types.STRING,
          PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
    }
  }

  private MapState<String, byte[]> state(Slot<?> slot) {
    MapState<String, byte[]> m = states.get(slot.name());
    if (m == null) throw new IllegalStateException("slot not declared by the family: " + slot.name());
    return m;
  }

  @Override
  public <T> T get(Slot<T> slot, String subKey) {
    try {
      byte[] b = state(slot).get(subKey);
      return b == null ? null : slot.codec().fromBytes(b);
    } catch (Exception e) {
      throw new IllegalStateException("reading state " + slot.name(), e);
    }
  }

  @Override
  public <T> void put(Slot<T> slot, String subKey, T value) {
    try {
      state(slot).put(subKey, slot.codec().toBytes(value));
    } catch (Exception e) {
      throw new IllegalStateException("writing state " + slot.name(), e);
    }
  }

  @Override
  public <T> void remove(Slot<T> slot, String subKey) {
    try {
      state(slot).remove(subKey);
    } catch (Exception e) {
      throw new IllegalStateException("removing state " + slot.name(), e);
    }
  }

  @Override
  public <T> void forEach(Slot<T> slot, BiConsumer<String, T> visitor) {
    try {
      List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
      for (Map.Entry<String, byte[]> e : state(slot).entries()) entries.add(Map.entry(e.getKey(), e.getValue()));
      for (Map.Entry<String, byte[]> e : entries) visitor.accept(e.getKey(), slot.codec().fromBytes(e.getValue()));
    } catch (Exception e) {
      throw new IllegalStateException("iterating state " + slot.name(), e);
    }
  }

  @Override
  public void clear() {
    for (MapState<String, byte[]> m : states.values()) m.clear();
  }

  @Override
  boolean isEmpty() throws Exception {
    for (MapState<String, byte[]> m : states.values()) {
      if (!m.isEmpty()) return false;
    }
    return true;
  }
}
