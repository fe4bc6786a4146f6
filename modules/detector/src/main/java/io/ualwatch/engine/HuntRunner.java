package io.ualwatch.engine;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputFormat;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** Files → merged by event time → the local engine, with the merged watermark; what `hunt` runs. */
public final class HuntRunner {
  private HuntRunner() {}

  /**
   * Runs the engine over the files and finishes it (pending checks resolve). {@code observer} sees every
   * event before the engine does, every rejection, format and warning.
   */
  public static void run(List<Path> files, Function<Path, InputStream> open, LocalEngine engine,
      long outOfOrdernessMs, ParseListener observer) throws InterruptedException {
    run(files, open, engine, outOfOrdernessMs, observer, null);
  }

  /**
   * As {@link #run(List, Function, LocalEngine, long, ParseListener)}, calling {@code beforeFinish} (when not
   * null) after the last record and before the end of input resolves pending timers: the state a live job
   * holds at that point (used by the benchmarks to measure state size).
   */
  public static void run(List<Path> files, Function<Path, InputStream> open, LocalEngine engine,
      long outOfOrdernessMs, ParseListener observer, Runnable beforeFinish) throws InterruptedException {
    engine.externalWatermarks();
    new TimeMergedReader(files, open, outOfOrdernessMs).run(new TimeMergedReader.Sink() {
      @Override public void onEvent(AuditEvent e) {
        observer.onEvent(e);
        engine.accept(e);
      }
      @Override public void onReject(Rejection r) { observer.onReject(r); }
      @Override public void onFormat(String origin, InputFormat format) { observer.onFormat(origin, format); }
      @Override public void onWarning(String origin, String message) { observer.onWarning(origin, message); }
      @Override public void onWatermark(long watermark) { engine.advanceWatermark(watermark); }
    });
    if (beforeFinish != null) beforeFinish.run();
    engine.finish();
  }
}
