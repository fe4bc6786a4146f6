package io.ualwatch.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Expands files and folders (recursively, in name order; hidden files and scenario.properties skipped) and counts bytes read for progress. */
final class Inputs {
  private Inputs() {}

  static List<Path> expand(List<Path> args) {
    if (args == null || args.isEmpty()) throw new Main.UsageException("no input given: name files or folders to read");
    List<Path> out = new ArrayList<>();
    for (Path p : args) {
      if (!Files.exists(p)) throw new Main.UsageException("input not found: " + p);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p)) {
          // hidden files and the generator's settings file (generate --out DIR writes it beside the records) are
          // not input; named explicitly, any file is read
          s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
              .filter(f -> !f.getFileName().toString().equals(io.ualwatch.testkit.sim.ScenarioSpec.FILE))
              .sorted().forEach(out::add);
        } catch (IOException e) {
          throw new Main.UsageException("cannot list folder " + p + ": " + e.getMessage());
        }
      } else {
        if (!Files.isReadable(p)) throw new Main.UsageException("cannot read input " + p);
        out.add(p);
      }
    }
    if (out.isEmpty()) throw new Main.UsageException("no files found in " + args);
    return out;
  }

  static long totalBytes(List<Path> files) {
    long n = 0;
    for (Path f : files) {
      try {
        n += Files.size(f);
      } catch (IOException ignored) {
        // counted as 0
      }
    }
    return n;
  }

  /** Counts bytes as they are read (the compressed size for .gz files, matching the file sizes). */
  static final class Counting extends FilterInputStream {
    private final AtomicLong counter;

    Counting(InputStream in, AtomicLong counter) {
      super(in);
      this.counter = counter;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) counter.incrementAndGet();
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) counter.addAndGet(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      counter.addAndGet(s);
      return s;
    }
  }
}
