package io.ualwatch.bench;

import java.util.Arrays;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A quick, noise-tolerant check of normalization vs. the Jackson reference on a shared machine: short alternating
 * bursts of each, medians compared. Not a substitute for the JMH run; a tool for profiling sessions.
 * {@code java -cp modules/bench/target/benchmarks.jar io.ualwatch.bench.RatioProbe [seconds]}
 */
public final class RatioProbe {
  private RatioProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    ParserThroughputBenchmark b = new ParserThroughputBenchmark();
    b.setup();
    Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    String[] names = {"ndjsonNormalize", "ndjsonJacksonReadTree", "csvNormalize", "csvJacksonReadTree",
        "kafkaValueNormalize"};
    int rounds = Math.max(4, seconds * 2 / names.length);
    double[][] rates = new double[names.length][rounds];
    for (int r = -2; r < rounds; r++) {
      for (int k = 0; k < names.length; k++) {
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < 500_000_000L) {
          switch (k) {
            case 0 -> b.ndjsonNormalize(bh);
            case 1 -> b.ndjsonJacksonReadTree(bh);
            case 2 -> b.csvNormalize(bh);
            case 3 -> b.csvJacksonReadTree(bh);
            default -> b.kafkaValueNormalize(bh);
          }
          n += ParserThroughputBenchmark.RECORDS;
        }
        if (r >= 0) rates[k][r] = n / ((System.nanoTime() - t0) / 1e9);
      }
    }
    double[] med = new double[names.length];
    for (int k = 0; k < names.length; k++) {
      double[] s = rates[k].clone();
      Arrays.sort(s);
      med[k] = s[s.length / 2];
      System.out.printf("%-24s %,12.0f records/s (median of %d)%n", names[k], med[k], rounds);
    }
    System.out.printf("ndjson ratio %.0f%%, csv ratio %.0f%%, kafka-value ratio %.0f%%%n", 100 * med[0] / med[1],
        100 * med[2] / med[3], 100 * med[4] / med[3]);
  }
}
