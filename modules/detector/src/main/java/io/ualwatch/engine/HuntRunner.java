package io.ualwatch.engine;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.order.OrderedReader;
import io.ualwatch.model.parse.InputFormat;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Files → one stream in the canonical order of the records ({@link OrderedReader}: newest-first and shuffled files
 * are sorted first) → the local engine; what `hunt` runs. The engine takes its watermark from that stream (highest
 * event time minus the out-of-orderness bound), as the job does per partition, and finishes at the end of input.
 * The alerts are then a function of the set of records: any order inside the files, any file names, any split of
 * the records over files give the same alerts.
 */
public final class HuntRunner {
  private HuntRunner() {}

  /** Runs the engine over the files with the default ordering options and finishes it. */
  public static OrderedReader.Summary run(List<Path> files, Function<Path, InputStream> open, LocalEngine engine,
      ParseListener observer) throws InterruptedException {
    return run(files, open, engine, OrderedReader.Options.defaults(), observer, null);
  }

  /**
   * Runs the engine over the files and finishes it (pending checks resolve). {@code observer} sees every event
   * before the engine does, every rejection, format and warning, and (when it is an {@link OrderedReader.Sink})
   * the phases. {@code beforeFinish} (when not null) runs after the last record and before the end of input
   * resolves pending timers: the state a live job holds at that point (used by the benchmarks).
   */
  public static OrderedReader.Summary run(List<Path> files, Function<Path, InputStream> open, LocalEngine engine,
      OrderedReader.Options ordering, ParseListener observer, Runnable beforeFinish) throws InterruptedException {
    OrderedReader.Summary s = new OrderedReader(files, open, ordering).run(new OrderedReader.Sink() {
      @Override public void onEvent(AuditEvent e) {
        observer.onEvent(e);
        engine.accept(e);
      }
      @Override public void onReject(Rejection r) { observer.onReject(r); }
      @Override public void onFormat(String origin, InputFormat format) { observer.onFormat(origin, format); }
      @Override public void onWarning(String origin, String message) { observer.onWarning(origin, message); }
      @Override public void onPhase(OrderedReader.Phase phase, OrderedReader.Summary summary) {
        if (observer instanceof OrderedReader.Sink s) s.onPhase(phase, summary);
      }
    });
    if (beforeFinish != null) beforeFinish.run();
    engine.finish();
    return s;
  }

  /** Opens a file (gzip or not: the reader detects compression itself). */
  public static InputStream openFile(Path p) {
    try {
      return Files.newInputStream(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
