package io.ualwatch.model.feed;

import java.nio.charset.StandardCharsets;

/**
 * The feed clock: how producers of the raw topics tell the job how far their feed has come in event time, so that
 * the job's watermark follows the slowest feed, never the fastest, and never runs ahead on a feed that is merely
 * quiet.
 *
 * <p>Every producer (a connector task, {@code replay}, the demo) names its <em>stream</em> in the header
 * {@link #STREAM} of every record it writes, and now and then writes a <em>clock record</em> into every partition
 * it writes to: no value, the headers {@link #STREAM} and {@link #CLOCK} (the event time in epoch milliseconds up
 * to which the stream has delivered everything it will deliver in order; later records are late by their distance
 * behind it), and, when the stream is finished for good, {@link #END} = {@code true}. The job keeps, per partition,
 * the position of each stream that writes into it (the highest event or clock time) and takes as the partition's
 * watermark the lowest position minus the out-of-orderness bound. A stream that has not written for a while
 * (dead producer) stops holding the partition only while another stream in it is alive; a partition nobody has
 * written to yet holds the watermark (an unused partition is a configuration error to fix, shown in the feed lag).
 *
 * <p>Records without a stream header belong to the anonymous stream "" (third-party producers: their event times
 * move it as before).
 */
public final class FeedClock {
  private FeedClock() {}

  /** Header: the producer's stream, e.g. {@code mgmt|<tenant>|Audit.Exchange}, {@code replay|<digest>}. */
  public static final String STREAM = "ualwatch.stream";
  /** Header of a clock record: the stream's position, epoch milliseconds, decimal. */
  public static final String CLOCK = "ualwatch.clock";
  /** Header of a clock record: {@code true} when the stream is finished and must not hold event time any more. */
  public static final String END = "ualwatch.clock.end";

  /** The key of a clock record of {@code stream}. */
  public static byte[] key(String stream) {
    return ("ualwatch.clock|" + stream).getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Parses a header value (null when absent or not a number). */
  public static Long parseClock(byte[] value) {
    if (value == null) return null;
    try {
      return Long.parseLong(new String(value, StandardCharsets.US_ASCII).strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
