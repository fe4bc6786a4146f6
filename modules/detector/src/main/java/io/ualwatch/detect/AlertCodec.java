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
 * encoded in 931 bytes in version 1.
 *
 * <p>Version 3 (2026-12-07) adds: the rule id as a code, strings with a one-byte length, entity and fact keys from a
 * dictionary, and values (entities, facts, evidence fields) that repeat a field of the alert (tenant, user, mailbox,
 * app, token, session, source address) or are numbers or booleans as a short tag. The code lists below are
 * append-only: state written with them must stay readable. Versions 1 and 2 are still read.
 */
public final class AlertCodec implements Codecs.Codec<Alert> {
  public static final AlertCodec INSTANCE = new AlertCodec();
  private static final int VERSION = 3;

  @Override
  public Alert read(DataInput in) throws IOException {
    int v = in.readUnsignedByte();
    if (v == 1) return readV1(in);
    if (v != 2 && v != VERSION) throw new IOException("unknown alert state version " + v);
    return decode(in, v == VERSION);
  }

  @Override
  public void write(DataOutput out, Alert a) throws IOException {
    encode(out, a, true);
  }

  /** Version 2, as written before version 3 (kept so that the version-2 read path stays tested). */
  void writeV2(DataOutput out, Alert a) throws IOException {
    encode(out, a, false);
  }

  // ------------------------------------------------------------------ versions 2 and 3: one layout, two encodings

  private static void str(DataOutput out, String s, boolean v3) throws IOException {
    if (v3) writeStr(out, s);
    else Codecs.writeString(out, s);
  }

  private static String str(DataInput in, boolean v3) throws IOException {
    return v3 ? readStr(in) : Codecs.readString(in);
  }

  /** A value that may repeat a field of the alert (a reference in version 3, a string in version 2). */
  private static void value(DataOutput out, String v, String[] refs, boolean v3) throws IOException {
    if (v3) writeValue(out, v, refs);
    else Codecs.writeString(out, v);
  }

  private static String value(DataInput in, String[] refs, boolean v3) throws IOException {
    return v3 ? readValue(in, refs) : Codecs.readString(in);
  }

  private static void map(DataOutput out, Map<String, String> m, String[] refs, boolean v3) throws IOException {
    Codecs.writeVarInt(out, m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      if (v3) writeWord(out, e.getKey());
      else Codecs.writeString(out, e.getKey());
      value(out, e.getValue(), refs, v3);
    }
  }

  private static void map(DataInput in, Map<String, String> m, String[] refs, boolean v3) throws IOException {
    int n = Codecs.readVarInt(in);
    for (int i = 0; i < n; i++) m.put(v3 ? readWord(in) : Codecs.readString(in), value(in, refs, v3));
  }

  private static void endpoint(DataOutput out, Endpoint e, long base, boolean v3) throws IOException {
    str(out, e.ip, v3);
    str(out, e.country, v3);
    str(out, e.city, v3);
    out.writeBoolean(e.latitude != null && e.longitude != null);
    if (e.latitude != null && e.longitude != null) {
      out.writeDouble(e.latitude);
      out.writeDouble(e.longitude);
    }
    Codecs.writeVarLong(out, e.asn == null ? -1 : e.asn);
    str(out, e.asOrg, v3);
    if (v3) writeWord(out, e.network);
    else Codecs.writeString(out, e.network);
    Codecs.writeVarLong(out, e.time - base);
  }

  private static Endpoint endpoint(DataInput in, long base, boolean v3) throws IOException {
    Endpoint e = new Endpoint();
    e.ip = str(in, v3);
    e.country = str(in, v3);
    e.city = str(in, v3);
    if (in.readBoolean()) {
      e.latitude = in.readDouble();
      e.longitude = in.readDouble();
    }
    long asn = Codecs.readVarLong(in);
    e.asn = asn < 0 ? null : asn;
    e.asOrg = str(in, v3);
    e.network = v3 ? readWord(in) : Codecs.readString(in);
    e.time = base + Codecs.readVarLong(in);
    return e;
  }

