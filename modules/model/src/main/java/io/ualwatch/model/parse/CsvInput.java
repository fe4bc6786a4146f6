package io.ualwatch.model.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * CSV exports, detected by their header (never by file name). RFC 4180 rows are split at the byte level
 * (quotes, doubled quotes, embedded newlines, CRLF or LF, a UTF-8 BOM, an Excel {@code sep=} line, comma /
 * semicolon / tab delimiters).
 *
 * <ul>
 *   <li>A column {@code AuditData}: Purview portal, Search-UnifiedAuditLog and the oldest layout. The cell is the
 *       UAL record; RecordId / Identity, RecordType, Operation(s), UserId(s) fill in only what AuditData lacks.
 *       Event time always comes from AuditData, never from the locale-formatted CreationDate column.
 *   <li>A column {@code RawEventData}: Defender Advanced Hunting CloudAppEvents export.
 *   <li>OfficeActivity columns ({@code OfficeWorkload}, {@code OfficeId}, {@code Client_IPAddress}, ...): Sentinel
 *       OfficeActivity export.
 *   <li>Sign-in columns ({@code CreatedDateTime}, {@code UserPrincipalName}, {@code ResultType}, ...): Sentinel
 *       SigninLogs / AADNonInteractiveUserSignInLogs export.
 *   <li>{@code CreationTime} and {@code Operation} columns: a UAL record flattened into columns; dotted columns
 *       ({@code AppAccessContext.ClientAppId}) are put back into nested objects.
 * </ul>
 * Columns whose header carries the zone ({@code TimeGenerated [UTC]}, {@code CreatedDateTime [UTC+02:00]},
 * {@code Created (UTC)}) are read with {@link ExportTimes} (ISO, and the portal's locale text such as
 * {@code 4/26/2021, 7:17:10.000 AM}); a cell it cannot read is rejected with its reason when the row needs it.
 */
final class CsvInput {
  static final int MAX_HEADER_BYTES = 1 << 20;
  static final int MAX_COLUMNS = 4096;
  static final int MAX_PATH_SEGMENTS = 16;
  static final int MAX_ARRAY_INDEX = 1000;

  private final ParseLimits limits;
  private final RecordNormalizer normalizer;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

  CsvInput(ParseLimits limits, RecordNormalizer normalizer) {
    this.limits = limits;
    this.normalizer = normalizer;
  }

  /** One CSV record: its raw bytes (delimiters and quotes included, line end excluded) and field ranges. */
  static final class Row {
    final ByteInput.Capture bytes;
    int[] start = new int[64];
    int[] end = new int[64];
    int fields;
    boolean tooManyFields;
    boolean unterminated;
    long line;
    long endLine;

    Row(int max) {
      bytes = new ByteInput.Capture(max);
    }

    void reset() {
      bytes.reset();
      fields = 0;
      tooManyFields = false;
      unterminated = false;
    }

    void addField(int s, int e) {
      if (fields == MAX_COLUMNS) {
        tooManyFields = true;
        return;
      }
      if (fields == start.length) {
        start = Arrays.copyOf(start, fields * 2);
        end = Arrays.copyOf(end, fields * 2);
      }
      start[fields] = s;
      end[fields] = e;
      fields++;
    }

    boolean blank() {
      return fields <= 1 && bytes.isBlank();
    }
  }

  /** What the header says the file is. */
  private enum Layout { AUDIT_DATA, DEFENDER, SENTINEL_OFFICE, SENTINEL_SIGNIN, FLATTENED, UNKNOWN }

