package io.ualwatch.job;

import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Family;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Flink keyed state behind a family's {@link EntityStore}, in one of two layouts ({@code job.state.packed-families}):
 * one {@code MapState} per slot ({@link FlinkEntityStore}) or every slot of an entity in one value
 * ({@link PackedEntityStore}). The operator calls {@link #begin} before and {@link #flush} after each element and
 * timer.
 */
abstract class FlinkStateStore implements EntityStore {
  static FlinkStateStore of(RuntimeContext ctx, Family family, boolean packed) {
    return packed ? new PackedEntityStore(ctx, family.name(), family.slots())
        : new FlinkEntityStore(ctx, family.slots());
  }

  /** A new element or timer is about to be handled (the current key may have changed). */
  void begin() {}

  /** The element or timer is done: write back what changed. */
  void flush() {}

  /**
   * Whether the timer service must be asked for a timer at {@code time} on the current key: false when this store
   * knows it is already registered and has not fired.
   */
  boolean timerNeeded(long time) {
    return true;
  }

  /** The timer at {@code time} of the current key fires now (call after {@link #begin}). */
  void timerFired(long time) {}

  abstract boolean isEmpty() throws Exception;
}
