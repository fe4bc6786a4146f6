package io.ualwatch.job;

import io.ualwatch.detect.Slot;
import io.ualwatch.detect.StateBytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;

/**
 * {@link FlinkStateStore} that keeps all slots of one entity in a single {@code ValueState<byte[]>}: read once
 * when an element or timer first touches the entity, written once at the end if anything changed.
 *
 * <p>For families whose entities are small and short-lived (tokens and sessions: a few hundred bytes, a dozen
 * reads and writes per record in four slots) this turns ten to twenty RocksDB calls and three iterator seeks per
 * record into one get and one put. Families with large entities (an app's baseline over every mailbox it reads)
 * keep one {@code MapState} per slot, where a record reads and writes only the entries it needs.
 *
 * <p>The value also remembers which event-time timers the entity has registered and not yet seen fire, so a
 * detector asking for the same timer on every record (an expiry rounded to the hour, a check's due time) costs no
 * call to the timer service, which with RocksDB is a write per call.
 *
 * <p>Encoding (version 1): a version byte, then per non-empty slot its index in {@code family.slots()}, the number
 * of entries and, per entry, the sub-key (modified UTF-8) and the value in the slot's own codec (length first);
 * then the number of pending timers and their times. Values read are decoded copies, as with RocksDB.
 */
final class PackedEntityStore extends FlinkStateStore {
  static final int VERSION = 1;
  private final List<Slot<?>> slots;
  private final Map<String, Integer> index = new HashMap<>();
  private final ValueState<byte[]> state;
  /** The current entity's slots (index → sub-key → encoded value), null until loaded. */
  private List<HashMap<String, byte[]>> loaded;
  /** The current entity's registered timers that have not fired yet. */
  private final java.util.TreeSet<Long> timers = new java.util.TreeSet<>();
  private boolean dirty;

  PackedEntityStore(RuntimeContext ctx, String familyName, List<Slot<?>> slots) {
    this.slots = List.copyOf(slots);
    for (int i = 0; i < slots.size(); i++) index.put(slots.get(i).name(), i);
    state = ctx.getState(new ValueStateDescriptor<>(familyName + "-packed",
        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  private HashMap<String, byte[]> slot(Slot<?> slot) {
    Integer i = index.get(slot.name());
    if (i == null) throw new IllegalStateException("slot not declared by the family: " + slot.name());
    if (loaded == null) load();
    return loaded.get(i);
  }

  private void load() {
    loaded = new ArrayList<>(slots.size());
    for (int i = 0; i < slots.size(); i++) loaded.add(new HashMap<>(4));
    byte[] b;
    try {
      b = state.value();
    } catch (Exception e) {
      throw new IllegalStateException("reading packed state", e);
    }
    timers.clear();
    if (b != null) decode(b, loaded, timers);
  }

  static void decode(byte[] b, List<HashMap<String, byte[]>> into, java.util.Set<Long> timers) {
    try {
      StateBytes.Reader in = new StateBytes.Reader(b);
      int v = in.readUnsignedByte();
      if (v != VERSION) throw new IllegalStateException("packed state version " + v + " (this build reads " + VERSION + ")");
      int n = varint(in);
      for (int s = 0; s < n; s++) {
        int slot = varint(in);
        int entries = varint(in);
        HashMap<String, byte[]> m = into.get(slot);
        for (int e = 0; e < entries; e++) {
          String k = in.readUTF();
          byte[] val = new byte[varint(in)];
          in.readFully(val);
          m.put(k, val);
        }
      }
      int t = varint(in);
      for (int i = 0; i < t; i++) timers.add(in.readLong());
    } catch (IOException e) {
      throw new UncheckedIOException("decoding packed state", e);
    }
  }

  static byte[] encode(List<HashMap<String, byte[]>> slots, java.util.Collection<Long> timers) {
    int present = 0;
    int size = 8 + 8 * timers.size();
    for (HashMap<String, byte[]> m : slots) {
      if (m.isEmpty()) continue;
      present++;
      size += 8;
      for (Map.Entry<String, byte[]> e : m.entrySet()) size += e.getKey().length() + e.getValue().length + 8;
    }
    if (present == 0 && timers.isEmpty()) return null;
    StateBytes.Writer out = new StateBytes.Writer(size);
    try {
      out.writeByte(VERSION);
      writeVarint(out, present);
      for (int i = 0; i < slots.size(); i++) {
        HashMap<String, byte[]> m = slots.get(i);
        if (m.isEmpty()) continue;
        writeVarint(out, i);
        writeVarint(out, m.size());
        for (Map.Entry<String, byte[]> e : m.entrySet()) {
          out.writeUTF(e.getKey());
          writeVarint(out, e.getValue().length);
          out.write(e.getValue());
        }
      }
      writeVarint(out, timers.size());
      for (long t : timers) out.writeLong(t);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding packed state", e);
    }
    return out.toByteArray();
  }

  private static int varint(StateBytes.Reader in) throws IOException {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw new IOException("varint too long");
  }

  private static void writeVarint(StateBytes.Writer out, int v) {
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  @Override
  public <T> T get(Slot<T> slot, String subKey) {
    byte[] b = slot(slot).get(subKey);
    return b == null ? null : slot.codec().fromBytes(b);
  }

  @Override
  public <T> void put(Slot<T> slot, String subKey, T value) {
    slot(slot).put(subKey, slot.codec().toBytes(value));
    dirty = true;
  }

  @Override
  public <T> void remove(Slot<T> slot, String subKey) {
    if (slot(slot).remove(subKey) != null) dirty = true;
  }

  @Override
  public <T> void forEach(Slot<T> slot, BiConsumer<String, T> visitor) {
    List<Map.Entry<String, byte[]>> entries = new ArrayList<>(slot(slot).entrySet());
    for (Map.Entry<String, byte[]> e : entries) visitor.accept(e.getKey(), slot.codec().fromBytes(e.getValue()));
  }

  @Override
  public void clear() {
    if (loaded == null) load();
    for (HashMap<String, byte[]> m : loaded) m.clear();
    dirty = true;
  }

  @Override
  void begin() {
    loaded = null;
    dirty = false;
  }

  @Override
  void flush() {
    if (loaded != null && dirty) {
      try {
        byte[] b = encode(loaded, timers);
        if (b == null) state.clear();
        else state.update(b);
      } catch (Exception e) {
        throw new IllegalStateException("writing packed state", e);
      }
    }
    loaded = null;
    dirty = false;
  }

  @Override
  boolean timerNeeded(long time) {
    if (loaded == null) load();
    if (!timers.add(time)) return false;
    dirty = true;
    return true;
  }

  @Override
  void timerFired(long time) {
    if (loaded == null) load();
    if (timers.remove(time)) dirty = true;
  }

  @Override
  boolean isEmpty() throws Exception {
    return state.value() == null;
  }
}
