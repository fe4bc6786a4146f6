package io.ualwatch.detect;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;

/** Binary encoding of an {@link Alert} for detector state (what was emitted, to diff against). */
public final class AlertCodec implements Codecs.Codec<Alert> {
  public static final AlertCodec INSTANCE = new AlertCodec();
  private static final int VERSION = 1;

  @Override
  public void write(DataOutput out, Alert a) throws IOException {
    out.writeByte(VERSION);
    Codecs.writeString(out, a.id);
    Codecs.writeString(out, a.ruleId);
    Codecs.writeString(out, a.ruleName);
    Codecs.writeVarInt(out, a.revision);
    out.writeByte(a.status.ordinal());
    out.writeByte(a.severity.ordinal());
    out.writeByte(a.confidence);
    Codecs.writeString(out, a.tenantId);
    out.writeLong(a.time);
    out.writeLong(a.firstSeen);
    out.writeLong(a.lastSeen);
    Codecs.writeString(out, a.bucket);
    Codecs.writeString(out, a.user);
    Codecs.writeString(out, a.mailbox);
    Codecs.writeString(out, a.appId);
    Codecs.writeString(out, a.appName);
    out.writeByte(a.appFirstParty == null ? 2 : a.appFirstParty ? 1 : 0);
    Codecs.writeString(out, a.tokenId);
    Codecs.writeString(out, a.sessionId);
    out.writeBoolean(a.source != null);
    if (a.source != null) writeEndpoint(out, a.source);
    Codecs.writeVarInt(out, a.endpoints.size());
    for (Endpoint e : a.endpoints) writeEndpoint(out, e);
    Codecs.writeString(out, a.message);
    Codecs.writeString(out, a.baseline);
    Codecs.writeVarInt(out, a.evidence.size());
    for (Evidence e : a.evidence) {
      Codecs.writeString(out, e.recordId);
      out.writeLong(e.time);
      Codecs.writeString(out, e.operation);
      Codecs.writeString(out, e.ip);
      Codecs.writeString(out, e.country);
      out.writeLong(e.asn == null ? -1 : e.asn);
      Codecs.writeString(out, e.detail);
    }
    Codecs.writeVarInt(out, a.evidenceCount);
    Codecs.writeString(out, a.attackTechniqueId);
    Codecs.writeString(out, a.attackTechniqueName);
    Codecs.writeString(out, a.attackTacticId);
    Codecs.writeString(out, a.attackTacticName);
    writeMap(out, a.entities);
    writeMap(out, a.facts);
    Codecs.writeString(out, a.configVersion);
    out.writeInt(a.emittedDigest);
  }

  @Override
  public Alert read(DataInput in) throws IOException {
    int v = in.readUnsignedByte();
    if (v != VERSION) throw new IOException("unknown alert state version " + v);
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
