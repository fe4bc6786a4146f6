package io.ualwatch.model.order;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** LEB128 variable-length numbers: 7 bits per byte, low bits first; signed ones zig-zag encoded. */
public final class Varints {
  private Varints() {}

  public static void writeUnsigned(DataOutput out, long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  public static long readUnsigned(DataInput in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
    throw new IOException("varint too long");
  }

  /** Small magnitudes of either sign in few bytes. */
  public static void writeSigned(DataOutput out, long v) throws IOException {
    writeUnsigned(out, zigzag(v));
  }

  public static long readSigned(DataInput in) throws IOException {
    return unzigzag(readUnsigned(in));
  }

  /** 0, -1, 1, -2, … → 0, 1, 2, 3, … */
  public static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  public static long unzigzag(long z) {
    return (z >>> 1) ^ -(z & 1);
  }
}
