package io.ualwatch.connector.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with jitter; a server's Retry-After is a floor, never shortened. */
public final class Backoff {
  private final Duration initial;
  private final Duration max;

  public Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /**
   * Delay before retry number {@code attempt} (1-based).
   *
   * @param retryAfter what the server asked for, or null
   */
  public Duration delay(int attempt, Duration retryAfter) {
    long base = initial.toMillis();
    long exp = base << Math.min(20, Math.max(0, attempt - 1));
    long capped = Math.min(Math.max(exp, 1), max.toMillis());
    // "Equal jitter": half fixed, half random, so concurrent tasks spread out but never retry at once.
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    if (retryAfter == null) return Duration.ofMillis(jittered);
    long ra = retryAfter.toMillis();
    // Honour Retry-After, plus up to 10 % (max 1 s) jitter so a storm of tasks does not come back in lockstep.
    long extra = ThreadLocalRandom.current().nextLong(Math.min(1000, ra / 10) + 1);
    return Duration.ofMillis(Math.max(ra + extra, Math.min(jittered, ra + extra)));
  }
}
