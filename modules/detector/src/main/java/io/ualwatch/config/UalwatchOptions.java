package io.ualwatch.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every option of ualwatch, in documentation order. */
public final class UalwatchOptions {
  private UalwatchOptions() {}

  public static List<Option<?>> all() {
    List<Option<?>> l = new ArrayList<>(JobOptions.ALL);
    l.addAll(KafkaSecurity.ALL);
    l.addAll(DetectionOptions.ALL);
    return l;
  }

  public static Map<String, Collection<Option<?>>> groups() {
    Map<String, Collection<Option<?>>> m = new LinkedHashMap<>();
    m.put("Kafka, topics and the Flink job", JobOptions.ALL.subList(0, JobOptions.ALL.indexOf(JobOptions.GEO_DIR)));
    m.put("Geo and network data", JobOptions.ALL.subList(JobOptions.ALL.indexOf(JobOptions.GEO_DIR),
        JobOptions.ALL.size()));
    m.put("Kafka security (every Kafka client of ualwatch; see docs/security.md)", KafkaSecurity.ALL);
    m.put("Detection", DetectionOptions.ALL);
    return m;
  }

  public static Config defaults() {
    return Config.defaults(all());
  }

  public static Config of(Map<String, String> values) {
    return Config.of(all(), values);
  }

  public static Config load(Path file) {
    return Config.load(all(), file);
  }

  public static String markdown() {
    return Config.markdownReference("Configuration reference", groups());
  }
}
