package io.ualwatch.model.order;

import io.ualwatch.model.AuditEvent;
import java.util.Comparator;

/**
 * The canonical order of parsed events: event time, then tenant, record id, feed, format, shape and raw text. It
 * depends only on the records themselves, never on the file they came from, the file's name or the position in
 * it, so that any permutation of the same records (newest-first exports, shuffled blobs, folders renamed) is
 * handed to the detectors in the same sequence. Records identical in all of these are interchangeable (the
 * de-duplication keeps one of them; they differ at most in where they were read).
 */
public final class EventOrder {
  private EventOrder() {}

  public static final Comparator<AuditEvent> CANONICAL = EventOrder::compare;

  public static int compare(AuditEvent a, AuditEvent b) {
    int c = a.eventTime.compareTo(b.eventTime);
    if (c != 0) return c;
    c = cmp(a.tenantId, b.tenantId);
    if (c != 0) return c;
    c = cmp(a.recordId, b.recordId);
    if (c != 0) return c;
    c = Integer.compare(a.source == null ? -1 : a.source.ordinal(), b.source == null ? -1 : b.source.ordinal());
    if (c != 0) return c;
    c = cmp(a.format, b.format);
    if (c != 0) return c;
    c = cmp(a.shape, b.shape);
    if (c != 0) return c;
    return cmp(a.raw, b.raw);
  }

  private static int cmp(String a, String b) {
    if (a == null) return b == null ? 0 : -1;
    if (b == null) return 1;
    return a.compareTo(b);
  }
}
