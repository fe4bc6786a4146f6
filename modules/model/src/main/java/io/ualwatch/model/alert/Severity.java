package io.ualwatch.model.alert;

import java.util.Locale;

/** Alert severity, mapped to OCSF severity_id (1 Informational … 5 Critical). */
public enum Severity {
  INFORMATIONAL(1), LOW(2), MEDIUM(3), HIGH(4), CRITICAL(5);

  private final int ocsfId;

  Severity(int ocsfId) {
    this.ocsfId = ocsfId;
  }

  public int ocsfId() {
    return ocsfId;
  }

  /** OCSF caption: "Informational", "Low", … */
  public String caption() {
    String n = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  /** This severity raised by {@code steps}, capped at CRITICAL. */
  public Severity raise(int steps) {
    Severity[] all = values();
    return all[Math.max(0, Math.min(all.length - 1, ordinal() + steps))];
  }

  public static Severity parse(String s) {
    return valueOf(s.strip().toUpperCase(Locale.ROOT));
  }
}
