package io.ualwatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JDK Flight Recorder recording of one bench phase (the JDK's "profile" settings: Java execution samples every
 * 10 ms and native-method samples every 20 ms per thread), written to a .jfr file, and a summary of where the
 * samples fall: per thread group, the methods on top of the stack (self time) and the ualwatch methods on the
 * stack (inclusive time). Of the native-method samples only RocksDB's JNI calls are kept.
 */
final class BenchProfile implements AutoCloseable {
  private final Recording recording;
  final Path file;

  private BenchProfile(Recording recording, Path file) {
    this.recording = recording;
    this.file = file;
  }

  static BenchProfile start(Path dir, String phase) {
    try {
      Files.createDirectories(dir);
      Recording r = new Recording(Configuration.getConfiguration("profile"));
      Path f = dir.resolve(phase + ".jfr");
      r.setDestination(f);
      r.setName("ualwatch-bench-" + phase);
      r.start();
      return new BenchProfile(r, f);
    } catch (IOException | ParseException e) {
      throw new Main.Failure("cannot start a flight recording in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Stops the recording (writing the file) and returns the summary lines. */
  List<String> stopAndSummarise(int top) {
    recording.stop();
    recording.close();
    try {
      return summarise(file, top);
    } catch (IOException e) {
      return List.of("(could not read " + file + ": " + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    recording.close();
  }

  /** Thread name without numbers and subtask suffixes, so the threads of one kind group together. */
  static String threadGroup(String name) {
    if (name == null) return "?";
    String s = name.replaceAll("\\s*\\(\\d+/\\d+\\)(#\\d+)?$", "").replaceAll("[-#]?\\d+$", "");
    return s.length() > 90 ? s.substring(0, 87) + "…" : s;
  }

  static List<String> summarise(Path jfr, int top) throws IOException {
    Map<String, Integer> byGroup = new HashMap<>();
    Map<String, Map<String, Integer>> self = new HashMap<>();
    Map<String, Map<String, Integer>> incl = new HashMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      String type = e.getEventType().getName();
      boolean nativeSample = type.equals("jdk.NativeMethodSample");
      if (!type.equals("jdk.ExecutionSample") && !nativeSample) continue;
      RecordedStackTrace st = e.getStackTrace();
      if (st == null || st.getFrames().isEmpty()) continue;
      // native samples: only RocksDB's JNI calls (CPU work); other threads in native code mostly wait (sockets,
      // sleeps). They are taken every 20 ms against 10 ms for Java samples, so each counts twice.
      if (nativeSample && !name(st.getFrames().get(0)).startsWith("org.rocksdb.")) continue;
      int weight = nativeSample ? 2 : 1;
      String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      String g = threadGroup(thread);
      total += weight;
      byGroup.merge(g, weight, Integer::sum);
      List<RecordedFrame> frames = st.getFrames();
      self.computeIfAbsent(g, k -> new HashMap<>()).merge(name(frames.get(0)) + (nativeSample ? " (native)" : ""), weight,
          Integer::sum);
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        String n = name(f);
        if (n.startsWith("io.ualwatch.") && seen.add(n)) {
          incl.computeIfAbsent(g, k -> new HashMap<>()).merge(n, weight, Integer::sum);
        }
      }
    }
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "%,d samples in %s (Java execution samples every 10 ms; RocksDB's native calls, "
        + "sampled every 20 ms, count twice and are marked \"(native)\")", total, jfr.getFileName()));
    if (total == 0) return out;
    List<Map.Entry<String, Integer>> groups = sorted(byGroup);
    out.add("samples per thread group:");
    for (Map.Entry<String, Integer> g : groups.subList(0, Math.min(8, groups.size()))) {
      out.add(String.format(Locale.ROOT, "  %5.1f %%  %s", 100.0 * g.getValue() / total, g.getKey()));
    }
    for (Map.Entry<String, Integer> g : groups.subList(0, Math.min(3, groups.size()))) {
      int n = g.getValue();
      if (n < total / 20) break;
      out.add("thread group '" + g.getKey() + "' (" + n + " samples), top of stack:");
      for (Map.Entry<String, Integer> m : sorted(self.get(g.getKey())).subList(0, Math.min(top, self.get(g.getKey()).size()))) {
        out.add(String.format(Locale.ROOT, "  %5.1f %%  %s", 100.0 * m.getValue() / n, m.getKey()));
      }
      Map<String, Integer> in = incl.get(g.getKey());
      if (in != null) {
        out.add("  ualwatch methods on the stack (inclusive):");
        for (Map.Entry<String, Integer> m : sorted(in).subList(0, Math.min(top, in.size()))) {
          out.add(String.format(Locale.ROOT, "  %5.1f %%  %s", 100.0 * m.getValue() / n, m.getKey()));
        }
      }
    }
    return out;
  }

  private static String name(RecordedFrame f) {
    if (f.getMethod() == null) return "?";
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> m) {
    List<Map.Entry<String, Integer>> l = new ArrayList<>(m.entrySet());
    l.sort((a, b) -> b.getValue() != a.getValue().intValue() ? Integer.compare(b.getValue(), a.getValue())
        : a.getKey().compareTo(b.getKey()));
    return l;
  }
}
