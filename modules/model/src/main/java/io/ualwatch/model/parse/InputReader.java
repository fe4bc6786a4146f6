package io.ualwatch.model.parse;

import io.ualwatch.model.AuditEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Reads any supported input stream, detecting the format by content (never by file name) and gzip by its
 * magic bytes. Streams: memory stays bounded by the record size limit whatever the input size.
 *
 * <p>JSON is split into records at the byte level (strings and escapes respected) before Jackson parses
 * each record, so one malformed record is one rejection and the rest of the file is still read, and the
 * raw text of every record is kept exactly as written. In NDJSON a record never spans lines, so a truncated
 * line costs that line only. Envelopes ({"records":[…]}, {"value":[…]}) are streamed element by element.
 *
 * <p>Counting contract: every record unit the reader splits out (array element, NDJSON line value, envelope
 * element, CSV data row) ends as one or more events (an envelope or page: one per element) or exactly one
 * rejection. {@link #read} never throws.
 */
public final class InputReader {
  private final ParseLimits limits;
  private final RecordNormalizer normalizer;

  public InputReader(ParseLimits limits) {
    this.limits = limits;
    this.normalizer = new RecordNormalizer(limits);
  }

  public InputReader() {
    this(ParseLimits.DEFAULT);
  }

  public RecordNormalizer normalizer() {
    return normalizer;
  }

  /**
   * Reads the whole stream; returns the detected format. Never throws for bad content. An exception thrown by
   * the listener itself (a sink that failed, or a caller that stops reading on purpose) is not a parser bug: it
   * ends the read and reaches the caller unchanged.
   */
  public InputFormat read(InputStream raw, String originName, ParseListener listener) {
    ParseListener out = new Guarded(listener);
    try {
      return read0(raw, originName, out);
    } catch (ListenerFailure f) {
      throw f.getCause();
    }
  }

  /**
   * Carries an exception of the listener's own through the parser. An Error, so that the parser's guards against
   * its own bugs ({@code catch (RuntimeException | StackOverflowError)}) let it pass untouched.
   */
  private static final class ListenerFailure extends Error {
    private static final long serialVersionUID = 1L;

    ListenerFailure(RuntimeException cause) {
      super(null, cause, false, false);
    }

    @Override
    public synchronized RuntimeException getCause() {
      return (RuntimeException) super.getCause();
    }
  }

  /** Marks the listener's exceptions so that they are not taken for parser bugs. */
  private record Guarded(ParseListener l) implements ParseListener {
    @Override public void onEvent(AuditEvent e) {
      try {
        l.onEvent(e);
      } catch (RuntimeException x) {
        throw new ListenerFailure(x);
      }
    }

    @Override public void onReject(Rejection r) {
      try {
        l.onReject(r);
      } catch (RuntimeException x) {
        throw new ListenerFailure(x);
      }
    }

    @Override public void onFormat(String origin, InputFormat format) {
      try {
        l.onFormat(origin, format);
      } catch (RuntimeException x) {
        throw new ListenerFailure(x);
      }
    }

    @Override public void onProgress(long bytesRead) {
      try {
        l.onProgress(bytesRead);
      } catch (RuntimeException x) {
        throw new ListenerFailure(x);
      }
    }

    @Override public void onWarning(String origin, String message) {
      try {
        l.onWarning(origin, message);
      } catch (RuntimeException x) {
        throw new ListenerFailure(x);
      }
    }
  }

  private InputFormat read0(InputStream raw, String originName, ParseListener out) {
    InputFormat format = InputFormat.UNKNOWN;
    ByteInput bi = null;
    try {
      InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw, 64 * 1024);
      in.mark(4);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        in = new BufferedInputStream(new GZIPInputStream(in, 64 * 1024), 64 * 1024);
      }
      bi = new ByteInput(in, out);
      skipBom(bi);
      int first = bi.skipWhitespace();
      if (first < 0) {
        out.onFormat(originName, InputFormat.UNKNOWN);
        out.onWarning(originName, "the input is empty");
        return InputFormat.UNKNOWN;
      }
      if (first == '[') {
        format = InputFormat.JSON_ARRAY;
        out.onFormat(originName, format);
        new Splitter(bi, originName, out, false).readJsonArrays();
      } else if (first == '{' || ndjsonAfterGarbage(bi)) {
        boolean ndjson = first != '{' || firstLineIsCompleteValueFollowedByMore(bi);
        format = ndjson ? InputFormat.NDJSON : InputFormat.JSON_DOCUMENT;
        out.onFormat(originName, format);
        new Splitter(bi, originName, out, ndjson).readJsonValues(format);
      } else {
        format = new CsvInput(limits, normalizer).read(bi, originName, out);
      }
    } catch (IOException e) {
      String where = bi == null ? originName : originName + ":" + bi.line();
      out.onReject(new Rejection(RejectReason.UNREADABLE, "could not read " + originName
          + (bi == null ? "" : " after " + bi.offset() + " bytes") + ": " + e, where, null));
    } catch (RuntimeException | StackOverflowError e) {
      String where = bi == null ? originName : originName + ":" + bi.line();
      out.onReject(new Rejection(RejectReason.INTERNAL_ERROR, "parser bug while reading " + originName + ": " + e,
          where, null));
    }
    return format;
  }

  static void skipBom(ByteInput bi) throws IOException {
    if (bi.peek() == 0xEF) {
      bi.read();
      if (bi.peek() == 0xBB) bi.read();
      if (bi.peek() == 0xBF) bi.read();
    }
  }

  /**
   * Input that does not start with '{' or '[': NDJSON whose first line is garbage, rather than CSV, when that
   * first line has no delimiter (a CSV header has at least two columns) and a later line starts with '{'.
   */
  private static boolean ndjsonAfterGarbage(ByteInput bi) throws IOException {
    int n = bi.lookahead(ByteInput.BUFFER);
    int i = 0;
    while (i < n && bi.ahead(i) != '\n') {
      int c = bi.ahead(i);
      if (c == ',' || c == ';' || c == '\t') return false;
      i++;
    }
    while (i < n) {
      if (bi.ahead(i) == '\n') {
        int j = i + 1;
        while (j < n && (bi.ahead(j) == ' ' || bi.ahead(j) == '\t' || bi.ahead(j) == '\r')) j++;
        if (j < n && bi.ahead(j) == '{') return true;
      }
      i++;
    }
    return false;
  }

  /**
   * NDJSON rather than one (pretty-printed) document: the first line holds a complete JSON value and more
   * content follows. Looks ahead at most {@link ByteInput#MAX_LOOKAHEAD} bytes; a longer first line counts as
   * one document (streamed all the same).
   */
  private static boolean firstLineIsCompleteValueFollowedByMore(ByteInput bi) throws IOException {
    int n = bi.lookahead(ByteInput.MAX_LOOKAHEAD);
    int depth = 0;
    boolean inString = false;
    int i = 0;
    for (; i < n; i++) {
      int c = bi.ahead(i);
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
        else if (c == '\n') return false;
        continue;
      }
      if (c == '"') inString = true;
      else if (c == '{' || c == '[') depth++;
      else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) break;
      } else if (c == '\n') return false;
    }
    if (i >= n) return false;
    for (i++; i < n; i++) {
      int c = bi.ahead(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != 0) return true;
    }
    return false;
  }

  private enum Scan { OK, EOF_INSIDE, LINE_END_INSIDE }

  private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
      long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Index of the first line feed in b[from, to), or -1; eight bytes at a time (SWAR zero-byte test). */
  static int indexOfNewline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
      long t = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
      if (t != 0) return i + (Long.numberOfTrailingZeros(t) >>> 3);
    }
    for (; i < to; i++) {
      if (b[i] == '\n') return i;
    }
    return -1;
  }

  /** Splits one input into record units and hands them to the normalizer. */
  private final class Splitter {
    private final ByteInput bi;
    private final String origin;
    private final ParseListener out;
    /** NDJSON: a newline outside a finished value ends (truncates) the value. */
    private final boolean lineBounded;
    private final ByteInput.Capture cap;
    private final ByteInput.Capture element;
    private InputFormat format = InputFormat.JSON_ARRAY;

    Splitter(ByteInput bi, String origin, ParseListener out, boolean lineBounded) {
      this.bi = bi;
      this.origin = origin;
      this.out = out;
      this.lineBounded = lineBounded;
      this.cap = new ByteInput.Capture(limits.maxRecordBytes());
      this.element = new ByteInput.Capture(limits.maxRecordBytes());
    }

    /** A top-level JSON array (Management Activity API content blob), or several back to back. */
    void readJsonArrays() throws IOException {
      int next = bi.skipWhitespace();
      while (next == '[') {
        bi.read();
        if (!readArrayElements(null, RecordNormalizer.Kind.ANY)) return;
        next = bi.skipWhitespace();
      }
      if (next >= 0) {
        ByteInput.Capture rest = new ByteInput.Capture(Rejection.MAX_RAW);
        long line = bi.line();
        int b;
        while ((b = bi.read()) >= 0) rest.add(b);
        out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "unexpected content after the end of the JSON "
            + "array", origin + ":" + line, text(rest)));
      }
    }

    /**
     * Reads array elements after the opening bracket until the closing one; false when the input ended or (in
     * NDJSON) the line ended inside the array.
     */
    private boolean readArrayElements(String label, RecordNormalizer.Kind kind) throws IOException {
      int index = 0;
      while (true) {
        int b = skipWs();
        if (b < 0) {
          out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "the input ends inside a JSON array (truncated?)",
              origin + ":" + bi.line(), null));
          return false;
        }
        if (b == '\n') {
          bi.read();
          out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "the line ends inside a JSON array (truncated?)",
              origin + ":" + (bi.line() - 1), null));
          return false;
        }
        if (b == ']') {
          bi.read();
          return true;
        }
        if (b == ',') {
          bi.read();
          continue;
        }
        long line = bi.line();
        element.reset();
        Scan s = scanValue(element);
        String where = origin + ":" + line + "#" + (label == null ? String.valueOf(index) : label + "[" + index + "]");
        index++;
        if (s != Scan.OK) {
          out.onReject(new Rejection(RejectReason.MALFORMED_JSON, s == Scan.EOF_INSIDE
              ? "the input ends inside a record (truncated?)" : "the line ends inside a record (truncated?)", where,
              text(element)));
          return false;
        }
        emit(element, where, kind);
      }
    }

    /** In NDJSON mode a newline is reported (not skipped) so that a value cannot continue on the next line. */
    private int skipWs() throws IOException {
      if (!lineBounded) return bi.skipWhitespace();
      while (true) {
        int b = bi.peek();
        if (b == ' ' || b == '\t' || b == '\r' || b == 0) bi.read();
        else return b;
      }
    }

    private void emit(ByteInput.Capture c, String where, RecordNormalizer.Kind kind) {
      if (c.overflowed()) {
        out.onReject(new Rejection(RejectReason.TOO_LARGE, "record of " + c.total() + " bytes exceeds the limit of "
            + limits.maxRecordBytes() + " bytes (ualwatch.parse.max-record-bytes)", where, text(c), true));
        return;
      }
      normalizer.normalizeUnit(c.data(), 0, c.size(), where, format.id(), kind, null, out);
    }

    /**
     * A sequence of top-level JSON values: one document (a record or an envelope, possibly pretty-printed), NDJSON,
     * or concatenated JSON. Garbage between values is rejected up to the end of its line.
     */
    void readJsonValues(InputFormat fmt) throws IOException {
      this.format = fmt;
      while (true) {
        int b = bi.skipWhitespace();
        if (b < 0) break;
        long line = bi.line();
        String where = origin + ":" + line;
        if (b != '{' && b != '[') {
          ByteInput.Capture junk = new ByteInput.Capture(Rejection.MAX_RAW);
          int c;
          while ((c = bi.peek()) >= 0 && c != '\n') junk.add(bi.read());
          out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "a line that is not a JSON object", where,
              text(junk)));
          continue;
        }
        if (lineBounded && lineFastPath(where)) continue;
        cap.reset();
        Scan t = scanTopLevel(cap, where);
        if (t == Scan.EOF_INSIDE) {
          out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "the input ends inside a JSON object (truncated?)",
              where, text(cap)));
          break;
        }
        if (t == Scan.LINE_END_INSIDE) {
          out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "the line ends inside a JSON object (a truncated "
              + "NDJSON line)", where, text(cap)));
          continue;
        }
        if (cap.size() > 0) emit(cap, where, RecordNormalizer.Kind.ANY);
      }
    }

    /**
     * NDJSON fast path: when the whole line is in the read buffer and cannot hold a streamable envelope key, the
     * line is one record unit, handed to the normalizer straight from the buffer (no copy, no per-byte state
     * machine). Returns false (nothing consumed) when the slow path must scan the line.
     */
    private boolean lineFastPath(String where) throws IOException {
      if (!bi.ensure()) return false;
      byte[] buf = bi.buffer();
      int start = bi.pos();
      int lim = bi.limit();
      int p = indexOfNewline(buf, start, lim);
      if (p < 0) return false; // the line continues beyond the buffer (or the input ends without a newline)
      int end = p;
      if (end - start <= limits.maxRecordBytes()
          && normalizer.tryFastUal(buf, start, end - start, where, format.id(), out)) {
        bi.advance(p + 1, 1);
        return true;
      }
      for (int q = start; q < end; q++) {
        if (buf[q] == '"' && q + 1 < end) {
          byte n = buf[q + 1];
          if ((n == 'r' || n == 'R' || n == 'v' || n == 'V') && mayStream(buf, q + 1, end)) return false;
        }
      }
      bi.advance(p + 1, 1);
      if (end - start > limits.maxRecordBytes()) {
        out.onReject(new Rejection(RejectReason.TOO_LARGE, "record of " + (end - start) + " bytes exceeds the "
            + "limit of " + limits.maxRecordBytes() + " bytes (ualwatch.parse.max-record-bytes)", where,
            new String(buf, start, Math.min(end - start, Rejection.MAX_RAW), StandardCharsets.UTF_8), true));
        return true;
      }
      normalizer.normalizeUnit(buf, start, end - start, where, format.id(), RecordNormalizer.Kind.ANY, null, out);
      return true;
    }

    /** At a key that starts with r or v: "records" or "value" (any case) followed by ':' and '['? */
    private boolean mayStream(byte[] buf, int i, int lim) {
      String[] names = {"records", "value"};
      for (String name : names) {
        int n = name.length();
        if (i + n >= lim) continue;
        boolean match = true;
        for (int k = 0; k < n && match; k++) match = (buf[i + k] | 0x20) == name.charAt(k);
        if (!match || buf[i + n] != '"') continue;
        int j = i + n + 1;
        while (j < lim && (buf[j] == ' ' || buf[j] == '\t')) j++;
        if (j >= lim || buf[j] != ':') continue;
        j++;
        while (j < lim && (buf[j] == ' ' || buf[j] == '\t')) j++;
        if (j < lim && buf[j] == '[') return true;
      }
      return false;
    }

    /** Scans one JSON value (object, array or scalar) into c, consuming exactly its bytes. */
    private Scan scanValue(ByteInput.Capture c) throws IOException {
      int first = bi.peek();
      if (first == '{' || first == '[') return scanContainer(c, false);
      if (first == '"') {
        c.add(bi.read());
        return scanStringRest(c);
      }
      int b;
      while ((b = bi.peek()) >= 0 && b != ',' && b != ']' && b != '}' && b != ' ' && b != '\n' && b != '\r'
          && b != '\t') {
        c.add(bi.read());
      }
      if (c.total() == 0 && b >= 0 && b != '\n') c.add(bi.read()); // a stray '}': consume it, always progress
      return Scan.OK;
    }

    /** After an opening quote: consumes through the closing quote. */
    private Scan scanStringRest(ByteInput.Capture c) throws IOException {
      while (true) {
        int b = bi.read();
        if (b < 0) return Scan.EOF_INSIDE;
        if (b == '\n' && lineBounded) return Scan.LINE_END_INSIDE;
        c.add(b);
        if (b == '\\') {
          int n = bi.read();
          if (n < 0) return Scan.EOF_INSIDE;
          if (n == '\n' && lineBounded) return Scan.LINE_END_INSIDE;
          c.add(n);
        } else if (b == '"') {
          return Scan.OK;
        }
      }
    }

    /** Scans a top-level value; objects may stream a "records"/"value" array (then c is left empty). */
    private Scan scanTopLevel(ByteInput.Capture c, String where) throws IOException {
      return scanContainer(c, bi.peek() == '{');
    }

    /**
     * Scans an object or array starting at the next byte, working directly on the reader's buffer (bulk copies,
     * no per-byte calls). With {@code streamable}, a depth-1 key "records" or "value" whose value is an array has
     * its elements streamed to the normalizer one by one; c is then left empty and the rest of the object consumed.
     * In NDJSON mode a line feed inside the value ends it (LINE_END_INSIDE, the line feed consumed).
     */
    private Scan scanContainer(ByteInput.Capture c, boolean streamable) throws IOException {
      int depth = 0;
      boolean inString = false;
      boolean escaped = false;
      boolean expectKey = false;
      int keyStart = -1;
      int keyEnd = -1;
      boolean streamed = false;
      while (true) {
        if (!bi.ensure()) return Scan.EOF_INSIDE;
        byte[] buf = bi.buffer();
        int start = bi.pos();
        int lim = bi.limit();
        int p = start;
        int newlines = 0;
        Scan result = null;
        boolean stream = false;
        for (; p < lim; p++) {
          byte b = buf[p];
          if (inString) {
            if (escaped) {
              escaped = false;
              if (b == '\n') {
                newlines++;
                if (lineBounded) {
                  result = Scan.LINE_END_INSIDE;
                  break;
                }
              }
            } else if (b == '\\') {
              escaped = true;
            } else if (b == '"') {
              inString = false;
              if (keyStart >= 0 && keyEnd < 0) keyEnd = c.size() + (p - start);
            } else if (b == '\n') {
              newlines++;
              if (lineBounded) {
                result = Scan.LINE_END_INSIDE;
                break;
              }
            }
            continue;
          }
          switch (b) {
            case '"' -> {
              inString = true;
              if (depth == 1 && expectKey) {
                keyStart = c.size() + (p - start) + 1;
                keyEnd = -1;
                expectKey = false;
              }
            }
            case '{' -> {
              depth++;
              if (depth == 1) expectKey = true;
            }
            case '[' -> depth++;
            case '}', ']' -> {
              depth--;
              if (depth <= 0) result = Scan.OK;
            }
            case ',' -> {
              if (depth == 1) {
                expectKey = true;
                keyStart = -1;
              }
            }
            case ':' -> {
              if (depth == 1 && streamable && keyStart >= 0 && keyEnd > keyStart) stream = true;
            }
            case '\n' -> {
              newlines++;
              if (lineBounded) result = Scan.LINE_END_INSIDE;
            }
            default -> { }
          }
          if (result != null) break;
          if (stream) {
            p++;
            break;
          }
        }
        if (result == Scan.OK) {
          c.add(buf, start, p + 1 - start);
          bi.advance(p + 1, newlines);
          if (streamed) c.reset();
          return Scan.OK;
        }
        if (result == Scan.LINE_END_INSIDE) {
          c.add(buf, start, p - start);
          bi.advance(p + 1, newlines);
          return Scan.LINE_END_INSIDE;
        }
        c.add(buf, start, p - start);
        bi.advance(p, newlines);
        if (stream) {
          stream = false;
          String key = c.overflowed() ? "" : new String(c.data(), keyStart, keyEnd - keyStart, StandardCharsets.UTF_8);
          keyStart = -1;
          if (key.equalsIgnoreCase("records") || key.equalsIgnoreCase("value")) {
            int n = skipWs();
            if (n == '[') {
              bi.read();
              streamed = true;
              boolean envelope = key.equalsIgnoreCase("records");
              boolean complete = readArrayElements(key.toLowerCase(java.util.Locale.ROOT),
                  envelope ? RecordNormalizer.Kind.ENVELOPE_ELEMENT : RecordNormalizer.Kind.ANY);
              c.reset();
              if (!complete) return Scan.OK; // the element scan reported the problem
              c.add('{');
            }
          }
        }
      }
    }

    private String text(ByteInput.Capture c) {
      return new String(c.data(), 0, Math.min(c.size(), Rejection.MAX_RAW), StandardCharsets.UTF_8);
    }
  }
}