  InputFormat read(ByteInput bi, String origin, ParseListener out) throws IOException {
    Row header = new Row(MAX_HEADER_BYTES);
    if (!readRow(bi, header, ',')) {
      out.onFormat(origin, InputFormat.UNKNOWN);
      out.onWarning(origin, "the input is empty");
      return InputFormat.UNKNOWN;
    }
    int delim = guessDelimiter(header);
    String firstLine = lenient(header.bytes.data(), 0, header.bytes.size()).strip();
    if (firstLine.length() == 5 && firstLine.toLowerCase(Locale.ROOT).startsWith("sep=")) {
      delim = firstLine.charAt(4);
      if (!readRow(bi, header, delim)) {
        out.onFormat(origin, InputFormat.UNKNOWN);
        out.onWarning(origin, "the input has a sep= line and nothing else");
        return InputFormat.UNKNOWN;
      }
    } else if (delim != ',') {
      resplit(header, delim);
    }
    if (header.bytes.overflowed() || header.tooManyFields) {
      out.onFormat(origin, InputFormat.UNKNOWN);
      out.onReject(new Rejection(RejectReason.UNKNOWN_FORMAT, "the first line is longer than " + MAX_HEADER_BYTES
          + " bytes or has more than " + MAX_COLUMNS + " columns: not a CSV header ualwatch reads", origin + ":1",
          preview(header)));
      return InputFormat.UNKNOWN;
    }
    int n = header.fields;
    String[] names = new String[n];
    String[] keys = new String[n];
    String[] headers = new String[n];
    ExportTimes.Zone[] zones = new ExportTimes.Zone[n];
    for (int i = 0; i < n; i++) {
      String name = lenient(unquote(header.bytes.data(), header.start[i], header.end[i])).replace("\uFEFF", "")
          .strip();
      headers[i] = name;
      int bracket = name.lastIndexOf(" [");
      int paren = name.lastIndexOf(" (");
      if (bracket > 0 && name.endsWith("]")) {
        zones[i] = ExportTimes.zoneOf(name.substring(bracket + 2, name.length() - 1));
        name = name.substring(0, bracket).strip();
      } else if (paren > 0 && name.endsWith(")")) {
        zones[i] = ExportTimes.knownZoneOf(name.substring(paren + 2, name.length() - 1));
        if (zones[i] != null) name = name.substring(0, paren).strip();
      }
      names[i] = name;
      keys[i] = ExportViews.stripSuffix(name.toLowerCase(Locale.ROOT));
    }
    List<String> k = Arrays.asList(keys);
    Layout layout;
    InputFormat format;
    if (k.contains("auditdata")) {
      layout = Layout.AUDIT_DATA;
      format = k.contains("recordid") ? InputFormat.PURVIEW_CSV
          : k.contains("identity") || k.contains("resultindex") ? InputFormat.CMDLET_CSV : InputFormat.AUDITDATA_CSV;
    } else if (k.contains("raweventdata")) {
      layout = Layout.DEFENDER;
      format = InputFormat.DEFENDER_CSV;
    } else if (k.contains("officeworkload") || k.contains("officeid") || k.contains("officeobjectid")
        || k.contains("client_ipaddress") || k.contains("logon_type") || k.contains("officetenantid")) {
      layout = Layout.SENTINEL_OFFICE;
      format = InputFormat.SENTINEL_OFFICE_CSV;
    } else if (!k.contains("creationtime")
        && (k.contains("createddatetime") || k.contains("userprincipalname") || k.contains("uniquetokenidentifier")
            || k.contains("resulttype"))
        && (k.contains("userprincipalname") || k.contains("appid") || k.contains("ipaddress")
            || k.contains("serviceprincipalid"))) {
      layout = Layout.SENTINEL_SIGNIN;
      format = InputFormat.SENTINEL_SIGNIN_CSV;
    } else if (k.contains("creationtime") && (k.contains("operation") || k.contains("recordtype"))) {
      layout = Layout.FLATTENED;
      format = InputFormat.FLATTENED_CSV;
    } else {
      out.onFormat(origin, InputFormat.UNKNOWN);
      out.onReject(new Rejection(RejectReason.UNKNOWN_FORMAT,
          "not JSON, and not a CSV header ualwatch knows: expected an AuditData column (Purview / "
              + "Search-UnifiedAuditLog export), RawEventData (Defender CloudAppEvents), OfficeActivity or sign-in "
              + "log columns (Sentinel export), or CreationTime + Operation (flattened UAL)", origin + ":1",
          preview(header)));
      return InputFormat.UNKNOWN;
    }
    out.onFormat(origin, format);
    if (layout == Layout.AUDIT_DATA) {
      readAuditDataRows(bi, delim, keys, origin, format, out);
    } else {
      String shape = switch (layout) {
        case DEFENDER -> "defender-cloudappevents";
        case SENTINEL_OFFICE -> "sentinel-officeactivity";
        case SENTINEL_SIGNIN -> "sentinel-signin";
        default -> "flattened-ual";
      };
      readColumnRows(bi, delim, names, headers, zones, shape, origin, format, out);
    }
    return format;
  }

