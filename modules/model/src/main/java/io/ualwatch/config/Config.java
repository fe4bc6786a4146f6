package io.ualwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Immutable configuration values for a set of declared {@link Option}s. Loaded from a YAML file (nested
 * maps or dotted keys), overridable key by key; an unknown key is an error that names the closest known
 * key, so a typo never silently keeps a default. Not serializable: Flink functions carry
 * {@link #explicitValues()} and rebuild it in {@code open()}.
 */
public final class Config {
  private final Map<String, String> raw;                    // explicitly set values, by key
  private final Map<String, Option<?>> declared;
  private final Map<String, Object> values;

  private Config(Map<String, Option<?>> declared, Map<String, String> raw) {
    this.declared = declared;
    this.raw = new TreeMap<>(raw);
    this.values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : this.raw.entrySet()) {
      Option<?> o = declared.get(e.getKey());
      if (o == null) throw unknownKey(e.getKey(), declared.keySet());
      values.put(e.getKey(), o.parse(e.getValue()));
    }
  }

  public static Config defaults(Collection<Option<?>> options) {
    return new Config(index(options), Map.of());
  }

  public static Config of(Collection<Option<?>> options, Map<String, String> values) {
    return new Config(index(options), values);
  }

  /** Loads a YAML file; nested maps are flattened into dotted keys, lists into comma-separated values. */
  public static Config load(Collection<Option<?>> options, Path file) {
    Map<String, String> flat = new TreeMap<>();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(text);
      if (root != null && !root.isNull() && !root.isMissingNode()) {
        if (!root.isObject()) throw new ConfigException(file + ": expected a map of keys to values");
        flatten("", root, flat);
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    try {
      return new Config(index(options), flat);
    } catch (ConfigException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (n.isArray()) {
      List<String> parts = new ArrayList<>();
      for (JsonNode x : n) parts.add(x.asText());
      out.put(prefix, String.join(",", parts));
    } else if (!n.isNull()) {
      out.put(prefix, n.asText());
    }
  }

  private static Map<String, Option<?>> index(Collection<Option<?>> options) {
    Map<String, Option<?>> m = new LinkedHashMap<>();
    for (Option<?> o : options) {
      if (m.put(o.key(), o) != null) throw new IllegalStateException("option declared twice: " + o.key());
    }
    return m;
  }

  static ConfigException unknownKey(String key, Collection<String> known) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key, k);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    String hint = best != null && bestD <= Math.max(3, key.length() / 3) ? " (did you mean " + best + "?)" : "";
    return new ConfigException("unknown configuration key '" + key + "'" + hint
        + "; see docs/configuration.md for every key");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    Object v = values.get(option.key());
    return v != null ? (T) v : option.defaultValue();
  }

  public boolean isSet(Option<?> option) {
    return raw.containsKey(option.key());
  }

  /** A copy with some keys changed (validated). */
  public Config with(Map<String, String> overrides) {
    Map<String, String> m = new TreeMap<>(raw);
    m.putAll(overrides);
    return new Config(declared, m);
  }

  public Config with(Option<?> option, String value) {
    return with(Map.of(option.key(), value));
  }

  /** Explicitly set values (defaults omitted). */
  public Map<String, String> explicitValues() {
    return java.util.Collections.unmodifiableMap(raw);
  }

  public Collection<Option<?>> options() {
    return declared.values();
  }

  /** A short hash of the effective explicit values: alerts record the configuration they were raised under. */
  public String version() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : raw.entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update((byte) '=');
        md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
      }
      return "cfg-" + HexFormat.of().formatHex(md.digest(), 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Markdown reference generated from the declarations. */
  public static String markdownReference(String title, Map<String, Collection<Option<?>>> groups) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append("\n\n");
    sb.append("<!-- Generated from the option declarations by ConfigDocsTest; do not edit by hand. -->\n\n");
    sb.append("Every key can be set in the configuration file (YAML, nested or dotted keys) given with ")
        .append("`--config FILE`, or on the command line with `--set key=value`.\n");
    for (Map.Entry<String, Collection<Option<?>>> g : groups.entrySet()) {
      sb.append("\n## ").append(g.getKey()).append("\n\n");
      sb.append("| key | type | default | description |\n|---|---|---|---|\n");
      for (Option<?> o : g.getValue()) {
        StringBuilder desc = new StringBuilder(o.description());
        for (Option.Check<?> c : o.checks()) desc.append(" Must ").append(stripMust(c.requirement())).append('.');
        sb.append("| `").append(o.key()).append("` | ").append(o.type().name()).append(" | ")
            .append(o.formatDefault().isEmpty() ? "" : "`" + o.formatDefault() + "`").append(" | ")
            .append(desc.toString().replace("|", "\\|").replace("\n", " ")).append(" |\n");
      }
    }
    return sb.toString();
  }

  private static String stripMust(String req) {
    String r = req.strip();
    if (r.startsWith("must ")) r = r.substring(5);
    if (r.endsWith(".")) r = r.substring(0, r.length() - 1);
    return r;
  }
}
