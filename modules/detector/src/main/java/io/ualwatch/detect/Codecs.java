package io.ualwatch.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Compact binary encoding helpers for detector state (the same bytes in RocksDB and in tests). */
public final class Codecs {
  private Codecs() {}

  /** Encodes and decodes one state value. */
  public interface Codec<T> {
    void write(DataOutput out, T value) throws IOException;

    T read(DataInput in) throws IOException;

    default byte[] toBytes(T value) {
      StateBytes.Writer out = new StateBytes.Writer(64);
      try {
        write(out, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }

    default T fromBytes(byte[] bytes) {
      try {
        return read(new StateBytes.Reader(bytes));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static final Codec<Spans> SPANS = new Codec<>() {
    @Override public void write(DataOutput out, Spans v) throws IOException { v.write(out); }
    @Override public Spans read(DataInput in) throws IOException { return Spans.read(in); }
  };

  public static final Codec<Long> LONG = new Codec<>() {
    @Override public void write(DataOutput out, Long v) throws IOException { writeVarLong(out, v); }
    @Override public Long read(DataInput in) throws IOException { return readVarLong(in); }
  };

  public static void writeVarInt(DataOutput out, int v) throws IOException {
    int z = (v << 1) ^ (v >> 31);
    while ((z & ~0x7f) != 0) {
      out.writeByte((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    out.writeByte(z);
  }

  public static int readVarInt(DataInput in) throws IOException {
    int z = 0;
    int shift = 0;
    while (true) {
      int b = in.readUnsignedByte();
      z |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
      if (shift > 35) throw new IOException("varint too long");
    }
    return (z >>> 1) ^ -(z & 1);
  }

  public static void writeVarLong(DataOutput out, long v) throws IOException {
    io.ualwatch.model.order.Varints.writeSigned(out, v);
  }

  public static long readVarLong(DataInput in) throws IOException {
    return io.ualwatch.model.order.Varints.readSigned(in);
  }

  public static void writeString(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeBoolean(false);
    } else {
      out.writeBoolean(true);
      out.writeUTF(s.length() > 16_000 ? s.substring(0, 16_000) : s);
    }
  }

  public static String readString(DataInput in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
