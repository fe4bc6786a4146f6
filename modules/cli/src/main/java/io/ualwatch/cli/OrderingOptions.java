package io.ualwatch.cli;

import io.ualwatch.model.order.OrderedReader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * --sort-memory and --temp-dir, shared by hunt and replay: files that are not in event-time order (Purview and
 * Search-UnifiedAuditLog exports list the newest record first) are sorted before they are merged, in memory up
 * to the budget and through sorted runs in the temporary directory beyond it.
 */
public final class OrderingOptions {
  @Option(names = "--sort-memory", paramLabel = "MB", defaultValue = "256",
      description = "Memory for ordering the inputs (default ${DEFAULT-VALUE} MB); beyond it, files that are not "
          + "in event-time order are sorted through runs on disk. The heap needs this much on top of detection.")
  long sortMemoryMb;

  @Option(names = "--temp-dir", paramLabel = "DIR",
      description = "Where sorted runs go (default: the system's temporary directory). Needs about the size of "
          + "the unordered inputs, uncompressed; emptied at the end.")
  Path tempDir;

  OrderedReader.Options options() {
    if (sortMemoryMb < 1) throw new Main.UsageException("--sort-memory must be at least 1 (MB)");
    OrderedReader.Options o = OrderedReader.Options.defaults().withMemory(sortMemoryMb << 20);
    return tempDir == null ? o : o.withTempDir(tempDir);
  }
}