  private static void encode(DataOutput out, Alert a, boolean v3) throws IOException {
    out.writeByte(v3 ? VERSION : 2);
    if (v3) {
      Integer rule = a.ruleId == null ? null : RULE_INDEX.get(a.ruleId);
      Codecs.writeVarInt(out, rule == null ? 0 : rule);
      if (rule == null) writeStr(out, a.ruleId);
    } else {
      Codecs.writeString(out, a.ruleId);
    }
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
    else str(out, a.id, v3);
    if ((flags & 1) == 0) str(out, a.ruleName, v3);
    if ((flags & 2) == 0) str(out, a.attackTechniqueId, v3);
    if ((flags & 4) == 0) str(out, a.attackTechniqueName, v3);
    if ((flags & 8) == 0) str(out, a.attackTacticId, v3);
    if ((flags & 16) == 0) str(out, a.attackTacticName, v3);
    Codecs.writeVarInt(out, a.revision);
    out.writeByte(a.status.ordinal());
    out.writeByte(a.severity.ordinal());
    out.writeByte(a.confidence);
    str(out, a.tenantId, v3);
    Codecs.writeVarLong(out, a.time);
    Codecs.writeVarLong(out, a.firstSeen - a.time);
    Codecs.writeVarLong(out, a.lastSeen - a.time);
    if (bucketSeconds != null) Codecs.writeVarLong(out, bucketSeconds);
    else str(out, a.bucket, v3);
    str(out, a.user, v3);
    str(out, a.mailbox, v3);
    str(out, a.appId, v3);
    str(out, a.appName, v3);
    out.writeByte(a.appFirstParty == null ? 2 : a.appFirstParty ? 1 : 0);
    str(out, a.tokenId, v3);
    str(out, a.sessionId, v3);
    out.writeBoolean(a.source != null);
    if (a.source != null) endpoint(out, a.source, a.time, v3);
    Codecs.writeVarInt(out, a.endpoints.size());
    for (int i = sourceFirst ? 1 : 0; i < a.endpoints.size(); i++) endpoint(out, a.endpoints.get(i), a.time, v3);
    str(out, a.message, v3);
    str(out, a.baseline, v3);
    String[] refs = refs(a);
    Codecs.writeVarInt(out, a.evidence.size());
    for (Evidence e : a.evidence) {
      byte[] uuid = uuid(e.recordId);
      out.writeBoolean(uuid != null);
      if (uuid != null) out.write(uuid);
      else str(out, e.recordId, v3);
      Codecs.writeVarLong(out, e.time - a.time);
      value(out, e.operation, refs, v3);
      value(out, e.ip, refs, v3);
      value(out, e.country, refs, v3);
      Codecs.writeVarLong(out, e.asn == null ? -1 : e.asn);
      value(out, e.detail, refs, v3);
    }
    Codecs.writeVarInt(out, a.evidenceCount);
    map(out, a.entities, refs, v3);
    map(out, a.facts, refs, v3);
    str(out, a.configVersion, v3);
    out.writeInt(a.emittedDigest);
  }

