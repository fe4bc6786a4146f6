package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.ConfigException;
import io.ualwatch.config.DetectionOptions;
import io.ualwatch.config.JobOptions;
import io.ualwatch.config.LiveControl;
import io.ualwatch.detect.DetectionGraph;
import io.ualwatch.detect.RuleInfo;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists the rules, and changes detection settings of a running job through the control topic. */
@Command(name = "rules", mixinStandardHelpOptions = true,
    description = {"Lists the detection rules (id, severity, ATT&CK technique, title; docs/detections.md has the "
        + "details), and changes the running job's detection settings without a restart by writing to the "
        + "control topic (topics.control, compacted): thresholds, allow-lists, rules on or off. Changes are checked "
        + "here first and again by the job; they stay in force across job restarts until unset. Alerts raised "
        + "afterwards carry the new configuration version (unmapped.config_version)."},
    subcommands = {RulesCommand.ListRules.class, RulesCommand.Show.class, RulesCommand.Set.class,
        RulesCommand.Unset.class, RulesCommand.Enable.class, RulesCommand.Disable.class, RulesCommand.Allow.class},
    footer = {"", "Examples:", "  ualwatch rules", "  ualwatch rules show --bootstrap 127.0.0.1:9092",
        "  ualwatch rules disable token-without-signin",
        "  ualwatch rules set rules.impossible-travel.max-speed-kmh=1100",
        "  ualwatch rules allow app 5a95c0de-7f3b-4c1e-9d2a-6b8e1f0c4a77",
        "  ualwatch rules allow cidr 203.0.113.0/24 --remove", "  ualwatch rules unset detect.allow.apps",
        "", "Exit codes: 0 done; 1 the broker could not be reached; 2 usage error (unknown key, invalid value)."})
