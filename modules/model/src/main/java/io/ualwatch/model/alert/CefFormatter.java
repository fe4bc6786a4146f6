package io.ualwatch.model.alert;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders an {@link Alert} as one ArcSight Common Event Format line:
 * {@code CEF:0|ualwatch|ualwatch|<schema version>|<rule id>|<rule name>|<severity 0-10>|<extension>}.
 *
 * <p>Escaping follows the CEF specification: in the header {@code \} and {@code |} are backslash-escaped and
 * line breaks (not allowed there) become spaces; in extension values {@code \} and {@code =} are
 * backslash-escaped and CR/LF are written as the two-character sequences {@code \r} and {@code \n}. Keys are
 * from the CEF dictionary, and custom fields carry labels ({@code cs1Label=…}). Values longer than the
 * dictionary's limit are cut (with "…"). The extension order is fixed, so one alert always gives the same line.
 */
public final class CefFormatter {
  public static final String VENDOR = "ualwatch";
  public static final String PRODUCT = "ualwatch";

  /** Custom-field labels (stable: SIEM parsers key on them; changing one is a major schema version). */
  public static final String LABEL_SCHEMA = "ualwatchSchemaVersion";
  public static final String LABEL_TENANT = "tenantId";
  public static final String LABEL_APP = "clientAppId";
  public static final String LABEL_TECHNIQUE = "mitreTechnique";
  public static final String LABEL_TACTIC = "mitreTactic";
  public static final String LABEL_TOKEN = "tokenId";
  public static final String LABEL_SESSION = "sessionId";
  public static final String LABEL_REVISION = "revision";
  public static final String LABEL_CONFIDENCE = "confidence";
  public static final String LABEL_BUCKET = "bucketStart";
  public static final String LABEL_COUNTRY = "sourceCountry";
  public static final String LABEL_AS = "sourceAutonomousSystem";
  public static final String LABEL_IPV6 = "Source IPv6 Address";

  private CefFormatter() {}

  /** CEF severity (0–10) of an alert severity: informational 1, low 3, medium 5, high 8, critical 10. */
  public static int severity(Severity s) {
    return switch (s) {
      case INFORMATIONAL -> 1;
      case LOW -> 3;
      case MEDIUM -> 5;
      case HIGH -> 8;
      case CRITICAL -> 10;
    };
  }

  public static String format(Alert a) {
    StringBuilder sb = new StringBuilder(1024);
    sb.append("CEF:0|").append(header(VENDOR)).append('|').append(header(PRODUCT)).append('|')
        .append(header(Alert.SCHEMA_VERSION)).append('|').append(header(a.ruleId)).append('|')
        .append(header(a.ruleName)).append('|').append(severity(a.severity)).append('|');
    boolean first = true;
    for (Map.Entry<String, String> e : extension(a).entrySet()) {
      if (!first) sb.append(' ');
      first = false;
      sb.append(e.getKey()).append('=').append(value(e.getValue()));
    }
    return sb.toString();
  }

  /** The extension as (key → unescaped value), in output order. */
  public static Map<String, String> extension(Alert a) {
    Map<String, String> x = new LinkedHashMap<>();
    x.put("rt", Long.toString(a.time));
    x.put("start", Long.toString(a.firstSeen));
    x.put("end", Long.toString(a.lastSeen));
    x.put("externalId", a.id);
    x.put("act", a.status.label());
    x.put("cat", "Mailbox access anomaly");
    x.put("cnt", Integer.toString(a.evidenceCount));
    put(x, "msg", cut(a.message, 1023));
    put(x, "suser", cut(a.user, 1023));
    put(x, "duser", cut(a.mailbox, 1023));
    Endpoint src = a.source;
    if (src != null && src.ip != null) {
      if (src.ip.indexOf(':') >= 0) {
        x.put("c6a2", src.ip);
        x.put("c6a2Label", LABEL_IPV6);
      } else {
        x.put("src", src.ip);
      }
    }
    if (src != null && src.latitude != null && src.longitude != null) {
      x.put("slat", Double.toString(src.latitude));
      x.put("slong", Double.toString(src.longitude));
    }
    custom(x, "cs1", LABEL_SCHEMA, Alert.SCHEMA_VERSION);
    custom(x, "cs2", LABEL_TENANT, a.tenantId);
    custom(x, "cs3", LABEL_APP, a.appId);
    custom(x, "cs4", LABEL_TECHNIQUE, a.attackTechniqueId);
    custom(x, "cs5", LABEL_TACTIC, a.attackTacticId);
    if (a.tokenId != null) custom(x, "cs6", LABEL_TOKEN, a.tokenId);
    else custom(x, "cs6", LABEL_SESSION, a.sessionId);
    custom(x, "cn1", LABEL_REVISION, Integer.toString(a.revision));
    custom(x, "cn2", LABEL_CONFIDENCE, Integer.toString(a.confidence));
    if (a.bucket != null) {
      try {
        custom(x, "deviceCustomDate1", LABEL_BUCKET, Long.toString(java.time.Instant.parse(a.bucket).toEpochMilli()));
      } catch (java.time.format.DateTimeParseException e) {
        // not an instant: leave it out rather than write a date CEF parsers reject
      }
    }
    if (src != null) {
      custom(x, "flexString1", LABEL_COUNTRY, src.country);
      if (src.asn != null) {
        custom(x, "flexString2", LABEL_AS, cut("AS" + src.asn + (src.asOrg == null ? "" : " " + src.asOrg), 1023));
      }
    }
    return x;
  }

  private static void put(Map<String, String> x, String key, String v) {
    if (v != null && !v.isBlank()) x.put(key, v);
  }

  private static void custom(Map<String, String> x, String key, String label, String v) {
    if (v == null || v.isBlank()) return;
    x.put(key, cut(v, 4000));
    x.put(key + "Label", label);
  }

  static String cut(String s, int max) {
    if (s == null || s.length() <= max) return s;
    return s.substring(0, max - 1) + "…";
  }

  /** Header field: escape backslash and pipe; no line breaks. */
  public static String header(String s) {
    if (s == null) return "";
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '|' -> sb.append("\\|");
        case '\r', '\n' -> sb.append(' ');
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Extension value: escape backslash and equals, encode CR/LF; trimmed (parsers trim). */
  public static String value(String s) {
    String t = s.strip();
    StringBuilder sb = new StringBuilder(t.length() + 8);
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '=' -> sb.append("\\=");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
