package io.ualwatch.model.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ordered reader hands out the same sequence for any arrangement of the same records: files sorted oldest
 * first, newest first, shuffled, split differently, renamed; in memory or through sorted runs on disk (with merges
 * of at most two runs at a time), and when an in-order prefix too big to keep is followed by a step back in time
 * (the file is read again). Rejections are reported once; the temporary directory is empty afterwards.
 */
class OrderedReaderTest {
  static final String TENANT = "0c0ffee0-0000-4000-8000-0000000000aa";
  static final long BASE = Instant.parse("2025-03-03T00:00:00Z").getEpochSecond();

  @TempDir
  Path dir;

  /** A minimal MailItemsAccessed record; several records share a time (n / 3). */
  static String record(int n, long offsetSeconds) {
    String time = Instant.ofEpochSecond(BASE + offsetSeconds).toString().replace("Z", "");
    return "{\"CreationTime\":\"" + time + "\",\"Id\":\"" + String.format("6f1e0c2a-0000-4000-8000-%012d", n) + "\","
        + "\"Operation\":\"MailItemsAccessed\",\"OrganizationId\":\"" + TENANT + "\",\"RecordType\":50,"
        + "\"ResultStatus\":\"Succeeded\",\"UserType\":0,\"Workload\":\"Exchange\",\"UserId\":\"user" + (n % 17)
        + "@contoso.example\",\"MailboxOwnerUPN\":\"user" + (n % 17) + "@contoso.example\",\"ClientIPAddress\":\"203.0.113."
        + (n % 250) + "\",\"LogonType\":0,\"OperationCount\":1}";
  }

  /** 3,000 records over ten days; a third of them share their time with another. */
  static List<String> records() {
    Random rnd = new Random(7);
    List<String> l = new ArrayList<>();
    for (int n = 0; n < 3000; n++) l.add(record(n, n % 3 == 0 && n > 0 ? (long) (rnd.nextDouble() * 10 * 86400) / 60 * 60
        : (long) (rnd.nextDouble() * 10 * 86400)));
    return l;
  }

  static long timeOf(String json) {
    int i = json.indexOf("\"CreationTime\":\"") + 16;
    return Instant.parse(json.substring(i, i + 19) + "Z").toEpochMilli();
  }

  Path write(String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }

