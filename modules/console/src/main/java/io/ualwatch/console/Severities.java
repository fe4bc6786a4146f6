package io.ualwatch.console;

import java.util.Locale;

/** OCSF severity captions in order, for filters ("at least medium"). */
public final class Severities {
  private static final String[] ORDER = {"informational", "low", "medium", "high", "critical"};

  private Severities() {}

  /** 0 informational … 4 critical; -1 when unknown. */
  public static int rank(String severity) {
    if (severity == null) return -1;
    String s = severity.strip().toLowerCase(Locale.ROOT);
    if (s.equals("info")) return 0;
    for (int i = 0; i < ORDER.length; i++) if (ORDER[i].equals(s)) return i;
    return -1;
  }

  /** Parses a user's --min-severity; throws IllegalArgumentException naming the choices. */
  public static int parseMin(String severity) {
    int r = rank(severity);
    if (r < 0) {
      throw new IllegalArgumentException("unknown severity '" + severity
          + "': use informational, low, medium, high or critical");
    }
    return r;
  }
}
