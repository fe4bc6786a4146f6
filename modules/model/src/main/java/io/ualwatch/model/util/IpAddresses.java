package io.ualwatch.model.util;

import java.util.Locale;

/**
 * One normaliser for every client-IP form Microsoft writes (record-schema.md §10): IPv4, IPv6 in any case,
 * {@code 192.0.2.4:port}, {@code [v6]:port}, {@code ::ffff:192.0.2.4}, {@code ::1}, empty, the literal
 * {@code <null>}. Never does a DNS lookup. IPv6 is written in RFC 5952 canonical form.
 */
public final class IpAddresses {
  private IpAddresses() {}

  /** Returns the canonical address text, or null when the value is not an IP address. */
  public static String normalize(String value) {
    if (value != null && isCanonicalV4(value)) return value; // the common case: no parsing, no new string
    byte[] b = parse(value);
    return b == null ? null : format(b);
  }

  /** True for a dotted quad already in canonical form (no leading zeros, no spaces, each part 0-255). */
  static boolean isCanonicalV4(String s) {
    int n = s.length();
    if (n < 7 || n > 15) return false;
    int parts = 0;
    int i = 0;
    while (i < n) {
      int start = i;
      int v = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        v = v * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || len > 3 || v > 255 || (len > 1 && s.charAt(start) == '0')) return false;
      parts++;
      if (i == n) break;
      if (s.charAt(i) != '.' || parts == 4) return false;
      i++;
      if (i == n) return false;
    }
    return parts == 4;
  }

  /**
   * Parses any accepted form to 4 bytes (IPv4, including IPv4-mapped IPv6) or 16 bytes (IPv6), or null.
   */
  public static byte[] parse(String value) {
    if (value == null) return null;
    String s = value.strip();
    if (s.isEmpty() || s.length() > 64) return null;
    if (s.charAt(0) == '[') {                         // [v6] or [v6]:port
      int close = s.indexOf(']');
      if (close < 0) return null;
      String rest = s.substring(close + 1);
      if (!rest.isEmpty() && !(rest.charAt(0) == ':' && isDigits(rest, 1))) return null;
      s = s.substring(1, close);
    }
    int pct = s.indexOf('%');                         // zone id fe80::1%eth0
    if (pct > 0) s = s.substring(0, pct);
    int colons = count(s, ':');
    if (colons == 0) return parseV4(s);
    if (colons == 1) {                                // v4:port
      int c = s.indexOf(':');
      if (!isDigits(s, c + 1)) return null;
      return parseV4(s.substring(0, c));
    }
    byte[] v6 = parseV6(s);
    if (v6 == null) return null;
    if (isV4Mapped(v6)) {
      return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }
    return v6;
  }

  /** True for private, loopback, link-local, CGNAT, documentation, multicast and unspecified addresses. */
  public static boolean isNonPublic(byte[] a) {
    if (a == null) return true;
    if (a.length == 4) {
      int b0 = a[0] & 0xff, b1 = a[1] & 0xff, b2 = a[2] & 0xff;
      return b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224
          || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)
          || (b0 == 100 && (b1 & 0xc0) == 64)
          || (b0 == 192 && b1 == 0 && b2 == 2) || (b0 == 198 && b1 == 51 && b2 == 100)
          || (b0 == 203 && b1 == 0 && b2 == 113) || (b0 == 198 && (b1 & 0xfe) == 18);
    }
    boolean allZeroPrefix = true;
    for (int i = 0; i < 15; i++) if (a[i] != 0) { allZeroPrefix = false; break; }
    if (allZeroPrefix) return true;                   // :: and ::1
    int b0 = a[0] & 0xff, b1 = a[1] & 0xff;
    return b0 == 0xff || (b0 & 0xfe) == 0xfc || (b0 == 0xfe && (b1 & 0xc0) == 0x80)
        || (b0 == 0x20 && b1 == 0x01 && (a[2] & 0xff) == 0x0d && (a[3] & 0xff) == 0xb8);
  }

  /** Formats 4 or 16 bytes; IPv6 in RFC 5952 form (lower case, longest zero run compressed). */
  public static String format(byte[] b) {
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    int bestStart = -1, bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g[i] == 0) {
        int j = i;
        while (j < 8 && g[j] == 0) j++;
        if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
        i = j;
      } else {
        i++;
      }
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  /** The /24 (IPv4) or /48 (IPv6) prefix of an address as text, for "network seen before" baselines. */
  public static String prefix(String canonical) {
    byte[] b = parse(canonical);
    if (b == null) return null;
    if (b.length == 4) return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
    byte[] p = new byte[16];
    System.arraycopy(b, 0, p, 0, 6);
    return format(p) + "/48";
  }

  private static boolean isV4Mapped(byte[] v6) {
    for (int i = 0; i < 10; i++) if (v6[i] != 0) return false;
    return (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff;
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) == c) n++;
    return n;
  }

  private static boolean isDigits(String s, int from) {
    if (from >= s.length() || s.length() - from > 5) return false;
    for (int i = from; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    return true;
  }

  static byte[] parseV4(String s) {
    byte[] out = new byte[4];
    int part = 0, val = -1, digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        if (digits == 3) return null;
        val = (val < 0 ? 0 : val * 10) + (c - '0');
        digits++;
      } else if (c == '.') {
        if (val < 0 || val > 255 || part == 4) return null;
        out[part++] = (byte) val;
        val = -1;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }

  static byte[] parseV6(String text) {
    String s = text.toLowerCase(Locale.ROOT);
    int dbl = s.indexOf("::");
    if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
    String head = dbl >= 0 ? s.substring(0, dbl) : s;
    String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
    int[] hg = groups(head);
    int[] tg = groups(tail);
    if (hg == null || tg == null) return null;
    int total = hg.length + tg.length;
    if (dbl < 0 && total != 8) return null;
    if (dbl >= 0 && total > 7) return null;
    byte[] out = new byte[16];
    for (int i = 0; i < hg.length; i++) { out[2 * i] = (byte) (hg[i] >> 8); out[2 * i + 1] = (byte) hg[i]; }
    int off = 8 - tg.length;
    for (int i = 0; i < tg.length; i++) {
      out[2 * (off + i)] = (byte) (tg[i] >> 8);
      out[2 * (off + i) + 1] = (byte) tg[i];
    }
    return out;
  }

  /** Parses colon-separated hex groups; an embedded dotted IPv4 tail counts as two groups. */
  private static int[] groups(String s) {
    if (s.isEmpty()) return new int[0];
    String[] parts = s.split(":", -1);
    int n = parts.length;
    boolean v4Tail = parts[n - 1].indexOf('.') >= 0;
    int[] out = new int[v4Tail ? n + 1 : n];
    for (int i = 0; i < n; i++) {
      String p = parts[i];
      if (v4Tail && i == n - 1) {
        byte[] v4 = parseV4(p);
        if (v4 == null) return null;
        out[i] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[i + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty() || p.length() > 4) return null;
      int v = 0;
      for (int k = 0; k < p.length(); k++) {
        int d = Character.digit(p.charAt(k), 16);
        if (d < 0) return null;
        v = (v << 4) | d;
      }
      out[i] = v;
    }
    return out;
  }
}
