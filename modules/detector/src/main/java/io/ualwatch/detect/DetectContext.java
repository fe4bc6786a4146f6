package io.ualwatch.detect;

import io.ualwatch.model.alert.Alert;

/** What a detector family sees besides its state: time, timers, configuration and the alert output. */
public interface DetectContext {
  /** Current event-time watermark (ms); Long.MIN_VALUE before the first one. */
  long watermark();

  /** Asks for {@link Family#onTimer} on the current key at event time {@code time}. */
  void registerTimer(long time);

  /** Emits a new, updated or withdrawn alert. */
  void emit(Alert alert);

  /** Rule settings in force. */
  DetectionSettings settings();

  /**
   * Registers the timer that expires state for event time {@code horizon}, but never earlier than one
   * {@code retentionMs} of watermark progress from now: records that arrive far behind the watermark (a
   * replayed backlog) keep their state long enough to be correlated with each other.
   */
  default void registerExpiry(long horizon, long retentionMs) {
    long wm = watermark();
    // rounded up to a whole hour so that a backlog does not register one timer per record
    long notBefore = wm == Long.MIN_VALUE ? Long.MIN_VALUE
        : Math.floorDiv(wm + retentionMs, DetectionSettings.HOUR) * DetectionSettings.HOUR + DetectionSettings.HOUR;
    registerTimer(Math.max(horizon, notBefore));
  }

  /** Tenant-wide facts (sign-in feed activity); {@link TenantFacts#NONE} unless the family asks for them. */
  default TenantFacts tenantFacts() {
    return TenantFacts.NONE;
  }
}
