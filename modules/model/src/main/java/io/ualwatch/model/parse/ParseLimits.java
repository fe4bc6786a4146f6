package io.ualwatch.model.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Limits that keep hostile input harmless: a record larger than {@code maxRecordBytes} is rejected after
 * being skipped in a stream (never held whole), nesting deeper than {@code maxDepth} and strings or
 * numbers longer than the limits are rejected by the JSON reader.
 */
public record ParseLimits(int maxRecordBytes, int maxDepth, int maxStringLength, int maxNumberLength) {

  public static final ParseLimits DEFAULT = new ParseLimits(8 * 1024 * 1024, 64, 4 * 1024 * 1024, 100);

  public ParseLimits {
    if (maxRecordBytes < 1024) throw new IllegalArgumentException("maxRecordBytes must be >= 1024");
    if (maxDepth < 8) throw new IllegalArgumentException("maxDepth must be >= 8");
    if (maxStringLength < 1024) throw new IllegalArgumentException("maxStringLength must be >= 1024");
    if (maxNumberLength < 20) throw new IllegalArgumentException("maxNumberLength must be >= 20");
  }

  /** A mapper whose reader enforces these limits and reports duplicate keys as errors. */
  public ObjectMapper newMapper() {
    JsonFactory f = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(maxDepth)
            .maxStringLength(maxStringLength)
            .maxNumberLength(maxNumberLength)
            .maxNameLength(4096)
            .build())
        .build();
    return JsonMapper.builder(f)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }
}
