package io.ualwatch.detect;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Binary encoding of an {@link Alert} for detector state (drafts, and what was emitted, to diff against).
 *
 * <p>Version 2 (2026-12-07) writes what the rule already knows (its title and ATT&CK names) as flags, alert ids
 * ({@code ualw-} + 32 hex digits) and UUID record ids as 16 bytes, the bucket as epoch seconds, times as varint
 * differences from the alert's time, and the first endpoint not again when it is the source: a token check
 * encoded in 931 bytes in version 1. Version 1 values are still read.
 */
public final class AlertCodec implements Codecs.Codec<Alert> {
  public static final AlertCodec INSTANCE = new AlertCodec();
  private static final int VERSION = 2;

  @Override
  public void write(DataOutput out, Alert a) throws IOException {
    out.writeByte(VERSION);
    Codecs.writeString(out, a.ruleId);
    RuleInfo info = a.ruleId == null ? null : Rules.BY_ID.get(a.ruleId);
    byte[] hexId = hexId(a.id);
    Long bucketSeconds = bucketSeconds(a.bucket);
    boolean sourceFirst = a.source != null && !a.endpoints.isEmpty() && sameEndpoint(a.source, a.endpoints.get(0));
    int flags = 0;
    if (info != null && Objects.equals(a.ruleName, info.title())) flags |= 1;
    if (info != null && Objects.equals(a.attackTechniqueId, info.techniqueId())) flags |= 2;
    if (info != null && Objects.equals(a.attackTechniqueName, info.techniqueName())) flags |= 4;
    if (info != null && Objects.equals(a.attackTacticId, info.tacticId())) flags |= 8;
    if (info != null && Objects.equals(a.attackTacticName, info.tacticName())) flags |= 16;
    if (hexId != null) flags |= 32;
    if (bucketSeconds != null) flags |= 64;
    if (sourceFirst) flags |= 128;
    Codecs.writeVarInt(out, flags);
    if (hexId != null) out.write(hexId);
    else Codecs.writeString(out, a.id);
    if ((flags & 1) == 0) Codecs.writeString(out, a.ruleName);
    if ((flags & 2) == 0) Codecs.writeString(out, a.attackTechniqueId);
    if ((flags & 4) == 0) Codecs.writeString(out, a.attackTechniqueName);
    if ((flags & 8) == 0) Codecs.writeString(out, a.attackTacticId);
    if ((flags & 16) == 0) Codecs.writeString(out, a.attackTacticName);
    Codecs.writeVarInt(out, a.revision);
    out.writeByte(a.status.ordinal());
    out.writeByte(a.severity.ordinal());
    out.writeByte(a.confidence);
    Codecs.writeString(out, a.tenantId);
    Codecs.writeVarLong(out, a.time);
    Codecs.writeVarLong(out, a.firstSeen - a.time);
    Codecs.writeVarLong(out, a.lastSeen - a.time);
    if (bucketSeconds != null) Codecs.writeVarLong(out, bucketSeconds);
    else Codecs.writeString(out, a.bucket);
    Codecs.writeString(out, a.user);
    Codecs.writeString(out, a.mailbox);
    Codecs.writeString(out, a.appId);
    Codecs.writeString(out, a.appName);
    out.writeByte(a.appFirstParty == null ? 2 : a.appFirstParty ? 1 : 0);
    Codecs.writeString(out, a.tokenId);
    Codecs.writeString(out, a.sessionId);
    out.writeBoolean(a.source != null);
    if (a.source != null) writeEndpointV2(out, a.source, a.time);
    Codecs.writeVarInt(out, a.endpoints.size());
    for (int i = sourceFirst ? 1 : 0; i < a.endpoints.size(); i++) writeEndpointV2(out, a.endpoints.get(i), a.time);
    Codecs.writeString(out, a.message);
    Codecs.writeString(out, a.baseline);
    Codecs.writeVarInt(out, a.evidence.size());
    for (Evidence e : a.evidence) {
      byte[] uuid = uuid(e.recordId);
      out.writeBoolean(uuid != null);
      if (uuid != null) out.write(uuid);
      else Codecs.writeString(out, e.recordId);
      Codecs.writeVarLong(out, e.time - a.time);
      Codecs.writeString(out, e.operation);
      Codecs.writeString(out, e.ip);
      Codecs.writeString(out, e.country);
      Codecs.writeVarLong(out, e.asn == null ? -1 : e.asn);
      Codecs.writeString(out, e.detail);
    }
    Codecs.writeVarInt(out, a.evidenceCount);
    writeMap(out, a.entities);
    writeMap(out, a.facts);
    Codecs.writeString(out, a.configVersion);
    out.writeInt(a.emittedDigest);
  }

