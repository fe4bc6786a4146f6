package io.ualwatch.testkit.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults the emulator injects, in order: each rule answers the next {@code times} requests of its target with
 * its fault instead of the real answer. Thread-safe.
 */
public final class FaultPlan {
  /** Which requests a rule applies to. */
  public enum Target { ANY, TOKEN, SUBSCRIPTIONS, LISTING, BLOB, GRAPH }

  /** What the emulator answers. */
  public enum Kind {
    /** HTTP 429 with body code AF429 (Graph: TooManyRequests). */
    THROTTLE_429,
    /** HTTP 403 with body code AF429: the form the troubleshooting page shows. */
    THROTTLE_403,
    /** HTTP 500 with body code AF50000. */
    SERVER_ERROR_500,
    /** HTTP 503 with an empty body. */
    UNAVAILABLE_503,
    /** HTTP 401: the token is refused even though it is valid (models revocation / key rollover). */
    UNAUTHORIZED_401
  }

  /** One injected fault as the emulator applies it. */
  public record Fault(Kind kind, Duration retryAfter) {}

  private record Rule(Target target, Kind kind, AtomicInteger remaining, Duration retryAfter) {}

  private final List<Rule> rules = new ArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();

  /**
   * Answers the next {@code times} requests of {@code target} with {@code kind}.
   *
   * @param retryAfter sent as a {@code Retry-After} header in whole seconds, or null for none
   */
  public synchronized FaultPlan inject(Target target, Kind kind, int times, Duration retryAfter) {
    rules.add(new Rule(target, kind, new AtomicInteger(times), retryAfter));
    return this;
  }

  public synchronized void clear() {
    rules.clear();
  }

  /** Faults answered so far. */
  public int injected() {
    return injected.get();
  }

  synchronized Optional<Fault> next(Target target) {
    for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
      Rule r = it.next();
      if (r.target != Target.ANY && r.target != target) continue;
      if (r.remaining.decrementAndGet() <= 0) it.remove();
      injected.incrementAndGet();
      return Optional.of(new Fault(r.kind, r.retryAfter));
    }
    return Optional.empty();
  }
}