  private void readAuditDataRows(ByteInput bi, int delim, String[] keys, String origin, InputFormat format,
      ParseListener out) throws IOException {
    List<String> k = Arrays.asList(keys);
    int auditData = k.indexOf("auditdata");
    int recordId = k.indexOf("recordid");
    if (recordId < 0) recordId = k.indexOf("identity");
    int recordType = k.indexOf("recordtype");
    int operation = k.indexOf("operation");
    if (operation < 0) operation = k.indexOf("operations");
    int userId = k.indexOf("userid");
    if (userId < 0) userId = k.indexOf("userids");
    Row row = new Row(limits.maxRecordBytes());
    long rows = 0;
    while (readRow(bi, row, delim)) {
      if (row.blank()) continue;
      rows++;
      String where = origin + ":" + row.line;
      if (!rowIsReadable(row, bi, where, out)) {
        if (row.unterminated) break;
        continue;
      }
      ParseListener rowOut = forRow(row, out);
      if (row.fields <= auditData) {
        rowOut.onReject(new Rejection(RejectReason.BAD_CSV_ROW, "row has " + row.fields + " fields but the header has "
            + keys.length + " (AuditData is column " + (auditData + 1) + ")", where, preview(row)));
        continue;
      }
      byte[] cell = unquote(row.bytes.data(), row.start[auditData], row.end[auditData]);
      if (isBlank(cell)) {
        rowOut.onReject(new Rejection(RejectReason.MISSING_AUDIT_DATA, "the AuditData cell is empty", where,
            preview(row)));
        continue;
      }
      Fallbacks fb = new Fallbacks();
      fb.recordId = cellText(row, recordId);
      String rt = cellText(row, recordType);
      if (rt != null) fb.recordType = TextNode.valueOf(rt);
      fb.operation = cellText(row, operation);
      fb.userId = cellText(row, userId);
      normalizer.normalizeUnit(cell, 0, cell.length, where, format.id(), RecordNormalizer.Kind.AUDIT_DATA, fb,
          rowOut);
    }
    if (rows == limits.exportRowCap()) {
      out.onWarning(origin, "exactly " + limits.exportRowCap() + " data rows: Purview and Search-UnifiedAuditLog "
          + "stop there, so this export was probably truncated; export smaller time slices");
    }
  }

  private void readColumnRows(ByteInput bi, int delim, String[] names, String[] headers, ExportTimes.Zone[] zones,
      String shape, String origin, InputFormat format, ParseListener out) throws IOException {
    Row row = new Row(limits.maxRecordBytes());
    while (readRow(bi, row, delim)) {
      if (row.blank()) continue;
      String where = origin + ":" + row.line;
      if (!rowIsReadable(row, bi, where, out)) {
        if (row.unterminated) break;
        continue;
      }
      TimeNotes notes = null;
      ParseListener rowOut = forRow(row, out);
      int extra = 0;
      for (int i = names.length; i < row.fields; i++) {
        if (!isBlank(unquote(row.bytes.data(), row.start[i], row.end[i]))) extra++;
      }
      if (row.fields < names.length || extra > 0) {
        rowOut.onReject(new Rejection(RejectReason.BAD_CSV_ROW, "row has " + row.fields + " fields but the header has "
            + names.length, where, preview(row)));
        continue;
      }
      ObjectNode obj = JsonNodeFactory.instance.objectNode();
      String bad = null;
      for (int i = 0; i < names.length; i++) {
        byte[] cell = unquote(row.bytes.data(), row.start[i], row.end[i]);
        if (isBlank(cell)) continue;
        String text;
        try {
          text = decode(cell, 0, cell.length);
        } catch (CharacterCodingException e) {
          bad = names[i];
          break;
        }
        if (zones[i] != null) {
          ExportTimes.Result t = ExportTimes.parse(text, zones[i]);
          if (t.instant() != null) {
            text = t.instant().toString();
          } else {
            if (notes == null) notes = new TimeNotes();
            boolean dropped = !zones[i].known(); // a zone-less value in an unknown zone must not be read as UTC
            notes.add(headers[i], text, t.problem(), dropped);
            if (dropped) continue;
          }
        }
        putPath(obj, names[i], text);
      }
      if (bad != null) {
        rowOut.onReject(new Rejection(RejectReason.INVALID_UTF8, "column " + bad + " is not valid UTF-8", where,
            preview(row)));
        continue;
      }
      String raw = lenient(row.bytes.data(), 0, row.bytes.size());
      normalizer.normalizeRow(obj, shape, raw, where, format.id(), notes == null ? rowOut : notes.explain(rowOut));
    }
  }

