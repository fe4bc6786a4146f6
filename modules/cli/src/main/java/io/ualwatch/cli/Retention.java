package io.ualwatch.cli;

import io.ualwatch.config.Durations;
import io.ualwatch.console.Brokers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Time-based retention of the raw topics. Replayed records keep their event time as the Kafka timestamp, so a
 * topic whose retention.ms is shorter than the records' age deletes them soon after they are written.
 */
final class Retention {
  private Retention() {}

  /** retention.ms per topic for topics that use CreateTime timestamps; -1 for unlimited or LogAppendTime. */
  static Map<String, Long> ofTopics(String bootstrap, Map<String, String> kafka, Duration timeout, List<String> topics) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<ConfigResource> res = new ArrayList<>();
    for (String t : topics) res.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
    try (Admin admin = Brokers.admin(bootstrap, timeout, kafka)) {
      Map<ConfigResource, Config> cfg = admin.describeConfigs(res).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (ConfigResource r : res) {
        Config c = cfg.get(r);
        if (c == null) continue;
        var type = c.get("message.timestamp.type");
        var ms = c.get("retention.ms");
        long v = ms == null || ms.value() == null ? -1 : Long.parseLong(ms.value());
        out.put(r.name(), type != null && "LogAppendTime".equals(type.value()) ? -1 : v);
      }
    } catch (Exception e) {
      // not allowed to describe configs: no warning, the replay itself still works
    }
    return out;
  }

  static String warning(Map<String, Long> retention) {
    StringBuilder sb = new StringBuilder("warning: these records are older than the time-based retention of ");
    List<String> parts = new ArrayList<>();
    retention.forEach((t, ms) -> {
      if (ms >= 0) parts.add(t + " (retention.ms " + Durations.format(Duration.ofMillis(ms)) + ")");
    });
    sb.append(String.join(" and ", parts)).append(". Their Kafka timestamp is their event time, so the broker deletes")
        .append(" them within minutes of writing, perhaps before the detection job reads them. Bound the raw topics")
        .append(" by size instead: kafka-configs.sh --alter --entity-type topics --entity-name TOPIC --add-config")
        .append(" retention.ms=-1,retention.bytes=… ('ualwatch up' creates them that way).");
    return sb.toString();
  }
}
