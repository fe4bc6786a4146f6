package io.ualwatch.model.parse;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/** An input stream generated on the fly (never held in memory): literal parts and long runs of one byte. */
final class GeneratedStream extends InputStream {
  private interface Part {
    long length();
    int byteAt(long i);
  }

  private final List<Part> parts = new ArrayList<>();
  private int part;
  private long pos;
  private long served;

  GeneratedStream text(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return bytes(b);
  }

  GeneratedStream bytes(byte[] b) {
    parts.add(new Part() {
      public long length() { return b.length; }
      public int byteAt(long i) { return b[(int) i] & 0xff; }
    });
    return this;
  }

  GeneratedStream run(int value, long count) {
    parts.add(new Part() {
      public long length() { return count; }
      public int byteAt(long i) { return value & 0xff; }
    });
    return this;
  }

  /** count records produced one at a time by the generator (each followed by a newline). */
  GeneratedStream records(long count, LongFunction<String> gen) {
    parts.add(new Part() {
      private long index = -1;
      private byte[] cur;
      private long curStart;
      private long total = -1;

      public long length() {
        if (total < 0) {
          // lengths are computed lazily by the reader below; a large sentinel keeps the part open
          total = Long.MAX_VALUE;
        }
        return total;
      }

      public int byteAt(long i) {
        while (cur == null || i >= curStart + cur.length) {
          if (cur != null) curStart += cur.length;
          index++;
          if (index >= count) {
            total = curStart;
            return -1;
          }
          cur = (gen.apply(index) + "\n").getBytes(StandardCharsets.UTF_8);
        }
        return cur[(int) (i - curStart)] & 0xff;
      }
    });
    return this;
  }

  long served() {
    return served;
  }

  @Override
  public int read() {
    while (part < parts.size()) {
      Part p = parts.get(part);
      if (pos < p.length()) {
        int b = p.byteAt(pos);
        if (b >= 0) {
          pos++;
          served++;
          return b;
        }
      }
      part++;
      pos = 0;
    }
    return -1;
  }

  @Override
  public int read(byte[] buf, int off, int len) {
    if (len == 0) return 0;
    int n = 0;
    while (n < len) {
      int b = read();
      if (b < 0) break;
      buf[off + n++] = (byte) b;
    }
    return n == 0 ? -1 : n;
  }
}
