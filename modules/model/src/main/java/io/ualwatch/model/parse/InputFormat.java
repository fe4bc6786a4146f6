package io.ualwatch.model.parse;

/** Input formats recognised by content (never by file name). docs/input-formats.md describes each. */
public enum InputFormat {
  /** A JSON array of records: a Management Activity API content blob, or any array of known records. */
  JSON_ARRAY("json-array"),
  /** Newline-delimited JSON (or concatenated JSON values): one record or envelope per value. */
  NDJSON("ndjson"),
  /** A single JSON document: one record, or an envelope ({"records":[…]}, {"value":[…]}). */
  JSON_DOCUMENT("json-document"),
  /** Purview portal audit search export: RecordId,CreationDate,RecordType,Operation,UserId,AuditData,… */
  PURVIEW_CSV("purview-csv"),
  /** Search-UnifiedAuditLog output: RecordType,CreationDate,UserIds,Operations,AuditData,…,Identity,… */
  CMDLET_CSV("cmdlet-csv"),
  /** Any other CSV with an AuditData column (oldest export layout: CreationDate,UserIds,Operations,AuditData). */
  AUDITDATA_CSV("auditdata-csv"),
  /** A CSV of UAL records flattened into columns, nested objects as dotted columns (AppAccessContext.ClientAppId). */
  FLATTENED_CSV("flattened-csv"),
  /** Microsoft Sentinel / Log Analytics export of the OfficeActivity table (CSV). */
  SENTINEL_OFFICE_CSV("sentinel-officeactivity-csv"),
  /** Microsoft Sentinel / Log Analytics export of SigninLogs, AADNonInteractiveUserSignInLogs and kin (CSV). */
  SENTINEL_SIGNIN_CSV("sentinel-signin-csv"),
  /** Defender XDR Advanced Hunting export of CloudAppEvents (CSV with a RawEventData column). */
  DEFENDER_CSV("defender-cloudappevents-csv"),
  /** Not recognised. */
  UNKNOWN("unknown");

  private final String id;

  InputFormat(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
