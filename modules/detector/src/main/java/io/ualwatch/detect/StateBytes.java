package io.ualwatch.detect;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.Arrays;

/**
 * {@link DataInput} and {@link DataOutput} straight over a byte array, for the state codecs: the same bytes as
 * {@code DataOutputStream}/{@code DataInputStream} (big-endian, modified UTF-8), without their per-byte
 * synchronized stream calls, which were the largest single cost of the live job's detectors (JFR: decoding
 * state took 30–50 % of every detector thread).
 */
public final class StateBytes {
  private StateBytes() {}

  /** Reads a byte array as a {@code DataInputStream} would. */
  public static final class Reader implements DataInput {
    private final byte[] b;
    private int pos;

    public Reader(byte[] bytes) {
      this.b = bytes;
    }

    private int need(int n) throws EOFException {
      int p = pos;
      if (n < 0 || p + n > b.length) throw new EOFException("state value ends after " + b.length + " bytes");
      pos = p + n;
      return p;
    }

    @Override public void readFully(byte[] dst) throws IOException { readFully(dst, 0, dst.length); }

    @Override public void readFully(byte[] dst, int off, int len) throws IOException {
      System.arraycopy(b, need(len), dst, off, len);
    }

    @Override public int skipBytes(int n) {
      int k = Math.max(0, Math.min(n, b.length - pos));
      pos += k;
      return k;
    }

    @Override public boolean readBoolean() throws IOException { return b[need(1)] != 0; }

    @Override public byte readByte() throws IOException { return b[need(1)]; }

    @Override public int readUnsignedByte() throws IOException { return b[need(1)] & 0xff; }

    @Override public short readShort() throws IOException { return (short) readUnsignedShort(); }

    @Override public int readUnsignedShort() throws IOException {
      int p = need(2);
      return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    @Override public char readChar() throws IOException { return (char) readUnsignedShort(); }

    @Override public int readInt() throws IOException {
      int p = need(4);
      return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    @Override public long readLong() throws IOException {
      return ((long) readInt() << 32) | (readInt() & 0xffffffffL);
    }

    @Override public float readFloat() throws IOException { return Float.intBitsToFloat(readInt()); }

    @Override public double readDouble() throws IOException { return Double.longBitsToDouble(readLong()); }

    @Override public String readLine() {
      throw new UnsupportedOperationException("state values hold no lines");
    }

    @Override public String readUTF() throws IOException {
      int len = readUnsignedShort();
      int p = need(len);
      // the common case, ASCII only, without the general decoder
      boolean ascii = true;
      for (int i = p; i < p + len; i++) {
        if (b[i] < 0 || b[i] == 0) {
          ascii = false;
          break;
        }
      }
      if (ascii) return new String(b, p, len, java.nio.charset.StandardCharsets.ISO_8859_1);
      pos = p - 2;
      return DataInputStream.readUTF(this);
    }
  }

  /** Writes what a {@code DataOutputStream} would, into a growing byte array. */
  public static final class Writer implements DataOutput {
    private byte[] b;
    private int n;

    public Writer(int capacity) {
      b = new byte[Math.max(16, capacity)];
    }

    private int room(int k) {
      if (n + k > b.length) b = Arrays.copyOf(b, Math.max(b.length * 2, n + k));
      int p = n;
      n += k;
      return p;
    }

    public byte[] toByteArray() {
      return Arrays.copyOf(b, n);
    }

    @Override public void write(int v) {
      int p = room(1); // (before reading the field b: room() may replace the array)
      b[p] = (byte) v;
    }

    @Override public void write(byte[] src) { write(src, 0, src.length); }

    @Override public void write(byte[] src, int off, int len) {
      int p = room(len);
      System.arraycopy(src, off, b, p, len);
    }

    @Override public void writeBoolean(boolean v) { write(v ? 1 : 0); }

    @Override public void writeByte(int v) { write(v); }

    @Override public void writeShort(int v) {
      int p = room(2);
      b[p] = (byte) (v >>> 8);
      b[p + 1] = (byte) v;
    }

    @Override public void writeChar(int v) { writeShort(v); }

    @Override public void writeInt(int v) {
      int p = room(4);
      b[p] = (byte) (v >>> 24);
      b[p + 1] = (byte) (v >>> 16);
      b[p + 2] = (byte) (v >>> 8);
      b[p + 3] = (byte) v;
    }

    @Override public void writeLong(long v) {
      writeInt((int) (v >>> 32));
      writeInt((int) v);
    }

    @Override public void writeFloat(float v) { writeInt(Float.floatToIntBits(v)); }

    @Override public void writeDouble(double v) { writeLong(Double.doubleToLongBits(v)); }

    @Override public void writeBytes(String s) {
      for (int i = 0; i < s.length(); i++) write(s.charAt(i));
    }

    @Override public void writeChars(String s) {
      for (int i = 0; i < s.length(); i++) writeChar(s.charAt(i));
    }

    @Override public void writeUTF(String s) throws IOException {
      int len = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        len += c >= 1 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
      }
      if (len > 65535) throw new UTFDataFormatException("encoded string too long: " + len + " bytes");
      writeShort(len);
      int p = room(len);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c >= 1 && c <= 0x7f) {
          b[p++] = (byte) c;
        } else if (c <= 0x7ff) {
          b[p++] = (byte) (0xc0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else {
          b[p++] = (byte) (0xe0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        }
      }
    }
  }
}
