package io.ualwatch.model.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** A buffered byte reader that counts lines and offsets, and a growable capture buffer for one record. */
final class ByteInput {
  private final InputStream in;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long consumedBefore;
  private long line = 1;

  ByteInput(InputStream in) {
    this.in = in;
  }

  int peek() throws IOException {
    if (pos >= limit && !fill()) return -1;
    return buf[pos] & 0xff;
  }

  int read() throws IOException {
    if (pos >= limit && !fill()) return -1;
    int b = buf[pos++] & 0xff;
    if (b == '\n') line++;
    return b;
  }

  /** Offset of the next byte to be read. */
  long offset() {
    return consumedBefore + pos;
  }

  long line() {
    return line;
  }

  private boolean fill() throws IOException {
    consumedBefore += limit;
    pos = 0;
    limit = 0;
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) return false;
    limit = n;
    return true;
  }

  /** Skips whitespace (and stray NUL bytes between records); returns the next byte without consuming it. */
  int skipWhitespace() throws IOException {
    while (true) {
      int b = peek();
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0) {
        read();
      } else {
        return b;
      }
    }
  }

  /** A capture buffer that stops growing at a limit but keeps counting. */
  static final class Capture {
    private byte[] data = new byte[4096];
    private int size;
    private long total;
    private final int max;

    Capture(int max) {
      this.max = max;
    }

    void reset() {
      size = 0;
      total = 0;
      if (data.length > 1 << 20) data = new byte[4096];
    }

    void add(int b) {
      total++;
      if (size >= max) return;
      if (size == data.length) data = Arrays.copyOf(data, Math.min(max, data.length * 2));
      data[size++] = (byte) b;
    }

    boolean overflowed() {
      return total > max;
    }

    byte[] data() {
      return data;
    }

    int size() {
      return size;
    }

    long total() {
      return total;
    }

    boolean isBlank() {
      for (int i = 0; i < size; i++) {
        byte c = data[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != 0) return false;
      }
      return true;
    }
  }
}
