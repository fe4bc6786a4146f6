package io.ualwatch.model.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.Outcome;
import io.ualwatch.model.util.CiObject;
import io.ualwatch.model.util.Json;
import io.ualwatch.model.util.Times;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Turns one JSON value of any known shape into events: a UAL record, a Graph {@code auditLogRecord}, an Entra
 * sign-in, a Sentinel row, a Defender CloudAppEvents row, or an envelope that holds them ({"records":[…]} from
 * diagnostic settings / Event Hubs / Defender streaming, {"value":[…]} from Graph pages). Dispatch is by shape,
 * never by file name. Every input value ends as events or exactly one rejection per unreadable element, and no
 * exception escapes: a parser bug becomes an {@link RejectReason#INTERNAL_ERROR} rejection.
 */
public final class RecordNormalizer {
  /** Wrappers inside wrappers (a record as a JSON string inside a record inside an envelope ...). */
  static final int MAX_WRAPPING = 6;

  private final ObjectMapper mapper;
  private final UalNormalizer ual;
  private final SignInNormalizer signIns;
  private final ParseLimits limits;
  /** Off only in tests that compare the fast path with the tree path. */
  boolean fastPath = true;

  public RecordNormalizer(ParseLimits limits) {
    this.limits = limits;
    this.mapper = limits.newMapper();
    this.ual = new UalNormalizer(mapper);
    this.signIns = new SignInNormalizer(mapper);
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  public ParseLimits limits() {
    return limits;
  }

  /** Where a value sits and what surrounds it. */
  private record Ctx(String origin, String format, String raw, int depth) {
    Ctx child(String suffix, String childRaw) {
      return new Ctx(origin + suffix, format, childRaw, depth + 1);
    }
  }

  /**
   * Parses and normalizes one JSON text (a Kafka record value, an NDJSON line, an array element, a CSV
   * AuditData cell). Each emitted event or rejection is one record. Never throws.
   */
  public void normalizeBytes(byte[] bytes, int off, int len, String origin, String format, ParseListener out) {
    normalizeUnit(bytes, off, len, origin, format, Kind.ANY, null, out);
  }

  /** What the caller knows about the bytes. */
  enum Kind {
    /** Any JSON value: detect the shape. */
    ANY,
    /** One element of a {"records":[…]} envelope. */
    ENVELOPE_ELEMENT,
    /** A CSV AuditData cell: a UAL record, with the row's other columns as fallbacks. */
    AUDIT_DATA
  }

  void normalizeUnit(byte[] bytes, int off, int len, String origin, String format, Kind kind, Fallbacks fb,
      ParseListener out) {
    if (len > limits.maxRecordBytes()) {
      out.onReject(new Rejection(RejectReason.TOO_LARGE, "record of " + len + " bytes exceeds the limit of "
          + limits.maxRecordBytes() + " bytes (ualwatch.parse.max-record-bytes)", origin, preview(bytes, off, len)));
      return;
    }
    if (kind != Kind.ENVELOPE_ELEMENT && fastPath
        && fastUal(bytes, off, len, origin, format, fb, kind == Kind.AUDIT_DATA, out)) {
      return;
    }
    JsonNode node;
    try {
      node = mapper.readTree(bytes, off, len);
    } catch (IOException ex) {
      out.onReject(parseRejection(ex, origin, preview(bytes, off, len)));
      return;
    } catch (RuntimeException ex) {
      out.onReject(internal(ex, origin, preview(bytes, off, len)));
      return;
    }
    if (node == null || node.isMissingNode()) {
      out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "empty record", origin, ""));
      return;
    }
    String raw = new String(bytes, off, len, StandardCharsets.UTF_8);
    Ctx c = new Ctx(origin, format, raw, 0);
    try {
      switch (kind) {
        case ENVELOPE_ELEMENT -> envelopeElement(node, c, out);
        case AUDIT_DATA -> auditDataCell(node, fb, c, out);
        default -> dispatch(node, c, out);
      }
    } catch (RuntimeException | StackOverflowError ex) {
      out.onReject(internal(ex, origin, raw));
    }
  }

  /** The top-level fields {@link UalNormalizer} reads. */
  private static final Set<String> UAL_FIELDS = Set.of("actoripaddress", "affecteditems", "appaccesscontext", "appid",
      "applicationid", "clientappid", "clientinfostring", "clientip", "clientipaddress", "creationtime",
      "deviceproperties", "errorcode", "errornumber", "extendedproperties", "externalaccess", "folder", "folders", "id",
      "identity", "ipaddress", "item", "logonerror", "logontype", "mailboxguid", "mailboxownerupn",
      "modifiedproperties", "objectid", "operation", "operationcount", "operationproperties", "organizationid",
      "organizationname", "originatingserver", "parameters", "recordid", "recordtype", "resultstatus", "sessionid",
      "target", "tenantid", "tokenobjectid", "tokentenantid", "useragent", "userid", "userkey", "usertype", "workload");

  /** Fields that make a record something other than a plain UAL record (see {@link #dispatch}). */
  private static final Set<String> NOT_PLAIN = Set.of("auditdata", "auditlogrecordtype", "raweventdata", "properties",
      "officeworkload", "officeid", "officeobjectid", "officetenantid", "client_ipaddress", "logon_type", "type",
      "sourcesystem", "_resourceid", "timegenerated", "records", "value");

  /**
   * Fast path for the common case, a plain UAL record: one streaming pass that keeps only the fields the UAL
   * normalizer reads (no tree for the record itself; unused scalars are decoded and checked but not kept, unused
   * containers are read as trees and dropped, so limits and UTF-8 validation are the same as the tree path). Any
   * doubt (another shape, a duplicate field, a syntax or limit error) returns false and the tree path decides.
   * ParserFastPathTest proves both paths give equal events on every golden and mixed input.
   */
  /** The fast path alone: true when the bytes were a plain UAL record and have been emitted. */
  boolean tryFastUal(byte[] bytes, int off, int len, String origin, String format, ParseListener out) {
    return fastPath && fastUal(bytes, off, len, origin, format, null, false, out);
  }

  private boolean fastUal(byte[] bytes, int off, int len, String origin, String format, Fallbacks fb,
      boolean auditData, ParseListener out) {
    CiObject o;
    try (JsonParser p = mapper.getFactory().createParser(bytes, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      o = CiObject.builder(null, 48);
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        FieldKind fk = fieldKind(p.currentName());
        String name = fk.lower;
        t = p.nextToken();
        if (!auditData && fk.kind == FieldKind.NOT_PLAIN) return false; // an AuditData cell is a UAL record anyway
        if (fk.kind != FieldKind.UAL) {
          if (t.isStructStart()) {
            if (build(p, t) == null) return false;
          } else if (t == JsonToken.VALUE_STRING) {
            p.getTextLength();
          } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            return false;
          }
          continue;
        }
        JsonNode v = build(p, t);
        if (v == null || !o.putNew(name, v)) return false;
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
    if (auditData ? !o.has("creationtime") : !UalNormalizer.looksLikeUal(o)) return false;
    String raw = new String(bytes, off, len, StandardCharsets.UTF_8);
    try {
      emitUal(o, fb, "ual", new Ctx(origin, format, raw, 0), out);
    } catch (RuntimeException | StackOverflowError ex) {
      out.onReject(internal(ex, origin, raw));
    }
    return true;
  }

  /** A field name's lower-case form and its role for the fast path, cached by the name as written. */
  private static final class FieldKind {
    static final int OTHER = 0;
    static final int UAL = 1;
    static final int NOT_PLAIN = 2;
    final String lower;
    final int kind;

    FieldKind(String lower) {
      this.lower = lower;
      this.kind = UAL_FIELDS.contains(lower) ? UAL : RecordNormalizer.NOT_PLAIN.contains(lower) ? NOT_PLAIN : OTHER;
    }
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, FieldKind> FIELD_KINDS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static FieldKind fieldKind(String name) {
    FieldKind k = FIELD_KINDS.get(name);
    if (k == null) {
      k = new FieldKind(CiObject.lower(name));
      if (FIELD_KINDS.size() < 50_000) FIELD_KINDS.put(name, k);
    }
    return k;
  }

  /**
   * Builds the tree of the current value as readTree would (duplicate names: the last wins; integers as int, long
   * or BigInteger nodes); null for a floating-point number, which the fast path leaves to the tree path.
   */
  private static JsonNode build(JsonParser p, JsonToken t) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (t) {
      case START_OBJECT: {
        ObjectNode o = f.objectNode();
        JsonToken n;
        while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          JsonNode v = build(p, p.nextToken());
          if (v == null) return null;
          o.replace(k, v);
        }
        return n == JsonToken.END_OBJECT ? o : null;
      }
      case START_ARRAY: {
        ArrayNode a = f.arrayNode();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          if (n == null) return null;
          JsonNode v = build(p, n);
          if (v == null) return null;
          a.add(v);
        }
        return a;
      }
      case VALUE_STRING:
        return TextNode.valueOf(p.getText());
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT -> IntNode.valueOf(p.getIntValue());
          case LONG -> LongNode.valueOf(p.getLongValue());
          default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
        };
      case VALUE_TRUE:
        return BooleanNode.TRUE;
      case VALUE_FALSE:
        return BooleanNode.FALSE;
      case VALUE_NULL:
        return NullNode.instance;
      default:
        return null;
    }
  }

  /**
   * Normalizes an already-parsed value. {@code raw} is the exact text of the value when known (else it is
   * re-serialized). Kept for callers of the original API; envelope context is detected from the value.
   */
  public void normalizeNode(JsonNode node, String raw, String origin, String format, String envelopeTenant,
      String category, ParseListener out) {
    try {
      dispatch(node, new Ctx(origin, format, raw, 0), out);
    } catch (RuntimeException | StackOverflowError ex) {
      out.onReject(internal(ex, origin, raw != null ? raw : String.valueOf(node)));
    }
  }

  /**
   * Normalizes one row of a CSV export that has been turned into a JSON object (column → text). {@code shape}
   * says which table the header showed; raw is the row's text.
   */
  void normalizeRow(JsonNode row, String shape, String raw, String origin, String format, ParseListener out) {
    Ctx c = new Ctx(origin, format, raw, 0);
    try {
      CiObject o = CiObject.of(row);
      switch (shape) {
        case "sentinel-officeactivity" -> officeActivity(ExportViews.stripped(o), c, out);
        case "sentinel-signin" -> signIn(ExportViews.signIn(ExportViews.stripped(o)).obj(), null, null, null,
            "sentinel-signin", c, out);
        case "defender-cloudappevents" -> defender(o, null, c, out);
        case "flattened-ual" -> emitUal(o, null, "flattened-ual", c, out);
        default -> dispatch(row, c, out);
      }
    } catch (RuntimeException | StackOverflowError ex) {
      out.onReject(internal(ex, origin, raw));
    }
  }

  private String raw(Ctx c, JsonNode node) {
    return c.raw != null ? c.raw : node.toString();
  }

  private void dispatch(JsonNode node, Ctx c, ParseListener out) {
    if (c.depth > MAX_WRAPPING) {
      out.onReject(new Rejection(RejectReason.TOO_DEEP, "records wrapped in records more than " + MAX_WRAPPING
          + " levels deep", c.origin, raw(c, node)));
      return;
    }
    if (node.isArray()) {
      int i = 0;
      for (JsonNode el : node) {
        dispatch(el, c.child("[" + i + "]", null), out);
        i++;
      }
      return;
    }
    if (!node.isObject()) {
      out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE, "expected a JSON object, found "
          + node.getNodeType().name().toLowerCase(Locale.ROOT), c.origin, raw(c, node)));
      return;
    }
    CiObject o = CiObject.of(node);
    // A wrapper whose record is in auditData: Graph audit log query (auditLogRecord), exports as JSON.
    if (o.hasKey("auditdata") || o.has("auditlogrecordtype")) {
      graphAuditRecord(o, o.get("auditdata"), c, out);
      return;
    }
    // Defender XDR CloudAppEvents row (Advanced Hunting export, or streaming properties).
    if (o.has("raweventdata")) {
      defender(o, null, c, out);
      return;
    }
    // The common case first: a plain UAL record (no Log Analytics columns).
    if (UalNormalizer.looksLikeUal(o) && !ExportViews.isOfficeActivity(o) && !ExportViews.isLogAnalyticsRow(o)
        && !o.has("properties")) {
      emitUal(o, null, "ual", c, out);
      return;
    }
    if (o.has("properties") && (o.has("category") || o.has("operationname"))) {
      envelopeElement(node, c, out);
      return;
    }
    ExportViews.View sv = ExportViews.stripped(o);
    CiObject v = sv.obj();
    if (ExportViews.isOfficeActivity(v)) {
      officeActivity(sv, c, out);
      return;
    }
    if (UalNormalizer.looksLikeUal(v)) {
      officeOrUal(sv, o, c, out);
      return;
    }
    if (SignInNormalizer.looksLikeSignIn(v)) {
      boolean logAnalytics = ExportViews.isLogAnalyticsRow(v);
      CiObject s = logAnalytics ? ExportViews.signIn(sv).obj() : v;
      signIn(s, null, null, null, logAnalytics ? "sentinel-signin" : "graph-signin", c, out);
      return;
    }
    if (looksLikeUalWithoutTime(v)) {
      officeOrUal(sv, o, c, out); // rejected with MISSING_TIME by the UAL normalizer
      return;
    }
    JsonNode records = o.get("records");
    if (records != null && records.isArray()) {
      int i = 0;
      for (JsonNode rec : records) {
        envelopeElement(rec, c.child(".records[" + i + "]", null), out);
        i++;
      }
      return;
    }
    JsonNode value = o.get("value");
    if (value != null && value.isArray()) {
      int i = 0;
      for (JsonNode val : value) {
        dispatch(val, c.child(".value[" + i + "]", null), out);
        i++;
      }
      return;
    }
    out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE,
        "valid JSON but neither a UAL record (CreationTime + Operation), an Entra sign-in (createdDateTime + "
            + "userPrincipalName/appId/ipAddress), a Sentinel or Defender row, nor an envelope "
            + "({\"records\":[…]}, {\"value\":[…]})", c.origin, raw(c, node)));
  }

  /** A UAL record, or one that went through Log Analytics (re-ingested, suffixed columns, workspace TenantId). */
  private void officeOrUal(ExportViews.View sv, CiObject o, Ctx c, ParseListener out) {
    if (sv.obj() != o || ExportViews.isLogAnalyticsRow(sv.obj())) {
      officeActivity(sv, c, out);
    } else {
      emitUal(o, null, "ual", c, out);
    }
  }

  /** Operation and RecordType plus a UAL identity field, but no CreationTime: a UAL record without its time. */
  private static boolean looksLikeUalWithoutTime(CiObject v) {
    return v.has("operation") && v.has("recordtype")
        && (v.has("organizationid") || v.has("workload") || v.has("userid") || v.has("id"));
  }

  private void emitUal(CiObject r, Fallbacks fb, String shape, Ctx c, ParseListener out) {
    try {
      out.onEvent(ual.normalize(r, fb, raw(c, r.node()), c.origin, c.format, shape));
    } catch (RejectException ex) {
      out.onReject(new Rejection(ex.reason(), ex.getMessage(), c.origin, raw(c, r.node())));
    }
  }

  private void signIn(CiObject s, CiObject envelope, String tenant, String category, String shape, Ctx c,
      ParseListener out) {
    try {
      out.onEvent(signIns.normalize(s, envelope, tenant, category, raw(c, s.node()), c.origin, c.format, shape));
    } catch (RejectException ex) {
      out.onReject(new Rejection(ex.reason(), ex.getMessage(), c.origin, raw(c, s.node())));
    }
  }

  private void officeActivity(ExportViews.View sv, Ctx c, ParseListener out) {
    ExportViews.View view = ExportViews.officeActivity(sv);
    CiObject v = view.obj();
    if ("TimeGenerated".equals(view.timeColumn()) && ExportViews.isReingested(sv)) {
      out.onReject(new Rejection(RejectReason.MISSING_TIME, "re-ingested row (suffixed columns or a _CL table): "
          + "TimeGenerated is the re-ingestion time and no original time column (TimeGenerated_t, CreationTime) is "
          + "present", c.origin, raw(c, v.node())));
      return;
    }
    try {
      AuditEvent e = ual.normalize(v, null, raw(c, v.node()), c.origin, c.format, "sentinel-officeactivity");
      if (view.timeColumn() != null) UalNormalizer.putAttr(e, "timeSource", view.timeColumn());
      out.onEvent(e);
    } catch (RejectException ex) {
      out.onReject(new Rejection(ex.reason(), ex.getMessage(), c.origin, raw(c, v.node())));
    }
  }

  /** A CSV AuditData cell: the row's RecordId / Identity / RecordType / Operation / UserId are fallbacks. */
  private void auditDataCell(JsonNode node, Fallbacks fb, Ctx c, ParseListener out) {
    CiObject r = CiObject.of(node);
    if (r == null) {
      out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE, "AuditData is not a JSON object", c.origin, c.raw));
      return;
    }
    if (!UalNormalizer.looksLikeUal(r, fb) && !r.has("creationtime")) {
      out.onReject(new Rejection(RejectReason.MISSING_TIME, "AuditData has no CreationTime (the CreationDate "
          + "column is not used: it is locale text)", c.origin, c.raw));
      return;
    }
    emitUal(r, fb, "ual", c, out);
  }

  /** Graph audit log query record ({@code auditLogRecord}): the UAL record is {@code auditData}. */
  private void graphAuditRecord(CiObject w, JsonNode auditData, Ctx c, ParseListener out) {
    String raw = raw(c, w.node());
    JsonNode inner;
    try {
      inner = Json.parseEmbedded(auditData, mapper);
    } catch (IOException ex) {
      Rejection r = parseRejection(ex, c.origin, raw);
      out.onReject(new Rejection(r.reason(), "auditData holds invalid JSON: " + r.message(), c.origin, raw));
      return;
    }
    if (inner == null || !inner.isObject()) {
      boolean empty = auditData == null || (!auditData.isContainerNode() && Json.text(auditData) == null);
      out.onReject(new Rejection(RejectReason.MISSING_AUDIT_DATA, empty ? "auditData is missing or empty"
          : "auditData is not a JSON object", c.origin, raw));
      return;
    }
    Fallbacks fb = new Fallbacks();
    fb.recordId = w.firstText("id", "recordid", "identity");
    fb.recordType = w.firstNonNull("auditlogrecordtype", "recordtype");
    String created = w.text("createddatetime");
    if (created != null && Times.parse(created) != null) fb.creationTime = created;
    fb.operation = w.firstText("operation", "operations");
    fb.userId = w.firstText("userprincipalname", "userid", "userids");
    fb.tenantId = w.text("organizationid");
    fb.clientIp = w.text("clientip");
    CiObject r = CiObject.of(inner);
    String shape = w.has("auditlogrecordtype") || w.has("createddatetime") ? "graph-auditlogrecord"
        : "auditdata-wrapper";
    if (!UalNormalizer.looksLikeUal(r, fb)) {
      out.onReject(new Rejection(RejectReason.MISSING_TIME, "auditData has no CreationTime and the wrapper no "
          + "createdDateTime", c.origin, raw));
      return;
    }
    emitUal(r, fb, shape, new Ctx(c.origin, c.format, raw, c.depth + 1), out);
  }

  /**
   * Defender XDR CloudAppEvents: the UAL record is {@code RawEventData} (an object, or a JSON string in Advanced
   * Hunting exports). Defender's {@code ApplicationId} is its own numeric app id and is never a client app id.
   * When RawEventData is not a UAL record (non-Microsoft apps), the Defender columns are mapped instead.
   */
  private void defender(CiObject p, CiObject envelope, Ctx c, ParseListener out) {
    String raw = raw(c, envelope != null ? envelope.node() : p.node());
    JsonNode red;
    try {
      red = Json.parseEmbedded(p.get("raweventdata"), mapper);
    } catch (IOException ex) {
      red = null; // not JSON: fall back to the Defender columns below
    }
    CiObject r = CiObject.of(red);
    Fallbacks fb = new Fallbacks();
    fb.recordId = p.text("reportid");
    fb.creationTime = p.text("timestamp");
    fb.operation = p.text("actiontype");
    fb.tenantId = envelope == null ? null : envelope.text("tenantid");
    fb.clientIp = p.text("ipaddress");
    AuditEvent e;
    try {
      if (r != null && UalNormalizer.looksLikeUal(r)) {
        e = ual.normalize(r, fb, raw, c.origin, c.format, "defender-cloudappevents");
      } else {
        e = defenderColumns(p, fb, raw, c);
      }
    } catch (RejectException ex) {
      out.onReject(new Rejection(ex.reason(), ex.getMessage(), c.origin, raw));
      return;
    }
    String app = p.text("application");
    if (app != null) UalNormalizer.putAttr(e, "defenderApplication", app);
    String appId = p.text("applicationid");
    if (appId != null) UalNormalizer.putAttr(e, "defenderApplicationId", appId);
    if (fb.recordId != null) UalNormalizer.putAttr(e, "defenderReportId", fb.recordId);
    String country = p.text("countrycode");
    if (country != null) UalNormalizer.putAttr(e, "defenderCountry", country);
    String isp = p.text("isp");
    if (isp != null) UalNormalizer.putAttr(e, "defenderIsp", isp);
    if (e.userAgent == null) e.userAgent = p.text("useragent");
    if (e.actorObjectId == null) {
      String oid = p.text("accountobjectid");
      if (oid != null) e.actorObjectId = oid.strip().toLowerCase(Locale.ROOT);
    }
    out.onEvent(e);
  }

  private AuditEvent defenderColumns(CiObject p, Fallbacks fb, String raw, Ctx c) throws RejectException {
    AuditEvent e = new AuditEvent();
    e.source = EventSource.UAL;
    e.format = c.format;
    e.shape = "defender-cloudappevents";
    e.origin = c.origin;
    e.raw = raw;
    if (fb.creationTime == null) {
      throw new RejectException(RejectReason.MISSING_TIME, "CloudAppEvents row without Timestamp and without a "
          + "UAL record in RawEventData");
    }
    e.eventTime = Times.parse(fb.creationTime);
    if (e.eventTime == null) {
      throw new RejectException(RejectReason.BAD_TIME, "Timestamp '" + UalNormalizer.clip(fb.creationTime, 64)
          + "' is not a date-time");
    }
    e.recordId = fb.recordId != null ? fb.recordId : SyntheticIds.of(raw);
    e.operation = UalNormalizer.stripTrailingPeriod(fb.operation);
    e.workload = p.text("application");
    e.tenantId = fb.tenantId == null ? "unknown" : fb.tenantId.strip().toLowerCase(Locale.ROOT);
    String account = p.firstText("accountid", "accountobjectid");
    String displayName = p.text("accountdisplayname");
    if (displayName != null) UalNormalizer.putAttr(e, "accountDisplayName", displayName);
    e.actorKind = account == null ? ActorKind.UNKNOWN : UalNormalizer.Identities.classify(account, null);
    e.actor = UalNormalizer.Identities.normalize(account, e.actorKind);
    UalNormalizer.pickIp(e, fb.clientIp);
    e.outcome = Outcome.UNKNOWN;
    UalNormalizer.putAttr(e, "rawEventData", "not a UAL record; Defender columns used");
    return e;
  }

  /** One element of a diagnostic-settings / Event Hubs / Defender streaming envelope. */
  private void envelopeElement(JsonNode rec, Ctx c, ParseListener out) {
    CiObject r = CiObject.of(rec);
    if (r == null) {
      out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE, "envelope element is not an object", c.origin,
          raw(c, rec)));
      return;
    }
    JsonNode props;
    try {
      props = Json.parseEmbedded(r.get("properties"), mapper);
    } catch (IOException ex) {
      Rejection rj = parseRejection(ex, c.origin, raw(c, rec));
      out.onReject(new Rejection(rj.reason(), "properties holds invalid JSON: " + rj.message(), c.origin,
          raw(c, rec)));
      return;
    }
    if (props == null || !props.isObject()) {
      // Not an envelope record after all (or a bare record inside "records"): detect its shape.
      if (r.has("properties")) {
        out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE, "envelope record whose properties is not an object",
            c.origin, raw(c, rec)));
      } else {
        dispatch(rec, c, out);
      }
      return;
    }
    String tenant = r.text("tenantid");
    String category = r.text("category");
    CiObject p = CiObject.of(props);
    String cat = category == null ? "" : category.toLowerCase(Locale.ROOT);
    if (cat.startsWith("advancedhunting-")) {
      if (cat.equals("advancedhunting-cloudappevents") || p.has("raweventdata")) {
        defender(p, r, new Ctx(c.origin, c.format, raw(c, rec), c.depth), out);
      } else {
        out.onReject(new Rejection(RejectReason.UNSUPPORTED_RECORD, "Defender table " + category
            + " is not read (only AdvancedHunting-CloudAppEvents)", c.origin, raw(c, rec)));
      }
      return;
    }
    if (SignInNormalizer.isSignInCategory(category)
        || (category == null && SignInNormalizer.looksLikeSignIn(p))) {
      signIn(p, r, tenant == null ? null : tenant.toLowerCase(Locale.ROOT), category, "diagnostic-signin",
          new Ctx(c.origin, c.format, raw(c, rec), c.depth), out);
      return;
    }
    if (category != null) {
      out.onReject(new Rejection(RejectReason.UNSUPPORTED_RECORD, "diagnostic category " + category
          + " is not read (only the sign-in categories and AdvancedHunting-CloudAppEvents)", c.origin, raw(c, rec)));
      return;
    }
    dispatch(props, c.child("", raw(c, rec)), out);
  }

  private Rejection parseRejection(IOException ex, String origin, String raw) {
    if (ex instanceof StreamConstraintsException sce) {
      String m = firstLine(sce.getOriginalMessage());
      RejectReason r = m.toLowerCase(Locale.ROOT).contains("nesting depth") ? RejectReason.TOO_DEEP
          : RejectReason.LIMIT_EXCEEDED;
      return new Rejection(r, m, origin, raw);
    }
    if (ex instanceof CharConversionException) {
      return new Rejection(RejectReason.INVALID_UTF8, firstLine(ex.getMessage()), origin, raw);
    }
    if (ex instanceof JsonProcessingException jpe) {
      RejectReason r = isUtf8Problem(jpe) ? RejectReason.INVALID_UTF8 : RejectReason.MALFORMED_JSON;
      String m = firstLine(jpe.getOriginalMessage());
      String hint = m.startsWith("Unexpected end-of-input") ? " (the record is truncated)" : "";
      return new Rejection(r, m + locationOf(jpe) + hint, origin, raw);
    }
    return new Rejection(RejectReason.MALFORMED_JSON, firstLine(ex.getMessage()), origin, raw);
  }

  private static Rejection internal(Throwable ex, String origin, String raw) {
    return new Rejection(RejectReason.INTERNAL_ERROR, "parser bug: " + ex, origin, raw);
  }

  static boolean isUtf8Problem(JsonProcessingException ex) {
    String m = ex.getOriginalMessage();
    return m != null && (m.contains("UTF-8") || m.contains("UTF8"));
  }

  static String locationOf(JsonProcessingException ex) {
    var loc = ex.getLocation();
    return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static String preview(byte[] b, int off, int len) {
    int n = Math.min(len, Rejection.MAX_RAW);
    return new String(b, off, n, StandardCharsets.UTF_8);
  }
}
