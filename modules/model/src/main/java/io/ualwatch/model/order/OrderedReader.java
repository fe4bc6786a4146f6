package io.ualwatch.model.order;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputFormat;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.RejectReason;
import io.ualwatch.model.parse.Rejection;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * Reads many input files as one stream in the canonical order of {@link EventOrder}, whatever order the files
 * hold their records in and whatever their names: the order `hunt` detects in and `replay` sends in.
 *
 * <p>Two phases:
 * <ol>
 *   <li><b>Ordering</b>: every file is parsed once. A file whose event times never go back (oldest first, as an
 *       NDJSON log or a Graph page usually is) is only scanned; it keeps its records in memory when they fit in
 *       the budget, and is otherwise parsed again in phase 2. A file that goes back in time (a Purview or
 *       {@code Search-UnifiedAuditLog} export, newest first; shuffled content blobs) is sorted: records are
 *       buffered up to the memory budget, each full buffer is sorted and written to a run file in a temporary
 *       directory, and at most {@code maxFanIn} runs are merged at a time.
 *   <li><b>Merging</b>: the files' ordered streams are merged by the canonical order; a file is opened only when
 *       the merge reaches its first event, so the files open at once are those overlapping in time.
 * </ol>
 * Memory: the sort buffers and the records kept in memory together stay under {@code memoryBytes} (estimated with
 * {@link EventCodec#heapEstimate}; buffers of files already ordered are written out first when a new file needs
 * room), plus one record per open run and a bounded queue per file being parsed. Disk: about the size of the
 * unordered inputs, uncompressed, deleted at the end.
 *
 * <p>Rejections, formats and warnings are reported once, in phase 1.
 */
public final class OrderedReader {
  /** Tuning: the memory budget, where runs go, how many runs one merge reads at once. */
  public record Options(long memoryBytes, Path tempDir, int maxFanIn) {
    public Options {
      if (memoryBytes < 1) throw new IllegalArgumentException("memoryBytes must be positive");
      if (maxFanIn < 2) throw new IllegalArgumentException("maxFanIn must be at least 2");
    }

    /** 256 MB, the JVM's temporary directory, 64 runs per merge. */
    public static Options defaults() {
      return new Options(256L << 20, Path.of(System.getProperty("java.io.tmpdir")), 64);
    }

    public Options withMemory(long bytes) {
      return new Options(bytes, tempDir, maxFanIn);
    }

    public Options withTempDir(Path dir) {
      return new Options(memoryBytes, dir, maxFanIn);
    }
  }

  /** The two phases, for progress reporting. */
  public enum Phase { ORDERING, MERGING }

  /** Receives events in canonical order, and what the parser reports (once, during ordering). */
  public interface Sink extends ParseListener {
    /** A phase begins; {@code events} is the number of events the merge will deliver (known from phase 2 on). */
    default void onPhase(Phase phase, Summary summary) {}

    /** Ordering progress: records read so far in phase 1 (called every 4,096 records and at the end of each file). */
    default void onScanned(long records) {}
  }

  /** How one file was ordered. */
  public record FileSummary(Path file, long events, long firstTime, long lastTime, boolean inOrder, int runs,
      long spilledBytes) {}

  /** How the inputs were ordered. */
  public record Summary(List<FileSummary> files, long events, int runs, long spilledBytes, long peakMemoryBytes) {
    public long unorderedFiles() {
      return files.stream().filter(f -> !f.inOrder()).count();
    }
  }

  private static final Object END = new Object();

  /** The temporary directory could not be written or read: ordering cannot go on. */
  public static final class SpillFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SpillFailure(String message, IOException cause) {
      super(message, cause);
    }
  }

  private final List<Path> files;
  private final Function<Path, InputStream> open;
  private final Options options;
  private final Budget budget;
  private Path spillDir;
  private int runCounter;
  private long spilledBytes;
  private int runsWritten;
  private long scanned;
  private Sink currentSink;

  public OrderedReader(List<Path> files, Function<Path, InputStream> open, Options options) {
    this.files = List.copyOf(files);
    this.open = open;
    this.options = options;
    this.budget = new Budget(options.memoryBytes());
  }

  /** Reads everything; the sink gets every event once, in canonical order. Temporary files are gone afterwards. */
  public Summary run(Sink sink) throws InterruptedException {
    Thread cleanup = new Thread(this::deleteSpill, "ualwatch-order-cleanup");
    boolean hook = false;
    try {
      Runtime.getRuntime().addShutdownHook(cleanup);
      hook = true;
    } catch (IllegalStateException shuttingDown) {
      // no hook
    }
    List<Source> sources = new ArrayList<>();
    try {
      sink.onPhase(Phase.ORDERING, null);
      currentSink = sink;
      for (int i = 0; i < files.size(); i++) {
        sources.add(order(files.get(i), i, sink));
        sink.onScanned(scanned);
      }
      Summary summary = summary(sources);
      sink.onPhase(Phase.MERGING, summary);
      merge(sources, sink);
      return summary;
    } finally {
      for (Source s : sources) s.close();
      deleteSpill();
      if (hook) {
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs anyway
        }
      }
    }
  }

  private Summary summary(List<Source> sources) {
    List<FileSummary> l = new ArrayList<>();
    long events = 0;
    for (Source s : sources) {
      l.add(new FileSummary(s.file, s.events, s.firstTime, s.lastTime, s.inOrder, s.runsWritten, s.spilled));
      events += s.events;
    }
    return new Summary(List.copyOf(l), events, runsWritten, spilledBytes, budget.peak);
  }

  // ------------------------------------------------------------------------------------------ phase 1

  /** Thrown from the parse callback to start the file again in sorting mode. */
  private static final class Restart extends RuntimeException {
    final long eventIndex;

    Restart(long eventIndex) {
      super(null, null, false, false);
      this.eventIndex = eventIndex;
    }
  }

  private Source order(Path file, int index, Sink sink) {
    Source s = new Source(file, index);
    try {
      scan(s, sink);
    } catch (Restart r) {
      // the file went back in time after its in-order prefix no longer fitted in memory: read it again, sorting
      s.releaseKept();
      s.sorter = new Sorter(s);
      s.events = 0;
      s.firstTime = Long.MAX_VALUE;
      s.lastTime = Long.MIN_VALUE;
      resort(s, sink, r.eventIndex);
    }
    if (s.sorter != null) {
      s.inOrder = false;
      s.sorter.finish();
      s.sorter = null;
      sink.onWarning(file.toString(), String.format(Locale.ROOT, "records are not in event-time order (newest first?): "
          + "%,d records ordered %s", s.events, s.runsWritten == 0 ? "in memory"
          : "through " + s.runsWritten + " sorted run(s) on disk (" + (s.spilled >> 20) + " MB)"));
    } else if (s.kept != null) {
      s.kept.sort(EventOrder.CANONICAL); // in time order already: only equal times move
      budget.holders.add(s);
    }
    return s;
  }

  private void scan(Source s, Sink sink) {
    s.kept = new ArrayList<>();
    readFile(s, sink, new ParseListener() {
      @Override public void onEvent(AuditEvent e) {
        long t = e.eventTime.toEpochMilli();
        if (s.sorter != null) {
          s.sorter.add(e);
        } else if (s.events > 0 && t < s.lastTime) {
          if (s.kept == null) throw new Restart(s.events);
          s.sorter = new Sorter(s);
          List<AuditEvent> prefix = s.kept;
          long prefixBytes = s.keptBytes;
          s.kept = null;
          s.keptBytes = 0;
          budget.release(prefixBytes);
          for (AuditEvent p : prefix) s.sorter.add(p);
          s.sorter.add(e);
        } else if (s.kept != null) {
          long n = EventCodec.heapEstimate(e);
          if (budget.reserve(n)) {
            s.kept.add(e);
            s.keptBytes += n;
          } else {
            s.releaseKept(); // too big to keep: parsed again in phase 2
          }
        }
        s.count(t);
      }
      @Override public void onReject(Rejection r) { sink.onReject(r); }
      @Override public void onFormat(String origin, InputFormat format) { sink.onFormat(origin, format); }
      @Override public void onWarning(String origin, String message) { sink.onWarning(origin, message); }
      @Override public void onProgress(long bytesRead) { sink.onProgress(bytesRead); }
    });
  }

  /** Reads the file again into the sorter; what the parser reported before event {@code from} is not repeated. */
  private void resort(Source s, Sink sink, long from) {
    boolean[] reporting = {false};
    long[] seen = {0};
    readFile(s, sink, new ParseListener() {
      @Override public void onEvent(AuditEvent e) {
        if (seen[0]++ == from) reporting[0] = true;
        s.sorter.add(e);
        s.count(e.eventTime.toEpochMilli());
      }
      @Override public void onReject(Rejection r) { if (reporting[0]) sink.onReject(r); }
      @Override public void onFormat(String origin, InputFormat format) { }
      @Override public void onWarning(String origin, String message) { if (reporting[0]) sink.onWarning(origin, message); }
      @Override public void onProgress(long bytesRead) { }
    });
  }

  private void readFile(Source s, Sink sink, ParseListener l) {
    try (InputStream in = open.apply(s.file)) {
      new InputReader().read(in, s.file.toString(), l);
    } catch (IOException | UncheckedIOException e) {
      sink.onReject(new Rejection(RejectReason.UNREADABLE, "could not read " + s.file + ": " + e.getMessage(),
          s.file.toString(), null));
    }
  }

  /** Sorted buffers of one file, spilled as runs when the budget is used up. */
  private final class Sorter {
    final Source owner;
    List<AuditEvent> buffer = new ArrayList<>();
    long bufferBytes;

    Sorter(Source owner) {
      this.owner = owner;
    }

    void add(AuditEvent e) {
      long n = EventCodec.heapEstimate(e);
      if (!budget.reserve(n)) {
        evictOthers(n);
        if (!budget.reserve(n)) {
          if (!buffer.isEmpty()) spillBuffer();
          budget.forceReserve(n); // one record always fits
        }
      }
      buffer.add(e);
      bufferBytes += n;
    }

    private void evictOthers(long needed) {
      for (Source o : new ArrayList<>(budget.holders)) {
        if (o == owner || o.kept == null || o.inOrder) continue;
        o.spillKept();
        if (budget.free() >= needed) return;
      }
      // in-order files kept in memory give way too: they are then parsed again in phase 2
      for (Source o : new ArrayList<>(budget.holders)) {
        if (o == owner || o.kept == null) continue;
        if (o.inOrder) o.releaseKept();
        if (budget.free() >= needed) return;
      }
    }

    private void spillBuffer() {
      buffer.sort(EventOrder.CANONICAL);
      owner.runs.add(writeRun(owner, buffer));
      buffer = new ArrayList<>();
      budget.release(bufferBytes);
      bufferBytes = 0;
      if (owner.runs.size() >= options.maxFanIn()) owner.compactRuns();
    }

    void finish() {
      buffer.sort(EventOrder.CANONICAL);
      if (owner.runs.isEmpty() && owner.mergedRuns == 0) {
        owner.kept = buffer; // fits in memory: no disk at all
        owner.keptBytes = bufferBytes;
        budget.holders.add(owner);
      } else {
        if (!buffer.isEmpty()) owner.runs.add(writeRun(owner, buffer));
        budget.release(bufferBytes);
        while (owner.runs.size() > options.maxFanIn()) owner.compactRuns();
      }
      buffer = null;
    }
  }

  private Path writeRun(Source owner, List<AuditEvent> sorted) {
    try {
      if (spillDir == null) {
        Files.createDirectories(options.tempDir());
        spillDir = Files.createTempDirectory(options.tempDir(), "ualwatch-order-");
      }
      Path run = spillDir.resolve(String.format(Locale.ROOT, "run-%06d.bin", runCounter++));
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
        for (AuditEvent e : sorted) EventCodec.write(out, e);
        EventCodec.writeEnd(out);
      }
      long size = Files.size(run);
      spilledBytes += size;
      owner.spilled += size;
      owner.runsWritten++;
      runsWritten++;
      return run;
    } catch (IOException e) {
      throw new SpillFailure("cannot write a sort run into " + options.tempDir() + " (choose a temporary directory "
          + "on a disk with room for about the size of the unordered inputs): " + e.getMessage(), e);
    }
  }

  private void deleteSpill() {
    Path dir = spillDir;
    if (dir == null) return;
    try (var l = Files.list(dir)) {
      for (Path p : l.toList()) Files.deleteIfExists(p);
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // best effort: it is a temporary directory
    }
  }

  /** The memory budget shared by every file's buffers. */
  private static final class Budget {
    final long limit;
    long used;
    long peak;
    /** Sources holding records in memory after phase 1, evictable. */
    final List<Source> holders = new ArrayList<>();

    Budget(long limit) {
      this.limit = limit;
    }

    boolean reserve(long n) {
      if (used + n > limit) return false;
      forceReserve(n);
      return true;
    }

    void forceReserve(long n) {
      used += n;
      peak = Math.max(peak, used);
    }

    void release(long n) {
      used -= n;
    }

    long free() {
      return limit - used;
    }
  }

  // ------------------------------------------------------------------------------------------ phase 2

  /** One input file's ordered stream: kept in memory, sorted runs on disk, or the file parsed again. */
  private final class Source {
    final Path file;
    final int index;
    long events;
    long firstTime = Long.MAX_VALUE;
    long lastTime = Long.MIN_VALUE;
    boolean inOrder = true;
    Sorter sorter;
    List<AuditEvent> kept;
    long keptBytes;
    final List<Path> runs = new ArrayList<>();
    int mergedRuns;
    int runsWritten;
    long spilled;

    // merge state
    boolean started;
    AuditEvent head;
    int keptAt;
    PriorityQueue<RunReader> runHeap;
    List<RunReader> openRuns;
    BlockingQueue<Object> queue;
    Thread thread;
    long delivered;

    Source(Path file, int index) {
      this.file = file;
      this.index = index;
    }

    void count(long t) {
      events++;
      if ((++scanned & 4095) == 0) currentSink.onScanned(scanned);
      if (t < firstTime) firstTime = t;
      if (t > lastTime) lastTime = t;
    }

    void releaseKept() {
      if (kept == null) return;
      budget.release(keptBytes);
      budget.holders.remove(this);
      kept = null;
      keptBytes = 0;
    }

    /** Writes the records kept in memory as a run (they are sorted), freeing their budget. */
    void spillKept() {
      if (kept == null) return;
      runs.add(writeRun(this, kept));
      releaseKept();
    }

    /** Merges the oldest {@code maxFanIn} runs into one. */
    void compactRuns() {
      List<Path> group = new ArrayList<>(runs.subList(0, Math.min(options.maxFanIn(), runs.size())));
      List<RunReader> readers = new ArrayList<>();
      try {
        PriorityQueue<RunReader> heap = new PriorityQueue<>(Comparator.comparing((RunReader r) -> r.head,
            EventOrder.CANONICAL));
        for (Path p : group) {
          RunReader r = new RunReader(p);
          readers.add(r);
          if (r.advance()) heap.add(r);
        }
        Path merged = spillDir.resolve(String.format(Locale.ROOT, "run-%06d.bin", runCounter++));
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(merged), 1 << 16))) {
          while (!heap.isEmpty()) {
            RunReader r = heap.poll();
            EventCodec.write(out, r.head);
            if (r.advance()) heap.add(r);
          }
          EventCodec.writeEnd(out);
        }
        for (RunReader r : readers) r.close();
        for (Path p : group) Files.deleteIfExists(p);
        runs.removeAll(group);
        runs.add(0, merged);
        mergedRuns += group.size() - 1;
        spilledBytes += Files.size(merged);
      } catch (IOException e) {
        for (RunReader r : readers) r.close();
        throw new SpillFailure("cannot merge sort runs in " + spillDir + ": " + e.getMessage(), e);
      }
    }

    /** Makes the first event the head; false when the file has none. */
    boolean start(Sink sink) throws InterruptedException {
      started = true;
      if (kept != null) {
        keptAt = 0;
      } else if (!runs.isEmpty()) {
        runHeap = new PriorityQueue<>(Comparator.comparing((RunReader r) -> r.head, EventOrder.CANONICAL));
        openRuns = new ArrayList<>();
        try {
          for (Path p : runs) {
            RunReader r = new RunReader(p);
            openRuns.add(r);
            if (r.advance()) runHeap.add(r);
          }
        } catch (IOException e) {
          throw new SpillFailure("cannot open a sort run: " + e.getMessage(), e);
        }
      } else {
        startParsing();
      }
      return advance(sink);
    }

    boolean advance(Sink sink) throws InterruptedException {
      if (kept != null) {
        head = keptAt < kept.size() ? kept.get(keptAt) : null;
        if (head != null) kept.set(keptAt++, null); // handed on: let it go
      } else if (runHeap != null) {
        RunReader r = runHeap.poll();
        if (r == null) {
          head = null;
        } else {
          head = r.head;
          if (r.advance()) runHeap.add(r);
        }
      } else {
        Object o = queue.take();
        if (o instanceof RuntimeException ex) throw ex;
        head = o == END ? null : (AuditEvent) o;
      }
      if (head != null) {
        delivered++;
      } else if (delivered != events) {
        sink.onWarning(file.toString(), String.format(Locale.ROOT, "the second read gave %,d records, the first %,d: "
            + "did the file change while it was read?", delivered, events));
      }
      return head != null;
    }

    /** Parses the (in-order) file again in a thread; records of equal time leave it in canonical order. */
    private void startParsing() {
      BlockingQueue<Object> q = new ArrayBlockingQueue<>(1024);
      queue = q;
      thread = new Thread(() -> {
        List<AuditEvent> ties = new ArrayList<>();
        try (InputStream in = open.apply(file)) {
          new InputReader().read(in, file.toString(), new ParseListener() {
            @Override public void onEvent(AuditEvent e) {
              if (!ties.isEmpty() && !ties.get(0).eventTime.equals(e.eventTime)) flush(ties, q);
              ties.add(e);
            }
            @Override public void onReject(Rejection r) { } // reported in phase 1
          });
          flush(ties, q);
          put(q, END);
        } catch (IOException | RuntimeException e) {
          if (!(e instanceof Interrupted)) {
            put(q, new UncheckedIOException(new IOException("could not read " + file + " again: " + e.getMessage(), e)));
          }
        }
      }, "order-read-" + file.getFileName());
      thread.setDaemon(true);
      thread.start();
    }

    void close() {
      if (thread != null) thread.interrupt();
      if (openRuns != null) for (RunReader r : openRuns) r.close();
      for (Path p : runs) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // the directory goes at the end
        }
      }
      kept = null;
    }
  }

  private static void flush(List<AuditEvent> ties, BlockingQueue<Object> q) {
    if (ties.size() > 1) ties.sort(EventOrder.CANONICAL);
    for (AuditEvent t : ties) put(q, t);
    ties.clear();
  }

  /** A reader thread's put was interrupted: the merge is over. */
  private static final class Interrupted extends RuntimeException {
    Interrupted() {
      super(null, null, false, false);
    }
  }

  private static void put(BlockingQueue<Object> q, Object o) {
    try {
      q.put(o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Interrupted();
    }
  }

  private static final class RunReader {
    final DataInputStream in;
    AuditEvent head;

    RunReader(Path p) throws IOException {
      in = new DataInputStream(new BufferedInputStream(Files.newInputStream(p), 1 << 16));
    }

    boolean advance() {
      try {
        head = EventCodec.read(in);
      } catch (IOException e) {
        throw new SpillFailure("cannot read a sort run: " + e.getMessage(), e);
      }
      return head != null;
    }

    void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // read only
      }
    }
  }

  private void merge(List<Source> sources, Sink sink) throws InterruptedException {
    // a source not started yet sorts by its first event time, before any started head of the same time
    Comparator<Source> order = (a, b) -> {
      long ta = a.started ? a.head.eventTime.toEpochMilli() : a.firstTime;
      long tb = b.started ? b.head.eventTime.toEpochMilli() : b.firstTime;
      int c = Long.compare(ta, tb);
      if (c != 0) return c;
      if (!a.started || !b.started) {
        c = Boolean.compare(a.started, b.started);
        return c != 0 ? c : Integer.compare(a.index, b.index);
      }
      c = EventOrder.compare(a.head, b.head);
      return c != 0 ? c : Integer.compare(a.index, b.index);
    };
    PriorityQueue<Source> heap = new PriorityQueue<>(order);
    for (Source s : sources) if (s.events > 0) heap.add(s);
    while (!heap.isEmpty()) {
      Source s = heap.poll();
      if (!s.started) {
        if (s.start(sink)) heap.add(s);
        else s.close();
        continue;
      }
      sink.onEvent(s.head);
      if (s.advance(sink)) heap.add(s);
      else s.close();
    }
  }
}
