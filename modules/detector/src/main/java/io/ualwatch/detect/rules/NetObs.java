package io.ualwatch.detect.rules;

import io.ualwatch.detect.Codecs;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.alert.Endpoint;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * Where one token or session was used from, per network (ASN + country): the hours it was seen with the
 * first/last time in each, and the details of its earliest record (kept as the earliest by event time, so
 * the content does not depend on arrival order).
 */
public final class NetObs {
  public Long asn;
  public String country;
  public Spans hours = new Spans();
  public Endpoint first;
  public String firstRecordId;
  public String firstOperation;
  public String user;
  public String app;

  public static String keyOf(Long asn, String country) {
    return (asn == null ? "-" : Long.toString(asn)) + "|" + (country == null ? "-" : country);
  }

  /** True when two observations are different networks: different known ASNs, or different known countries. */
  public static boolean conflict(NetObs a, NetObs b) {
    return (a.asn != null && b.asn != null && !a.asn.equals(b.asn))
        || (a.country != null && b.country != null && !a.country.equals(b.country));
  }

  public String label() {
    StringBuilder sb = new StringBuilder();
    if (asn != null) sb.append("AS").append(asn).append(first != null && first.asOrg != null ? " " + first.asOrg : "");
    if (country != null) sb.append(sb.length() > 0 ? " (" : "").append(country).append(sb.length() > 0 && asn != null ? ")" : "");
    return sb.toString();
  }

  public static final Codecs.Codec<NetObs> CODEC = new Codecs.Codec<>() {
    @Override
    public void write(DataOutput out, NetObs v) throws IOException {
      out.writeLong(v.asn == null ? -1 : v.asn);
      Codecs.writeString(out, v.country);
      v.hours.write(out);
      out.writeBoolean(v.first != null);
      if (v.first != null) {
        Codecs.writeString(out, v.first.ip);
        Codecs.writeString(out, v.first.country);
        Codecs.writeString(out, v.first.city);
        out.writeBoolean(v.first.latitude != null && v.first.longitude != null);
        if (v.first.latitude != null && v.first.longitude != null) {
          out.writeDouble(v.first.latitude);
          out.writeDouble(v.first.longitude);
        }
        out.writeLong(v.first.asn == null ? -1 : v.first.asn);
        Codecs.writeString(out, v.first.asOrg);
        Codecs.writeString(out, v.first.network);
        out.writeLong(v.first.time);
      }
      Codecs.writeString(out, v.firstRecordId);
      Codecs.writeString(out, v.firstOperation);
      Codecs.writeString(out, v.user);
      Codecs.writeString(out, v.app);
    }

    @Override
    public NetObs read(DataInput in) throws IOException {
      NetObs v = new NetObs();
      long asn = in.readLong();
      v.asn = asn < 0 ? null : asn;
      v.country = Codecs.readString(in);
      v.hours = Spans.read(in);
      if (in.readBoolean()) {
        Endpoint e = new Endpoint();
        e.ip = Codecs.readString(in);
        e.country = Codecs.readString(in);
        e.city = Codecs.readString(in);
        if (in.readBoolean()) {
          e.latitude = in.readDouble();
          e.longitude = in.readDouble();
        }
        long a = in.readLong();
        e.asn = a < 0 ? null : a;
        e.asOrg = Codecs.readString(in);
        e.network = Codecs.readString(in);
        e.time = in.readLong();
        v.first = e;
      }
      v.firstRecordId = Codecs.readString(in);
      v.firstOperation = Codecs.readString(in);
      v.user = Codecs.readString(in);
      v.app = Codecs.readString(in);
      return v;
    }
  };

  @Override
  public boolean equals(Object o) {
    return o instanceof NetObs n && Objects.equals(asn, n.asn) && Objects.equals(country, n.country)
        && hours.equals(n.hours) && Objects.equals(firstRecordId, n.firstRecordId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(asn, country);
  }
}
