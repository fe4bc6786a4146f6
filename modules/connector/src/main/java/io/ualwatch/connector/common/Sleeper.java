package io.ualwatch.connector.common;

import java.time.Duration;

/**
 * Waits between polls and retries. {@link #wakeup()} (called from {@code SourceTask.stop()} on another
 * thread) ends the current wait and every later one at once, so a stopping task never sits out a back-off.
 */
public interface Sleeper {
  /** Waits up to {@code d}, less if woken. */
  void sleep(Duration d) throws InterruptedException;

  /** Ends the current and all later waits. */
  void wakeup();

  boolean woken();

  /** The real one: a monitor wait. */
  static Sleeper real() {
    return new Sleeper() {
      private boolean woken;

      @Override
      public synchronized void sleep(Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!woken) {
          long left = deadline - System.nanoTime();
          if (left <= 0) return;
          long ms = Math.max(1, left / 1_000_000);
          wait(ms);
        }
      }

      @Override
      public synchronized void wakeup() {
        woken = true;
        notifyAll();
      }

      @Override
      public synchronized boolean woken() {
        return woken;
      }
    };
  }
}
