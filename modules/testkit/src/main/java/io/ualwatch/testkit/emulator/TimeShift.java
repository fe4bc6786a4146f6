package io.ualwatch.testkit.emulator;

import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves recorded records in time by a whole number of days: every ISO-8601 date-time in a record's JSON
 * ({@code CreationTime}, {@code createdDateTime}, {@code AppAccessContext.IssuedAtTime}, …) gets its date moved,
 * its time of day, fraction and zone kept as written. Whole days keep every day boundary of the recording (the
 * baselines, buckets and "first time this day" facts are the same), so a recording of 2025 can be served by the
 * emulator as the last days of a tenant today, with the API's own 7-day window and publication delay.
 */
public final class TimeShift {
  private TimeShift() {}

  private static final Pattern DATE_TIME = Pattern.compile("\"(\\d{4})-(\\d{2})-(\\d{2})(T\\d{2}:\\d{2})");

  /** {@code json} with every date-time string's date moved by {@code days}. */
  public static String shiftDays(String json, long days) {
    if (days == 0 || json == null) return json;
    Matcher m = DATE_TIME.matcher(json);
    StringBuilder sb = new StringBuilder(json.length());
    while (m.find()) {
      LocalDate d;
      try {
        d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      } catch (java.time.DateTimeException e) {
        m.appendReplacement(sb, Matcher.quoteReplacement(m.group()));
        continue;
      }
      m.appendReplacement(sb, Matcher.quoteReplacement("\"" + d.plusDays(days) + m.group(4)));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
