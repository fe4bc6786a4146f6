package io.ualwatch.connector;

import io.ualwatch.testkit.EmbeddedKafka;
import io.ualwatch.testkit.connect.EmbeddedConnect;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.ContentBlob;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Records/s through emulator -> connector (in an embedded Connect worker) -> broker. Not part of the suite (the
 * name matches no surefire include). Run:
 * {@code ./mvnw -q -B -pl modules/connector -am test -Dtest=ManagementActivityThroughputBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbench.records=200000}; the result is in
 * modules/connector/target/surefire-reports/*ThroughputBench-output.txt and on stdout of the fork.
 */
class ManagementActivityThroughputBench {
  static final String TENANT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

  @Test
  void throughput() throws Exception {
    int records = Integer.getInteger("bench.records", 200_000);
    int perBlob = Integer.getInteger("bench.perBlob", 500);
    int blobs = records / perBlob / 4;
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Duration span = Duration.ofHours(20);
    FixtureTenant tenant = FixtureTenant.synthetic(TENANT, 1).between(now.minus(span), now.minusSeconds(120))
        .blobEvery(span.minusSeconds(120).dividedBy(blobs)).recordsPerBlob(perBlob).duplicateRate(0.01).build();
    long total = 0;
    long bytes = 0;
    for (ContentBlob b : tenant.allBlobs()) {
      total += b.records().size();
      for (String r : b.records()) bytes += r.length();
    }
    Path dir = Files.createTempDirectory("bench-connect");
    try (EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        M365Emulator emu = M365Emulator.builder().tenant(tenant).app(AppRegistration.withSecret("bench", "bench-secret"))
            .pageSize(100).start()) {
      kafka.createTopic("ualwatch.audit.raw", 4);
      kafka.createTopic("ualwatch.connect.heartbeat", 1);
      Map<String, String> cfg = new HashMap<>(ConnectorProfiles.activityOnEmulator(emu.baseUrl(), List.of(TENANT), "bench",
          "bench-secret"));
      cfg.put("start.lookback.ms", Long.toString(Duration.ofHours(21).toMillis()));
      cfg.put("window.size.ms", Long.toString(Duration.ofHours(6).toMillis()));
      // End offsets count feed clock records too: with one clock per task per day (key hashing: one partition),
      // each of the tasks writes exactly one during the run, which is taken off.
      cfg.put("clock.interval.ms", Long.toString(Duration.ofDays(1).toMillis()));
      int clocks = Integer.parseInt(cfg.get("tasks.max"));
      try (EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).stateDir(dir).start();
          Admin admin = kafka.admin()) {
        long t0 = System.nanoTime();
        connect.putConnector("bench", cfg);
        long got = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (got < total + clocks && System.nanoTime() < deadline) {
          Thread.sleep(200);
          Map<TopicPartition, OffsetSpec> q = new HashMap<>();
          for (int p = 0; p < 4; p++) q.put(new TopicPartition("ualwatch.audit.raw", p), OffsetSpec.latest());
          got = admin.listOffsets(q).all().get().values().stream().mapToLong(x -> x.offset()).sum();
        }
        got = Math.max(0, got - clocks);
        double secs = (System.nanoTime() - t0) / 1e9;
        String line = String.format("BENCH records=%d bytes=%d (%.0f MB) seconds=%.1f records/s=%.0f MB/s=%.1f cores=%d java=%s",
            got, bytes, bytes / 1e6, secs, got / secs, bytes / 1e6 / secs, Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version"));
        System.out.println(line);
        Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "ualwatch-connector-bench.txt"), line + "\n");
        if (got < total) throw new AssertionError("only " + got + " of " + total + " records arrived");
      }
    }
  }
}
