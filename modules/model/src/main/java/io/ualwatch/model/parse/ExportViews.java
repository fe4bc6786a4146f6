package io.ualwatch.model.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.ualwatch.model.util.CiObject;
import io.ualwatch.model.util.Json;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Views that make Log Analytics / Microsoft Sentinel rows look like the records they came from: type
 * suffixes that re-ingestion adds ({@code _s}, {@code _d}, {@code _b}, {@code _t}, {@code _g}) and the
 * {@code _dynamic}/{@code _string} split columns of CSV exports are removed, renamed columns mapped back
 * ({@code OfficeWorkload}, {@code Client_IPAddress}, {@code Logon_Type}, {@code OfficeId}, ...), and the
 * workspace {@code TenantId} kept away from the Microsoft 365 tenant.
 */
final class ExportViews {
  private ExportViews() {}

  private static final String[] SUFFIXES = {"_dynamic", "_string", "_s", "_d", "_b", "_t", "_g"};

  /** A view and the column its event time came from. */
  record View(CiObject obj, String timeColumn, CiObject original) {
    View(CiObject obj, String timeColumn) {
      this(obj, timeColumn, obj);
    }
  }

  /** OfficeActivity column (lower case, suffix removed) → UAL field (lower case). */
  private static final Map<String, String> OFFICE_ALIASES = Map.ofEntries(
      Map.entry("officeworkload", "workload"),
      Map.entry("client_ipaddress", "clientipaddress"),
      Map.entry("logon_type", "logontype"),
      Map.entry("officeid", "id"),
      Map.entry("officetenantid", "organizationid"),
      Map.entry("officeobjectid", "objectid"),
      Map.entry("azureactivedirectory_eventtype", "azureactivedirectoryeventtype"));

  /** Columns whose presence marks an OfficeActivity row. */
  private static final String[] OFFICE_MARKERS = {
      "officeworkload", "officeid", "officeobjectid", "officetenantid", "client_ipaddress", "logon_type"};

  static String stripSuffix(String lower) {
    for (String suf : SUFFIXES) {
      if (lower.length() > suf.length() + 1 && lower.endsWith(suf)) {
        return lower.substring(0, lower.length() - suf.length());
      }
    }
    return lower;
  }

  /**
   * Case-insensitive view with type suffixes removed. When both {@code X} and {@code X_s} exist the plain column
   * wins, except {@code TimeGenerated}: in a re-ingested table the plain column is the re-ingestion time and the
   * suffixed one the original.
   */
  static View stripped(CiObject o) {
    Map<String, JsonNode> all = o.fields();
    boolean any = false;
    for (String k : all.keySet()) {
      if (!stripSuffix(k).equals(k)) {
        any = true;
        break;
      }
    }
    if (!any) return new View(o, o.has("timegenerated") ? "TimeGenerated" : null);
    Map<String, JsonNode> m = new HashMap<>(all);
    String timeColumn = m.containsKey("timegenerated") ? "TimeGenerated" : null;
    for (Map.Entry<String, JsonNode> e : all.entrySet()) {
      String base = stripSuffix(e.getKey());
      if (base.equals(e.getKey())) continue;
      m.remove(e.getKey());
      if (base.equals("timegenerated") && Json.text(e.getValue()) != null) {
        m.put(base, e.getValue());
        timeColumn = e.getKey();
      } else {
        m.putIfAbsent(base, e.getValue());
      }
    }
    return new View(CiObject.ofFields(o.node(), m), timeColumn, o);
  }

  static boolean isOfficeActivity(CiObject v) {
    for (String k : OFFICE_MARKERS) if (v.has(k)) return true;
    String type = v.text("type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("officeactivity");
  }

  /**
   * A row that was exported and ingested again into a custom table: suffixed columns or a {@code _CL} table.
   * Its bare TimeGenerated is the re-ingestion time.
   */
  static boolean isReingested(View sv) {
    String type = sv.obj().text("type");
    if (type != null && type.toUpperCase(Locale.ROOT).endsWith("_CL")) return true;
    return sv.obj() != sv.original();
  }

  /** A Log Analytics row of any table: it has the table name or the workspace columns. */
  static boolean isLogAnalyticsRow(CiObject v) {
    return v.has("type") || v.has("sourcesystem") || v.has("_resourceid") || v.has("timegenerated");
  }

  /**
   * OfficeActivity row → UAL field names. {@code TimeGenerated} is the record's time (Microsoft's table
   * reference: "when the user performed the activity"; the connector copies CreationTime into it) and is used
   * only when no CreationTime column exists. The workspace {@code TenantId} is dropped.
   */
  static View officeActivity(View sv) {
    CiObject v = sv.obj();
    Map<String, JsonNode> m = v.fields();
    JsonNode workspace = m.remove("tenantid");
    if (workspace != null) m.put("workspaceid", workspace);
    for (Map.Entry<String, String> a : OFFICE_ALIASES.entrySet()) {
      JsonNode val = m.remove(a.getKey());
      if (val != null && Json.text(val) != null) m.putIfAbsent(a.getValue(), val);
    }
    if (!m.containsKey("id") && m.containsKey("sourcerecordid")) m.put("id", m.get("sourcerecordid"));
    String timeColumn = "CreationTime";
    if (!m.containsKey("creationtime") && m.containsKey("timegenerated")) {
      m.put("creationtime", m.get("timegenerated"));
      timeColumn = sv.timeColumn();
    }
    return new View(CiObject.ofFields(v.node(), m), timeColumn);
  }

  /**
   * Sign-in row of SigninLogs / AADNonInteractiveUserSignInLogs / AADServicePrincipalSignInLogs /
   * AADManagedIdentitySignInLogs → Graph signIn names: {@code LocationDetails} → location,
   * {@code ResourceIdentity} → resourceId (the Log Analytics {@code ResourceId} is the aadiam ARM path),
   * workspace {@code TenantId} dropped.
   */
  static View signIn(View sv) {
    CiObject v = sv.obj();
    Map<String, JsonNode> m = v.fields();
    JsonNode workspace = m.remove("tenantid");
    if (workspace != null) m.put("workspaceid", workspace);
    JsonNode loc = m.remove("locationdetails");
    if (loc != null) m.putIfAbsent("location", loc);
    JsonNode resourceIdentity = m.remove("resourceidentity");
    JsonNode resourceId = m.get("resourceid");
    if (resourceId != null && !UalNormalizer.Identities.isGuid(Json.text(resourceId))) {
      m.remove("resourceid");
      m.put("azureresourceid", resourceId);
    }
    if (resourceIdentity != null) m.putIfAbsent("resourceid", resourceIdentity);
    String timeColumn = m.containsKey("createddatetime") ? "CreatedDateTime" : sv.timeColumn();
    return new View(CiObject.ofFields(v.node(), m), timeColumn);
  }
}
