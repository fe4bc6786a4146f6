package io.ualwatch.model.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Limits that keep hostile input harmless: a record larger than {@code maxRecordBytes} is rejected after
 * being skipped in a stream (never held whole), nesting deeper than {@code maxDepth} and strings, numbers or
 * field names longer than the limits are rejected by the JSON reader.
 *
 * @param maxRecordBytes largest record (JSON value, NDJSON line, CSV row) that is parsed; larger ones are rejected
 * @param maxDepth deepest JSON nesting accepted
 * @param maxStringLength longest JSON string value
 * @param maxNumberLength longest JSON number literal (digits)
 * @param maxNameLength longest JSON field name
 * @param exportRowCap the row count at which Purview and Search-UnifiedAuditLog exports stop (50,000): an export
 *     with exactly this many data rows gets a "probably truncated" warning
 */
public record ParseLimits(int maxRecordBytes, int maxDepth, int maxStringLength, int maxNumberLength,
    int maxNameLength, int exportRowCap) {

  /** Purview portal export and {@code -SessionCommand ReturnLargeSet} stop at this many rows. */
  public static final int EXPORT_ROW_CAP = 50_000;

  public static final ParseLimits DEFAULT =
      new ParseLimits(8 * 1024 * 1024, 64, 4 * 1024 * 1024, 100, 4096, EXPORT_ROW_CAP);

  public ParseLimits {
    if (maxRecordBytes < 1024) throw new IllegalArgumentException("maxRecordBytes must be >= 1024");
    if (maxDepth < 8) throw new IllegalArgumentException("maxDepth must be >= 8");
    if (maxStringLength < 1024) throw new IllegalArgumentException("maxStringLength must be >= 1024");
    if (maxNumberLength < 20) throw new IllegalArgumentException("maxNumberLength must be >= 20");
    if (maxNameLength < 64) throw new IllegalArgumentException("maxNameLength must be >= 64");
    if (exportRowCap < 1) throw new IllegalArgumentException("exportRowCap must be >= 1");
  }

  /** The original four limits; name length and export cap at their defaults. */
  public ParseLimits(int maxRecordBytes, int maxDepth, int maxStringLength, int maxNumberLength) {
    this(maxRecordBytes, maxDepth, maxStringLength, maxNumberLength, 4096, EXPORT_ROW_CAP);
  }

  public ParseLimits withMaxRecordBytes(int bytes) {
    return new ParseLimits(bytes, maxDepth, maxStringLength, maxNumberLength, maxNameLength, exportRowCap);
  }

  public ParseLimits withExportRowCap(int cap) {
    return new ParseLimits(maxRecordBytes, maxDepth, maxStringLength, maxNumberLength, maxNameLength, cap);
  }

  /** A mapper whose reader enforces these limits and rejects trailing content after a value. */
  public ObjectMapper newMapper() {
    JsonFactory f = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(maxDepth)
            .maxStringLength(maxStringLength)
            .maxNumberLength(maxNumberLength)
            .maxNameLength(maxNameLength)
            .build())
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        .build();
    return JsonMapper.builder(f)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }
}
