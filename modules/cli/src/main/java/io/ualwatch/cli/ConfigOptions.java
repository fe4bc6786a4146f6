package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.UalwatchOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** --config FILE and --set key=value, shared by every command that runs detection. */
public final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (YAML); every key is listed in docs/configuration.md.")
  Path file;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Set one configuration key, e.g. --set rules.mailbox-new-client-app.min-severity=medium")
  Map<String, String> set = new LinkedHashMap<>();

  public Config load() {
    Config c;
    if (file != null) {
      if (!Files.isReadable(file)) throw new Main.UsageException("cannot read configuration file " + file);
      c = UalwatchOptions.load(file);
    } else {
      c = UalwatchOptions.defaults();
    }
    return set.isEmpty() ? c : c.with(set);
  }
}
