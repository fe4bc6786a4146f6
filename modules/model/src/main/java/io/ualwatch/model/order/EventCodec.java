package io.ualwatch.model.order;

import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.Geo;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.Outcome;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a parsed {@link AuditEvent} to a spill file and reads it back field for field (every field, the raw text
 * and origin included), so that ordering a file through a temporary directory hands the detectors exactly the
 * events the parser made; the Flink job's network serializer writes the same form. Strings are UTF-8 with a varint
 * length (no 64 KB limit), lower-case UUIDs 16 bytes, frequent values (operations, workloads) a one-byte code,
 * numbers varints; absent values cost one byte. Only the build that wrote a spill file or network record reads it.
 */
public final class EventCodec {
  private EventCodec() {}

  /** Marks the end of a spill file. */
  private static final int END = 0xE0;
  private static final int EVENT = 0xE1;

  public static void write(DataOutputStream out, AuditEvent e) throws IOException {
    out.writeByte(EVENT);
    writeFields(out, e);
  }

  /**
   * Every field of {@code e}, without the spill file's tag (the Flink job's network serializer uses this form).
   */
  public static void writeFields(DataOutput out, AuditEvent e) throws IOException {
    writeEnum(out, e.source);
    writeString(out, e.format);
    writeString(out, e.shape);
    writeString(out, e.tenantId);
    writeInstant(out, e.eventTime);
    writeString(out, e.recordId);
    writeInt(out, e.recordType);
    writeString(out, e.operation);
    writeString(out, e.workload);
    writeString(out, e.resultStatus);
    writeEnum(out, e.outcome);
    writeString(out, e.actor);
    writeEnum(out, e.actorKind);
    writeInt(out, e.userType);
    writeString(out, e.actorObjectId);
    writeString(out, e.mailboxOwner);
    writeString(out, e.mailboxGuid);
    writeInt(out, e.logonType);
    writeBool(out, e.externalAccess);
    writeString(out, e.clientIp);
    writeString(out, e.clientIpRaw);
    writeString(out, e.appId);
    writeString(out, e.clientAppId);
    writeString(out, e.clientAppName);
    writeString(out, e.clientInfo);
    writeString(out, e.userAgent);
    writeString(out, e.exchangeSessionId);
    writeString(out, e.aadSessionId);
    writeString(out, e.uniqueTokenId);
    writeInstant(out, e.tokenIssuedAt);
    writeString(out, e.tokenTenantId);
    writeString(out, e.mailAccessType);
    writeBool(out, e.isThrottled);
    Varints.writeSigned(out, e.operationCount);
    writeList(out, e.itemIds);
    writeList(out, e.folders);
    writeInt(out, e.errorCode);
    writeBool(out, e.interactive);
    writeString(out, e.resourceId);
    writeString(out, e.requestType);
    if (e.attributes == null) {
      Varints.writeUnsigned(out, 0);
    } else {
      Varints.writeUnsigned(out, e.attributes.size() + 1L);
      for (Map.Entry<String, String> a : e.attributes.entrySet()) {
        writeString(out, a.getKey());
        writeString(out, a.getValue());
      }
    }
    if (e.geo == null) {
      out.writeBoolean(false);
    } else {
      Geo g = e.geo;
      out.writeBoolean(true);
      writeString(out, g.country);
      writeString(out, g.region);
      writeString(out, g.city);
      writeDouble(out, g.latitude);
      writeDouble(out, g.longitude);
      if (g.asn == null) {
        out.writeBoolean(false);
      } else {
        out.writeBoolean(true);
        Varints.writeSigned(out, g.asn);
      }
      writeString(out, g.asOrg);
      writeEnum(out, g.network);
      out.writeBoolean(g.located);
    }
    writeString(out, e.raw);
    writeString(out, e.origin);
  }

  /** Writes the end mark (a truncated spill file is then told apart from a finished one). */
  public static void writeEnd(DataOutputStream out) throws IOException {
    out.writeByte(END);
  }

  /** The next event, or null at the end mark. */
  public static AuditEvent read(DataInputStream in) throws IOException {
    int tag = in.read();
    if (tag == END) return null;
    if (tag < 0) throw new EOFException("spill file ends without its end mark (disk full or removed?)");
    if (tag != EVENT) throw new IOException("spill file is corrupt (tag " + tag + ")");
    return readFields(in);
  }

