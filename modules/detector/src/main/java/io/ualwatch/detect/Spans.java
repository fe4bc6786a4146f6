package io.ualwatch.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A compact, order-independent record of when something was seen: for each time bucket (a UTC day, an
 * hour, …) the earliest and latest event time in it. Adding the same events in any order gives the same
 * value; so does adding duplicates. Buckets are kept sorted; old buckets are pruned by event time.
 */
public final class Spans {
  private int[] bucket = new int[2];
  private long[] min = new long[2];
  private long[] max = new long[2];
  private int size;

  public Spans() {}

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Adds an event time in the given bucket. Returns true when the bucket is new or its min/max changed. */
  public boolean add(int b, long t) {
    int i = Arrays.binarySearch(bucket, 0, size, b);
    if (i >= 0) {
      boolean changed = false;
      if (t < min[i]) { min[i] = t; changed = true; }
      if (t > max[i]) { max[i] = t; changed = true; }
      return changed;
    }
    int at = -i - 1;
    if (size == bucket.length) {
      int n = size * 2;
      bucket = Arrays.copyOf(bucket, n);
      min = Arrays.copyOf(min, n);
      max = Arrays.copyOf(max, n);
    }
    System.arraycopy(bucket, at, bucket, at + 1, size - at);
    System.arraycopy(min, at, min, at + 1, size - at);
    System.arraycopy(max, at, max, at + 1, size - at);
    bucket[at] = b;
    min[at] = t;
    max[at] = t;
    size++;
    return true;
  }

  /** Index of the bucket, or a negative insertion point as in {@link Arrays#binarySearch}. */
  public int indexOf(int b) {
    return Arrays.binarySearch(bucket, 0, size, b);
  }

  public boolean has(int b) {
    return indexOf(b) >= 0;
  }

  public int bucketAt(int i) {
    return bucket[i];
  }

  public long minAt(int i) {
    return min[i];
  }

  public long maxAt(int i) {
    return max[i];
  }

  /** True when any bucket lies in [from, to] (inclusive). */
  public boolean anyIn(int from, int to) {
    if (from > to || size == 0) return false;
    int i = indexOf(from);
    int at = i >= 0 ? i : -i - 1;
    return at < size && bucket[at] <= to;
  }

  /** The first bucket strictly after b, or Integer.MIN_VALUE when none. */
  public int nextAfter(int b) {
    int i = indexOf(b);
    int at = i >= 0 ? i + 1 : -i - 1;
    return at < size ? bucket[at] : Integer.MIN_VALUE;
  }

  /** Index of the last bucket strictly before b, or -1. */
  public int lastIndexBefore(int b) {
    int i = indexOf(b);
    int at = i >= 0 ? i : -i - 1;
    return at - 1;
  }

  /** Earliest event time overall, or Long.MAX_VALUE when empty. */
  public long earliest() {
    return size == 0 ? Long.MAX_VALUE : min[0];
  }

  /** Latest event time overall, or Long.MIN_VALUE when empty. */
  public long latest() {
    return size == 0 ? Long.MIN_VALUE : max[size - 1];
  }

  public int firstBucket() {
    return bucket[0];
  }

  public int lastBucket() {
    return bucket[size - 1];
  }

  /** Drops buckets before {@code b}; returns how many were dropped. */
  public int pruneBefore(int b) {
    int i = indexOf(b);
    int at = i >= 0 ? i : -i - 1;
    if (at == 0) return 0;
    System.arraycopy(bucket, at, bucket, 0, size - at);
    System.arraycopy(min, at, min, 0, size - at);
    System.arraycopy(max, at, max, 0, size - at);
    size -= at;
    return at;
  }

  public void write(DataOutput out) throws IOException {
    out.writeShort(size);
    int prevB = 0;
    for (int i = 0; i < size; i++) {
      Codecs.writeVarInt(out, bucket[i] - prevB);
      prevB = bucket[i];
      out.writeLong(min[i]);
      Codecs.writeVarLong(out, max[i] - min[i]);
    }
  }

  public static Spans read(DataInput in) throws IOException {
    Spans s = new Spans();
    int n = in.readUnsignedShort();
    s.bucket = new int[Math.max(2, n)];
    s.min = new long[Math.max(2, n)];
    s.max = new long[Math.max(2, n)];
    int prevB = 0;
    for (int i = 0; i < n; i++) {
      prevB += Codecs.readVarInt(in);
      s.bucket[i] = prevB;
      s.min[i] = in.readLong();
      s.max[i] = s.min[i] + Codecs.readVarLong(in);
    }
    s.size = n;
    return s;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Spans s) || s.size != size) return false;
    for (int i = 0; i < size; i++) {
      if (bucket[i] != s.bucket[i] || min[i] != s.min[i] || max[i] != s.max[i]) return false;
    }
    return true;
  }

  @Override
  public int hashCode() {
    return size == 0 ? 0 : bucket[0] * 31 + size;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Spans[");
    for (int i = 0; i < size; i++) sb.append(i == 0 ? "" : ",").append(bucket[i]);
    return sb.append(']').toString();
  }
}
