package io.ualwatch.detect;

/**
 * A named piece of per-entity state: a map from sub-key to value, encoded with {@code codec}. In Flink each
 * slot is a {@code MapState<String, byte[]>}; in the local engine a plain map.
 */
public record Slot<T>(String name, Codecs.Codec<T> codec) {}
