package io.ualwatch.model.parse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Audit log CSV exports (Purview portal, Search-UnifiedAuditLog, the oldest four-column layout): RFC 4180
 * records split at the byte level (quotes, doubled quotes, embedded newlines, CRLF, a UTF-8 BOM), each row's
 * {@code AuditData} cell normalized as a UAL record. Event time always comes from AuditData, never from the
 * locale-formatted CreationDate column.
 */
final class CsvInput {
  /** The portal and ReturnLargeSet stop at this many rows; exactly this many means "probably truncated". */
  static final int EXPORT_ROW_CAP = 50_000;

  private final ParseLimits limits;
  private final RecordNormalizer normalizer;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

  CsvInput(ParseLimits limits, RecordNormalizer normalizer) {
    this.limits = limits;
    this.normalizer = normalizer;
  }

  /** One CSV record as raw field byte ranges in a capture buffer. */
  private static final class Row {
    final ByteInput.Capture bytes;
    final List<int[]> fields = new ArrayList<>();
    boolean unterminated;
    long line;

    Row(int max) {
      bytes = new ByteInput.Capture(max);
    }
  }

  InputFormat read(ByteInput bi, String origin, ParseListener out) throws IOException {
    Row header = new Row(1 << 16);
    if (!readRow(bi, header)) {
      out.onFormat(origin, InputFormat.UNKNOWN);
      return InputFormat.UNKNOWN;
    }
    List<String> names = new ArrayList<>();
    for (int[] f : header.fields) {
      String n;
      try {
        n = decode(header.bytes.data(), f[0], f[1]);
      } catch (CharacterCodingException e) {
        n = "";
      }
      names.add(n.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT));
    }
    int auditData = names.indexOf("auditdata");
    InputFormat format;
    if (auditData < 0) {
      format = InputFormat.UNKNOWN;
      out.onFormat(origin, format);
      String first = new String(header.bytes.data(), 0, Math.min(header.bytes.size(), 2000), StandardCharsets.UTF_8);
      out.onReject(new Rejection(RejectReason.UNKNOWN_FORMAT,
          "not JSON, and not a CSV with an AuditData column; expected a Management API blob, NDJSON, a sign-in "
              + "export, or a Purview / Search-UnifiedAuditLog CSV export", origin + ":1", first));
      return format;
    }
    if (names.contains("recordid")) {
      format = InputFormat.PURVIEW_CSV;
    } else if (names.contains("identity") || names.contains("resultindex")) {
      format = InputFormat.CMDLET_CSV;
    } else {
      format = InputFormat.AUDITDATA_CSV;
    }
    out.onFormat(origin, format);
    int columns = names.size();
    Row row = new Row(limits.maxRecordBytes());
    long rows = 0;
    while (true) {
      row.bytes.reset();
      row.fields.clear();
      row.unterminated = false;
      if (!readRow(bi, row)) break;
      String where = origin + ":" + row.line;
      if (row.fields.size() == 1 && row.fields.get(0)[1] == 0) continue; // blank line
      rows++;
      if (row.bytes.overflowed()) {
        out.onReject(new Rejection(RejectReason.TOO_LARGE, "CSV row of " + row.bytes.total()
            + " bytes exceeds the limit of " + limits.maxRecordBytes() + " bytes (ualwatch.parse.max-record-bytes)",
            where, preview(row)));
        continue;
      }
      if (row.unterminated) {
        out.onReject(new Rejection(RejectReason.BAD_CSV_ROW,
            "unterminated quoted field: the file ends inside quotes that open on line " + row.line, where,
            preview(row)));
        break;
      }
      if (row.fields.size() <= auditData) {
        out.onReject(new Rejection(RejectReason.BAD_CSV_ROW, "row has " + row.fields.size()
            + " fields but the header has " + columns + " (AuditData is column " + (auditData + 1) + ")", where,
            preview(row)));
        continue;
      }
      int[] f = row.fields.get(auditData);
      byte[] cell = unquote(row.bytes.data(), f[0], f[1]);
      try {
        decode(cell, 0, cell.length);
      } catch (CharacterCodingException e) {
        out.onReject(new Rejection(RejectReason.INVALID_UTF8, "AuditData is not valid UTF-8", where, preview(row)));
        continue;
      }
      if (isBlank(cell)) {
        out.onReject(new Rejection(RejectReason.MISSING_AUDIT_DATA, "the AuditData cell is empty", where,
            preview(row)));
        continue;
      }
      normalizer.normalizeBytes(cell, 0, cell.length, where, format.id(), out);
    }
    if (rows == EXPORT_ROW_CAP) {
      out.onWarning(origin, "exactly " + EXPORT_ROW_CAP + " data rows: Purview and Search-UnifiedAuditLog stop "
          + "there, so this export was probably truncated; export smaller time slices");
    }
    return format;
  }

  /**
   * Reads one CSV record; fields are recorded as [start, length] into the capture (still quoted).
   * Returns false at end of input before any byte.
   */
  private boolean readRow(ByteInput bi, Row row) throws IOException {
    int b = bi.peek();
    if (b < 0) return false;
    row.line = bi.line();
    boolean inQuotes = false;
    int fieldStart = 0;
    int pos = 0;
    boolean atFieldStart = true;
    while (true) {
      b = bi.read();
      if (b < 0) {
        if (inQuotes) row.unterminated = true;
        row.fields.add(new int[] {fieldStart, pos - fieldStart});
        return true;
      }
      if (inQuotes) {
        if (b == '"') {
          if (bi.peek() == '"') {
            row.bytes.add(b);
            pos++;
            b = bi.read();
          } else {
            inQuotes = false;
          }
        }
        row.bytes.add(b);
        pos++;
        continue;
      }
      if (b == '"' && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
        row.bytes.add(b);
        pos++;
        continue;
      }
      if (b == ',') {
        row.fields.add(new int[] {fieldStart, Math.min(pos, row.bytes.size()) - fieldStart});
        fieldStart = Math.min(pos, row.bytes.size());
        atFieldStart = true;
        continue;
      }
      if (b == '\n' || b == '\r') {
        if (b == '\r' && bi.peek() == '\n') bi.read();
        row.fields.add(new int[] {fieldStart, Math.min(pos, row.bytes.size()) - fieldStart});
        return true;
      }
      atFieldStart = false;
      row.bytes.add(b);
      pos++;
      if (row.bytes.overflowed()) {
        // keep consuming to the end of the record without storing; fields no longer matter
        fieldStart = row.bytes.size();
        pos = row.bytes.size();
      }
    }
  }

  /** Removes the surrounding quotes of a field and undoubles inner quotes. */
  static byte[] unquote(byte[] data, int start, int len) {
    int end = start + len;
    // trim unquoted whitespace
    while (start < end && (data[start] == ' ' || data[start] == '\t')) start++;
    while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\t')) end--;
    if (end - start >= 2 && data[start] == '"' && data[end - 1] == '"') {
      byte[] out = new byte[end - start - 2];
      int n = 0;
      for (int i = start + 1; i < end - 1; i++) {
        out[n++] = data[i];
        if (data[i] == '"' && i + 1 < end - 1 && data[i + 1] == '"') i++;
      }
      return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
    byte[] out = new byte[end - start];
    System.arraycopy(data, start, out, 0, out.length);
    return out;
  }

  private String decode(byte[] b, int off, int len) throws CharacterCodingException {
    return utf8.reset().decode(ByteBuffer.wrap(b, off, len)).toString();
  }

  private static boolean isBlank(byte[] b) {
    for (byte c : b) if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    return true;
  }

  private static String preview(Row row) {
    return new String(row.bytes.data(), 0, Math.min(row.bytes.size(), Rejection.MAX_RAW), StandardCharsets.UTF_8);
  }
}
