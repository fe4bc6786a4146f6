package io.ualwatch.connector.common;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A non-empty list whose items are non-blank and, optionally, from a fixed set. Printable for the docs. */
public final class ListValidator implements ConfigDef.Validator {
  private final List<String> allowed;
  private final String what;

  private ListValidator(List<String> allowed, String what) {
    this.allowed = allowed;
    this.what = what;
  }

  public static ListValidator nonEmpty(String what) {
    return new ListValidator(null, what);
  }

  public static ListValidator anyOf(List<String> allowed, String what) {
    return new ListValidator(List.copyOf(allowed), what);
  }

  @Override
  public void ensureValid(String name, Object value) {
    if (!(value instanceof List<?> l) || l.isEmpty()) throw new ConfigException(name, value, "at least one " + what);
    for (Object o : l) {
      String s = o.toString().strip();
      if (s.isEmpty()) throw new ConfigException(name, value, "empty " + what);
      if (allowed != null && !allowed.contains(s)) {
        throw new ConfigException(name, value, "unknown " + what + " '" + s + "', expected any of " + allowed);
      }
    }
  }

  @Override
  public String toString() {
    return allowed == null ? "non-empty list" : "non-empty list of " + String.join(", ", allowed);
  }
}
