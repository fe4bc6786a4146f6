package io.ualwatch.model.parse;

import io.ualwatch.model.util.Times;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Date-time cells of CSV export columns whose header names the zone ({@code TimeGenerated [UTC]},
 * {@code CreatedDateTime [UTC]}): Log Analytics / Microsoft Sentinel portal exports write the browser's locale
 * text there ({@code 4/26/2021, 7:17:10.000 AM}). Parsing is {@link Times#parse} (ISO) and
 * {@link Times#parseExportUtc} (the locale forms); this class adds what a header-zoned cell needs around them:
 *
 * <ul>
 *   <li>the zone of the header: {@code UTC}, {@code GMT}, {@code Z}, or a fixed offset ({@code UTC+02:00});
 *       any other zone ({@code Local Time}) cannot be converted, and only cells that carry their own offset
 *       are read;
 *   <li>browser output that is the same text with other characters: U+202F / U+00A0 before AM/PM (ICU 72+),
 *       {@code a.m.}/{@code p.m.}, a decimal comma in the seconds, a year-first date with a 12-hour time
 *       ({@code 2021-04-26, 7:17:10 p.m.});
 *   <li>24-hour slash dates whose order is clear: {@code 26/4/2021 19:17} can only be day-first,
 *       {@code 4/26/2021 19:17} only month-first, {@code 2021/4/26 19:17} is year-first; both readings equal
 *       ({@code 3/3/2025}) is clear too. {@code 4/3/2025 13:05} is ambiguous and rejected;
 *   <li>a reason for every cell it cannot read, for the rejection message.
 * </ul>
 *
 * Slash dates with AM/PM are month-first (the en-US portal format), as {@link Times#parseExportUtc} reads them; one
 * whose first number cannot be a month ({@code 14/3/2025, 8:00 PM}) is a day-first 12-hour export (en-AU, en-IN),
 * whose other rows would be misread, and is rejected with that reason instead of being guessed.
 */
final class ExportTimes {
  private ExportTimes() {}

  /** The zone a header names: a fixed offset, or {@code offset == null} for a zone that cannot be converted. */
  record Zone(String label, ZoneOffset offset) {
    static final Zone UTC = new Zone("UTC", ZoneOffset.UTC);

    boolean known() {
      return offset != null;
    }
  }

  /** A parsed cell: the instant, or why there is none. */
  record Result(Instant instant, String problem) {
    static Result ok(Instant t) {
      return new Result(t, null);
    }

    static Result fail(String why) {
      return new Result(null, why);
    }
  }

  private static final Pattern OFFSET = Pattern.compile(
      "(?:UTC|GMT|Z)?\\s*([+\\-\u2212])\\s*(\\d{1,2})(?:[:.]?(\\d{2}))?", Pattern.CASE_INSENSITIVE);

  /**
   * The zone named by a header bracket ({@code UTC} in {@code TimeGenerated [UTC]}); null when the text is no
   * zone at all (a unit, an index), a {@link Zone} without offset for a zone that cannot be converted (a name
   * such as {@code Local Time}, {@code CET}, {@code W. Europe Standard Time}).
   */
  static Zone zoneOf(String bracket) {
    if (bracket == null) return null;
    String s = bracket.strip();
    String u = s.toUpperCase(Locale.ROOT);
    if (u.equals("UTC") || u.equals("GMT") || u.equals("Z") || u.equals("COORDINATED UNIVERSAL TIME")) {
      return new Zone(s, ZoneOffset.UTC);
    }
    Matcher m = OFFSET.matcher(s);
    if (m.matches() && (u.startsWith("UTC") || u.startsWith("GMT") || u.startsWith("Z") || u.startsWith("+")
        || u.startsWith("-") || u.startsWith("\u2212"))) {
      int h = Integer.parseInt(m.group(2));
      int min = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
      if (h > 18 || min > 59) return new Zone(s, null);
      int total = (h * 3600 + min * 60) * (m.group(1).equals("+") ? 1 : -1);
      return new Zone(s, ZoneOffset.ofTotalSeconds(total));
    }
    if (u.contains("LOCAL") || u.contains("TIME") || u.startsWith("UTC") || u.startsWith("GMT")) {
      return new Zone(s, null);
    }
    return null;
  }

  /** Like {@link #zoneOf} but only for zones that convert: for parenthesised suffixes, {@code Created (UTC)}. */
  static Zone knownZoneOf(String paren) {
    Zone z = zoneOf(paren);
    return z != null && z.known() ? z : null;
  }

  /** Reads one cell of a column in {@code zone}. Never throws. */
  static Result parse(String text, Zone zone) {
    try {
      return read(text, zone);
    } catch (RuntimeException e) {
      return Result.fail("is not a date-time ualwatch reads");
    }
  }

  private static Result read(String text, Zone zone) {
    String s = normalize(text);
    if (s.isEmpty()) return Result.fail("is empty");
    Instant iso = Times.parse(s);
    if (iso != null && hasOffset(s)) return Result.ok(iso);
    if (!zone.known()) {
      return Result.fail("is in the zone '" + zone.label() + "' named by the header, which cannot be converted to "
          + "UTC; re-export with the display time zone set to UTC");
    }
    if (iso != null) return Result.ok(shift(iso, zone));

    // the date: digits and one separator up to the first comma or blank
    int end = 0;
    while (end < s.length() && s.charAt(end) != ',' && s.charAt(end) != ' ') end++;
    String date = s.substring(0, end);
    String rest = s.substring(end);
    String upper = rest.toUpperCase(Locale.ROOT);
    boolean ampm = upper.endsWith("AM") || upper.endsWith("PM");
    char sep = 0;
    for (int i = 0; i < date.length(); i++) {
      char c = date.charAt(i);
      if (c < '0' || c > '9') {
        sep = c;
        break;
      }
    }
    String[] p = sep == 0 ? new String[0] : date.split(Pattern.quote(String.valueOf(sep)), -1);
    if (p.length != 3 || !digits(p[0]) || !digits(p[1]) || !digits(p[2])
        || (sep != '/' && sep != '.' && sep != '-')) {
      return Result.fail(EXPECTED);
    }
    int a = Integer.parseInt(p[0]);
    int b = Integer.parseInt(p[1]);
    int c = Integer.parseInt(p[2]);
    boolean yearFirst = p[0].length() == 4;
    if (!yearFirst && p[2].length() != 4) {
      return Result.fail("has a " + p[2].length() + "-digit year; re-export with ISO 8601 times");
    }
    String wall; // the same cell in a form Times.parseExportUtc reads, or null for the cell as it is
    if (yearFirst) {
      // 2021/4/26 (ja-JP, zh-CN), 2021-04-26, 7:17:10 p.m. (en-CA): the order is clear
      wall = ampm ? b + "/" + c + "/" + a + rest : c + "." + b + "." + a + rest;
    } else if (sep == '.') {
      wall = null; // D.M.YYYY: day-first (de-DE, ru-RU, ...), as Times.parseExportUtc reads it
    } else {
      // D/M/YYYY or M/D/YYYY (and the same with dashes, nl-NL): only what the numbers prove
      boolean monthFirst = a >= 1 && a <= 12 && b >= 1 && b <= 31;
      boolean dayFirst = b >= 1 && b <= 12 && a >= 1 && a <= 31;
      if (!monthFirst && !dayFirst) {
        return Result.fail("is not a date: " + a + sep + b + " fits neither month-first nor day-first");
      }
      if (ampm) {
        if (!monthFirst) {
          return Result.fail("is day-first (there is no month " + a + "), but slash dates with AM/PM are read "
              + "month-first (the en-US portal format), so other rows of this export may have been misread; "
              + "re-export with ISO 8601 times or the en-US display format");
        }
        wall = a + "/" + b + "/" + c + rest;
      } else if (monthFirst && dayFirst && a != b) {
        return Result.fail("is ambiguous: month-first it is " + isoDate(c, a, b) + ", day-first " + isoDate(c, b, a)
            + " (a slash date without AM/PM has no fixed order); re-export with ISO 8601 times");
      } else if (dayFirst) {
        wall = a + "." + b + "." + c + rest; // day-first (en-GB, fr-FR, ...), or both readings equal
      } else {
        wall = b + "." + a + "." + c + rest; // month-first: en-US 24-hour text, e.g. a spreadsheet re-save
      }
    }
    Instant t = Times.parseExportUtc(wall == null ? s : wall);
    if (t == null) return Result.fail("is not a valid date and time");
    return Result.ok(shift(t, zone));
  }

  private static final String EXPECTED = "is not a date-time ualwatch reads (ISO 8601, M/D/YYYY[,] h:mm[:ss[.fff]] "
      + "AM|PM, D.M.YYYY[,] H:mm[:ss], or a 24-hour D/M/YYYY or M/D/YYYY whose order is clear)";

  /** A decimal comma in the seconds ({@code 15:00:00,123}, de-DE and others). */
  private static final Pattern COMMA_FRACTION = Pattern.compile("(\\d:\\d{2}:\\d{2}),(\\d)");

  /** Browser spacing and spelling folded to the forms {@link Times} reads. */
  static String normalize(String text) {
    if (text == null) return "";
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u202f' || c == '\u00a0' || c == '\u2009' || c == '\u2007' || c == '\t') c = ' ';
      if (c == '\u200e' || c == '\u200f') continue; // bidi marks some browsers put around dates
      sb.append(c);
    }
    String s = COMMA_FRACTION.matcher(sb.toString().strip()).replaceFirst("$1.$2");
    String u = s.toUpperCase(Locale.ROOT);
    if (u.endsWith("A.M.") || u.endsWith("P.M.")) {
      s = s.substring(0, s.length() - 4).stripTrailing() + " " + u.charAt(u.length() - 4) + "M";
    }
    return s;
  }

  /** True when an ISO text carries its own offset ({@code Z}, {@code +02:00}) after the date. */
  private static boolean hasOffset(String s) {
    for (int i = 10; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 'Z' || c == 'z' || c == '+' || c == '-') return true;
    }
    return false;
  }

  private static Instant shift(Instant wall, Zone zone) {
    return wall.minusSeconds(zone.offset().getTotalSeconds());
  }

  private static boolean digits(String s) {
    if (s.isEmpty() || s.length() > 4) return false;
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    return true;
  }

  private static String isoDate(int y, int m, int d) {
    return String.format(Locale.ROOT, "%04d-%02d-%02d", y, m, d);
  }
}
