package io.ualwatch.model.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.Rejection;
import java.io.BufferedWriter;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ordering needs bounded memory, not memory in proportion to the input: a forked JVM with a 96 MiB heap orders a
 * 300 MB newest-first export (200,000 records of 1.5 KB, the way Purview lists them) with a 24 MB budget, and
 * hands out every record in event-time order. Holding the export, or a third of it, would not fit.
 */
class OrderedBoundedMemoryTest {
  static final int RECORDS = 200_000;

  @TempDir
  Path dir;

  @Test
  void aNewestFirstExportMuchBiggerThanTheHeapIsOrdered() throws Exception {
    Path file = dir.resolve("newest-first.ndjson");
    String pad = "x".repeat(1100);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int n = RECORDS - 1; n >= 0; n--) {
        String r = OrderedReaderTest.record(n, n * 7L);
        w.write(r.substring(0, r.length() - 1) + ",\"ClientInfoString\":\"" + pad + "\"}");
        w.write('\n');
      }
    }
    assertTrue(Files.size(file) > 250_000_000L, "the input is " + Files.size(file) + " bytes");
    Path spill = Files.createDirectories(dir.resolve("spill"));
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx96m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), Main.class.getName(), file.toString(), spill.toString()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "forked reader finished");
    assertEquals(0, p.exitValue(), out);
    System.out.println("forked ordering: " + out);
    String last = out.lines().reduce((a, b) -> b).orElse("");
    assertEquals("events=" + RECORDS + " inOrder=true rejections=0", last.substring(0, last.indexOf(" runs=")), out);
    try (var l = Files.list(spill)) {
      assertEquals(0, l.count(), "runs deleted");
    }
  }

  /** Runs in the forked JVM: orders the file, checks the order, prints counts. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      long[] n = {0, Long.MIN_VALUE, 0};
      boolean[] ok = {true};
      OrderedReader r = new OrderedReader(List.of(Path.of(args[0])), OrderedReaderTest::open,
          new OrderedReader.Options(24L << 20, Path.of(args[1]), 64));
      OrderedReader.Summary s = r.run(new OrderedReader.Sink() {
        @Override public void onEvent(AuditEvent e) {
          long t = e.eventTime.toEpochMilli();
          if (t < n[1]) ok[0] = false;
          n[1] = t;
          n[0]++;
        }
        @Override public void onReject(Rejection x) { n[2]++; }
      });
      System.out.println("events=" + n[0] + " inOrder=" + ok[0] + " rejections=" + n[2] + " runs=" + s.runs()
          + " spilledMB=" + (s.spilledBytes() >> 20) + " peakBudgetMB=" + (s.peakMemoryBytes() >> 20)
          + " maxHeapMB=" + (Runtime.getRuntime().maxMemory() >> 20));
    }
  }

}