  @Override
  public Alert read(DataInput in) throws IOException {
    int v = in.readUnsignedByte();
    if (v == 1) return readV1(in);
    if (v != VERSION) throw new IOException("unknown alert state version " + v);
    Alert a = new Alert();
    a.ruleId = Codecs.readString(in);
    RuleInfo info = a.ruleId == null ? null : Rules.BY_ID.get(a.ruleId);
    int flags = Codecs.readVarInt(in);
    if ((flags & 31) != 0 && info == null) throw new IOException("alert state names an unknown rule " + a.ruleId);
    if ((flags & 32) != 0) {
      byte[] b = new byte[16];
      in.readFully(b);
      a.id = "ualw-" + HexFormat.of().formatHex(b);
    } else {
      a.id = Codecs.readString(in);
    }
    a.ruleName = (flags & 1) != 0 ? info.title() : Codecs.readString(in);
    a.attackTechniqueId = (flags & 2) != 0 ? info.techniqueId() : Codecs.readString(in);
    a.attackTechniqueName = (flags & 4) != 0 ? info.techniqueName() : Codecs.readString(in);
    a.attackTacticId = (flags & 8) != 0 ? info.tacticId() : Codecs.readString(in);
    a.attackTacticName = (flags & 16) != 0 ? info.tacticName() : Codecs.readString(in);
    a.revision = Codecs.readVarInt(in);
    a.status = AlertStatus.values()[in.readUnsignedByte()];
    a.severity = Severity.values()[in.readUnsignedByte()];
    a.confidence = in.readUnsignedByte();
    a.tenantId = Codecs.readString(in);
    a.time = Codecs.readVarLong(in);
    a.firstSeen = a.time + Codecs.readVarLong(in);
    a.lastSeen = a.time + Codecs.readVarLong(in);
    a.bucket = (flags & 64) != 0 ? Instant.ofEpochSecond(Codecs.readVarLong(in)).toString() : Codecs.readString(in);
    a.user = Codecs.readString(in);
    a.mailbox = Codecs.readString(in);
    a.appId = Codecs.readString(in);
    a.appName = Codecs.readString(in);
    int fp = in.readUnsignedByte();
    a.appFirstParty = fp == 2 ? null : fp == 1;
    a.tokenId = Codecs.readString(in);
    a.sessionId = Codecs.readString(in);
    if (in.readBoolean()) a.source = readEndpointV2(in, a.time);
    int ne = Codecs.readVarInt(in);
    if ((flags & 128) != 0 && ne > 0) a.endpoints.add(a.source.at(a.source.time));
    while (a.endpoints.size() < ne) a.endpoints.add(readEndpointV2(in, a.time));
    a.message = Codecs.readString(in);
    a.baseline = Codecs.readString(in);
    int nev = Codecs.readVarInt(in);
    for (int i = 0; i < nev; i++) {
      Evidence e = new Evidence();
      if (in.readBoolean()) {
        long hi = in.readLong();
        long lo = in.readLong();
        e.recordId = new UUID(hi, lo).toString();
      } else {
        e.recordId = Codecs.readString(in);
      }
      e.time = a.time + Codecs.readVarLong(in);
      e.operation = Codecs.readString(in);
      e.ip = Codecs.readString(in);
      e.country = Codecs.readString(in);
      long asn = Codecs.readVarLong(in);
      e.asn = asn < 0 ? null : asn;
      e.detail = Codecs.readString(in);
      a.evidence.add(e);
    }
    a.evidenceCount = Codecs.readVarInt(in);
    readMap(in, a.entities);
    readMap(in, a.facts);
    a.configVersion = Codecs.readString(in);
    a.emittedDigest = in.readInt();
    return a;
  }

