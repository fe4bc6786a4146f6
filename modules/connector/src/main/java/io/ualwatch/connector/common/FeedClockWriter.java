package io.ualwatch.connector.common;

import io.micrometer.core.instrument.Counter;
import io.ualwatch.model.feed.FeedClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The feed clock of one task's stream (see {@link FeedClock}): names the stream on every data record and writes,
 * at most once per {@code clock.interval.ms}, a clock record into each of the task's
 * {@linkplain CommonConfig.View#clockPartitions() clock partitions}: no value, key {@code ualwatch.clock|<stream>},
 * headers {@link FeedClock#STREAM} and {@link FeedClock#CLOCK} (decimal epoch milliseconds).
 *
 * <p>The caller passes the position: the event time up to which the stream has delivered, in the records already
 * handed to Connect before the clock record, everything it will deliver in order. The value written never goes
 * back within one task instance (a restart from an older committed offset may write a lower one; the job keeps
 * the highest per stream, so that only repeats what it knows).
 *
 * <p>Clock records carry a source partition of their own ({@code {feedClock: <stream>}}) and no source offset, so
 * they never commit (or, as a tombstone, delete) the task's real offset; Connect tracks their acks apart.
 */
public final class FeedClockWriter {
  private final String stream;
  private final String key;
  private final String topic;
  private final List<Integer> partitions;
  private final Duration interval;
  private final Clock clock;
  private final Counter counter;
  private final Map<String, String> sourcePartition;
  private Instant lastWritten;
  private long lastPosition = Long.MIN_VALUE;

  public FeedClockWriter(String stream, String topic, List<Integer> partitions, Duration interval, Clock clock,
      Counter counter) {
    this.stream = stream;
    this.key = new String(FeedClock.key(stream), StandardCharsets.UTF_8);
    this.topic = topic;
    this.partitions = java.util.Collections.unmodifiableList(new ArrayList<>(partitions)); // null: key hashing
    this.interval = interval;
    this.clock = clock;
    this.counter = counter;
    this.sourcePartition = Map.of("feedClock", stream);
  }

  public String stream() {
    return stream;
  }

  /** Names the stream in a data record's headers. */
  public ConnectHeaders tag(ConnectHeaders h) {
    h.addString(FeedClock.STREAM, stream);
    return h;
  }

  /** Clock records at {@code position} when one is due (none written in the last interval), else an empty list. */
  public List<SourceRecord> due(Instant position) {
    Instant now = clock.instant();
    if (lastWritten != null && now.isBefore(lastWritten.plus(interval))) return List.of();
    lastWritten = now;
    lastPosition = Math.max(lastPosition, position.toEpochMilli());
    String value = Long.toString(lastPosition);
    List<SourceRecord> out = new ArrayList<>(partitions.size());
    for (Integer p : partitions) {
      ConnectHeaders h = new ConnectHeaders();
      h.addString(FeedClock.STREAM, stream);
      h.addString(FeedClock.CLOCK, value);
      out.add(new SourceRecord(sourcePartition, null, topic, p, Schema.STRING_SCHEMA, key,
          Schema.OPTIONAL_BYTES_SCHEMA, null, null, h));
    }
    counter.increment(out.size());
    return out;
  }

  /**
   * {@code records} (may be null) followed by the clock records at {@code position} when they are due: a clock is
   * placed after the records it covers. Null when there is nothing to return.
   */
  public List<SourceRecord> after(List<SourceRecord> records, Instant position) {
    List<SourceRecord> c = due(position);
    if (c.isEmpty()) return records;
    if (records == null || records.isEmpty()) return c;
    List<SourceRecord> all = new ArrayList<>(records.size() + c.size());
    all.addAll(records);
    all.addAll(c);
    return all;
  }

  /** How long an idle task may wait, at most {@code wait}, without writing its next clock late. */
  public Duration capSleep(Duration wait) {
    if (lastWritten == null) return Duration.ZERO;
    Duration left = Duration.between(clock.instant(), lastWritten.plus(interval));
    if (left.isNegative()) left = Duration.ZERO;
    return left.compareTo(wait) < 0 ? left : wait;
  }
}
