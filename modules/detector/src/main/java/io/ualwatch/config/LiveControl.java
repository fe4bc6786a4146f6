package io.ualwatch.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which settings the control topic may change in a running job, and how a change is checked. Every detection
 * option may, except the two that define what the state and the alert ids mean: the baseline retention (state
 * already expired cannot come back) and the suppression bucket (it is part of every alert id). Job options
 * (topics, parallelism, delivery) need a restart.
 *
 * <p>A control record is {@code key = option key, value = new value as text}; a tombstone (null value) or an
 * empty value reverts the key to the job's own configuration.
 */
public final class LiveControl {
  private LiveControl() {}

  /** Detection options that need a restart: they define state and alert identity. */
  public static final Set<String> RESTART_ONLY = Set.of(DetectionOptions.BASELINE_RETENTION.key(),
      DetectionOptions.SUPPRESSION.key());

  /** The options the control topic may change. */
  public static List<Option<?>> liveOptions() {
    return DetectionOptions.ALL.stream().filter(o -> !RESTART_ONLY.contains(o.key())).toList();
  }

  public static boolean isLive(String key) {
    return liveOptions().stream().anyMatch(o -> o.key().equals(key));
  }

  /**
   * Checks one control record and returns its value normalized; throws {@link ConfigException} saying what is
   * wrong (unknown key with the closest known one, a key that needs a restart, an invalid value).
   */
  public static String check(String key, String value) {
    if (key == null || key.isBlank()) throw new ConfigException("control record without a key");
    Option<?> o = DetectionOptions.ALL.stream().filter(x -> x.key().equals(key)).findFirst().orElse(null);
    if (o == null) {
      boolean jobOption = JobOptions.ALL.stream().anyMatch(x -> x.key().equals(key));
      if (jobOption) throw new ConfigException(key + " cannot be changed live: restart the job with it instead");
      // Config.of reports unknown keys with the closest known one
      UalwatchOptions.of(Map.of(key, value == null ? "" : value));
      throw new ConfigException("unknown key " + key);
    }
    if (RESTART_ONLY.contains(key)) {
      throw new ConfigException(key + " cannot be changed live (it defines the state or the alert ids): restart "
          + "the job with it instead");
    }
    if (value == null || value.isEmpty()) return null;
    o.parse(value.strip()); // parses and validates, or says what is wrong
    return value.strip();
  }

  /** {@code base} with the control overrides applied (null values revert). */
  public static Config apply(Config base, Map<String, String> overrides) {
    Map<String, String> m = new LinkedHashMap<>();
    overrides.forEach((k, v) -> {
      if (v != null && !v.isEmpty()) m.put(k, v);
    });
    return m.isEmpty() ? base : base.with(m);
  }
}
