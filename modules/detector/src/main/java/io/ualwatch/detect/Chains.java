package io.ualwatch.detect;

import java.util.function.IntPredicate;

/**
 * "A then B within a window" over order-independent state: the A records (rare changes) are kept exactly, the
 * B records as {@link Spans} (first and last time per bucket). The earliest B at or after a moment is then a
 * function of the record set: exact when the window starts before a bucket's first record, and the bucket's
 * last record when the window starts inside a bucket (its first record is earlier, some later one is in the
 * window, which one is not kept), so the answer is within one bucket of the truth and never depends on order.
 */
public final class Chains {
  private Chains() {}

  /** No record in the range. */
  public static final long NONE = Long.MIN_VALUE;

  /**
   * The earliest record time in [from, to] in spans of buckets {@code granularityMs} wide, considering only the
   * buckets {@code bucketOk} accepts; {@link #NONE} when there is none. Windows must be at least one bucket wide.
   */
  public static long earliestIn(Spans spans, long from, long to, long granularityMs, IntPredicate bucketOk) {
    if (spans == null || spans.isEmpty() || to < from) return NONE;
    int fromBucket = (int) Math.floorDiv(from, granularityMs);
    int toBucket = (int) Math.floorDiv(to, granularityMs);
    int i = spans.indexOf(fromBucket);
    for (int at = i >= 0 ? i : -i - 1; at < spans.size(); at++) {
      int b = spans.bucketAt(at);
      if (b > toBucket) break;
      long min = spans.minAt(at);
      long max = spans.maxAt(at);
      if (min > to) break;
      if (max < from || !bucketOk.test(b)) continue;
      if (min >= from) return min;
      return Math.min(max, to);
    }
    return NONE;
  }
}