  /**
   * The zoned time cells of a row that could not be read, and why. A BAD_TIME rejection of the row is re-worded
   * with the reason of the cell it names (the normalizer only sees the text and a UAL or Graph field name); a
   * MISSING_TIME rejection caused by dropped cells (an unconvertible zone) becomes BAD_TIME with their reason.
   */
  static final class TimeNotes {
    private final List<String[]> notes = new ArrayList<>(2); // header, value, problem, dropped

    void add(String header, String value, String problem, boolean dropped) {
      notes.add(new String[] {header, value, problem, dropped ? "1" : ""});
    }

    private static String text(String[] n) {
      return n[0] + " '" + UalNormalizer.clip(n[1], 64) + "' " + n[2];
    }

    ParseListener explain(ParseListener out) {
      return new ParseListener() {
        @Override public void onEvent(io.ualwatch.model.AuditEvent e) { out.onEvent(e); }
        @Override public void onWarning(String origin, String message) { out.onWarning(origin, message); }
        @Override public void onReject(Rejection r) {
          String why = null;
          if (r.reason() == RejectReason.BAD_TIME) {
            for (String[] n : notes) {
              if (r.message().contains("'" + UalNormalizer.clip(n[1], 64) + "'")) {
                why = text(n);
                break;
              }
            }
          } else if (r.reason() == RejectReason.MISSING_TIME) {
            StringBuilder sb = new StringBuilder();
            for (String[] n : notes) {
              if (n[3].isEmpty()) continue;
              if (sb.length() > 0) sb.append("; ");
              sb.append(text(n));
            }
            if (sb.length() > 0) why = sb.toString();
          }
          out.onReject(why == null ? r : new Rejection(RejectReason.BAD_TIME, why, r.origin(), r.raw()));
        }
      };
    }
  }

  /** A listener that notes in rejections of a multi-line row which lines the row covers. */
  private static ParseListener forRow(Row row, ParseListener out) {
    if (row.endLine <= row.line) return out;
    String note = " (this CSV row spans lines " + row.line + "-" + row.endLine + ")";
    return new ParseListener() {
      @Override public void onEvent(io.ualwatch.model.AuditEvent e) { out.onEvent(e); }
      @Override public void onReject(Rejection r) {
        out.onReject(new Rejection(r.reason(), r.message() + note, r.origin(), r.raw()));
      }
      @Override public void onWarning(String origin, String message) { out.onWarning(origin, message); }
    };
  }

  /** Rejects rows that are too large or unterminated; true when the row can be used. */
  private boolean rowIsReadable(Row row, ByteInput bi, String where, ParseListener out) {
    if (row.bytes.overflowed()) {
      out.onReject(new Rejection(RejectReason.TOO_LARGE, "CSV row of " + row.bytes.total()
          + " bytes exceeds the limit of " + limits.maxRecordBytes() + " bytes (ualwatch.parse.max-record-bytes)"
          + (row.unterminated ? "; the file ends inside quotes that open on line " + row.line : ""),
          where, preview(row), true));
      return false;
    }
    if (row.unterminated) {
      out.onReject(new Rejection(RejectReason.BAD_CSV_ROW, "unterminated quoted field: the file ends inside quotes "
          + "that open on line " + row.line + ", so lines " + row.line + "-" + bi.line()
          + " could not be split into rows", where, preview(row)));
      return false;
    }
    if (row.tooManyFields) {
      out.onReject(new Rejection(RejectReason.BAD_CSV_ROW, "row has more than " + MAX_COLUMNS + " fields", where,
          preview(row)));
      return false;
    }
    return true;
  }

