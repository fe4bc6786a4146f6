package io.ualwatch.job;

/** A record as read from a raw topic (or a file), before parsing. POJO for Flink. */
public class RawRecord {
  public String topic;
  public int partition;
  public long offset;
  public String key;
  public byte[] value;
  /** Kafka append time (ms), used to measure append-to-alert latency. */
  public long appendTime;

  public RawRecord() {}

  public RawRecord(String topic, int partition, long offset, String key, byte[] value, long appendTime) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
    this.appendTime = appendTime;
  }

  public String origin() {
    return topic + "/" + partition + "@" + offset;
  }
}
