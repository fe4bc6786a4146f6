package io.ualwatch.model.parse;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Values found around a record (CSV columns, a Graph {@code auditLogRecord} wrapper, a Defender row, an
 * envelope) that are used only when the record itself lacks them. Never a locale CreationDate: event time
 * comes from the record, or from a wrapper's ISO timestamp.
 */
final class Fallbacks {
  /** Record id: CSV RecordId / Identity, Graph wrapper id, Defender ReportId. */
  String recordId;
  /** RecordType as a number or name: CSV RecordType column, Graph auditLogRecordType. */
  JsonNode recordType;
  /** ISO event time from a wrapper (Graph createdDateTime, Defender Timestamp). */
  String creationTime;
  /** Operation: CSV Operation(s), Graph operation, Defender ActionType. */
  String operation;
  /** User: CSV UserId(s), Graph userPrincipalName. */
  String userId;
  /** Tenant: Graph organizationId, envelope tenantId. */
  String tenantId;
  /** Client IP: Graph clientIp, Defender IPAddress. */
  String clientIp;

  static Fallbacks none() {
    return new Fallbacks();
  }
}
