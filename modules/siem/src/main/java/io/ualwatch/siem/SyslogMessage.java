package io.ualwatch.siem;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.Severity;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * RFC 5424 messages for alerts:
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [ualwatch@32473 …] MSG}.
 *
 * <ul>
 *   <li>PRI = facility × 8 + severity (critical 2, high 3, medium 4, low 5, informational 6);</li>
 *   <li>TIMESTAMP = when the message was written, RFC 3339 UTC with milliseconds;</li>
 *   <li>MSGID = {@code alert}; the structured data element carries the alert id, revision, status, rule,
 *       severity, format and schema version so that a receiver can route without parsing MSG;</li>
 *   <li>MSG = the alert rendered in the configured format (a CEF line by default), UTF-8 without a BOM
 *       (MSG-ANY in RFC 5424 terms: CEF parsers do not expect a BOM).</li>
 * </ul>
 * The SD-ID uses 32473, the private enterprise number RFC 5612 reserves for documentation: ualwatch has no
 * registered number of its own.
 */
public final class SyslogMessage {
  public static final String SD_ID = "ualwatch@32473";
  public static final String MSGID = "alert";
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final SyslogFacility facility;
  private final String hostname;
  private final String appName;
  private final String procId;
  private final AlertFormat format;

  public SyslogMessage(SyslogFacility facility, String hostname, String appName, String procId, AlertFormat format) {
    this.facility = facility;
    this.hostname = field(hostname == null || hostname.isBlank() ? localHostName() : hostname, 255);
    this.appName = field(appName, 48);
    this.procId = field(procId, 128);
    this.format = format;
  }

  public static SyslogMessage of(SyslogSettings s) {
    return new SyslogMessage(s.facility(), s.hostname(), s.appName(),
        Long.toString(ProcessHandle.current().pid()), s.format());
  }

  /** RFC 5424 §6.2.1 severity of an alert severity. */
  public static int severity(Severity s) {
    return switch (s) {
      case CRITICAL -> 2;
      case HIGH -> 3;
      case MEDIUM -> 4;
      case LOW -> 5;
      case INFORMATIONAL -> 6;
    };
  }

  public String hostname() {
    return hostname;
  }

  /** The message as text (without transport framing). */
  public String format(Alert a, Instant now) {
    int pri = facility.code() * 8 + severity(a.severity);
    StringBuilder sb = new StringBuilder(1024);
    sb.append('<').append(pri).append(">1 ").append(TS.format(now)).append(' ').append(hostname).append(' ')
        .append(appName).append(' ').append(procId).append(' ').append(MSGID).append(' ');
    sb.append('[').append(SD_ID);
    param(sb, "alertId", a.id);
    param(sb, "revision", Integer.toString(a.revision));
    param(sb, "status", a.status.label());
    param(sb, "rule", a.ruleId);
    param(sb, "severity", a.severity.name().toLowerCase(java.util.Locale.ROOT));
    param(sb, "format", format.label());
    param(sb, "schemaVersion", Alert.SCHEMA_VERSION);
    sb.append(']');
    sb.append(' ').append(format.render(a));
    return sb.toString();
  }

  public byte[] bytes(Alert a, Instant now) {
    return format(a, now).getBytes(StandardCharsets.UTF_8);
  }

  private static void param(StringBuilder sb, String name, String value) {
    sb.append(' ').append(name).append("=\"");
    String v = value == null ? "" : value;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\' || c == ']') sb.append('\\');
      sb.append(c);
    }
    sb.append('"');
  }

  /** A header field: printable US-ASCII only (33–126), at most {@code max} characters, "-" when empty. */
  static String field(String s, int max) {
    if (s == null || s.isEmpty()) return "-";
    StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      sb.append(c >= 33 && c <= 126 ? c : '_');
    }
    return sb.toString();
  }

  static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "-";
    }
  }
}
