package io.ualwatch.config;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them: 500ms, 90s, 15m, 2h, 30d, or ISO-8601 (PT2H). */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.startsWith("p")) return Duration.parse(s.toUpperCase(Locale.ROOT));
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)))) i++;
    if (i == 0) throw new IllegalArgumentException("expected a number followed by ms, s, m, h or d");
    long n = Long.parseLong(s.substring(0, i));
    String unit = s.substring(i).strip();
    switch (unit) {
      case "ms": return Duration.ofMillis(n);
      case "s": case "": return Duration.ofSeconds(n);
      case "m": case "min": return Duration.ofMinutes(n);
      case "h": return Duration.ofHours(n);
      case "d": return Duration.ofDays(n);
      default: throw new IllegalArgumentException("unknown unit '" + unit + "': use ms, s, m, h or d");
    }
  }

  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0 && ms != 0) return ms / 86_400_000L + "d";
    if (ms % 3_600_000L == 0 && ms != 0) return ms / 3_600_000L + "h";
    if (ms % 60_000L == 0 && ms != 0) return ms / 60_000L + "m";
    if (ms % 1000L == 0) return ms / 1000L + "s";
    return ms + "ms";
  }
}
