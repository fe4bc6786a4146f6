package io.ualwatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where ualwatch lives (the checkout, set by bin/ualwatch) and its run directory. */
final class Home {
  private Home() {}

  static Path dir() {
    String h = System.getProperty("ualwatch.home");
    return h != null ? Path.of(h) : Path.of(".").toAbsolutePath().normalize();
  }

  static Path run(String name) {
    return dir().resolve("run").resolve(name);
  }

  static Path samples() {
    return dir().resolve("samples");
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (java.io.IOException ignored) {
      // best effort
    }
  }
}
