package io.ualwatch.model.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ualwatch.model.AuditEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of every parser over the golden and mixed-folder inputs: byte flips, insertions of JSON
 * and CSV syntax, deletions, duplications, truncations, splices and gzip wrapping. Every mutated input must end as
 * events and rejections: the reader never throws, no rejection is an INTERNAL_ERROR (a parser bug), every event has
 * its mandatory fields. Bounded time (about 12 s), deterministic seed: a failure names the iteration and leaves the
 * input under target/fuzz-failures for replay.
 */
class ParserFuzzTest {
  static final long SEED = 0x5eed_2025L;
  static final long BUDGET_NANOS = 12_000_000_000L;
  static final int MAX_ITERATIONS = 200_000;
  private static final byte[][] TOKENS = {
      "\"".getBytes(), "{".getBytes(), "}".getBytes(), "[".getBytes(), "]".getBytes(), ",".getBytes(),
      ":".getBytes(), "\n".getBytes(), "\r\n".getBytes(), "\\".getBytes(), "\"\"".getBytes(), "\0".getBytes(),
      {(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, "null".getBytes(),
      "{\"records\":[".getBytes(), "{\"value\":[".getBytes(), "\"AuditData\":".getBytes(),
      "\"CreationTime\":\"2025-03-04T09:14:07\",".getBytes(), "\"RawEventData\":\"{".getBytes(),
      "1e999999".getBytes(), "-0".getBytes(), "\"properties\":".getBytes(), "\"category\":\"SignInLogs\",".getBytes(),
      "[".repeat(80).getBytes(), "sep=;\n".getBytes(), "\t".getBytes(), ";".getBytes()};

  @Test
  void mutatedInputsEndAsEventsAndRejectionsOnly() throws IOException {
    List<byte[]> corpus = corpus();
    assertTrue(corpus.size() >= 40, "corpus of golden and mixed inputs");
    Random rnd = new Random(SEED);
    InputReader reader = new InputReader(ParseLimits.DEFAULT.withMaxRecordBytes(256 * 1024));
    RecordNormalizer normalizer = reader.normalizer();
    long start = System.nanoTime();
    int iterations = 0;
    long events = 0;
    long rejections = 0;
    while (iterations < MAX_ITERATIONS && System.nanoTime() - start < BUDGET_NANOS) {
      byte[] input = mutate(corpus, rnd);
      Invariants inv = new Invariants();
      try {
        reader.read(new ByteArrayInputStream(input), "fuzz-" + iterations, inv);
        if (input.length < 64 * 1024) normalizer.normalizeBytes(input, 0, input.length, "fuzz-kafka", "kafka", inv);
      } catch (Throwable t) {
        save(iterations, input);
        fail("iteration " + iterations + " threw " + t, t);
      }
      if (inv.problem != null) {
        save(iterations, input);
        fail("iteration " + iterations + ": " + inv.problem);
      }
      events += inv.events;
      rejections += inv.rejections;
      iterations++;
    }
    assertTrue(iterations > 1000, "fuzzed " + iterations + " inputs");
    assertTrue(events > 0 && rejections > 0, "events=" + events + " rejections=" + rejections);
    System.out.println("fuzz: " + iterations + " inputs, " + events + " events, " + rejections + " rejections");
  }

  @Test
  void unmutatedCorpusHasNoInternalErrors() throws IOException {
    for (byte[] input : corpus()) {
      Invariants inv = new Invariants();
      new InputReader().read(new ByteArrayInputStream(input), "corpus", inv);
      assertEquals(null, inv.problem);
    }
  }

  private static final class Invariants implements ParseListener {
    String problem;
    long events;
    long rejections;

    @Override
    public void onEvent(AuditEvent e) {
      events++;
      if (e.eventTime == null || e.recordId == null || e.source == null || e.origin == null || e.tenantId == null
          || e.outcome == null || e.operationCount < 1) {
        problem = "event without a mandatory field: " + e;
      }
    }

    @Override
    public void onReject(Rejection r) {
      rejections++;
      if (r.reason() == RejectReason.INTERNAL_ERROR) problem = "parser bug: " + r.message() + " at " + r.origin();
      if (r.origin() == null || r.message() == null) problem = "rejection without origin or message: " + r;
      if (r.raw() != null && r.raw().length() > Rejection.MAX_RAW) problem = "raw text not truncated";
    }
  }

  static List<byte[]> corpus() throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (Path root : List.of(Path.of("src/test/resources/golden"), Path.of("src/test/resources/mixed-formats"))) {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
          if (!p.getFileName().toString().equals("expected.json")) out.add(Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  static byte[] mutate(List<byte[]> corpus, Random rnd) throws IOException {
    byte[] b = corpus.get(rnd.nextInt(corpus.size()));
    if (b.length > 2 && b[0] == (byte) 0x1f && b[1] == (byte) 0x8b && rnd.nextInt(4) != 0) {
      b = gunzip(b); // mutate the content most of the time, the compressed bytes sometimes
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 64);
    out.writeBytes(b);
    byte[] cur = out.toByteArray();
    int ops = 1 + rnd.nextInt(4);
    for (int i = 0; i < ops; i++) cur = op(cur, corpus, rnd);
    if (rnd.nextInt(12) == 0) cur = gzip(cur);
    return cur;
  }

  private static byte[] op(byte[] b, List<byte[]> corpus, Random rnd) {
    int n = b.length;
    int at = n == 0 ? 0 : rnd.nextInt(n);
    ByteArrayOutputStream o = new ByteArrayOutputStream(n + 128);
    switch (rnd.nextInt(8)) {
      case 0 -> { // flip bytes
        byte[] c = b.clone();
        for (int k = 0; k < 1 + rnd.nextInt(8) && n > 0; k++) c[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
        return c;
      }
      case 1, 2 -> { // insert a syntax token
        byte[] t = TOKENS[rnd.nextInt(TOKENS.length)];
        o.write(b, 0, at);
        o.writeBytes(t);
        o.write(b, at, n - at);
      }
      case 3 -> { // delete a range
        int len = Math.min(n - at, 1 + rnd.nextInt(64));
        o.write(b, 0, at);
        o.write(b, at + len, n - at - len);
      }
      case 4 -> { // duplicate a range
        int len = Math.min(n - at, 1 + rnd.nextInt(512));
        o.write(b, 0, at + len);
        o.write(b, at, n - at);
      }
      case 5 -> { // truncate
        return java.util.Arrays.copyOf(b, at);
      }
      case 6 -> { // splice with another input
        byte[] other = corpus.get(rnd.nextInt(corpus.size()));
        int from = other.length == 0 ? 0 : rnd.nextInt(other.length);
        o.write(b, 0, at);
        o.write(other, from, other.length - from);
      }
      default -> { // swap quote/newline style bytes
        byte[] c = b.clone();
        for (int k = 0; k < n; k++) {
          if (c[k] == '\n' && rnd.nextInt(10) == 0) c[k] = '\r';
          else if (c[k] == '"' && rnd.nextInt(50) == 0) c[k] = '\'';
        }
        return c;
      }
    }
    return o.toByteArray();
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(o)) {
      z.write(b);
    }
    return o.toByteArray();
  }

  private static byte[] gunzip(byte[] b) throws IOException {
    try (var z = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(b))) {
      return z.readAllBytes();
    }
  }

  private static void save(int iteration, byte[] input) {
    try {
      Path dir = Path.of("target/fuzz-failures");
      Files.createDirectories(dir);
      Files.write(dir.resolve("iteration-" + iteration + ".bin"), input);
    } catch (IOException ignored) {
      // best effort
    }
  }
}
