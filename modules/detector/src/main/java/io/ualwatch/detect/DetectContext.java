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
}
