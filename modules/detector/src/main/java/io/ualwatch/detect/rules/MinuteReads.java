package io.ualwatch.detect.rules;

import io.ualwatch.detect.Codecs;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The mailboxes one app read in one minute, each with its first and last record time in that minute. At most
 * {@link #CAP} mailboxes are kept, the alphabetically first ones, so that the value is a function of the set of
 * records whatever their order; a minute with more is marked saturated (its counts are lower bounds).
 */
public final class MinuteReads {
  /** Mailboxes kept per app and minute. */
  static final int CAP = 128;

  String[] mailbox = new String[2];
  long[] min = new long[2];
  long[] max = new long[2];
  int size;
  boolean saturated;

  /** Adds a read of {@code m} at {@code t}; true when the value changed. */
  boolean add(String m, long t) {
    int i = Arrays.binarySearch(mailbox, 0, size, m);
    if (i >= 0) {
      boolean changed = false;
      if (t < min[i]) { min[i] = t; changed = true; }
      if (t > max[i]) { max[i] = t; changed = true; }
      return changed;
    }
    int at = -i - 1;
    if (size == CAP) {
      boolean was = saturated;
      saturated = true;
      if (at == size) return !was; // sorts after every kept mailbox: not kept
      size--; // the last one makes room
    }
    if (size == mailbox.length) {
      int n = Math.min(CAP, size * 2);
      mailbox = Arrays.copyOf(mailbox, n);
      min = Arrays.copyOf(min, n);
      max = Arrays.copyOf(max, n);
    }
    System.arraycopy(mailbox, at, mailbox, at + 1, size - at);
    System.arraycopy(min, at, min, at + 1, size - at);
    System.arraycopy(max, at, max, at + 1, size - at);
    mailbox[at] = m;
    min[at] = t;
    max[at] = t;
    size++;
    return true;
  }

  public static final Codecs.Codec<MinuteReads> CODEC = new Codecs.Codec<>() {
    @Override
    public void write(DataOutput out, MinuteReads v) throws IOException {
      out.writeShort(v.size);
      out.writeBoolean(v.saturated);
      for (int i = 0; i < v.size; i++) {
        out.writeUTF(v.mailbox[i]);
        out.writeLong(v.min[i]);
        Codecs.writeVarLong(out, v.max[i] - v.min[i]);
      }
    }

    @Override
    public MinuteReads read(DataInput in) throws IOException {
      MinuteReads v = new MinuteReads();
      int n = in.readUnsignedShort();
      v.saturated = in.readBoolean();
      v.mailbox = new String[Math.max(2, n)];
      v.min = new long[Math.max(2, n)];
      v.max = new long[Math.max(2, n)];
      for (int i = 0; i < n; i++) {
        v.mailbox[i] = in.readUTF();
        v.min[i] = in.readLong();
        v.max[i] = v.min[i] + Codecs.readVarLong(in);
      }
      v.size = n;
      return v;
    }
  };

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof MinuteReads r) || r.size != size || r.saturated != saturated) return false;
    for (int i = 0; i < size; i++) {
      if (!mailbox[i].equals(r.mailbox[i]) || min[i] != r.min[i] || max[i] != r.max[i]) return false;
    }
    return true;
  }

  @Override
  public int hashCode() {
    return size == 0 ? 0 : mailbox[0].hashCode() * 31 + size;
  }
}
