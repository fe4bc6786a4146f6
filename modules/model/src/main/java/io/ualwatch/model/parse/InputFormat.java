package io.ualwatch.model.parse;

/** Input formats recognised by content (never by file name). */
public enum InputFormat {
  /** A JSON array of records: a Management Activity API content blob, or any array of known records. */
  JSON_ARRAY("json-array"),
  /** Newline-delimited JSON: one record (or envelope) per line. */
  NDJSON("ndjson"),
  /** A single JSON document: one record, or an envelope ({"records":[…]}, {"value":[…]}). */
  JSON_DOCUMENT("json-document"),
  /** Purview portal audit search export: RecordId,CreationDate,RecordType,Operation,UserId,AuditData,… */
  PURVIEW_CSV("purview-csv"),
  /** Search-UnifiedAuditLog output: RecordType,CreationDate,UserIds,Operations,AuditData,…,Identity,… */
  CMDLET_CSV("cmdlet-csv"),
  /** Any other CSV with an AuditData column (oldest export layout). */
  AUDITDATA_CSV("auditdata-csv"),
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
