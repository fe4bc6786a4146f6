package io.ualwatch.siem;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of RFC 5424 messages and of RFC 6587 / RFC 5425 octet-counted frames, as a syslog receiver
 * applies them: what the tests' receivers use to prove that what ualwatch sends is well-formed.
 */
public final class SyslogParser {
  /** A parsed message. */
  public record Syslog(int pri, int facility, int severity, int version, String timestamp, String hostname,
      String appName, String procId, String msgId, Map<String, Map<String, String>> structuredData, String msg) {}

  /** Thrown for anything that is not a valid RFC 5424 message or frame. */
  public static final class SyslogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SyslogException(String m) {
      super(m);
    }
  }

  private static final Pattern HEAD = Pattern.compile(
      "<(0|[1-9][0-9]{0,2})>([1-9][0-9]{0,2}) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) ");
  private static final Pattern TIMESTAMP = Pattern.compile(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})");

  private SyslogParser() {}

  public static Syslog parse(String m) {
    Matcher h = HEAD.matcher(m);
    if (!h.lookingAt()) throw new SyslogException("not an RFC 5424 header: " + abbreviate(m));
    int pri = Integer.parseInt(h.group(1));
    if (pri > 191) throw new SyslogException("PRI out of range: " + pri);
    int version = Integer.parseInt(h.group(2));
    if (version != 1) throw new SyslogException("VERSION must be 1, got " + version);
    String ts = h.group(3);
    if (!ts.equals("-")) {
      if (!TIMESTAMP.matcher(ts).matches()) throw new SyslogException("bad TIMESTAMP " + ts);
      OffsetDateTime.parse(ts);
    }
    String host = field(h.group(4), 255, "HOSTNAME");
    String app = field(h.group(5), 48, "APP-NAME");
    String proc = field(h.group(6), 128, "PROCID");
    String msgId = field(h.group(7), 32, "MSGID");
    int i = h.end();
    Map<String, Map<String, String>> sd = new LinkedHashMap<>();
    if (i >= m.length()) throw new SyslogException("missing STRUCTURED-DATA");
    if (m.charAt(i) == '-') {
      i++;
    } else {
      while (i < m.length() && m.charAt(i) == '[') i = element(m, i, sd);
      if (sd.isEmpty()) throw new SyslogException("bad STRUCTURED-DATA at " + i);
    }
    String msg = null;
    if (i < m.length()) {
      if (m.charAt(i) != ' ') throw new SyslogException("expected SP before MSG at " + i);
      msg = m.substring(i + 1);
      if (msg.startsWith("\uFEFF")) msg = msg.substring(1);
    }
    return new Syslog(pri, pri / 8, pri % 8, version, ts, host, app, proc, msgId, sd, msg);
  }

  private static int element(String m, int i, Map<String, Map<String, String>> sd) {
    int j = i + 1;
    int idEnd = nameEnd(m, j);
    String id = m.substring(j, idEnd);
    if (id.isEmpty() || id.length() > 32) throw new SyslogException("bad SD-ID '" + id + "'");
    if (!id.contains("@") && !id.equals("timeQuality") && !id.equals("origin") && !id.equals("meta")) {
      throw new SyslogException("SD-ID without @enterprise-number is reserved for IANA: " + id);
    }
    if (sd.containsKey(id)) throw new SyslogException("duplicate SD-ID " + id);
    Map<String, String> params = new LinkedHashMap<>();
    j = idEnd;
    while (j < m.length() && m.charAt(j) == ' ') {
      int nameStart = j + 1;
      int nameEndAt = nameEnd(m, nameStart);
      String name = m.substring(nameStart, nameEndAt);
      if (name.isEmpty() || name.length() > 32) throw new SyslogException("bad PARAM-NAME '" + name + "'");
      if (!m.startsWith("=\"", nameEndAt)) throw new SyslogException("expected =\" after " + name);
      StringBuilder v = new StringBuilder();
      int k = nameEndAt + 2;
      while (true) {
        if (k >= m.length()) throw new SyslogException("unterminated PARAM-VALUE of " + name);
        char c = m.charAt(k);
        if (c == '\\' && k + 1 < m.length() && "\"\\]".indexOf(m.charAt(k + 1)) >= 0) {
          v.append(m.charAt(k + 1));
          k += 2;
        } else if (c == '"') {
          break;
        } else if (c == ']') {
          throw new SyslogException("unescaped ] in PARAM-VALUE of " + name);
        } else {
          v.append(c);
          k++;
        }
      }
      params.put(name, v.toString());
      j = k + 1;
    }
    if (j >= m.length() || m.charAt(j) != ']') throw new SyslogException("SD-ELEMENT not closed at " + j);
    sd.put(id, params);
    return j + 1;
  }

  private static int nameEnd(String m, int from) {
    int k = from;
    while (k < m.length()) {
      char c = m.charAt(k);
      if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"' || c == ' ') break;
      k++;
    }
    return k;
  }

  private static String field(String v, int max, String name) {
    if (v.length() > max) throw new SyslogException(name + " longer than " + max);
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      if (c < 33 || c > 126) throw new SyslogException(name + " has a non-printable character");
    }
    return v;
  }

  /**
   * Reads one octet-counted frame ({@code MSG-LEN SP SYSLOG-MSG}, RFC 6587 §3.4.1 / RFC 5425 §4.3); null at a
   * clean end of stream.
   */
  public static byte[] readOctetCounted(InputStream in) throws IOException {
    int c = in.read();
    if (c < 0) return null;
    if (c < '1' || c > '9') throw new SyslogException("frame must start with a non-zero digit, got " + c);
    long len = c - '0';
    int digits = 1;
    while (true) {
      c = in.read();
      if (c < 0) throw new EOFException("stream ended in a frame length");
      if (c == ' ') break;
      if (c < '0' || c > '9') throw new SyslogException("bad frame length character " + c);
      len = len * 10 + (c - '0');
      if (++digits > 9) throw new SyslogException("frame length too long");
    }
    byte[] b = in.readNBytes((int) len);
    if (b.length != len) throw new EOFException("frame of " + len + " octets cut at " + b.length);
    return b;
  }

  public static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
