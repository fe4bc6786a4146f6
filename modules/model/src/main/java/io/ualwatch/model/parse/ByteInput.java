package io.ualwatch.model.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A buffered byte reader that counts lines and offsets, can look ahead a bounded number of bytes without
 * consuming them, and a growable capture buffer for one record.
 */
final class ByteInput {
  static final int BUFFER = 64 * 1024;
  /** Largest look-ahead window (format detection). */
  static final int MAX_LOOKAHEAD = 1 << 20;
  private static final long PROGRESS_EVERY = 4L << 20;

  private final InputStream in;
  private final ParseListener progress;
  private byte[] buf = new byte[BUFFER];
  private int pos;
  private int limit;
  private long consumedBefore;
  private long line = 1;
  private long nextProgress = PROGRESS_EVERY;
  private boolean eof;

  ByteInput(InputStream in) {
    this(in, null);
  }

  ByteInput(InputStream in, ParseListener progress) {
    this.in = in;
    this.progress = progress;
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
    if (eof) return false;
    consumedBefore += limit;
    pos = 0;
    limit = 0;
    if (buf.length > BUFFER) buf = new byte[BUFFER]; // a look-ahead grew it; shrink back once consumed
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      eof = true;
      return false;
    }
    limit = n;
    if (progress != null && consumedBefore + limit >= nextProgress) {
      progress.onProgress(consumedBefore + limit);
      nextProgress = consumedBefore + limit + PROGRESS_EVERY;
    }
    return true;
  }

  /**
   * Makes up to {@code want} bytes (at most {@link #MAX_LOOKAHEAD}) available without consuming them and returns
   * how many are; read them with {@link #ahead(int)}.
   */
  int lookahead(int want) throws IOException {
    want = Math.min(want, MAX_LOOKAHEAD);
    if (limit - pos >= want || eof) return limit - pos;
    if (buf.length < want) {
      byte[] nb = new byte[want];
      System.arraycopy(buf, pos, nb, 0, limit - pos);
      consumedBefore += pos;
      limit -= pos;
      pos = 0;
      buf = nb;
    } else if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      consumedBefore += pos;
      limit -= pos;
      pos = 0;
    }
    while (limit < want) {
      int n = in.read(buf, limit, want - limit);
      if (n < 0) {
        eof = true;
        break;
      }
      limit += n;
    }
    return limit - pos;
  }

  /** The i-th byte ahead of the read position (within what {@link #lookahead} made available). */
  int ahead(int i) {
    return buf[pos + i] & 0xff;
  }

  /** Makes at least one byte available at {@link #pos()} unless the input is exhausted. */
  boolean ensure() throws IOException {
    return pos < limit || fill();
  }

  /** The internal buffer, valid between {@link #pos()} and {@link #limit()} until the next read or fill. */
  byte[] buffer() {
    return buf;
  }

  int pos() {
    return pos;
  }

  int limit() {
    return limit;
  }

  /** Consumes bytes up to {@code newPos} of the buffer, which held {@code newlines} line feeds. */
  void advance(int newPos, int newlines) {
    pos = newPos;
    line += newlines;
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

    /** Appends len bytes of src at off (bulk), keeping at most max. */
    void add(byte[] src, int off, int len) {
      total += len;
      int room = max - size;
      int n = Math.min(len, room);
      if (n <= 0) return;
      if (size + n > data.length) data = Arrays.copyOf(data, Math.min(max, Math.max(size + n, data.length * 2)));
      System.arraycopy(src, off, data, size, n);
      size += n;
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
