package io.ualwatch.model.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Lenient, case-insensitive access to the JSON Microsoft writes (record-schema.md §10). */
public final class Json {
  private Json() {}

  /** Field by name, exact first, then case-insensitive; null when absent or JSON null. */
  public static JsonNode get(JsonNode obj, String name) {
    if (obj == null || !obj.isObject()) return null;
    JsonNode v = obj.get(name);
    if (v == null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equalsIgnoreCase(name)) {
          v = e.getValue();
          break;
        }
      }
    }
    return v == null || v.isNull() || v.isMissingNode() ? null : v;
  }

  /** Text of a scalar; numbers and booleans as their text; null for absent, JSON null, empty and containers. */
  public static String text(JsonNode v) {
    if (v instanceof com.fasterxml.jackson.databind.node.TextNode t) { // the common case, without virtual calls
      String s = t.textValue();
      return s.isEmpty() ? null : s;
    }
    if (v == null || v.isNull() || v.isContainerNode()) return null;
    String s = v.asText();
    return s == null || s.isEmpty() ? null : s;
  }

  public static String text(JsonNode obj, String name) {
    return text(get(obj, name));
  }

  /** Lenient integer: JSON number or numeric string; null when absent or not an integer. */
  public static Long longValue(JsonNode v) {
    if (v == null) return null;
    if (v.isIntegralNumber()) return v.canConvertToLong() ? v.longValue() : null;
    if (v.isNumber()) {
      double d = v.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 9e15 ? (long) d : null;
    }
    String s = text(v);
    if (s == null) return null;
    s = s.strip();
    if (s.isEmpty() || s.length() > 19) return null;
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static Integer intValue(JsonNode v) {
    Long l = longValue(v);
    return l == null || l > Integer.MAX_VALUE || l < Integer.MIN_VALUE ? null : l.intValue();
  }

  /** Lenient boolean: JSON boolean, "True"/"False" in any case, "1"/"0"; null otherwise. */
  public static Boolean bool(JsonNode v) {
    if (v == null) return null;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isIntegralNumber()) return v.longValue() != 0;
    String s = text(v);
    return bool(s);
  }

  public static Boolean bool(String s) {
    if (s == null) return null;
    switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "true": case "1": case "yes": return Boolean.TRUE;
      case "false": case "0": case "no": return Boolean.FALSE;
      default: return null;
    }
  }

  /**
   * Value of a {@code [{Name, Value}]} entry looked up by name, case-insensitively and never by position
   * (positional parsing is a known source of wrong answers: Azure/Azure-Sentinel#801). Returns the text
   * of the value, or null when the array or the entry is missing.
   */
  public static String nameValue(JsonNode array, String name) {
    JsonNode v = nameValueNode(array, name);
    if (v == null) return null;
    if (v.isContainerNode()) return v.toString();
    return text(v);
  }

  public static JsonNode nameValueNode(JsonNode array, String name) {
    if (array == null || !array.isArray()) return null;
    for (JsonNode entry : array) {
      if (!entry.isObject()) continue;
      String n = text(get(entry, "Name"));
      if (n != null && n.equalsIgnoreCase(name)) {
        JsonNode v = get(entry, "Value");
        if (v == null) v = get(entry, "NewValue");
        return v;
      }
    }
    return null;
  }

  /** When a string holds JSON (Sentinel columns, RawEventData, ModifiedProperties values) parse it; else null. */
  public static JsonNode reparse(JsonNode v, com.fasterxml.jackson.databind.ObjectMapper mapper) {
    if (v == null) return null;
    if (v.isContainerNode()) return v;
    String s = text(v);
    if (s == null) return null;
    String t = s.strip();
    if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) return null;
    try {
      JsonNode parsed = mapper.readTree(t);
      return parsed != null && parsed.isContainerNode() ? parsed : null;
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Like {@link #reparse} but reports why embedded JSON could not be read: returns the container, or null when
   * the value is absent, empty or plain text that does not start with '{' or '['; throws when it starts like JSON
   * but does not parse (the caller turns that into a rejection).
   */
  public static JsonNode parseEmbedded(JsonNode v, com.fasterxml.jackson.databind.ObjectMapper mapper)
      throws java.io.IOException {
    if (v == null) return null;
    if (v.isContainerNode()) return v;
    String s = text(v);
    if (s == null) return null;
    String t = s.strip();
    if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) return null;
    JsonNode parsed = mapper.readTree(t);
    return parsed != null && parsed.isContainerNode() ? parsed : null;
  }

  public static ObjectNode asObject(JsonNode v) {
    return v instanceof ObjectNode o ? o : null;
  }
}
