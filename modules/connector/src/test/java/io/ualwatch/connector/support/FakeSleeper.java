package io.ualwatch.connector.support;

import io.ualwatch.connector.common.Sleeper;
import io.ualwatch.testkit.emulator.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the waits a task asks for and lets the shared emulator clock jump instead of sleeping. */
public final class FakeSleeper implements Sleeper {
  private final MutableClock clock;
  public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  public volatile int wakeups;

  public FakeSleeper(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration d) {
    sleeps.add(d);
    if (clock != null) clock.advance(d);
  }

  @Override
  public void wakeup() {
    wakeups++; // shared by successive task instances, so a stop must not silence the next one
  }

  @Override
  public boolean woken() {
    return false;
  }
}
