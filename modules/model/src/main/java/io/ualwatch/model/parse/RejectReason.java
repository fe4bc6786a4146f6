package io.ualwatch.model.parse;

/**
 * Why a record was rejected. Stable codes: they appear in the dead-letter topic, reports and metrics.
 * docs/input-formats.md says what to do about each.
 */
public enum RejectReason {
  /** Not valid JSON (syntax error, truncated document). */
  MALFORMED_JSON("the text is not valid JSON"),
  /** Bytes that are not valid UTF-8. */
  INVALID_UTF8("the bytes are not valid UTF-8"),
  /** Valid JSON, but not a shape ualwatch knows (not a UAL record, sign-in, or a known envelope). */
  UNKNOWN_SHAPE("valid JSON but not an audit record, sign-in or known envelope"),
  /** A record without a usable event time. */
  MISSING_TIME("no usable event time (CreationTime / createdDateTime)"),
  /** A record whose event time does not parse. */
  BAD_TIME("the event time is not a date-time ualwatch can read"),
  /** Larger than the configured record size limit. */
  TOO_LARGE("larger than the record size limit"),
  /** Nested deeper than the configured limit. */
  TOO_DEEP("nested deeper than the limit"),
  /** A string, number or field name longer than the configured reader limits. */
  LIMIT_EXCEEDED("a string, number or field name longer than the reader limits"),
  /** A CSV row that cannot be split into fields (unterminated quote, wrong column count). */
  BAD_CSV_ROW("a CSV row that cannot be read"),
  /** A CSV row (or a Graph audit record) whose AuditData is missing or empty. */
  MISSING_AUDIT_DATA("a record without AuditData"),
  /** A well-formed record of a kind ualwatch does not use (Entra AuditLogs, other Defender tables, ...). */
  UNSUPPORTED_RECORD("a known record kind that ualwatch does not read"),
  /** The input as a whole is not a format ualwatch reads. */
  UNKNOWN_FORMAT("the input is not a format ualwatch reads"),
  /** Could not read the input at all (I/O error, corrupt gzip). */
  UNREADABLE("the input could not be read"),
  /** A parser bug: an unexpected exception while normalizing. Never expected; report it with the raw record. */
  INTERNAL_ERROR("unexpected parser error (a bug)");

  private final String description;

  RejectReason(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