  /**
   * Reads one CSV record into {@code row}. Returns false at end of input before any byte. Memory stays within
   * the row's capture limit however long the record is (the rest is counted, not kept).
   */
  static boolean readRow(ByteInput bi, Row row, int delim) throws IOException {
    row.reset();
    if (!bi.ensure()) return false;
    row.line = bi.line();
    ByteInput.Capture cap = row.bytes;
    boolean inQuotes = false;
    boolean atFieldStart = true;
    int fieldStart = 0;
    while (true) {
      if (!bi.ensure()) {
        if (inQuotes) row.unterminated = true;
        row.addField(fieldStart, cap.size());
        row.endLine = bi.line();
        return true;
      }
      byte[] buf = bi.buffer();
      int start = bi.pos();
      int lim = bi.limit();
      int base = cap.size() - start; // capture offset of buf[p] is base + p
      int p = start;
      int newlines = 0;
      int ending = 0; // 1: LF, 2: CR, 3: quote at the end of the buffer
      for (; p < lim; p++) {
        byte b = buf[p];
        if (inQuotes) {
          if (b > '"') continue; // the common case inside a quoted cell: neither a quote nor a line feed
          if (b == '"') {
            if (p + 1 == lim) {
              ending = 3;
              break;
            }
            if (buf[p + 1] == '"') {
              p++;
            } else {
              inQuotes = false;
            }
          } else if (b == '\n') {
            newlines++;
          }
          continue;
        }
        if (b == delim) {
          row.addField(fieldStart, base + p);
          fieldStart = base + p + 1;
          atFieldStart = true;
        } else if (b == '\n') {
          ending = 1;
          break;
        } else if (b == '\r') {
          ending = 2;
          break;
        } else if (b == '"' && atFieldStart) {
          inQuotes = true;
        } else if (b != ' ' && b != '\t') {
          atFieldStart = false;
        }
      }
      cap.add(buf, start, p - start);
      if (ending == 0) {
        bi.advance(p, newlines);
        continue;
      }
      if (ending == 3) {
        bi.advance(p, newlines);            // up to the quote
        if (bi.lookahead(2) < 2) {          // the input ends right after the quote: it closes the field
          cap.add(bi.read());
          inQuotes = false;
        }
        continue;                           // otherwise rescan with the quote and its successor in view
      }
      row.addField(fieldStart, cap.size());
      if (ending == 1) {
        bi.advance(p + 1, newlines + 1);
        row.endLine = bi.line() - 1;
      } else {
        bi.advance(p + 1, newlines);
        boolean lf = bi.peek() == '\n';
        if (lf) bi.read();
        row.endLine = lf ? bi.line() - 1 : bi.line();
      }
      return true;
    }
  }

  /** The delimiter of a header line: the most frequent of comma, semicolon and tab outside quotes. */
  static int guessDelimiter(Row header) {
    int comma = 0;
    int semi = 0;
    int tab = 0;
    boolean q = false;
    byte[] d = header.bytes.data();
    for (int i = 0; i < header.bytes.size(); i++) {
      byte c = d[i];
      if (c == '"') q = !q;
      else if (!q && c == ',') comma++;
      else if (!q && c == ';') semi++;
      else if (!q && c == '\t') tab++;
    }
    if (tab > comma && tab >= semi) return '\t';
    if (semi > comma) return ';';
    return ',';
  }

  /** Splits an already-read row again with another delimiter. */
  static void resplit(Row row, int delim) {
    row.fields = 0;
    boolean q = false;
    boolean atStart = true;
    int start = 0;
    byte[] d = row.bytes.data();
    int n = row.bytes.size();
    for (int i = 0; i < n; i++) {
      int c = d[i] & 0xff;
      if (q) {
        if (c == '"') {
          if (i + 1 < n && d[i + 1] == '"') i++;
          else q = false;
        }
      } else if (c == delim) {
        row.addField(start, i);
        start = i + 1;
        atStart = true;
      } else if (c == '"' && atStart) {
        q = true;
      } else if (c != ' ' && c != '\t') {
        atStart = false;
      }
    }
    row.addField(start, n);
  }

