package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;

/** An event routed to one entity key of a detector family. POJO for Flink. */
public class KeyedEvent {
  public String key;
  public AuditEvent event;

  public KeyedEvent() {}

  public KeyedEvent(String key, AuditEvent event) {
    this.key = key;
    this.event = event;
  }
}
