package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.order.EventCodec;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink types for the events that travel between the job's operators: {@link AuditEvent} and {@link KeyedEvent}
 * are written field by field with {@link EventCodec} (the format hunt's external sort spills), not by Flink's
 * reflective POJO serializer. With the POJO serializer, building and filling the 44-field event by reflection
 * was a quarter of every detector thread's time (async-profiler, bench --quick, 2026-12-07).
 *
 * <p>The serializers hold no configuration; their snapshots carry only a version, so a change of the encoding
 * is a new version that refuses to read the old one (the events are never kept in state: this matters only for
 * in-flight data in unaligned checkpoints, which the job does not use).
 */
public final class EventTypes {
  private EventTypes() {}

  public static final TypeInformation<AuditEvent> AUDIT_EVENT = new Info<>(AuditEvent.class, AuditEventSerializer.INSTANCE);
  public static final TypeInformation<KeyedEvent> KEYED_EVENT = new Info<>(KeyedEvent.class, KeyedEventSerializer.INSTANCE);

  /** A serializer that writes {@code T} with a codec; copies go through the encoding (deep, like a network hop). */
  abstract static class CodecSerializer<T> extends TypeSerializer<T> {
    private static final long serialVersionUID = 1L;
    private transient DataOutputSerializer copyOut;
    private transient DataInputDeserializer copyIn;

    abstract void write(DataOutputView out, T value) throws IOException;

    abstract T read(DataInputView in) throws IOException;

    @Override public boolean isImmutableType() { return false; }

    @Override public TypeSerializer<T> duplicate() { return fresh(); }

    abstract CodecSerializer<T> fresh();

    @Override public T copy(T from) {
      if (from == null) return null;
      if (copyOut == null) {
        copyOut = new DataOutputSerializer(2048);
        copyIn = new DataInputDeserializer();
      }
      try {
        copyOut.clear();
        write(copyOut, from);
        copyIn.setBuffer(copyOut.getSharedBuffer(), 0, copyOut.length());
        return read(copyIn);
      } catch (IOException e) {
        throw new IllegalStateException("copying " + from.getClass().getSimpleName(), e);
      }
    }

    @Override public T copy(T from, T reuse) { return copy(from); }

    @Override public int getLength() { return -1; }

    @Override public void serialize(T record, DataOutputView target) throws IOException { write(target, record); }

    @Override public T deserialize(DataInputView source) throws IOException { return read(source); }

    @Override public T deserialize(T reuse, DataInputView source) throws IOException { return read(source); }

    @Override public void copy(DataInputView source, DataOutputView target) throws IOException {
      write(target, read(source));
    }

    @Override public boolean equals(Object o) { return o != null && o.getClass() == getClass(); }

    @Override public int hashCode() { return getClass().hashCode(); }
  }

  /** {@link AuditEvent} with {@link EventCodec}. */
  public static final class AuditEventSerializer extends CodecSerializer<AuditEvent> {
    private static final long serialVersionUID = 1L;
    static final AuditEventSerializer INSTANCE = new AuditEventSerializer();

    @Override CodecSerializer<AuditEvent> fresh() { return new AuditEventSerializer(); }

    @Override void write(DataOutputView out, AuditEvent e) throws IOException { EventCodec.writeFields(out, e); }

    @Override AuditEvent read(DataInputView in) throws IOException { return EventCodec.readFields(in); }

    @Override public AuditEvent createInstance() { return new AuditEvent(); }

    @Override public TypeSerializerSnapshot<AuditEvent> snapshotConfiguration() { return new AuditEventSnapshot(); }
  }

  /** {@link KeyedEvent}: the entity key, then the event. */
  public static final class KeyedEventSerializer extends CodecSerializer<KeyedEvent> {
    private static final long serialVersionUID = 1L;
    static final KeyedEventSerializer INSTANCE = new KeyedEventSerializer();

    @Override CodecSerializer<KeyedEvent> fresh() { return new KeyedEventSerializer(); }

    @Override void write(DataOutputView out, KeyedEvent k) throws IOException {
      out.writeUTF(k.key);
      EventCodec.writeFields(out, k.event);
    }

    @Override KeyedEvent read(DataInputView in) throws IOException {
      String key = in.readUTF();
      return new KeyedEvent(key, EventCodec.readFields(in));
    }

    @Override public KeyedEvent createInstance() { return new KeyedEvent(); }

    @Override public TypeSerializerSnapshot<KeyedEvent> snapshotConfiguration() { return new KeyedEventSnapshot(); }
  }

  public static final class AuditEventSnapshot extends SimpleTypeSerializerSnapshot<AuditEvent> {
    public AuditEventSnapshot() { super(AuditEventSerializer::new); }
  }

  public static final class KeyedEventSnapshot extends SimpleTypeSerializerSnapshot<KeyedEvent> {
    public KeyedEventSnapshot() { super(KeyedEventSerializer::new); }
  }

  /** Type information that hands out one of the serializers above. */
  static final class Info<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private final CodecSerializer<T> serializer;

    Info(Class<T> type, CodecSerializer<T> serializer) {
      this.type = type;
      this.serializer = serializer;
    }

    @Override public boolean isBasicType() { return false; }

    @Override public boolean isTupleType() { return false; }

    @Override public int getArity() { return 1; }

    @Override public int getTotalFields() { return 1; }

    @Override public Class<T> getTypeClass() { return type; }

    @Override public boolean isKeyType() { return false; }

    @Override public TypeSerializer<T> createSerializer(SerializerConfig config) { return serializer.fresh(); }

    @Override public String toString() { return type.getSimpleName() + "(EventCodec)"; }

    @Override public boolean equals(Object o) { return o instanceof Info<?> i && i.type == type; }

    @Override public int hashCode() { return Objects.hash(type); }

    @Override public boolean canEqual(Object o) { return o instanceof Info<?>; }
  }
}
