package io.ualwatch.job;

/** A record that could not be parsed: where it came from, why, and its raw text. POJO for Flink. */
public class DeadLetter {
  public String origin;
  public String topic;
  public int partition;
  public long offset;
  public String reason;
  public String message;
  public String raw;
  public boolean rawTruncated;
  public long time;

  public DeadLetter() {}
}
