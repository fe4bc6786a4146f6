package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;

/**
 * What the source emits: a normalized event, a dead letter for a record that could not be parsed, or a feed clock
 * record (no event, no dead letter: {@link #clock} set). Every one carries the producer's {@link #stream} (see
 * {@link io.ualwatch.model.feed.FeedClock}). POJO for Flink.
 */
public class ParsedRecord {
  public AuditEvent event;
  public DeadLetter dead;
  /** The producer's stream ("" when the record names none). */
  public String stream = "";
  /** A clock record's position (epoch ms), or Long.MIN_VALUE. */
  public long clock = Long.MIN_VALUE;
  /** A clock record that ends its stream. */
  public boolean end;

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

  public static ParsedRecord clock(String stream, long time, boolean end) {
    ParsedRecord p = new ParsedRecord();
    p.stream = stream == null ? "" : stream;
    p.clock = time;
    p.end = end;
    return p;
  }

  /** True for a feed clock record. */
  public boolean isClock() {
    return event == null && dead == null && clock != Long.MIN_VALUE;
  }
}
