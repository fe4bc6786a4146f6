package io.ualwatch.engine;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputFormat;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * Reads many input files as one stream merged by event time, the way Flink reads many partitions: each open
 * file is parsed in its own thread, the next event handed out is the earliest head among the files, and the
 * watermark is the minimum over unfinished files of (latest event time read from the file − out-of-orderness).
 * A file not opened yet holds the watermark at its first event time, so an audit export and a sign-in export
 * of the same weeks are interleaved instead of read one after the other. A file that goes back in time by more
 * than the bound (e.g. an export sorted newest first) holds the watermark until it is finished.
 *
 * <p>Memory stays bounded by the files open at once (those overlapping in time) and their queues.
 */
public final class TimeMergedReader {
  /** Receives events in merged order, watermarks, and everything else the readers report. */
  public interface Sink extends ParseListener {
    /** Called after events whenever the merged watermark advanced. */
    void onWatermark(long watermark);
  }

  private static final Object END = new Object();

  private final List<Path> files;
  private final Function<Path, InputStream> open;
  private final long outOfOrdernessMs;
  private final int queueSize;

  public TimeMergedReader(List<Path> files, Function<Path, InputStream> open, long outOfOrdernessMs) {
    this.files = files;
    this.open = open;
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.queueSize = 2048;
  }

  private final class Source implements Comparable<Source> {
    final Path file;
    final int index;
    long firstTime = Long.MIN_VALUE;
    BlockingQueue<Object> queue;
    Thread thread;
    AuditEvent head;
    long maxSeen = Long.MIN_VALUE;
    boolean unordered;
    boolean done;

    Source(Path file, int index) {
      this.file = file;
      this.index = index;
    }

    long headTime() {
      return head != null ? head.eventTime.toEpochMilli() : firstTime;
    }

    /** This file's contribution to the watermark. */
    long watermark() {
      if (done) return Long.MAX_VALUE;
      if (queue == null) return firstTime == Long.MAX_VALUE ? Long.MAX_VALUE : firstTime - outOfOrdernessMs;
      if (unordered || maxSeen == Long.MIN_VALUE) return Long.MIN_VALUE;
      return maxSeen - outOfOrdernessMs;
    }

    @Override
    public int compareTo(Source o) {
      int c = Long.compare(headTime(), o.headTime());
      return c != 0 ? c : Integer.compare(index, o.index);
    }
  }

  /** Reads everything; the sink gets events in merged order. */
  public void run(Sink sink) throws InterruptedException {
    List<Source> sources = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) sources.add(new Source(files.get(i), i));
    for (Source s : sources) s.firstTime = firstEventTime(s.file);
    PriorityQueue<Source> heap = new PriorityQueue<>();
    for (Source s : sources) {
      if (s.firstTime == Long.MAX_VALUE) {
        // no events at all (empty, or only rejections): read it now so its rejections are reported
        start(s, sink);
        drainWithoutEvents(s, sink);
      } else {
        heap.add(s);
      }
    }
    long lastWatermark = Long.MIN_VALUE;
    while (!heap.isEmpty()) {
      Source s = heap.poll();
      if (s.queue == null) {
        start(s, sink);
        if (!advance(s, sink)) {
          s.done = true;
          lastWatermark = emitWatermark(sources, lastWatermark, sink);
          continue;
        }
        heap.add(s);
        continue;
      }
      AuditEvent e = s.head;
      sink.onEvent(e);
      long t = e.eventTime.toEpochMilli();
      if (t > s.maxSeen) s.maxSeen = t;
      if (!advance(s, sink)) {
        s.done = true;
      } else {
        long next = s.head.eventTime.toEpochMilli();
        if (next < s.maxSeen - outOfOrdernessMs && !s.unordered) {
          s.unordered = true;
          sink.onWarning(s.file.toString(), "records go back in time by more than the out-of-orderness bound "
              + "(sorted newest first?); its records are held until the file is finished, which costs memory");
        }
        heap.add(s);
      }
      lastWatermark = emitWatermark(sources, lastWatermark, sink);
    }
  }

  private long emitWatermark(List<Source> sources, long last, Sink sink) {
    long wm = Long.MAX_VALUE;
    for (Source s : sources) wm = Math.min(wm, s.watermark());
    if (wm > last && wm != Long.MAX_VALUE) {
      sink.onWatermark(wm);
      return wm;
    }
    return last;
  }

  /** Takes the next event of a started source into its head; false at its end. */
  private boolean advance(Source s, Sink sink) throws InterruptedException {
    while (true) {
      Object o = s.queue.take();
      if (o == END) {
        s.head = null;
        return false;
      }
      if (o instanceof AuditEvent e) {
        s.head = e;
        return true;
      }
      if (o instanceof Rejection r) sink.onReject(r);
      else if (o instanceof Object[] msg) {
        if ("format".equals(msg[0])) sink.onFormat((String) msg[1], (InputFormat) msg[2]);
        else sink.onWarning((String) msg[1], (String) msg[2]);
      }
    }
  }

  private void drainWithoutEvents(Source s, Sink sink) throws InterruptedException {
    while (advance(s, sink)) sink.onEvent(s.head);
    s.done = true;
  }

  private void start(Source s, Sink sink) {
    BlockingQueue<Object> q = new ArrayBlockingQueue<>(queueSize);
    s.queue = q;
    s.thread = new Thread(() -> {
      try (InputStream in = open.apply(s.file)) {
        new InputReader().read(in, s.file.toString(), new ParseListener() {
          @Override public void onEvent(AuditEvent e) { put(q, e); }
          @Override public void onReject(Rejection r) { put(q, r); }
          @Override public void onFormat(String origin, InputFormat format) {
            put(q, new Object[] {"format", origin, format});
          }
          @Override public void onWarning(String origin, String message) {
            put(q, new Object[] {"warning", origin, message});
          }
        });
      } catch (IOException | RuntimeException e) {
        put(q, new Rejection(io.ualwatch.model.parse.RejectReason.UNREADABLE,
            "could not read " + s.file + ": " + e.getMessage(), s.file.toString(), null));
      } finally {
        put(q, END);
      }
    }, "read-" + s.file.getFileName());
    s.thread.setDaemon(true);
    s.thread.start();
  }

  private static void put(BlockingQueue<Object> q, Object o) {
    try {
      q.put(o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The event time of a file's first event (reading as little as needed), or Long.MAX_VALUE when it has none. */
  private long firstEventTime(Path file) {
    long[] first = {Long.MAX_VALUE};
    class Found extends RuntimeException {
      Found() {
        super(null, null, false, false);
      }
    }
    try (InputStream in = open.apply(file)) {
      new InputReader().read(in, file.toString(), new ParseListener() {
        @Override public void onEvent(AuditEvent e) {
          first[0] = e.eventTime.toEpochMilli();
          throw new Found();
        }
        @Override public void onReject(Rejection r) {}
      });
    } catch (Found f) {
      // stop reading at the first event
    } catch (IOException | RuntimeException e) {
      // the real read reports it
    }
    return first[0];
  }

  /** Opens files, gzip or not; the reader detects compression itself. */
  public static InputStream openFile(Path p) {
    try {
      return Files.newInputStream(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
