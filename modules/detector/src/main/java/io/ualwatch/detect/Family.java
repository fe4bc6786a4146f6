package io.ualwatch.detect;

import io.ualwatch.model.AuditEvent;
import java.util.List;
import java.util.function.Consumer;

/**
 * A family of detectors sharing per-entity state under one key kind (mailbox, token, user, app). Plain
 * Java over {@link EntityStore}: the Flink job wraps it in a keyed operator, the local engine runs it with
 * in-memory state, and tests run it with either.
 *
 * <p>Contract that makes results independent of arrival order: {@link #onEvent} updates compact,
 * order-independent state (first/last seen per time bucket) and then recomputes which alerts should exist in
 * the buckets the event can affect, reconciling them with what was already emitted (new, updated,
 * withdrawn). Timers only prune state that is older than the retention horizon.
 */
public interface Family extends java.io.Serializable {
  /** Short stable name; the Flink operator uid is derived from it. */
  String name();

  /** The state slots this family uses. */
  List<Slot<?>> slots();

  /** The entity keys this event belongs to (none when the family does not care about it). */
  void keys(AuditEvent event, Consumer<String> out);

  void onEvent(String key, AuditEvent event, EntityStore store, DetectContext ctx);

  void onTimer(String key, long time, EntityStore store, DetectContext ctx);

  /** True when the family reads {@link DetectContext#tenantFacts()} (the job then broadcasts them to it). */
  default boolean needsTenantFacts() {
    return false;
  }
}