final class RulesCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return new ListRules().call();
  }

  /** Where the control topic is. */
  static final class Target {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (default: kafka.bootstrap, 127.0.0.1:9092).")
    String bootstrap;

    @Mixin
    ConfigOptions configOptions;

    Config config() {
      Config c = configOptions.load();
      return bootstrap == null ? c : c.with(Map.of(JobOptions.BOOTSTRAP.key(), bootstrap));
    }

    String topic(Config c) {
      String t = c.get(JobOptions.TOPIC_CONTROL);
      if (t.isBlank()) throw new Main.UsageException("topics.control is empty: live control is disabled in this configuration");
      return t;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the rules (with --bootstrap: on/off "
      + "in the running configuration, live changes included).")
  static final class ListRules implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Also read the live changes from this broker.")
    String bootstrap;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Override
    public Integer call() {
      Config c = configOptions.load();
      Map<String, String> live = Map.of();
      if (bootstrap != null) {
        c = c.with(Map.of(JobOptions.BOOTSTRAP.key(), bootstrap));
        live = readOverrides(c, c.get(JobOptions.TOPIC_CONTROL));
        c = LiveControl.apply(c, live);
      }
      for (RuleInfo r : DetectionGraph.rules()) {
        String state = "";
        if (bootstrap != null) {
          String key = "rules." + r.id() + ".enabled";
          Config cc = c;
          boolean on = DetectionOptions.ALL.stream().filter(o -> o.key().equals(key)).findFirst()
              .map(o -> !Boolean.FALSE.equals(cc.get(o))).orElse(true);
          state = (on ? "on " : "off") + (live.containsKey(key) ? "*" : " ") + " ";
        }
        System.out.printf("%s%-30s %-9s %-10s %s%n", state, r.id(), r.baseSeverity().name().toLowerCase(Locale.ROOT),
            r.techniqueId(), r.title());
      }
      if (bootstrap != null && !live.isEmpty()) System.out.println("(* changed live; 'ualwatch rules show' lists the changes)");
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints the live changes in force (the control topic's current state).")
  static final class Show implements Callable<Integer> {
    @Mixin
    Target target = new Target();

    @Override
    public Integer call() {
      Config c = target.config();
      Map<String, String> live = readOverrides(c, target.topic(c));
      if (live.isEmpty()) {
        System.out.println("no live changes: the job runs with its own configuration");
        return 0;
      }
      live.forEach((k, v) -> System.out.println(k + "=" + v));
      System.out.println("configuration version with these changes: " + LiveControl.apply(c, live).version());
      return 0;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Changes detection settings live, e.g. "
      + "rules.impossible-travel.max-speed-kmh=1100 (docs/configuration.md lists the keys).")
  static final class Set implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "KEY=VALUE")
    List<String> assignments;

    @Mixin
    Target target = new Target();

    @Override
    public Integer call() {
      Map<String, String> changes = new LinkedHashMap<>();
      for (String a : assignments) {
        int eq = a.indexOf('=');
        if (eq <= 0) throw new Main.UsageException("expected KEY=VALUE, got '" + a + "'");
        changes.put(a.substring(0, eq).strip(), a.substring(eq + 1));
      }
      return write(target, changes);
    }
  }

  @Command(name = "unset", mixinStandardHelpOptions = true, description = "Reverts keys to the job's own configuration.")
  static final class Unset implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "KEY")
    List<String> keys;

    @Mixin
    Target target = new Target();

    @Override
    public Integer call() {
      Map<String, String> changes = new LinkedHashMap<>();
      for (String k : keys) changes.put(k.strip(), null);
      return write(target, changes);
    }
  }

  /** enable / disable: the same list of rules, one value. */
  abstract static class Toggle implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RULE")
    List<String> rules;

    @Mixin
    Target target = new Target();

    abstract boolean on();

    @Override
    public Integer call() {
      return write(target, enabled(rules, on()));
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Turns rules on in the running job.")
  static final class Enable extends Toggle {
    @Override
    boolean on() {
      return true;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Turns rules off in the running job.")
  static final class Disable extends Toggle {
    @Override
    boolean on() {
      return false;
    }
  }

  @Command(name = "allow", mixinStandardHelpOptions = true, description = {"Adds entries to (or with --remove takes "
      + "them from) an allow-list of the running job: app (client app ids), user (UPNs), cidr (networks). The "
      + "list in force (live change, else the job's configuration given with --config/--set) is the starting point."})
  static final class Allow implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "app, user or cidr")
    String kind;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "VALUE")
    List<String> values;

    @Option(names = "--remove", description = "Remove the values instead of adding them.")
    boolean remove;

    @Mixin
    Target target = new Target();

    @Override
    public Integer call() {
      io.ualwatch.config.Option<List<String>> list = switch (kind.toLowerCase(Locale.ROOT)) {
        case "app", "apps" -> DetectionOptions.ALLOW_APPS;
        case "user", "users" -> DetectionOptions.ALLOW_USERS;
        case "cidr", "cidrs", "network" -> DetectionOptions.ALLOW_CIDRS;
        default -> throw new Main.UsageException("KIND must be app, user or cidr, got '" + kind + "'");
      };
      Config c = target.config();
      Map<String, String> live = readOverrides(c, target.topic(c));
      LinkedHashSet<String> current = new LinkedHashSet<>(LiveControl.apply(c, live).get(list));
      for (String v : values) {
        if (remove) current.removeIf(x -> x.equalsIgnoreCase(v.strip()));
        else current.add(v.strip());
      }
      Map<String, String> change = new LinkedHashMap<>();
      change.put(list.key(), current.isEmpty() ? null : String.join(",", current));
      return write(target, change);
    }
  }

  static Map<String, String> enabled(List<String> rules, boolean on) {
    List<String> ids = DetectionGraph.rules().stream().map(RuleInfo::id).toList();
    Map<String, String> m = new LinkedHashMap<>();
    for (String r : rules) {
      if (!ids.contains(r)) {
        String near = ids.stream().min((a, b) -> Integer.compare(distance(a, r), distance(b, r))).orElse("");
        throw new Main.UsageException("unknown rule '" + r + "'" + (near.isEmpty() ? "" : "; did you mean " + near + "?")
            + " ('ualwatch rules' lists them)");
      }
      m.put("rules." + r + ".enabled", Boolean.toString(on));
    }
    return m;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      int[] cur = new int[b.length() + 1];
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length()];
  }

  /** Checks every change, then writes them all (null value = tombstone) and waits for the broker's ack. */
  static int write(Target target, Map<String, String> changes) {
    Map<String, String> checked = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : changes.entrySet()) {
      try {
        checked.put(e.getKey(), LiveControl.check(e.getKey(), e.getValue()));
      } catch (ConfigException ex) {
        throw new Main.UsageException(ex.getMessage());
      }
    }
    Config c = target.config();
    String topic = target.topic(c);
    PrintStream out = System.out;
    Map<String, Object> props = new java.util.HashMap<>(kafkaProps(c));
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("delivery.timeout.ms", "20000");
    props.put("request.timeout.ms", "10000");
    props.put("max.block.ms", "10000");
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Map.Entry<String, String> e : checked.entrySet()) {
        p.send(new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8),
            e.getValue() == null ? null : e.getValue().getBytes(StandardCharsets.UTF_8))).get();
        out.println(e.getValue() == null ? "unset " + e.getKey() + " (back to the job's configuration)"
            : "set " + e.getKey() + "=" + e.getValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.Failure("interrupted", e);
    } catch (Exception e) {
      throw new Main.Failure("could not write to " + topic + " at " + c.get(JobOptions.BOOTSTRAP) + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
    out.println("written to " + topic + "; the running job applies it within seconds, and keeps it across restarts");
    return 0;
  }

  static Map<String, Object> kafkaProps(Config c) {
    Map<String, Object> m = new java.util.HashMap<>();
    io.ualwatch.job.UalwatchJob.clientProperties(c).forEach((k, v) -> m.put(k.toString(), v));
    m.put("bootstrap.servers", c.get(JobOptions.BOOTSTRAP));
    return m;
  }

  /** The control topic's current state: the last value per key, tombstones removed. */
  static Map<String, String> readOverrides(Config c, String topic) {
    Map<String, Object> props = new java.util.HashMap<>(kafkaProps(c));
    props.put("enable.auto.commit", "false");
    props.put("default.api.timeout.ms", "10000");
    Map<String, String> out = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      var infos = k.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) return out;
      infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      k.assign(parts);
      k.seekToBeginning(parts);
      Map<TopicPartition, Long> end = k.endOffsets(parts);
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (parts.stream().anyMatch(tp -> k.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) throw new Main.Failure("timed out reading " + topic, null);
        for (ConsumerRecord<byte[], byte[]> r : k.poll(Duration.ofMillis(200))) {
          if (r.key() == null) continue;
          String key = new String(r.key(), StandardCharsets.UTF_8);
          if (r.value() == null || r.value().length == 0) out.remove(key);
          else out.put(key, new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new Main.Failure("could not read " + topic + " at " + c.get(JobOptions.BOOTSTRAP) + ": " + e.getMessage(), e);
    }
    return out;
  }
}
