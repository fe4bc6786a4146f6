package io.ualwatch.model.parse;

import io.ualwatch.model.AuditEvent;

/** Receives what a reader makes of its input: every input record ends as exactly one event list or one rejection. */
public interface ParseListener {
  /** A normalized event. */
  void onEvent(AuditEvent event);

  /** A record that could not be understood. */
  void onReject(Rejection rejection);

  /** The format detected for an input, reported once per input. */
  default void onFormat(String origin, InputFormat format) {}

  /** Progress: bytes of the (uncompressed) input consumed so far. Called now and then, not per record. */
  default void onProgress(long bytesRead) {}

  /** A non-fatal observation about the input (e.g. "exactly 50,000 rows: the export was probably truncated"). */
  default void onWarning(String origin, String message) {}
}
