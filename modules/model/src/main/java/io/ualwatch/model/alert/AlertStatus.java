package io.ualwatch.model.alert;

import java.util.Locale;

/**
 * Lifecycle of an alert id on the alerts topic (an upsert stream keyed by alert id: the latest revision wins).
 *
 * <pre>
 *   NEW ──evidence──▶ UPDATED ──…──▶ CLOSED (bucket ended) ──late evidence──▶ UPDATED ──▶ CLOSED
 *    └──────────┴──────────────┴──── a late record disproves it ──▶ WITHDRAWN (final)
 * </pre>
 *
 * Ordinals are persisted in detector state: only ever append.
 */
public enum AlertStatus {
  /** First revision. */
  NEW,
  /** More evidence folded into the same alert id (or a closed alert re-opened by a late record). */
  UPDATED,
  /**
   * A record that arrived late showed the condition did not hold (e.g. the "new" app had in fact been used
   * on the mailbox before). Consumers should close the alert. Evidence is no longer folded into it; only if
   * later records make the condition true again is the same id raised again (UPDATED, higher revision).
   */
  WITHDRAWN,
  /**
   * The alert's suppression bucket ended in event time (the watermark passed its end), so repeats of the rule
   * for the entity now raise a new id: this revision is the alert's final content. A record that arrives later
   * still and belongs to the bucket re-opens it as UPDATED (and it is closed again at the next watermark).
   */
  CLOSED;

  /** Lower-case name as written in ECS, CEF and syslog ({@code new}, {@code updated}, …). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the alert still asks for an analyst's attention (everything but WITHDRAWN). */
  public boolean alertable() {
    return this != WITHDRAWN;
  }
}
