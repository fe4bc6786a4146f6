package io.ualwatch.detect.rules;

import io.ualwatch.detect.Codecs;
import io.ualwatch.model.AuditEvent;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Comparator;

/**
 * One change record an attack chain starts from (a consent, an MFA reset, a forwarding rule), kept whole: such
 * records are rare, so the chain rules keep each one exactly (by record id, so duplicates fold) instead of spans.
 */
public final class ChangeRecord {
  /** What kind of change: the appChange / securityChange value, or "forwarding". */
  public String kind;
  public String recordId;
  public long time;
  public String operation;
  /** Who made the change (admin, help desk, the user). */
  public String actor;
  public String ip;
  /** Kind-specific: granted permissions, or the forwarding addresses (';'-joined). */
  public String detail;
  /** Kind-specific: admin consent "true"; forwarding: rule name. */
  public String extra;
  /** Kind-specific: forwarding: the mailbox; app changes: the app's display name when known. */
  public String subject;
  /** Kind-specific flags: forwarding: "hides", "unresolved:&lt;recipients&gt;"; the tenant's initial domain. */
  public String flags;

  public static final Comparator<ChangeRecord> BY_TIME =
      Comparator.comparingLong((ChangeRecord c) -> c.time).thenComparing(c -> c.recordId);

  static ChangeRecord of(String kind, AuditEvent e) {
    ChangeRecord c = new ChangeRecord();
    c.kind = kind;
    c.recordId = e.recordId;
    c.time = e.eventTime.toEpochMilli();
    c.operation = e.operation;
    c.actor = e.actor;
    c.ip = e.clientIp;
    return c;
  }

  public static final Codecs.Codec<ChangeRecord> CODEC = new Codecs.Codec<>() {
    @Override
    public void write(DataOutput out, ChangeRecord v) throws IOException {
      Codecs.writeString(out, v.kind);
      Codecs.writeString(out, v.recordId);
      out.writeLong(v.time);
      Codecs.writeString(out, v.operation);
      Codecs.writeString(out, v.actor);
      Codecs.writeString(out, v.ip);
      Codecs.writeString(out, v.detail);
      Codecs.writeString(out, v.extra);
      Codecs.writeString(out, v.subject);
      Codecs.writeString(out, v.flags);
    }

    @Override
    public ChangeRecord read(DataInput in) throws IOException {
      ChangeRecord v = new ChangeRecord();
      v.kind = Codecs.readString(in);
      v.recordId = Codecs.readString(in);
      v.time = in.readLong();
      v.operation = Codecs.readString(in);
      v.actor = Codecs.readString(in);
      v.ip = Codecs.readString(in);
      v.detail = Codecs.readString(in);
      v.extra = Codecs.readString(in);
      v.subject = Codecs.readString(in);
      v.flags = Codecs.readString(in);
      return v;
    }
  };

  @Override
  public boolean equals(Object o) {
    return o instanceof ChangeRecord c && time == c.time && java.util.Objects.equals(recordId, c.recordId)
        && java.util.Objects.equals(kind, c.kind) && java.util.Objects.equals(detail, c.detail);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(recordId, time);
  }

  /** The suppression buckets, in order, of the user's stored changes whose sub-key starts with {@code prefix}. */
  static java.util.SortedSet<Long> buckets(io.ualwatch.detect.EntityStore store, String prefix,
      io.ualwatch.detect.DetectionSettings s) {
    java.util.SortedSet<Long> buckets = new java.util.TreeSet<>();
    store.forEach(UserFamily.CHANGES, (k, c) -> {
      if (k.startsWith(prefix)) buckets.add(s.bucketOf(c.time));
    });
    return buckets;
  }
}