  /** The rules by id, for the fields version 2 takes from the rule instead of writing them (lazy: no init cycle). */
  private static final class Rules {
    static final Map<String, RuleInfo> BY_ID = new HashMap<>();

    static {
      for (RuleInfo r : DetectionGraph.rules()) BY_ID.put(r.id(), r);
    }
  }

  /** The 16 bytes of an alert id {@code ualw-<32 lower-case hex digits>}, or null for any other form. */
  static byte[] hexId(String id) {
    if (id == null || id.length() != 37 || !id.startsWith("ualw-")) return null;
    for (int i = 5; i < 37; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return null;
    }
    return HexFormat.of().parseHex(id, 5, 37);
  }

  /** A record id in canonical lower-case UUID form as 16 bytes, or null. */
  static byte[] uuid(String s) {
    if (s == null || s.length() != 36) return null;
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return null;
    }
    UUID u = UUID.fromString(s);
    if (!u.toString().equals(s)) return null;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
    b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return b.array();
  }

  /** Epoch seconds of a bucket written as {@code Instant.toString()} of whole seconds, or null. */
  static Long bucketSeconds(String bucket) {
    if (bucket == null || bucket.length() != 20 || !bucket.endsWith("Z")) return null;
    try {
      Instant t = Instant.parse(bucket);
      return t.getNano() == 0 && t.toString().equals(bucket) ? t.getEpochSecond() : null;
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static boolean sameEndpoint(Endpoint x, Endpoint y) {
    return Objects.equals(x.ip, y.ip) && Objects.equals(x.country, y.country) && Objects.equals(x.city, y.city)
        && Objects.equals(x.latitude, y.latitude) && Objects.equals(x.longitude, y.longitude)
        && Objects.equals(x.asn, y.asn) && Objects.equals(x.asOrg, y.asOrg) && Objects.equals(x.network, y.network)
        && x.time == y.time && (x.latitude == null) == (x.longitude == null);
  }


  static void writeEndpointV2(DataOutput out, Endpoint e, long base) throws IOException {
    Codecs.writeString(out, e.ip);
    Codecs.writeString(out, e.country);
    Codecs.writeString(out, e.city);
    out.writeBoolean(e.latitude != null && e.longitude != null);
    if (e.latitude != null && e.longitude != null) {
      out.writeDouble(e.latitude);
      out.writeDouble(e.longitude);
    }
    Codecs.writeVarLong(out, e.asn == null ? -1 : e.asn);
    Codecs.writeString(out, e.asOrg);
    Codecs.writeString(out, e.network);
    Codecs.writeVarLong(out, e.time - base);
  }

  static Endpoint readEndpointV2(DataInput in, long base) throws IOException {
    Endpoint e = new Endpoint();
    e.ip = Codecs.readString(in);
    e.country = Codecs.readString(in);
    e.city = Codecs.readString(in);
    if (in.readBoolean()) {
      e.latitude = in.readDouble();
      e.longitude = in.readDouble();
    }
    long asn = Codecs.readVarLong(in);
    e.asn = asn < 0 ? null : asn;
    e.asOrg = Codecs.readString(in);
    e.network = Codecs.readString(in);
    e.time = base + Codecs.readVarLong(in);
    return e;
  }

  /** Version 1 (before 2026-12-07): every field written out. */
  private static Alert readV1(DataInput in) throws IOException {
    Alert a = new Alert();
    a.id = Codecs.readString(in);
    a.ruleId = Codecs.readString(in);
    a.ruleName = Codecs.readString(in);
    a.revision = Codecs.readVarInt(in);
    a.status = AlertStatus.values()[in.readUnsignedByte()];
    a.severity = Severity.values()[in.readUnsignedByte()];
    a.confidence = in.readUnsignedByte();
    a.tenantId = Codecs.readString(in);
    a.time = in.readLong();
    a.firstSeen = in.readLong();
    a.lastSeen = in.readLong();
    a.bucket = Codecs.readString(in);
    a.user = Codecs.readString(in);
    a.mailbox = Codecs.readString(in);
    a.appId = Codecs.readString(in);
    a.appName = Codecs.readString(in);
    int fp = in.readUnsignedByte();
    a.appFirstParty = fp == 2 ? null : fp == 1;
    a.tokenId = Codecs.readString(in);
    a.sessionId = Codecs.readString(in);
    if (in.readBoolean()) a.source = readEndpoint(in);
    int ne = Codecs.readVarInt(in);
    for (int i = 0; i < ne; i++) a.endpoints.add(readEndpoint(in));
    a.message = Codecs.readString(in);
    a.baseline = Codecs.readString(in);
    int nev = Codecs.readVarInt(in);
    for (int i = 0; i < nev; i++) {
      Evidence e = new Evidence();
      e.recordId = Codecs.readString(in);
      e.time = in.readLong();
      e.operation = Codecs.readString(in);
      e.ip = Codecs.readString(in);
      e.country = Codecs.readString(in);
      long asn = in.readLong();
      e.asn = asn < 0 ? null : asn;
      e.detail = Codecs.readString(in);
      a.evidence.add(e);
    }
    a.evidenceCount = Codecs.readVarInt(in);
    a.attackTechniqueId = Codecs.readString(in);
    a.attackTechniqueName = Codecs.readString(in);
    a.attackTacticId = Codecs.readString(in);
    a.attackTacticName = Codecs.readString(in);
    readMap(in, a.entities);
    readMap(in, a.facts);
    a.configVersion = Codecs.readString(in);
    a.emittedDigest = in.readInt();
    return a;
  }

  static void writeEndpoint(DataOutput out, Endpoint e) throws IOException {
    Codecs.writeString(out, e.ip);
    Codecs.writeString(out, e.country);
    Codecs.writeString(out, e.city);
    out.writeBoolean(e.latitude != null && e.longitude != null);
    if (e.latitude != null && e.longitude != null) {
      out.writeDouble(e.latitude);
      out.writeDouble(e.longitude);
    }
    out.writeLong(e.asn == null ? -1 : e.asn);
    Codecs.writeString(out, e.asOrg);
    Codecs.writeString(out, e.network);
    out.writeLong(e.time);
  }

  static Endpoint readEndpoint(DataInput in) throws IOException {
    Endpoint e = new Endpoint();
    e.ip = Codecs.readString(in);
    e.country = Codecs.readString(in);
    e.city = Codecs.readString(in);
    if (in.readBoolean()) {
      e.latitude = in.readDouble();
      e.longitude = in.readDouble();
    }
    long asn = in.readLong();
    e.asn = asn < 0 ? null : asn;
    e.asOrg = Codecs.readString(in);
    e.network = Codecs.readString(in);
    e.time = in.readLong();
    return e;
  }

  static void writeMap(DataOutput out, Map<String, String> m) throws IOException {
    Codecs.writeVarInt(out, m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      Codecs.writeString(out, e.getKey());
      Codecs.writeString(out, e.getValue());
    }
  }

  static void readMap(DataInput in, Map<String, String> m) throws IOException {
    int n = Codecs.readVarInt(in);
    for (int i = 0; i < n; i++) m.put(Codecs.readString(in), Codecs.readString(in));
  }
}