  private static Alert decode(DataInput in, boolean v3) throws IOException {
    Alert a = new Alert();
    if (v3) {
      int rule = Codecs.readVarInt(in);
      if (rule > RULE_CODES.size()) throw new IOException("unknown rule code " + rule);
      a.ruleId = rule == 0 ? readStr(in) : RULE_CODES.get(rule - 1);
    } else {
      a.ruleId = Codecs.readString(in);
    }
    RuleInfo info = a.ruleId == null ? null : Rules.BY_ID.get(a.ruleId);
    int flags = Codecs.readVarInt(in);
    if ((flags & 31) != 0 && info == null) throw new IOException("alert state names an unknown rule " + a.ruleId);
    if ((flags & 32) != 0) {
      byte[] b = new byte[16];
      in.readFully(b);
      a.id = "ualw-" + HexFormat.of().formatHex(b);
    } else {
      a.id = str(in, v3);
    }
    a.ruleName = (flags & 1) != 0 ? info.title() : str(in, v3);
    a.attackTechniqueId = (flags & 2) != 0 ? info.techniqueId() : str(in, v3);
    a.attackTechniqueName = (flags & 4) != 0 ? info.techniqueName() : str(in, v3);
    a.attackTacticId = (flags & 8) != 0 ? info.tacticId() : str(in, v3);
    a.attackTacticName = (flags & 16) != 0 ? info.tacticName() : str(in, v3);
    a.revision = Codecs.readVarInt(in);
    a.status = AlertStatus.values()[in.readUnsignedByte()];
    a.severity = Severity.values()[in.readUnsignedByte()];
    a.confidence = in.readUnsignedByte();
    a.tenantId = str(in, v3);
    a.time = Codecs.readVarLong(in);
    a.firstSeen = a.time + Codecs.readVarLong(in);
    a.lastSeen = a.time + Codecs.readVarLong(in);
    a.bucket = (flags & 64) != 0 ? Instant.ofEpochSecond(Codecs.readVarLong(in)).toString() : str(in, v3);
    a.user = str(in, v3);
    a.mailbox = str(in, v3);
    a.appId = str(in, v3);
    a.appName = str(in, v3);
    int fp = in.readUnsignedByte();
    a.appFirstParty = fp == 2 ? null : fp == 1;
    a.tokenId = str(in, v3);
    a.sessionId = str(in, v3);
    if (in.readBoolean()) a.source = endpoint(in, a.time, v3);
    int ne = Codecs.readVarInt(in);
    if ((flags & 128) != 0 && ne > 0) a.endpoints.add(a.source.at(a.source.time));
    while (a.endpoints.size() < ne) a.endpoints.add(endpoint(in, a.time, v3));
    a.message = str(in, v3);
    a.baseline = str(in, v3);
    String[] refs = refs(a);
    int nev = Codecs.readVarInt(in);
    for (int i = 0; i < nev; i++) {
      Evidence e = new Evidence();
      if (in.readBoolean()) {
        long hi = in.readLong();
        long lo = in.readLong();
        e.recordId = new UUID(hi, lo).toString();
      } else {
        e.recordId = str(in, v3);
      }
      e.time = a.time + Codecs.readVarLong(in);
      e.operation = value(in, refs, v3);
      e.ip = value(in, refs, v3);
      e.country = value(in, refs, v3);
      long asn = Codecs.readVarLong(in);
      e.asn = asn < 0 ? null : asn;
      e.detail = value(in, refs, v3);
      a.evidence.add(e);
    }
    a.evidenceCount = Codecs.readVarInt(in);
    map(in, a.entities, refs, v3);
    map(in, a.facts, refs, v3);
    a.configVersion = str(in, v3);
    a.emittedDigest = in.readInt();
    return a;
  }

  // ------------------------------------------------------------------------------------------ version 3

  /** Append-only: rule ids written as their position + 1 (0: the id follows as a string). */
  static final java.util.List<String> RULE_CODES = java.util.List.of("mailbox-new-client-app", "token-multi-network",
      "token-without-signin", "impossible-travel", "new-country", "hosting-network-access", "consent-then-mail-access",
      "mfa-change-then-risky-access", "external-forwarding-rule", "mailbox-sync-new-context", "mailbox-throttled",
      "mailbox-bulk-access", "cross-mailbox-access", "app-mailbox-fanout");

  /** Append-only: entity and fact keys, and common operations, written as their position + 1 (0: a string follows). */
  static final java.util.List<String> WORD_CODES = java.util.List.of("tenant", "mailbox", "app", "token", "session",
      "user", "principal", "asn", "country", "network", "kind", "issuedAt", "checked", "notEvaluated",
      "raisedAtWatermark", "decideAt", "lean", "items", "sync", "appOnly", "syncOrAppOnly", "appNewInTenant",
      "appFirstParty", "appRiskyFirstParty", "baselineApps", "folders", "mailboxes", "mailboxCount", "peak",
      "baselineMax", "windowMinutes", "withdrawnBecause", "networkNew", "networkClass", "networks", "place",
      "accessKind", "otherReaders", "firstOperation", "logon", "day", "MailItemsAccessed", "UserLoggedIn",
      "UserLoginFailed", "SignIn", "true", "false", "Sync", "Bind", "");

  private static final Map<String, Integer> RULE_INDEX = index(RULE_CODES);
  private static final Map<String, Integer> WORD_INDEX = index(WORD_CODES);

