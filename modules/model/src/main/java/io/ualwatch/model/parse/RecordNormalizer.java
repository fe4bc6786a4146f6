package io.ualwatch.model.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.util.CiObject;
import io.ualwatch.model.util.Json;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns one JSON value of any known shape into events: a UAL record, an Entra sign-in, or an envelope
 * that holds them ({"records":[…]} from diagnostic settings / Event Hubs, {"value":[…]} from Graph pages).
 * Every input value ends as events or exactly one rejection per unreadable element.
 */
public final class RecordNormalizer {
  private final ObjectMapper mapper;
  private final UalNormalizer ual;
  private final SignInNormalizer signIns;
  private final ParseLimits limits;

  public RecordNormalizer(ParseLimits limits) {
    this.limits = limits;
    this.mapper = limits.newMapper();
    this.ual = new UalNormalizer(mapper);
    this.signIns = new SignInNormalizer(mapper);
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Parses and normalizes one JSON text (a Kafka record value, an NDJSON line, an array element, a CSV
   * AuditData cell). Counts: each emitted event or rejection is one record.
   */
  public void normalizeBytes(byte[] bytes, int off, int len, String origin, String format, ParseListener out) {
    if (len > limits.maxRecordBytes()) {
      out.onReject(new Rejection(RejectReason.TOO_LARGE, "record of " + len + " bytes exceeds the limit of "
          + limits.maxRecordBytes() + " bytes (ualwatch.parse.max-record-bytes)", origin, preview(bytes, off, len)));
      return;
    }
    JsonNode node;
    try {
      node = mapper.readTree(bytes, off, len);
    } catch (StreamConstraintsException ex) {
      out.onReject(new Rejection(RejectReason.TOO_DEEP, firstLine(ex.getOriginalMessage()), origin,
          preview(bytes, off, len)));
      return;
    } catch (CharConversionException ex) {
      out.onReject(new Rejection(RejectReason.INVALID_UTF8, firstLine(ex.getMessage()), origin,
          preview(bytes, off, len)));
      return;
    } catch (JsonProcessingException ex) {
      RejectReason r = isUtf8Problem(ex) ? RejectReason.INVALID_UTF8 : RejectReason.MALFORMED_JSON;
      out.onReject(new Rejection(r, firstLine(ex.getOriginalMessage()) + locationOf(ex), origin,
          preview(bytes, off, len)));
      return;
    } catch (IOException ex) {
      out.onReject(new Rejection(RejectReason.MALFORMED_JSON, firstLine(ex.getMessage()), origin,
          preview(bytes, off, len)));
      return;
    }
    if (node == null || node.isMissingNode()) {
      out.onReject(new Rejection(RejectReason.MALFORMED_JSON, "empty record", origin, ""));
      return;
    }
    String raw = new String(bytes, off, len, StandardCharsets.UTF_8);
    normalizeNode(node, raw, origin, format, null, null, out);
  }

  /**
   * Normalizes a parsed value. {@code raw} is the exact text of the value when known (else it is
   * re-serialized). Envelope context (tenant, category) flows to the elements.
   */
  public void normalizeNode(JsonNode node, String raw, String origin, String format, String envelopeTenant,
      String category, ParseListener out) {
    if (node.isArray()) {
      int i = 0;
      for (JsonNode el : node) {
        normalizeNode(el, null, origin + "[" + i + "]", format, envelopeTenant, category, out);
        i++;
      }
      return;
    }
    if (!node.isObject()) {
      out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE, "expected a JSON object, found "
          + node.getNodeType().name().toLowerCase(), origin, raw != null ? raw : node.toString()));
      return;
    }
    CiObject o = CiObject.of(node);
    try {
      if (UalNormalizer.looksLikeUal(o)) {
        out.onEvent(ual.normalize(o, raw != null ? raw : node.toString(), origin, format));
        return;
      }
      if (SignInNormalizer.looksLikeSignIn(o)) {
        out.onEvent(signIns.normalize(o, envelopeTenant, category, raw != null ? raw : node.toString(), origin,
            format));
        return;
      }
      JsonNode records = o.get("records");
      if (records != null && records.isArray()) {
        int i = 0;
        for (JsonNode rec : records) {
          normalizeEnvelopeRecord(rec, origin + ".records[" + i + "]", format, out);
          i++;
        }
        return;
      }
      JsonNode value = o.get("value");
      if (value != null && value.isArray()) {
        int i = 0;
        for (JsonNode v : value) {
          normalizeNode(v, null, origin + ".value[" + i + "]", format, envelopeTenant, category, out);
          i++;
        }
        return;
      }
      // Graph audit log query record: the UAL record is in auditData.
      JsonNode auditData = Json.reparse(o.get("auditdata"), mapper);
      if (auditData != null && auditData.isObject()) {
        normalizeNode(auditData, null, origin, format, envelopeTenant, category, out);
        return;
      }
      out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE,
          "valid JSON but neither a UAL record (CreationTime + Operation), an Entra sign-in (createdDateTime + "
              + "userPrincipalName/appId/ipAddress) nor an envelope ({\"records\":[…]}, {\"value\":[…]})",
          origin, raw != null ? raw : node.toString()));
    } catch (RejectException ex) {
      out.onReject(new Rejection(ex.reason(), ex.getMessage(), origin, raw != null ? raw : node.toString()));
    }
  }

  /** One element of a diagnostic-settings / Event Hubs envelope: the payload is under "properties". */
  private void normalizeEnvelopeRecord(JsonNode rec, String origin, String format, ParseListener out) {
    CiObject r = CiObject.of(rec);
    if (r == null) {
      out.onReject(new Rejection(RejectReason.UNKNOWN_SHAPE, "envelope element is not an object", origin,
          rec.toString()));
      return;
    }
    String tenant = r.text("tenantid");
    String category = r.text("category");
    JsonNode props = Json.reparse(r.get("properties"), mapper);
    if (props != null && props.isObject()) {
      CiObject p = CiObject.of(props);
      // Defender XDR streaming: the UAL record is properties.RawEventData.
      JsonNode rawEvent = Json.reparse(p.get("raweventdata"), mapper);
      if (rawEvent != null && rawEvent.isObject()) {
        normalizeNode(rawEvent, null, origin, format, tenant, category, out);
        return;
      }
      if (SignInNormalizer.looksLikeSignIn(p) || (category != null && category.toLowerCase().contains("signin"))) {
        try {
          out.onEvent(signIns.normalize(p, tenant == null ? null : tenant.toLowerCase(), category, rec.toString(),
              origin, format));
        } catch (RejectException ex) {
          out.onReject(new Rejection(ex.reason(), ex.getMessage(), origin, rec.toString()));
        }
        return;
      }
      normalizeNode(props, null, origin, format, tenant, category, out);
      return;
    }
    normalizeNode(rec, null, origin, format, tenant, category, out);
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
