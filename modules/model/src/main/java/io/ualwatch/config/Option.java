package io.ualwatch.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key, declared once: its type, default, validation and description. The configuration
 * reference (docs/configuration.md) is generated from these declarations, so it cannot drift.
 *
 * @param <T> value type
 */
public final class Option<T> {
  /** How a value is read from text and checked. */
  public interface Type<T> {
    String name();

    T parse(String text);

    default String format(T value) {
      return String.valueOf(value);
    }
  }

  private final String key;
  private final Type<T> type;
  private final T defaultValue;
  private final String description;
  private final List<Check<T>> checks;
  private final boolean secret;

  /** A validation rule with the sentence shown when it fails. */
  public record Check<T>(java.util.function.Predicate<T> test, String requirement) {}

  private Option(String key, Type<T> type, T defaultValue, String description, List<Check<T>> checks,
      boolean secret) {
    if (!key.matches("[a-z0-9]+([.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException("option key must be lower-case dotted: " + key);
    }
    this.key = key;
    this.type = Objects.requireNonNull(type);
    this.defaultValue = defaultValue;
    this.description = Objects.requireNonNull(description);
    this.checks = List.copyOf(checks);
    this.secret = secret;
    if (defaultValue != null) validate(defaultValue);
  }

  public String key() { return key; }
  public Type<T> type() { return type; }
  public T defaultValue() { return defaultValue; }
  public String description() { return description; }
  public boolean secret() { return secret; }
  public List<Check<T>> checks() { return checks; }

  /** Throws {@link ConfigException} with the key, the value and what was expected. */
  public T validate(T value) {
    for (Check<T> c : checks) {
      if (!c.test().test(value)) {
        throw new ConfigException(key + " = " + (secret ? "****" : type.format(value)) + ": " + c.requirement());
      }
    }
    return value;
  }

  public T parse(String text) {
    T v;
    try {
      v = type.parse(text.strip());
    } catch (RuntimeException e) {
      throw new ConfigException(key + " = '" + (secret ? "****" : text) + "' is not a valid " + type.name()
          + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
    }
    return validate(v);
  }

  public String formatDefault() {
    return defaultValue == null ? "" : (secret ? "****" : type.format(defaultValue));
  }

  public Option<T> check(java.util.function.Predicate<T> test, String requirement) {
    List<Check<T>> c = new ArrayList<>(checks);
    c.add(new Check<>(test, requirement));
    return new Option<>(key, type, defaultValue, description, c, secret);
  }

  public Option<T> asSecret() {
    return new Option<>(key, type, defaultValue, description, checks, true);
  }

  // ---- factories ----

  public static Option<Integer> integer(String key, int def, String description) {
    return new Option<>(key, Types.INTEGER, def, description, List.of(), false);
  }

  public static Option<Long> longValue(String key, long def, String description) {
    return new Option<>(key, Types.LONG, def, description, List.of(), false);
  }

  public static Option<Double> decimal(String key, double def, String description) {
    return new Option<>(key, Types.DOUBLE, def, description, List.of(), false);
  }

  public static Option<Boolean> bool(String key, boolean def, String description) {
    return new Option<>(key, Types.BOOLEAN, def, description, List.of(), false);
  }

  public static Option<String> string(String key, String def, String description) {
    return new Option<>(key, Types.STRING, def, description, List.of(), false);
  }

  public static Option<Duration> duration(String key, Duration def, String description) {
    return new Option<>(key, Types.DURATION, def, description, List.of(), false);
  }

  public static Option<List<String>> list(String key, List<String> def, String description) {
    return new Option<>(key, Types.LIST, def, description, List.of(), false);
  }

  public static <E extends Enum<E>> Option<E> enumeration(String key, Class<E> cls, E def, String description) {
    Type<E> t = new Type<>() {
      @Override public String name() {
        return "one of " + Arrays.toString(cls.getEnumConstants()).toLowerCase(Locale.ROOT);
      }
      @Override public E parse(String text) {
        return Enum.valueOf(cls, text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
      }
      @Override public String format(E value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
      }
    };
    return new Option<>(key, t, def, description, List.of(), false);
  }

  @Override
  public String toString() {
    return key;
  }

  /** Built-in value types. */
  public static final class Types {
    private Types() {}

    public static final Type<Integer> INTEGER = simple("integer", Integer::parseInt);
    public static final Type<Long> LONG = simple("integer", Long::parseLong);
    public static final Type<Double> DOUBLE = simple("number", Double::parseDouble);
    public static final Type<String> STRING = simple("string", s -> s);
    public static final Type<Boolean> BOOLEAN = simple("boolean", s -> {
      switch (s.toLowerCase(Locale.ROOT)) {
        case "true": case "yes": case "on": return true;
        case "false": case "no": case "off": return false;
        default: throw new IllegalArgumentException("expected true or false");
      }
    });
    public static final Type<Duration> DURATION = new Type<>() {
      @Override public String name() { return "duration (e.g. 90s, 15m, 2h, 30d)"; }
      @Override public Duration parse(String s) { return Durations.parse(s); }
      @Override public String format(Duration d) { return Durations.format(d); }
    };
    public static final Type<List<String>> LIST = new Type<>() {
      @Override public String name() { return "comma-separated list"; }
      @Override public List<String> parse(String s) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) if (!p.isBlank()) out.add(p.strip());
        return List.copyOf(out);
      }
      @Override public String format(List<String> v) { return String.join(",", v); }
    };

    static <T> Type<T> simple(String name, Function<String, T> f) {
      return new Type<>() {
        @Override public String name() { return name; }
        @Override public T parse(String text) { return f.apply(text); }
      };
    }
  }
}
