package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;

/** What the source emits: a normalized event, or a dead letter for a record that could not be parsed. POJO for Flink. */
public class ParsedRecord {
  public AuditEvent event;
  public DeadLetter dead;

  public ParsedRecord() {}

  public static ParsedRecord of(AuditEvent e) {
    ParsedRecord p = new ParsedRecord();
    p.event = e;
    return p;
  }

  public static ParsedRecord of(DeadLetter d) {
    ParsedRecord p = new ParsedRecord();
    p.dead = d;
    return p;
  }
}
