package io.ualwatch.model.util;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Parses the timestamps Microsoft writes: zone-less ISO (UTC), trailing {@code Z} or an offset, 0 to 9
 * fractional digits (Defender writes 7), a space instead of {@code T}, a bare date. Returns null for
 * anything else, including locale text such as {@code 3/4/2025 9:14:07 AM}: callers take event time from
 * the record, never from a locale column.
 */
public final class Times {
  private Times() {}

  public static Instant parse(String text) {
    if (text == null) return null;
    String s = text.strip();
    int n = s.length();
    if (n < 10 || n > 40) return null;
    try {
      int year = digits(s, 0, 4);
      if (s.charAt(4) != '-' || s.charAt(7) != '-') return null;
      int month = digits(s, 5, 2);
      int day = digits(s, 8, 2);
      if (year < 0 || month < 0 || day < 0) return null;
      if (n == 10) return LocalDate.of(year, month, day).atStartOfDay().toInstant(ZoneOffset.UTC);
      char sep = s.charAt(10);
      if (sep != 'T' && sep != 't' && sep != ' ') return null;
      if (n < 16) return null;
      int hour = digits(s, 11, 2);
      if (s.charAt(13) != ':') return null;
      int minute = digits(s, 14, 2);
      int i = 16;
      int second = 0;
      if (i < n && s.charAt(i) == ':') {
        second = digits(s, 17, 2);
        i = 19;
      }
      if (hour < 0 || minute < 0 || second < 0) return null;
      int nanos = 0;
      if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
        i++;
        int start = i;
        while (i < n && Character.isDigit(s.charAt(i))) {
          if (i - start < 9) nanos = nanos * 10 + (s.charAt(i) - '0');
          i++;
        }
        int len = i - start;
        if (len == 0) return null;
        for (int k = len; k < 9; k++) nanos *= 10;
      }
      int offsetSeconds = 0;
      if (i < n) {
        char z = s.charAt(i);
        if (z == 'Z' || z == 'z') {
          i++;
        } else if (z == '+' || z == '-') {
          int oh = digits(s, i + 1, 2);
          int p = i + 3;
          if (p < n && s.charAt(p) == ':') p++;
          int om = p + 2 <= n ? digits(s, p, 2) : 0;
          if (oh < 0 || om < 0 || oh > 18) return null;
          offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
          i = p + 2 <= n ? p + 2 : n;
        } else {
          return null;
        }
      }
      if (i != n) return null;
      if (month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) {
        LocalDateTime ldt = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        return ldt.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
      }
      // Fast path for days every month has: epoch seconds computed directly (no LocalDateTime).
      long days = LocalDate.of(year, month, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds, nanos);
    } catch (DateTimeException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /**
   * A date-time from a Log Analytics / Sentinel CSV export column whose header carries the zone
   * ({@code TimeGenerated [UTC]}): ISO as {@link #parse}, or the portal's en-US text
   * {@code M/D/YYYY[,] h:mm[:ss[.fffffff]] AM|PM}, or the 24-hour day-first text {@code D.M.YYYY[,] H:mm[:ss]}.
   * Slash dates without AM/PM are ambiguous (month-first or day-first) and return null.
   */
  public static Instant parseExportUtc(String text) {
    Instant iso = parse(text);
    if (iso != null || text == null) return iso;
    String s = text.strip();
    if (s.length() < 12 || s.length() > 40) return null;
    int i = 0;
    int[] date = new int[3];
    char sep = 0;
    for (int k = 0; k < 3; k++) {
      int start = i;
      int v = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 4) v = v * 10 + (s.charAt(i++) - '0');
      if (i == start) return null;
      date[k] = v;
      if (k < 2) {
        if (i >= s.length()) return null;
        char c = s.charAt(i++);
        if (sep == 0) sep = c;
        if (c != sep || (c != '/' && c != '.')) return null;
      }
    }
    if (i < s.length() && s.charAt(i) == ',') i++;
    if (i >= s.length() || s.charAt(i) != ' ') return null;
    while (i < s.length() && s.charAt(i) == ' ') i++;
    int[] t = new int[3];
    int parts = 0;
    int nanos = 0;
    while (parts < 3) {
      int start = i;
      int v = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 2) v = v * 10 + (s.charAt(i++) - '0');
      if (i == start) return null;
      t[parts++] = v;
      if (i < s.length() && s.charAt(i) == ':') {
        i++;
        continue;
      }
      break;
    }
    if (parts < 2) return null;
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        if (i - start < 9) nanos = nanos * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0) return null;
      for (int k = len; k < 9; k++) nanos *= 10;
    }
    String rest = s.substring(i).strip().toUpperCase(java.util.Locale.ROOT);
    int year;
    int month;
    int day;
    int hour = t[0];
    if (sep == '/') {
      if (!rest.equals("AM") && !rest.equals("PM")) return null; // M/D vs D/M cannot be told apart
      if (hour < 1 || hour > 12) return null;
      if (rest.equals("AM") && hour == 12) hour = 0;
      if (rest.equals("PM") && hour != 12) hour += 12;
      month = date[0];
      day = date[1];
      year = date[2];
    } else {
      if (!rest.isEmpty()) return null;
      day = date[0];
      month = date[1];
      year = date[2];
    }
    if (year < 1000) return null;
    try {
      return LocalDateTime.of(year, month, day, hour, t[1], t[2], nanos).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int digits(String s, int from, int count) {
    if (from + count > s.length()) return -1;
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
