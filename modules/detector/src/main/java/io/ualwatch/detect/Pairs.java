package io.ualwatch.detect;

import io.ualwatch.detect.rules.NetObs;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.ToLongBiFunction;

/**
 * Earliest "pair" trigger over groups of observations kept as hour spans (first/last time per hour): a record
 * y of group N triggers when some record x of a conflicting group M has y − window(N, M) ≤ x ≤ y. Exact from
 * the spans: within one hour both groups' first times bound it; across hours, the other group's last time
 * in an earlier hour does. Used by token-multi-network (conflict: different networks) and impossible-travel
 * (conflict: far apart; window: the time it takes to fly there).
 */
public final class Pairs {
  private Pairs() {}

  /** A trigger: record of {@code later} at {@code time}, with a record of {@code earlier} at {@code earlierTime}. */
  public record Trigger(long time, NetObs later, NetObs earlier, long earlierTime) {}

  /** The earliest trigger with its record in [from, to), or null; groups kept in hour buckets. */
  public static Trigger earliest(List<NetObs> groups, long from, long to, BiPredicate<NetObs, NetObs> conflict,
      ToLongBiFunction<NetObs, NetObs> window) {
    return earliest(groups, from, to, conflict, window, DetectionSettings.HOUR);
  }

  /**
   * The earliest trigger with its record in [from, to), or null. Exact when every window is at least the
   * bucket size {@code granularityMs} of the groups' spans (then two records in one bucket are always within
   * the window).
   */
  public static Trigger earliest(List<NetObs> groups, long from, long to, BiPredicate<NetObs, NetObs> conflict,
      ToLongBiFunction<NetObs, NetObs> window, long granularityMs) {
    Trigger best = null;
    int fromHour = (int) Math.floorDiv(from, granularityMs);
    int toHour = (int) Math.floorDiv(to - 1, granularityMs);
    for (NetObs n : groups) {
      for (int i = 0; i < n.hours.size(); i++) {
        int h = n.hours.bucketAt(i);
        if (h < fromHour || h > toHour) continue;
        long yMin = n.hours.minAt(i);
        for (NetObs m : groups) {
          if (m == n || !conflict.test(n, m)) continue;
          long w = window.applyAsLong(n, m);
          int j = m.hours.indexOf(h);
          if (j >= 0) {
            // same hour: the later of the two first records is the first moment both were seen
            long mMin = m.hours.minAt(j);
            long y = Math.max(yMin, mMin);
            long x = Math.min(yMin, mMin);
            if (y - x <= w && y >= from && y < to && (best == null || y < best.time)) {
              best = new Trigger(y, y == yMin ? n : m, y == yMin ? m : n, x);
            }
          }
          // the other group's last record in an earlier hour, within the window before this hour's first
          int k = m.hours.lastIndexBefore(h);
          if (k >= 0 && m.hours.maxAt(k) >= yMin - w && yMin >= from && yMin < to
              && (best == null || yMin < best.time)) {
            best = new Trigger(yMin, n, m, m.hours.maxAt(k));
          }
        }
      }
    }
    return best;
  }

  /** First and last record time in [from, to) over all groups (hour buckets), or null when none. */
  public static long[] span(List<NetObs> groups, long from, long to) {
    return span(groups, from, to, DetectionSettings.HOUR);
  }

  public static long[] span(List<NetObs> groups, long from, long to, long granularityMs) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int fromHour = (int) Math.floorDiv(from, granularityMs);
    int toHour = (int) Math.floorDiv(to - 1, granularityMs);
    for (NetObs n : groups) {
      for (int i = 0; i < n.hours.size(); i++) {
        int h = n.hours.bucketAt(i);
        if (h < fromHour || h > toHour) continue;
        first = Math.min(first, n.hours.minAt(i));
        last = Math.max(last, n.hours.maxAt(i));
      }
    }
    return first == Long.MAX_VALUE ? null : new long[] {first, last};
  }
}
