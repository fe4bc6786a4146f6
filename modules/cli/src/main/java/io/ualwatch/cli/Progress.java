package io.ualwatch.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr (records, MB, rate, ETA), redrawn in place on a terminal and printed every 10 s
 * otherwise, so long runs over millions of records show they are alive.
 */
final class Progress implements AutoCloseable {
  private final PrintStream err;
  private final long totalBytes;
  private final AtomicLong bytes;
  private final LongSupplier records;
  private final boolean tty;
  private final long start = System.nanoTime();
  private final Thread thread;
  private volatile boolean done;

  Progress(PrintStream err, long totalBytes, AtomicLong bytes, LongSupplier records) {
    this.err = err;
    this.totalBytes = totalBytes;
    this.bytes = bytes;
    this.records = records;
    this.tty = System.console() != null;
    this.thread = new Thread(this::loop, "progress");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void loop() {
    long interval = tty ? 500 : 10_000;
    while (!done) {
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
      if (!done) draw(false);
    }
  }

  synchronized void draw(boolean last) {
    double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
    long b = bytes.get();
    long r = records.getAsLong();
    double pct = totalBytes > 0 ? 100.0 * b / totalBytes : 0;
    double rate = r / secs;
    String eta = "";
    if (!last && b > 0 && totalBytes > b) {
      long etaS = (long) ((totalBytes - b) * (secs / b));
      eta = String.format(Locale.ROOT, "  ETA %d:%02d", etaS / 60, etaS % 60);
    }
    int width = 24;
    int filled = (int) Math.min(width, Math.round(pct / 100 * width));
    String bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    String line = String.format(Locale.ROOT, "%s %5.1f%%  %,d records  %.1f / %.1f MB  %,.0f records/s%s", bar, pct,
        r, b / 1e6, totalBytes / 1e6, rate, eta);
    if (tty) {
      err.print("\r" + line + (last ? "\n" : ""));
    } else {
      err.println(line);
    }
    err.flush();
  }

  @Override
  public synchronized void close() {
    if (done) return; // closing twice draws the last line once
    done = true;
    thread.interrupt();
    draw(true);
  }
}
