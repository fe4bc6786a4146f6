package io.ualwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseLimits;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.RecordNormalizer;
import io.ualwatch.model.parse.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Normalized records per second on one core, for the UAL NDJSON feed (about 1.5 KB MailItemsAccessed records)
 * and the Purview CSV export of the same records, beside the reference: a bare Jackson {@code readTree} of the
 * same JSON bytes. Scores are records/s ({@link OperationsPerInvocation} = records per input).
 *
 * <ul>
 *   <li>{@code ndjsonNormalize}: {@link InputReader} over the NDJSON bytes: format detection, byte splitting,
 *       parsing, normalization into {@link AuditEvent}, raw text kept.
 *   <li>{@code ndjsonJacksonReadTree}: Jackson reading the same NDJSON bytes as a sequence of trees (its own
 *       splitting), nothing else.
 *   <li>{@code csvNormalize}: {@link InputReader} over the Purview CSV export (RFC 4180 splitting, unquoting the
 *       AuditData cell, then the same normalization).
 *   <li>{@code csvJacksonReadTree}: Jackson {@code readTree} of each AuditData JSON, already cut out of the CSV:
 *       the least any CSV reader must do.
 *   <li>{@code kafkaValueNormalize}: {@link RecordNormalizer#normalizeBytes} per record (the Flink job's path).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ParserThroughputBenchmark {
  public static final int RECORDS = 2000;

  byte[] ndjson;
  byte[] csv;
  byte[][] records;
  ObjectMapper mapper;
  InputReader reader;
  RecordNormalizer normalizer;

  @Setup(Level.Trial)
  public void setup() {
    StringBuilder nd = new StringBuilder();
    StringBuilder cs = new StringBuilder("\uFEFFRecordId,CreationDate,RecordType,Operation,UserId,AuditData,"
        + "AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n");
    records = new byte[RECORDS][];
    long size = 0;
    for (int i = 0; i < RECORDS; i++) {
      String r = Records.mailItemsAccessed(i);
      records[i] = r.getBytes(StandardCharsets.UTF_8);
      size += records[i].length;
      nd.append(r).append('\n');
      cs.append("6f1e0c2a-0000-4000-8000-").append(String.format("%012d", i)).append(",3/4/2025 9:14:07 AM,50,")
          .append("MailItemsAccessed,user").append(i % 97).append("@contoso.example,\"")
          .append(r.replace("\"", "\"\"")).append("\",,\r\n");
    }
    ndjson = nd.toString().getBytes(StandardCharsets.UTF_8);
    csv = cs.toString().getBytes(StandardCharsets.UTF_8);
    mapper = new ObjectMapper();
    reader = new InputReader(ParseLimits.DEFAULT);
    normalizer = reader.normalizer();
    if (size / RECORDS < 1300 || size / RECORDS > 1700) throw new IllegalStateException("record size " + size / RECORDS);
    // the inputs must normalize completely, or the scores mean nothing
    Counter c = new Counter(null);
    reader.read(new ByteArrayInputStream(ndjson), "bench.ndjson", c);
    reader.read(new ByteArrayInputStream(csv), "bench.csv", c);
    if (c.events != 2L * RECORDS || c.rejections != 0) {
      throw new IllegalStateException("bench inputs: " + c.events + " events, " + c.rejections + " rejections");
    }
  }

  /** Counts and consumes events so nothing is optimized away. */
  static final class Counter implements ParseListener {
    final Blackhole bh;
    long events;
    long rejections;

    Counter(Blackhole bh) {
      this.bh = bh;
    }

    @Override public void onEvent(AuditEvent e) {
      events++;
      if (bh != null) bh.consume(e);
    }

    @Override public void onReject(Rejection r) {
      rejections++;
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long ndjsonNormalize(Blackhole bh) {
    Counter c = new Counter(bh);
    reader.read(new ByteArrayInputStream(ndjson), "bench.ndjson", c);
    return c.events;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long ndjsonJacksonReadTree(Blackhole bh) throws IOException {
    long n = 0;
    try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(ndjson)) {
      while (it.hasNext()) {
        bh.consume(it.next());
        n++;
      }
    }
    return n;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long csvNormalize(Blackhole bh) {
    Counter c = new Counter(bh);
    reader.read(new ByteArrayInputStream(csv), "bench.csv", c);
    return c.events;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long csvJacksonReadTree(Blackhole bh) throws IOException {
    for (byte[] r : records) bh.consume(mapper.readTree(r));
    return records.length;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long kafkaValueNormalize(Blackhole bh) {
    Counter c = new Counter(bh);
    for (byte[] r : records) normalizer.normalizeBytes(r, 0, r.length, "topic/0@1", "kafka", c);
    return c.events;
  }
}
