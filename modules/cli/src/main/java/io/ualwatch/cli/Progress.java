package io.ualwatch.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr (phase, records, MB, rate, ETA), redrawn in place on a terminal and printed every 10 s
 * otherwise, so long runs over millions of records show they are alive. A run may go through phases (hunt and
 * replay first order the inputs, reading every byte once, then merge them record by record): each phase has its
 * own measure of done and total, and its own rate and ETA.
 */
final class Progress implements AutoCloseable {
  private final PrintStream err;
  private final LongSupplier records;
  private final boolean tty;
  private final Thread thread;
  private volatile boolean done;
  private volatile String label = "";
  private volatile long total;
  private volatile LongSupplier progress;
  private volatile boolean bytesUnit = true;
  private volatile long phaseStart = System.nanoTime();
  private volatile long phaseRecords0;
  private boolean drawn;

  /** Progress measured in bytes read of {@code totalBytes}; {@code records} counts what was read. */
  Progress(PrintStream err, long totalBytes, AtomicLong bytes, LongSupplier records) {
    this.err = err;
    this.total = totalBytes;
    this.progress = bytes::get;
    this.records = records;
    this.tty = System.console() != null;
    this.thread = new Thread(this::loop, "progress");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** A new phase named {@code label}, measured by {@code done} of {@code total} (bytes or records). */
  synchronized void phase(String label, long total, LongSupplier done, boolean bytes) {
    if (tty && drawn) err.println(); // keep the last line of the phase before
    drawn = false;
    this.label = label;
    this.total = total;
    this.progress = done;
    this.bytesUnit = bytes;
    this.phaseStart = System.nanoTime();
    this.phaseRecords0 = records.getAsLong();
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
    double secs = Math.max(1e-3, (System.nanoTime() - phaseStart) / 1e9);
    long b = progress.getAsLong();
    long r = records.getAsLong();
    double pct = total > 0 ? Math.min(100.0, 100.0 * b / total) : 0;
    double rate = (r - phaseRecords0) / secs;
    String eta = "";
    if (!last && b > 0 && total > b) {
      long etaS = (long) ((total - b) * (secs / b));
      eta = String.format(Locale.ROOT, "  ETA %d:%02d", etaS / 60, etaS % 60);
    }
    int width = 24;
    int filled = (int) Math.min(width, Math.round(pct / 100 * width));
    String bar = "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    String amount = bytesUnit ? String.format(Locale.ROOT, "  %.1f / %.1f MB", b / 1e6, total / 1e6)
        : String.format(Locale.ROOT, " of %,d", total);
    String line = String.format(Locale.ROOT, "%s %5.1f%%  %s%,d records%s  %,.0f records/s%s", bar, pct,
        label.isEmpty() ? "" : label + ": ", r, amount, rate, eta);
    drawn = true;
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
