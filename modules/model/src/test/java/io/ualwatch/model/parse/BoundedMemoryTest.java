package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import io.ualwatch.model.AuditEvent;
import org.junit.jupiter.api.Test;

/**
 * Memory stays bounded whatever the input size: a forked JVM with a 64 MiB heap reads a generated ~230 MB stream
 * (about 140,000 NDJSON records of ~1.5 KB, with a 50 MB garbage line in the middle). Holding the input, or even a
 * tenth of it, would not fit.
 */
class BoundedMemoryTest {
  static final int RECORDS = 140_000;

  @Test
  void readsAHugeStreamWithASmallHeap() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    assertEquals(true, done, "forked reader finished");
    assertEquals(0, p.exitValue(), out);
    String[] last = out.lines().reduce((a, b) -> b).orElse("").split(" ");
    assertEquals("events=" + RECORDS, last[0], out);
    assertEquals("rejections=1", last[1], out);
    long bytes = Long.parseLong(last[2].substring("bytes=".length()));
    assertEquals(true, bytes > 200_000_000L, out);
  }

  /** Runs in the forked JVM. */
  public static final class Main {
    public static void main(String[] args) {
      AtomicLong events = new AtomicLong();
      AtomicLong rejections = new AtomicLong();
      GeneratedStream in = new GeneratedStream()
          .records(RECORDS / 2, TestRecords::mailItemsAccessed)
          .text("{\"pad\":\"").run('q', 50L << 20).text("\"}\n")
          .records(RECORDS / 2, n -> TestRecords.mailItemsAccessed(RECORDS + n));
      new InputReader().read(in, "huge.ndjson", new ParseListener() {
        @Override public void onEvent(AuditEvent e) { events.incrementAndGet(); }
        @Override public void onReject(Rejection r) { rejections.incrementAndGet(); }
      });
      System.out.println("events=" + events + " rejections=" + rejections + " bytes=" + in.served());
    }
  }
}
