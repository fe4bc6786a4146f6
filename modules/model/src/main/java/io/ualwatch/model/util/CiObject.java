package io.ualwatch.model.util;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A case-insensitive view of a JSON object, built in one pass over its fields into a small open-addressing
 * table (no per-field allocation). Field names are lower-cased through a shared cache of interned strings
 * (Jackson canonicalises names, so the same strings recur), so lookups with lower-case literals compare by
 * identity. When a name occurs in several spellings the first non-null value wins.
 */
public final class CiObject {
  private static final Map<String, String> LOWER = new ConcurrentHashMap<>();
  private static final int LOWER_CACHE_MAX = 50_000;

  private final JsonNode node;
  private final String[] keys;
  private final JsonNode[] values;
  private final int mask;
  private int size;

  private CiObject(JsonNode node, int expected) {
    this.node = node;
    int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
    keys = new String[cap];
    values = new JsonNode[cap];
    mask = cap - 1;
  }

  public static CiObject of(JsonNode node) {
    if (node == null || !node.isObject()) return null;
    CiObject o = new CiObject(node, node.size());
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v == null || v.isMissingNode()) continue;
      o.put(lower(e.getKey()), v);
    }
    return o;
  }

  /** An empty view to be filled with {@link #putNew}; {@code node} is what {@link #node()} returns. */
  public static CiObject builder(JsonNode node, int expected) {
    return new CiObject(node, expected);
  }

  /** Adds a field by lower-case name (from {@link #lower}); false when the name is already present. */
  public boolean putNew(String lowerName, JsonNode value) {
    if (raw(lowerName) != null) return false;
    put(lowerName, value);
    return true;
  }

  /** A view over explicit lower-case fields (used for alias views of export rows). */
  public static CiObject ofFields(JsonNode node, Map<String, JsonNode> lowerFields) {
    CiObject o = new CiObject(node, lowerFields.size());
    for (Map.Entry<String, JsonNode> e : lowerFields.entrySet()) o.put(e.getKey(), e.getValue());
    return o;
  }

  private void put(String k, JsonNode v) {
    int i = k.hashCode() & mask;
    while (keys[i] != null) {
      if (keys[i] == k || keys[i].equals(k)) {
        if (values[i].isNull() && !v.isNull()) values[i] = v;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = k;
    values[i] = v;
    size++;
  }

  private JsonNode raw(String lowerName) {
    int i = lowerName.hashCode() & mask;
    String k;
    while ((k = keys[i]) != null) {
      if (k == lowerName || k.equals(lowerName)) return values[i];
      i = (i + 1) & mask;
    }
    return null;
  }

  /** The fields by lower-case name, JSON nulls included (a copy). */
  public Map<String, JsonNode> fields() {
    Map<String, JsonNode> m = new HashMap<>(size * 2);
    for (int i = 0; i < keys.length; i++) if (keys[i] != null) m.put(keys[i], values[i]);
    return m;
  }

  public static String lower(String key) {
    String l = LOWER.get(key);
    if (l != null) return l;
    l = key.toLowerCase(Locale.ROOT);
    if (LOWER.size() < LOWER_CACHE_MAX) {
      l = l.intern(); // only names that enter the bounded cache are interned; lookups fall back to equals()
      LOWER.put(key, l);
    }
    return l;
  }

  public JsonNode node() {
    return node;
  }

  /** Value by lower-case name; null when absent or JSON null. */
  public JsonNode get(String lowerName) {
    JsonNode v = raw(lowerName);
    return v == null || v.isNull() ? null : v;
  }

  /** True when the field is present and not JSON null. */
  public boolean has(String lowerName) {
    JsonNode v = raw(lowerName);
    return v != null && !v.isNull();
  }

  /** True when the field is present, even as JSON null. */
  public boolean hasKey(String lowerName) {
    return raw(lowerName) != null;
  }

  /** Text of a scalar field; null for absent, empty, JSON null or a container. */
  public String text(String lowerName) {
    return Json.text(raw(lowerName));
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
    return Json.intValue(get(lowerName));
  }

  public Boolean bool(String lowerName) {
    return Json.bool(get(lowerName));
  }

  public CiObject object(String lowerName) {
    return of(get(lowerName));
  }

  /** Number of fields, JSON nulls included. */
  public int size() {
    return size;
  }
}
