package io.ualwatch.model.alert;

/**
 * Lifecycle of an alert id on the alerts topic (an upsert stream keyed by alert id: the latest revision wins).
 */
public enum AlertStatus {
  /** First revision. */
  NEW,
  /** More evidence folded into the same alert id. */
  UPDATED,
  /**
   * A record that arrived late showed the condition did not hold (e.g. the "new" app had in fact been used
   * on the mailbox before). Consumers should close the alert.
   */
  WITHDRAWN
}