  /** The canonical sequence as (time id raw), from reading each file on its own and sorting everything. */
  static List<String> expected(List<Path> files) throws IOException {
    List<AuditEvent> all = new ArrayList<>();
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        new InputReader().read(in, f.toString(), new ParseListener() {
          @Override public void onEvent(AuditEvent e) { all.add(e); }
          @Override public void onReject(Rejection r) { }
        });
      }
    }
    all.sort(EventOrder.CANONICAL);
    List<String> out = new ArrayList<>();
    for (AuditEvent e : all) out.add(e.eventTime + " " + e.recordId + " " + e.raw);
    return out;
  }

  record Result(List<String> sequence, long rejections, OrderedReader.Summary summary) {}

  Result read(List<Path> files, OrderedReader.Options options) throws InterruptedException {
    List<String> seq = new ArrayList<>();
    AtomicLong rejections = new AtomicLong();
    OrderedReader.Summary s = new OrderedReader(files, OrderedReaderTest::open, options).run(new OrderedReader.Sink() {
      @Override public void onEvent(AuditEvent e) { seq.add(e.eventTime + " " + e.recordId + " " + e.raw); }
      @Override public void onReject(Rejection r) { rejections.incrementAndGet(); }
    });
    return new Result(seq, rejections.get(), s);
  }

  static InputStream open(Path p) {
    try {
      return Files.newInputStream(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  OrderedReader.Options tiny() throws IOException {
    return new OrderedReader.Options(48 * 1024, Files.createDirectories(dir.resolve("spill")), 2);
  }

  @Test
  void everyArrangementOfTheSameRecordsGivesTheSameSequence() throws Exception {
    List<String> recs = records();
    List<String> sorted = new ArrayList<>(recs);
    sorted.sort((a, b) -> Long.compare(timeOf(a), timeOf(b)));
    List<String> newestFirst = new ArrayList<>(sorted);
    Collections.reverse(newestFirst);
    List<String> shuffled = new ArrayList<>(recs);
    Collections.shuffle(shuffled, new Random(3));

    // one arrangement: an oldest-first half, a newest-first half with garbage lines, and duplicates of 200 records
    List<String> half1 = new ArrayList<>(sorted.subList(0, 1500));
    List<String> half2 = new ArrayList<>(newestFirst.subList(0, 1500));
    for (int k = 0; k < 5; k++) half2.add(k * 300, "not json " + (k * 300));
    List<String> dupes = new ArrayList<>(shuffled.subList(0, 200));
    List<Path> a = List.of(write("a/1-old.ndjson", half1), write("a/2-new.ndjson", half2), write("a/3-dup.ndjson", dupes));
    // the same records otherwise: one shuffled file, the duplicates first, names reversed
    List<String> rest = new ArrayList<>(shuffled);
    for (int i = 0; i < 5; i++) rest.add(i * 10, "not json " + (i * 300));
    List<Path> b = List.of(write("b/z-dup.ndjson", dupes), write("b/a-all.ndjson", rest));

    List<String> want = expected(a);
    assertEquals(want, expected(b), "the test's two arrangements hold the same records");
    assertEquals(3200, want.size());
    for (OrderedReader.Options o : List.of(OrderedReader.Options.defaults(), tiny())) {
      Result ra = read(a, o);
      Result rb = read(b, o);
      assertEquals(want, ra.sequence(), "arrangement a, memory " + o.memoryBytes());
      assertEquals(want, rb.sequence(), "arrangement b, memory " + o.memoryBytes());
      assertEquals(5, ra.rejections(), "each bad line reported once");
      assertEquals(5, rb.rejections(), "each bad line reported once");
      assertEquals(2, ra.summary().unorderedFiles(), ra.summary().toString());
    }
    Result small = read(a, tiny());
    assertTrue(small.summary().runs() > 10, "a 48 KB budget sorts through runs on disk: " + small.summary());
    assertTrue(small.summary().peakMemoryBytes() <= 48 * 1024 + 4096, "budget kept: " + small.summary());
    try (var l = Files.list(dir.resolve("spill"))) {
      assertEquals(0, l.count(), "no run left behind");
    }
  }

  @Test
  void aLongInOrderPrefixThenAStepBackIsReadAgainAndSorted() throws Exception {
    List<String> recs = records();
    List<String> sorted = new ArrayList<>(recs);
    sorted.sort((x, y) -> Long.compare(timeOf(x), timeOf(y)));
    // 2,900 in order (more than the budget keeps), a bad line, then the 100 oldest again at the end
    List<String> lines = new ArrayList<>(sorted.subList(100, 3000));
    lines.add(1000, "{\"broken\": ");
    lines.addAll(sorted.subList(0, 100));
    lines.add("still not json");
    List<Path> files = List.of(write("late-tail.ndjson", lines));
    Result r = read(files, tiny());
    assertEquals(expected(files), r.sequence());
    assertEquals(2, r.rejections(), "the bad line before the step back is not reported twice");
    assertEquals(1, r.summary().unorderedFiles());
  }

  @Test
  void inOrderFilesTooBigForTheBudgetAreParsedAgainInTheMerge() throws Exception {
    List<String> recs = records();
    List<String> sorted = new ArrayList<>(recs);
    sorted.sort((x, y) -> Long.compare(timeOf(x), timeOf(y)));
    List<String> even = new ArrayList<>();
    List<String> odd = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) (i % 2 == 0 ? even : odd).add(sorted.get(i));
    List<Path> files = List.of(write("even.ndjson", even), write("odd.ndjson", odd));
    Result r = read(files, tiny());
    assertEquals(expected(files), r.sequence());
    assertEquals(0, r.summary().unorderedFiles());
    assertEquals(0, r.summary().runs(), "in-order files need no runs");
  }
}
