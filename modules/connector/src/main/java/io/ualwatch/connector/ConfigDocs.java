package io.ualwatch.connector;

import io.ualwatch.connector.activity.ActivityConfig;
import io.ualwatch.connector.signin.SignInConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Markdown configuration tables generated from the connectors' {@link ConfigDef}s (docs/connectors.md). */
public final class ConfigDocs {
  private ConfigDocs() {}

  /** Generated sections by marker name. */
  public static Map<String, String> sections() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("management-activity-config", markdown(ActivityConfig.DEF));
    m.put("entra-signin-config", markdown(SignInConfig.DEF));
    return m;
  }

  public static String markdown(ConfigDef def) {
    Map<String, List<ConfigDef.ConfigKey>> groups = new LinkedHashMap<>();
    for (String g : def.groups()) groups.put(g, new ArrayList<>());
    List<ConfigDef.ConfigKey> keys = new ArrayList<>(def.configKeys().values());
    keys.sort((a, b) -> {
      int ga = new ArrayList<>(groups.keySet()).indexOf(a.group);
      int gb = new ArrayList<>(groups.keySet()).indexOf(b.group);
      return ga != gb ? Integer.compare(ga, gb) : Integer.compare(a.orderInGroup, b.orderInGroup);
    });
    for (ConfigDef.ConfigKey k : keys) {
      if (k.internalConfig) continue;
      groups.computeIfAbsent(k.group == null ? "Other" : k.group, g -> new ArrayList<>()).add(k);
    }
    StringBuilder sb = new StringBuilder();
    for (var e : groups.entrySet()) {
      if (e.getValue().isEmpty()) continue;
      sb.append("\n#### ").append(e.getKey()).append("\n\n");
      sb.append("| Key | Type | Default | Valid values | Importance | Description |\n");
      sb.append("|---|---|---|---|---|---|\n");
      for (ConfigDef.ConfigKey k : e.getValue()) {
        sb.append("| `").append(k.name).append("` | ").append(k.type.name().toLowerCase()).append(" | ")
            .append(defaultText(k)).append(" | ").append(k.validator == null ? "" : cell(k.validator.toString()))
            .append(" | ").append(k.importance.name().toLowerCase()).append(" | ").append(cell(k.documentation))
            .append(" |\n");
      }
    }
    return sb.toString();
  }

  private static String defaultText(ConfigDef.ConfigKey k) {
    if (!k.hasDefault()) return "(required)";
    if (k.defaultValue == null) return "";
    String v = k.defaultValue instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList())
        : String.valueOf(k.defaultValue);
    return v.isEmpty() ? "\"\"" : "`" + v + "`";
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
