package io.ualwatch.detect;

import java.util.function.BiConsumer;

/**
 * State of one entity (a mailbox, a user, a token, …) as seen by a detector family. Values read are
 * copies: a changed value must be written back with {@link #put}, in Flink as in the local engine.
 */
public interface EntityStore {
  <T> T get(Slot<T> slot, String subKey);

  <T> void put(Slot<T> slot, String subKey, T value);

  <T> void remove(Slot<T> slot, String subKey);

  /** Visits every entry of a slot. Do not modify the slot while visiting. */
  <T> void forEach(Slot<T> slot, BiConsumer<String, T> visitor);

  /** Drops all state of this entity. */
  void clear();
}
