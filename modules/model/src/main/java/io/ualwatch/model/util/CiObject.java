package io.ualwatch.model.util;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A case-insensitive view of a JSON object, built in one pass over its fields. Field names are
 * lower-cased through a shared cache (Jackson canonicalises names, so the same strings recur).
 */
public final class CiObject {
  private static final Map<String, String> LOWER = new ConcurrentHashMap<>();
  private static final int LOWER_CACHE_MAX = 50_000;

  private final JsonNode node;
  private final Map<String, JsonNode> fields;

  private CiObject(JsonNode node, Map<String, JsonNode> fields) {
    this.node = node;
    this.fields = fields;
  }

  public static CiObject of(JsonNode node) {
    if (node == null || !node.isObject()) return null;
    Map<String, JsonNode> m = new HashMap<>(Math.max(16, node.size() * 2));
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v == null || v.isMissingNode()) continue;
      String k = lower(e.getKey());
      JsonNode prev = m.get(k);
      if (prev == null || (prev.isNull() && !v.isNull())) m.put(k, v);
    }
    return new CiObject(node, m);
  }

  /** A view over explicit lower-case fields (used for alias views of export rows). */
  public static CiObject ofFields(JsonNode node, Map<String, JsonNode> lowerFields) {
    return new CiObject(node, lowerFields);
  }

  /** The fields of this view by lower-case name (live; do not modify). */
  public Map<String, JsonNode> fields() {
    return fields;
  }

  public static String lower(String key) {
    String l = LOWER.get(key);
    if (l != null) return l;
    l = key.toLowerCase(Locale.ROOT);
    if (LOWER.size() < LOWER_CACHE_MAX) LOWER.put(key, l);
    return l;
  }

  public JsonNode node() {
    return node;
  }

  /** Value by lower-case name; null when absent or JSON null. */
  public JsonNode get(String lowerName) {
    JsonNode v = fields.get(lowerName);
    return v == null || v.isNull() ? null : v;
  }

  /** True when the field is present and not JSON null. */
  public boolean has(String lowerName) {
    JsonNode v = fields.get(lowerName);
    return v != null && !v.isNull();
  }

  /** True when the field is present, even as JSON null. */
  public boolean hasKey(String lowerName) {
    return fields.containsKey(lowerName);
  }

  /** Text of a scalar field; null for absent, empty, JSON null or a container. */
  public String text(String lowerName) {
    return Json.text(fields.get(lowerName));
  }

  /** First non-empty text among the names. */
  public String firstText(String... lowerNames) {
    for (String n : lowerNames) {
      String t = text(n);
      if (t != null) return t;
    }
    return null;
  }

  /** First present value among the names. */
  public JsonNode firstNonNull(String... lowerNames) {
    for (String n : lowerNames) {
      JsonNode v = get(n);
      if (v != null) return v;
    }
    return null;
  }

  public Integer intValue(String lowerName) {
    return Json.intValue(fields.get(lowerName));
  }

  public Boolean bool(String lowerName) {
    return Json.bool(fields.get(lowerName));
  }

  public CiObject object(String lowerName) {
    return of(fields.get(lowerName));
  }

  /** Number of fields, JSON nulls included. */
  public int size() {
    return fields.size();
  }
}
