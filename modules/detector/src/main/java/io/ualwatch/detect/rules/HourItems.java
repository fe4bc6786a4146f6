package io.ualwatch.detect.rules;

import io.ualwatch.detect.Codecs;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Items read from one mailbox in each hour of one UTC day: the sum of OperationCount, the number of records,
 * the first and last record time per hour, and whether anyone but the owner read in the hour. Sums of
 * de-duplicated records: the same records in any order give the same value.
 */
public final class HourItems {
  final long[] items = new long[24];
  final int[] records = new int[24];
  final long[] first = new long[24];
  final long[] last = new long[24];
  /** Bit h: some record of hour h was not the owner reading with their own identity (a delegate, an app). */
  int others;

  /** Adds a record of {@code count} items at {@code t} in hour-of-day {@code h}. */
  void add(int h, long count, long t, boolean byOther) {
    if (byOther) others |= 1 << h;
    if (records[h] == 0) {
      first[h] = t;
      last[h] = t;
    } else {
      first[h] = Math.min(first[h], t);
      last[h] = Math.max(last[h], t);
    }
    items[h] += count;
    records[h]++;
  }

  /** The largest hour of the day (items). */
  long max() {
    long m = 0;
    for (long i : items) m = Math.max(m, i);
    return m;
  }

  boolean isEmpty() {
    for (int r : records) if (r != 0) return false;
    return true;
  }

  public static final Codecs.Codec<HourItems> CODEC = new Codecs.Codec<>() {
    @Override
    public void write(DataOutput out, HourItems v) throws IOException {
      int mask = 0;
      for (int h = 0; h < 24; h++) if (v.records[h] != 0) mask |= 1 << h;
      out.writeInt(mask);
      out.writeInt(v.others);
      for (int h = 0; h < 24; h++) {
        if (v.records[h] == 0) continue;
        Codecs.writeVarLong(out, v.items[h]);
        Codecs.writeVarInt(out, v.records[h]);
        out.writeLong(v.first[h]);
        Codecs.writeVarLong(out, v.last[h] - v.first[h]);
      }
    }

    @Override
    public HourItems read(DataInput in) throws IOException {
      HourItems v = new HourItems();
      int mask = in.readInt();
      v.others = in.readInt();
      for (int h = 0; h < 24; h++) {
        if ((mask & (1 << h)) == 0) continue;
        v.items[h] = Codecs.readVarLong(in);
        v.records[h] = Codecs.readVarInt(in);
        v.first[h] = in.readLong();
        v.last[h] = v.first[h] + Codecs.readVarLong(in);
      }
      return v;
    }
  };

  @Override
  public boolean equals(Object o) {
    return o instanceof HourItems h && Arrays.equals(items, h.items) && Arrays.equals(records, h.records)
        && Arrays.equals(first, h.first) && Arrays.equals(last, h.last) && others == h.others;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(items);
  }
}
