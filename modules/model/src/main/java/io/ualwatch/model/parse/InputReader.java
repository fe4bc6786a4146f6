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
 * raw text of every record is kept exactly as written.
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

  /** Reads the whole stream; returns the detected format. Never throws for bad content. */
  public InputFormat read(InputStream raw, String originName, ParseListener out) {
    InputFormat format = InputFormat.UNKNOWN;
    try {
      InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw, 64 * 1024);
      in.mark(4);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        in = new BufferedInputStream(new GZIPInputStream(in, 64 * 1024), 64 * 1024);
      }
      ByteInput bi = new ByteInput(in);
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
        readJsonArrayInput(bi, originName, out);
      } else if (first == '{') {
        format = readJsonStream(bi, originName, out);
      } else {
        format = new CsvInput(limits, normalizer).read(bi, originName, out);
      }
    } catch (IOException e) {
      out.onReject(new Rejection(RejectReason.UNREADABLE, "could not read " + originName + ": " + e.getMessage(),
          originName, null));
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

  /** A top-level JSON array: each element is a record (Management Activity API content blob). */
  private void readJsonArrayInput(ByteInput bi, String origin, ParseListener out) throws IOException {
    bi.read(); // [
    readArrayElements(bi, origin, null, out);
    int next = bi.skipWhitespace();
    if (next >= 0) {
      // Several arrays back to back (concatenated blobs) are read the same way.
      while (next == '[') {
        bi.read();
        readArrayElements(bi, origin, null, out);
        next = bi.skipWhitespace();
      }
      if (next >= 0) {
        ByteInput.Capture rest = new ByteInput.Capture(Rejection.MAX_RAW);
        long line = bi.line();
        int b;
        while ((b = bi.read()) >= 0) rest.add(b);
        out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "unexpected content after the end of the JSON array",
            origin + ":" + line, new String(rest.data(), 0, rest.size(), StandardCharsets.UTF_8)));
      }
    }
  }

  /**
   * Reads array elements after the opening bracket until the closing one. {@code envelopeKey} says how
   * elements are interpreted: null for plain records, "records" for diagnostic envelopes.
   */
  private void readArrayElements(ByteInput bi, String origin, String envelopeKey, ParseListener out)
      throws IOException {
    ByteInput.Capture cap = new ByteInput.Capture(limits.maxRecordBytes());
    int index = 0;
    while (true) {
      int b = bi.skipWhitespace();
      if (b < 0) {
        out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "the input ends inside a JSON array (truncated?)",
            origin + ":" + bi.line(), null));
        return;
      }
      if (b == ']') {
        bi.read();
        return;
      }
      if (b == ',') {
        bi.read();
        continue;
      }
      long line = bi.line();
      cap.reset();
      Scan s = scanValue(bi, cap);
      String where = origin + ":" + line + "#" + index++;
      if (s == Scan.EOF_INSIDE) {
        out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "the input ends inside a record (truncated?)", where,
            new String(cap.data(), 0, cap.size(), StandardCharsets.UTF_8)));
        return;
      }
      emit(cap, where, InputFormat.JSON_ARRAY, envelopeKey, out);
    }
  }

  private void emit(ByteInput.Capture cap, String where, InputFormat format, String envelopeKey, ParseListener out) {
    if (cap.overflowed()) {
      out.onReject(new Rejection(RejectReason.TOO_LARGE, "record of " + cap.total() + " bytes exceeds the limit of "
          + limits.maxRecordBytes() + " bytes (ualwatch.parse.max-record-bytes)", where,
          new String(cap.data(), 0, Math.min(cap.size(), Rejection.MAX_RAW), StandardCharsets.UTF_8)));
      return;
    }
    if ("records".equals(envelopeKey)) {
      // Wrap so the normalizer applies envelope semantics (payload under "properties").
      byte[] wrapped = wrapRecords(cap);
      normalizer.normalizeBytes(wrapped, 0, wrapped.length, where, format.id(), new ParseListener() {
        @Override public void onEvent(AuditEvent e) { out.onEvent(e); }
        @Override public void onReject(Rejection r) { out.onReject(r); }
      });
      return;
    }
    normalizer.normalizeBytes(cap.data(), 0, cap.size(), where, format.id(), out);
  }

  private static byte[] wrapRecords(ByteInput.Capture cap) {
    byte[] head = "{\"records\":[".getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + cap.size() + 2];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(cap.data(), 0, out, head.length, cap.size());
    out[out.length - 2] = ']';
    out[out.length - 1] = '}';
    return out;
  }

  /**
   * A sequence of top-level JSON objects: one (a record or an envelope document, possibly pretty-printed)
   * or many (NDJSON, concatenated JSON). Envelope arrays under "records"/"value" are streamed element by
   * element, so an Event Hubs capture or a Graph page of any size stays within the record limit.
   */
  private InputFormat readJsonStream(ByteInput bi, String origin, ParseListener out) throws IOException {
    ByteInput.Capture cap = new ByteInput.Capture(limits.maxRecordBytes());
    int values = 0;
    InputFormat format = null;
    while (true) {
      int b = bi.skipWhitespace();
      if (b < 0) break;
      long line = bi.line();
      String where = origin + ":" + line;
      if (b != '{' && b != '[') {
        // Garbage between records: reject the rest of the line and carry on.
        ByteInput.Capture junk = new ByteInput.Capture(Rejection.MAX_RAW);
        int c;
        while ((c = bi.peek()) >= 0 && c != '\n') junk.add(bi.read());
        if (format == null) {
          format = InputFormat.NDJSON;
          out.onFormat(origin, format);
        }
        out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "a line that is not a JSON object", where,
            new String(junk.data(), 0, junk.size(), StandardCharsets.UTF_8)));
        values++;
        continue;
      }
      cap.reset();
      TopLevel t = scanTopLevel(bi, cap, origin, out);
      values++;
      if (format == null) {
        int next = bi.skipWhitespace();
        format = next < 0 && values == 1 ? InputFormat.JSON_DOCUMENT : InputFormat.NDJSON;
        out.onFormat(origin, format);
      }
      if (t == TopLevel.STREAMED) continue;
      if (t == TopLevel.EOF_INSIDE) {
        out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "the input ends inside a JSON object (truncated?)",
            where, new String(cap.data(), 0, Math.min(cap.size(), Rejection.MAX_RAW), StandardCharsets.UTF_8)));
        break;
      }
      emit(cap, where, format, null, out);
    }
    if (format == null) {
      format = InputFormat.UNKNOWN;
      out.onFormat(origin, format);
    }
    return format;
  }

  private enum Scan { OK, EOF_INSIDE }

  private enum TopLevel { CAPTURED, STREAMED, EOF_INSIDE }

  /** Scans one JSON value (object, array or scalar) into cap, consuming exactly its bytes. */
  static Scan scanValue(ByteInput bi, ByteInput.Capture cap) throws IOException {
    int first = bi.peek();
    if (first != '{' && first != '[') {
      // scalar: a string or a bare token
      if (first == '"') {
        cap.add(bi.read());
        return scanStringRest(bi, cap) ? Scan.OK : Scan.EOF_INSIDE;
      }
      int b;
      while ((b = bi.peek()) >= 0 && b != ',' && b != ']' && b != '}' && b != ' ' && b != '\n' && b != '\r'
          && b != '\t') {
        cap.add(bi.read());
      }
      return Scan.OK;
    }
    int depth = 0;
    while (true) {
      int b = bi.read();
      if (b < 0) return Scan.EOF_INSIDE;
      cap.add(b);
      if (b == '"') {
        if (!scanStringRest(bi, cap)) return Scan.EOF_INSIDE;
      } else if (b == '{' || b == '[') {
        depth++;
      } else if (b == '}' || b == ']') {
        depth--;
        if (depth == 0) return Scan.OK;
      }
    }
  }

  /** After an opening quote: consumes through the closing quote. */
  private static boolean scanStringRest(ByteInput bi, ByteInput.Capture cap) throws IOException {
    while (true) {
      int b = bi.read();
      if (b < 0) return false;
      cap.add(b);
      if (b == '\\') {
        int n = bi.read();
        if (n < 0) return false;
        cap.add(n);
      } else if (b == '"') {
        return true;
      }
    }
  }

  /**
   * Scans a top-level object. When a depth-1 key is "records" or "value" and its value is an array, the
   * elements are streamed to the normalizer one by one and the object is reported as STREAMED.
   */
  private TopLevel scanTopLevel(ByteInput bi, ByteInput.Capture cap, String origin, ParseListener out)
      throws IOException {
    int first = bi.read();
    cap.add(first);
    if (first == '[') {
      // An array in NDJSON: read its elements as records.
      int depth = 1;
      // Fall back to a simple scan; arrays per line are normalized as a whole.
      while (depth > 0) {
        int b = bi.read();
        if (b < 0) return TopLevel.EOF_INSIDE;
        cap.add(b);
        if (b == '"') {
          if (!scanStringRest(bi, cap)) return TopLevel.EOF_INSIDE;
        } else if (b == '{' || b == '[') {
          depth++;
        } else if (b == '}' || b == ']') {
          depth--;
        }
      }
      return TopLevel.CAPTURED;
    }
    int depth = 1;
    boolean expectKey = true;
    ByteInput.Capture key = new ByteInput.Capture(64);
    String lastKey = null;
    boolean streamed = false;
    while (depth > 0) {
      int b = bi.read();
      if (b < 0) return TopLevel.EOF_INSIDE;
      cap.add(b);
      if (b == '"') {
        if (depth == 1 && expectKey) {
          key.reset();
          while (true) {
            int c = bi.read();
            if (c < 0) return TopLevel.EOF_INSIDE;
            cap.add(c);
            if (c == '\\') {
              int n = bi.read();
              if (n < 0) return TopLevel.EOF_INSIDE;
              cap.add(n);
              key.add(n);
              continue;
            }
            if (c == '"') break;
            key.add(c);
          }
          lastKey = key.overflowed() ? "" : new String(key.data(), 0, key.size(), StandardCharsets.UTF_8);
          expectKey = false;
        } else if (!scanStringRest(bi, cap)) {
          return TopLevel.EOF_INSIDE;
        }
      } else if (b == ':' && depth == 1) {
        if (lastKey != null && (lastKey.equalsIgnoreCase("records") || lastKey.equalsIgnoreCase("value"))) {
          int n = bi.skipWhitespace();
          if (n == '[') {
            bi.read();
            streamed = true;
            String k = lastKey.equalsIgnoreCase("records") ? "records" : null;
            readArrayElements(bi, origin + "." + lastKey.toLowerCase(), k, out);
            cap.reset(); // the prefix is not a record; keep scanning to the end of the object
            cap.add('{');
          }
        }
      } else if (b == ',' && depth == 1) {
        expectKey = true;
      } else if (b == '{' || b == '[') {
        depth++;
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
    return streamed ? TopLevel.STREAMED : TopLevel.CAPTURED;
  }
}