  /** Removes the surrounding quotes of a field and undoubles inner quotes; unquoted fields are trimmed. */
  static byte[] unquote(byte[] data, int start, int end) {
    while (start < end && (data[start] == ' ' || data[start] == '\t')) start++;
    while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\t')) end--;
    if (end - start >= 1 && data[start] == '"') {
      int close = end - 1;
      while (close > start && data[close] != '"') close--; // lenient: text after the closing quote is dropped
      if (close == start) close = end;                       // no closing quote at all
      byte[] out = new byte[Math.max(0, close - start - 1)];
      int n = 0;
      int i = start + 1;
      while (i < close) {
        byte c = data[i++];
        out[n++] = c;
        if (c == '"' && i < close && data[i] == '"') i++;
      }
      return n == out.length ? out : Arrays.copyOf(out, n);
    }
    return Arrays.copyOfRange(data, start, end);
  }

  /**
   * Puts a value at a dotted path ({@code AppAccessContext.ClientAppId}, {@code OperationProperties.0.Name},
   * {@code Folders[0].Path}): numeric segments index arrays. A later, more specific column replaces a scalar.
   */
  static void putPath(ObjectNode root, String name, String value) {
    if (name.indexOf('.') < 0 && name.indexOf('[') < 0) {
      root.put(name, value);
      return;
    }
    List<String> segs = new ArrayList<>();
    for (String part : name.replace("[", ".").replace("]", "").split("\\.")) {
      if (!part.isEmpty()) segs.add(part);
    }
    if (segs.isEmpty() || segs.size() > MAX_PATH_SEGMENTS) {
      root.put(name, value);
      return;
    }
    JsonNode cur = root;
    for (int i = 0; i < segs.size(); i++) {
      String seg = segs.get(i);
      boolean last = i == segs.size() - 1;
      boolean nextIsIndex = !last && isIndex(segs.get(i + 1));
      if (cur instanceof ObjectNode o) {
        if (last) {
          o.put(seg, value);
          return;
        }
        JsonNode child = o.get(seg);
        if (child == null || !child.isContainerNode() || (nextIsIndex != child.isArray())) {
          child = nextIsIndex ? o.putArray(seg) : o.putObject(seg);
        }
        cur = child;
      } else if (cur instanceof ArrayNode a) {
        int idx = Integer.parseInt(seg);
        while (a.size() <= idx) a.addNull();
        if (last) {
          a.set(idx, TextNode.valueOf(value));
          return;
        }
        JsonNode child = a.get(idx);
        if (child == null || !child.isContainerNode() || (nextIsIndex != child.isArray())) {
          child = nextIsIndex ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
          a.set(idx, child);
        }
        cur = child;
      }
    }
  }

  private static boolean isIndex(String s) {
    if (s.isEmpty() || s.length() > 4) return false;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    return Integer.parseInt(s) <= MAX_ARRAY_INDEX;
  }

  private String cellText(Row row, int index) {
    if (index < 0 || index >= row.fields) return null;
    byte[] cell = unquote(row.bytes.data(), row.start[index], row.end[index]);
    if (isBlank(cell)) return null;
    try {
      return decode(cell, 0, cell.length).strip();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private String decode(byte[] b, int off, int len) throws CharacterCodingException {
    boolean ascii = true;
    for (int i = off; i < off + len && ascii; i++) ascii = b[i] >= 0;
    if (ascii) return new String(b, off, len, StandardCharsets.ISO_8859_1);
    return utf8.reset().decode(ByteBuffer.wrap(b, off, len)).toString();
  }

  private static String lenient(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String lenient(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }

  private static boolean isBlank(byte[] b) {
    for (byte c : b) if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    return true;
  }

  private static String preview(Row row) {
    return new String(row.bytes.data(), 0, Math.min(row.bytes.size(), Rejection.MAX_RAW), StandardCharsets.UTF_8);
  }
}