  /** An event written by {@link #writeFields}. */
  public static AuditEvent readFields(DataInput in) throws IOException {
    AuditEvent e = new AuditEvent();
    e.source = readEnum(in, EventSource.values());
    e.format = readString(in);
    e.shape = readString(in);
    e.tenantId = readString(in);
    e.eventTime = readInstant(in);
    e.recordId = readString(in);
    e.recordType = readInt(in);
    e.operation = readString(in);
    e.workload = readString(in);
    e.resultStatus = readString(in);
    e.outcome = readEnum(in, Outcome.values());
    e.actor = readString(in);
    e.actorKind = readEnum(in, ActorKind.values());
    e.userType = readInt(in);
    e.actorObjectId = readString(in);
    e.mailboxOwner = readString(in);
    e.mailboxGuid = readString(in);
    e.logonType = readInt(in);
    e.externalAccess = readBool(in);
    e.clientIp = readString(in);
    e.clientIpRaw = readString(in);
    e.appId = readString(in);
    e.clientAppId = readString(in);
    e.clientAppName = readString(in);
    e.clientInfo = readString(in);
    e.userAgent = readString(in);
    e.exchangeSessionId = readString(in);
    e.aadSessionId = readString(in);
    e.uniqueTokenId = readString(in);
    e.tokenIssuedAt = readInstant(in);
    e.tokenTenantId = readString(in);
    e.mailAccessType = readString(in);
    e.isThrottled = readBool(in);
    e.operationCount = (int) Varints.readSigned(in);
    e.itemIds = readList(in);
    e.folders = readList(in);
    e.errorCode = readInt(in);
    e.interactive = readBool(in);
    e.resourceId = readString(in);
    e.requestType = readString(in);
    int n = (int) Varints.readUnsigned(in) - 1;
    if (n >= 0) {
      e.attributes = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) e.attributes.put(readString(in), readString(in));
    }
    if (in.readBoolean()) {
      Geo g = new Geo();
      g.country = readString(in);
      g.region = readString(in);
      g.city = readString(in);
      g.latitude = readDouble(in);
      g.longitude = readDouble(in);
      g.asn = in.readBoolean() ? Varints.readSigned(in) : null;
      g.asOrg = readString(in);
      g.network = readEnum(in, NetworkClass.values());
      g.located = in.readBoolean();
      e.geo = g;
    }
    e.raw = readString(in);
    e.origin = readString(in);
    return e;
  }

  /** Bytes an event holds on the heap, roughly (for the sort buffer's budget; generous rather than short). */
  public static long heapEstimate(AuditEvent e) {
    long n = 700; // the object, its boxed fields, the Instant(s)
    n += len(e.raw) + len(e.origin) + len(e.recordId) + len(e.tenantId) + len(e.actor) + len(e.mailboxOwner)
        + len(e.clientInfo) + len(e.userAgent) + len(e.clientAppName) + len(e.operation);
    if (e.attributes != null) {
      n += 64L * e.attributes.size();
      for (Map.Entry<String, String> a : e.attributes.entrySet()) n += len(a.getKey()) + len(a.getValue());
    }
    if (e.itemIds != null) for (String s : e.itemIds) n += 56 + len(s);
    if (e.folders != null) for (String s : e.folders) n += 56 + len(s);
    return n;
  }

  private static long len(String s) {
    // String object + array header; compact Latin-1 strings hold a byte per char, others two
    return s == null ? 0 : 56 + 2L * s.length();
  }

  /** A string: varint (UTF-8 length + 1), 0 for null; canonical lower-case UUIDs (ids) as a tag and 16 bytes. */
  private static void writeString(DataOutput out, String s) throws IOException {
    if (s == null) {
      Varints.writeUnsigned(out, 0);
      return;
    }
    if (isUuid(s)) {
      Varints.writeUnsigned(out, UUID_TAG);
      out.writeLong(hex(s, 0, 8) << 32 | hex(s, 9, 13) << 16 | hex(s, 14, 18));
      out.writeLong(hex(s, 19, 23) << 48 | hex(s, 24, 36));
      return;
    }
    Integer w = WORD_INDEX.get(s);
    if (w != null) {
      Varints.writeUnsigned(out, WORD_TAG + w);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Varints.writeUnsigned(out, STRING_TAG + b.length);
    out.write(b);
  }

  private static String readString(DataInput in) throws IOException {
    long tag = Varints.readUnsigned(in);
    if (tag == 0) return null;
    if (tag == UUID_TAG) return new java.util.UUID(in.readLong(), in.readLong()).toString();
    if (tag < STRING_TAG) {
      int w = (int) (tag - WORD_TAG);
      if (w < 0 || w >= WORDS.size()) throw new IOException("unknown word code " + tag);
      return WORDS.get(w);
    }
    long n = tag - STRING_TAG;
    if (n > Integer.MAX_VALUE) throw new IOException("string of " + n + " bytes");
    byte[] b = new byte[(int) n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** String tags: 0 null, 1 a UUID, 2 … 2 + words a word of {@link #WORDS}, then the UTF-8 length + STRING_TAG. */
  private static final long UUID_TAG = 1;
  private static final long WORD_TAG = 2;
  /**
   * Values many records repeat (operations, workloads, access types), written as a code. Spill files and the
   * job's network records are only read by the same build that wrote them, so the list may change between versions.
   */
  private static final List<String> WORDS = List.of("MailItemsAccessed", "SignIn", "UserLoggedIn", "UserLoginFailed",
      "Exchange", "AzureActiveDirectory", "Bind", "Sync", "Succeeded", "Success", "Failed", "ndjson", "purview-csv",
      "json", "Send", "New-InboxRule", "Set-InboxRule", "Set-Mailbox", "UpdateInboxRules", "Consent to application.",
      "Add app role assignment grant to user.", "Add service principal credentials.", "");
  private static final long STRING_TAG = WORD_TAG + WORDS.size();
  private static final Map<String, Integer> WORD_INDEX = new java.util.HashMap<>();

  static {
    for (int i = 0; i < WORDS.size(); i++) WORD_INDEX.put(WORDS.get(i), i);
  }

  private static boolean isUuid(String s) {
    if (s.length() != 36) return false;
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') return false;
      } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static long hex(String s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) v = v << 4 | Character.digit(s.charAt(i), 16);
    return v;
  }

  private static void writeList(DataOutput out, List<String> l) throws IOException {
    if (l == null) {
      Varints.writeUnsigned(out, 0);
      return;
    }
    Varints.writeUnsigned(out, l.size() + 1L);
    for (String s : l) writeString(out, s);
  }

  private static List<String> readList(DataInput in) throws IOException {
    int n = (int) Varints.readUnsigned(in) - 1;
    if (n < 0) return null;
    List<String> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) l.add(readString(in));
    return l;
  }

  private static void writeEnum(DataOutput out, Enum<?> v) throws IOException {
    out.writeByte(v == null ? -1 : v.ordinal());
  }

  private static <E extends Enum<E>> E readEnum(DataInput in, E[] values) throws IOException {
    int o = in.readByte();
    return o < 0 ? null : values[o];
  }

  private static void writeInt(DataOutput out, Integer v) throws IOException {
    Varints.writeUnsigned(out, v == null ? 0 : Varints.zigzag(v) + 1);
  }

  private static Integer readInt(DataInput in) throws IOException {
    long v = Varints.readUnsigned(in);
    return v == 0 ? null : (int) Varints.unzigzag(v - 1);
  }

  private static void writeBool(DataOutput out, Boolean v) throws IOException {
    out.writeByte(v == null ? -1 : v ? 1 : 0);
  }

  private static Boolean readBool(DataInput in) throws IOException {
    int b = in.readByte();
    return b < 0 ? null : b == 1;
  }

  private static void writeDouble(DataOutput out, Double v) throws IOException {
    out.writeBoolean(v != null);
    if (v != null) out.writeDouble(v);
  }

  private static Double readDouble(DataInput in) throws IOException {
    return in.readBoolean() ? in.readDouble() : null;
  }

  private static void writeInstant(DataOutput out, Instant t) throws IOException {
    if (t == null) {
      out.writeByte(0);
    } else if (t.getNano() % 1_000_000 == 0 && Math.abs(t.getEpochSecond()) < 9_000_000_000_000_000L / 1000) {
      out.writeByte(1); // whole milliseconds, as the sources' times are
      Varints.writeSigned(out, t.toEpochMilli());
    } else {
      out.writeByte(2);
      Varints.writeSigned(out, t.getEpochSecond());
      Varints.writeUnsigned(out, t.getNano());
    }
  }

  private static Instant readInstant(DataInput in) throws IOException {
    int tag = in.readUnsignedByte();
    if (tag == 0) return null;
    if (tag == 1) return Instant.ofEpochMilli(Varints.readSigned(in));
    if (tag == 2) return Instant.ofEpochSecond(Varints.readSigned(in), Varints.readUnsigned(in));
    throw new IOException("malformed time tag " + tag);
  }
}