  private static Map<String, Integer> index(java.util.List<String> l) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < l.size(); i++) {
      if (m.put(l.get(i), i + 1) != null) throw new IllegalStateException("duplicate code " + l.get(i));
    }
    return m;
  }

  /** A string: varint (UTF-8 length + 1), 0 for null, then the bytes. */
  static void writeStr(DataOutput out, String s) throws IOException {
    if (s == null) {
      Codecs.writeVarInt(out, 0);
      return;
    }
    byte[] b = (s.length() > 16_000 ? s.substring(0, 16_000) : s).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Codecs.writeVarInt(out, b.length + 1);
    out.write(b);
  }

  static String readStr(DataInput in) throws IOException {
    int n = Codecs.readVarInt(in);
    if (n == 0) return null;
    byte[] b = new byte[n - 1];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A dictionary word: its code, or 0 and the string. */
  static void writeWord(DataOutput out, String s) throws IOException {
    Integer c = s == null ? null : WORD_INDEX.get(s);
    if (c != null) {
      Codecs.writeVarInt(out, c);
    } else {
      Codecs.writeVarInt(out, 0);
      writeStr(out, s);
    }
  }

  static String readWord(DataInput in) throws IOException {
    int c = Codecs.readVarInt(in);
    if (c == 0) return readStr(in);
    if (c > WORD_CODES.size()) throw new IOException("unknown word code " + c);
    return WORD_CODES.get(c - 1);
  }

  /** Tags of a value: 0 null, 1 string, 2 word, 3 decimal long, then 4 + i: the i-th field of the alert. */
  private static final int V_NULL = 0, V_STRING = 1, V_WORD = 2, V_LONG = 3, V_REF = 4;

  /** The alert's fields values often repeat, in a fixed order (read before any value that refers to them). */
  private static String[] refs(Alert a) {
    return new String[] {a.tenantId, a.user, a.mailbox, a.appId, a.tokenId, a.sessionId, a.appName,
        a.source == null ? null : a.source.ip, a.source == null ? null : a.source.country};
  }

  static void writeValue(DataOutput out, String v, String[] refs) throws IOException {
    if (v == null) {
      Codecs.writeVarInt(out, V_NULL);
      return;
    }
    for (int i = 0; i < refs.length; i++) {
      if (v.equals(refs[i])) {
        Codecs.writeVarInt(out, V_REF + i);
        return;
      }
    }
    Integer w = WORD_INDEX.get(v);
    if (w != null) {
      Codecs.writeVarInt(out, V_WORD);
      Codecs.writeVarInt(out, w);
      return;
    }
    Long n = canonicalLong(v);
    if (n != null) {
      Codecs.writeVarInt(out, V_LONG);
      Codecs.writeVarLong(out, n);
      return;
    }
    Codecs.writeVarInt(out, V_STRING);
    writeStr(out, v);
  }

  static String readValue(DataInput in, String[] refs) throws IOException {
    int tag = Codecs.readVarInt(in);
    switch (tag) {
      case V_NULL: return null;
      case V_STRING: return readStr(in);
      case V_WORD: {
        int c = Codecs.readVarInt(in);
        if (c < 1 || c > WORD_CODES.size()) throw new IOException("unknown word code " + c);
        return WORD_CODES.get(c - 1);
      }
      case V_LONG: return Long.toString(Codecs.readVarLong(in));
      default:
        if (tag - V_REF >= refs.length) throw new IOException("unknown value reference " + tag);
        return refs[tag - V_REF];
    }
  }

  /** The value of a decimal number written as Long.toString writes it, or null. */
  static Long canonicalLong(String v) {
    int n = v.length();
    if (n == 0 || n > 19) return null;
    int i = v.charAt(0) == '-' ? 1 : 0;
    if (i == n) return null;
    for (int j = i; j < n; j++) {
      char c = v.charAt(j);
      if (c < '0' || c > '9') return null;
    }
    try {
      long x = Long.parseLong(v);
      return Long.toString(x).equals(v) ? x : null;
    } catch (NumberFormatException e) {
      return null;
    }
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

  static void readMap(DataInput in, Map<String, String> m) throws IOException {
    int n = Codecs.readVarInt(in);
    for (int i = 0; i < n; i++) m.put(Codecs.readString(in), Codecs.readString(in));
  }
}
