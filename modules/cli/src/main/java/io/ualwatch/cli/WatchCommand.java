package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.config.Config;
import io.ualwatch.config.Durations;
import io.ualwatch.config.JobOptions;
import io.ualwatch.console.Brokers;
import io.ualwatch.console.Severities;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Tails the alerts topic in a terminal. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Tails the alerts topic (read_committed: only alerts of committed job transactions) and prints "
        + "one readable line per alert: time, severity, rule (with a running count), who, where, and the "
        + "explanation. A later revision of an alert already shown is printed as an update; a withdrawn alert "
        + "as withdrawn. Ctrl-C prints the count per rule.",
        "Starts at the end of the topic (new alerts only) unless --from-beginning or --since is given."},
    footer = {"", "Examples:", "  ualwatch watch", "  ualwatch watch --min-severity high --since 2h",
        "  ualwatch watch --rule token-multi-network --user alice@contoso.com",
        "  ualwatch watch --from-beginning --json | jq .finding_info.uid",
        "  ualwatch watch --bootstrap kafka1:9092 --timeout 30",
        "", "Exit codes: 0 stopped (Ctrl-C or --max reached); 1 the broker is unreachable within --timeout or failed; "
            + "2 usage error."})
final class WatchCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: kafka.bootstrap, 127.0.0.1:9092).")
  String bootstrap;

  @Option(names = "--min-severity", paramLabel = "LEVEL", description = "Only alerts at least this severe: informational, low, medium, high, critical.")
  String minSeverity;

  @Option(names = "--rule", paramLabel = "RULE", description = "Only this rule (repeatable); 'ualwatch rules' lists them.")
  List<String> rules = new ArrayList<>();

  @Option(names = "--user", paramLabel = "TEXT", description = "Only alerts whose user or mailbox contains TEXT (case-insensitive).")
  String user;

  @Option(names = "--json", description = "Print each alert's OCSF JSON on one line (for piping); status messages go to stderr.")
  boolean json;

  @Option(names = "--from-beginning", description = "Start at the beginning of the topic.")
  boolean fromBeginning;

  @Option(names = "--since", paramLabel = "DURATION", description = "Start with the alerts published in the last DURATION (30m, 2h, 7d).")
  String since;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "How long to wait for the broker before giving up (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--max", paramLabel = "N", description = "Stop after printing N alerts (revisions count).")
  long max;

  @Option(names = "--no-color", description = "No colours (the default when stdout is not a terminal).")
  boolean noColor;

  @Mixin
  ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (fromBeginning && since != null) throw new Main.UsageException("give either --from-beginning or --since, not both");
    int minRank = -1;
    if (minSeverity != null) {
      try {
        minRank = Severities.parseMin(minSeverity);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException(e.getMessage());
      }
    }
    Duration lookBack = null;
    if (since != null) {
      try {
        lookBack = Durations.parse(since);
      } catch (RuntimeException e) {
        throw new Main.UsageException("--since " + since + ": " + e.getMessage() + " (e.g. 30m, 2h, 7d)");
      }
    }
    Config config = configOptions.load();
    String bs = bootstrap != null ? bootstrap : config.get(JobOptions.BOOTSTRAP);
    String topic = config.get(JobOptions.TOPIC_ALERTS);
    Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
    Brokers.requireReachable(bs, KafkaClients.strings(config), timeout, topic);
    boolean color = !noColor && !json && System.console() != null;

    Map<String, Object> props = KafkaClients.with(config, Map.of("bootstrap.servers", bs,
        "isolation.level", "read_committed", "enable.auto.commit", "false", "auto.offset.reset", "latest",
        "default.api.timeout.ms", (int) timeout.toMillis()));
    Map<String, Integer> shownRevision = new HashMap<>();
    Map<String, Long> perRule = new TreeMap<>();
    long shown = 0;
    CountDownLatch done = new CountDownLatch(1);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(topic)) parts.add(new TopicPartition(topic, p.partition()));
      c.assign(parts);
      String from;
      if (fromBeginning) {
        c.seekToBeginning(parts);
        from = "the beginning";
      } else if (lookBack != null) {
        long t = System.currentTimeMillis() - lookBack.toMillis();
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : parts) query.put(tp, t);
        Map<TopicPartition, OffsetAndTimestamp> offsets = c.offsetsForTimes(query);
        List<TopicPartition> none = new ArrayList<>();
        for (TopicPartition tp : parts) {
          OffsetAndTimestamp o = offsets.get(tp);
          if (o != null) c.seek(tp, o.offset());
          else none.add(tp);
        }
        if (!none.isEmpty()) c.seekToEnd(none);
        from = "alerts published since " + java.time.Instant.ofEpochMilli(t).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      } else {
        c.seekToEnd(parts);
        from = "the end (new alerts only)";
      }
      for (TopicPartition tp : parts) c.position(tp); // resolve now: nothing published after the line below is missed
      err.println("watching " + topic + " on " + bs + " from " + from + filterText() + "; Ctrl-C to stop");
      err.flush();
      Thread main = Thread.currentThread();
      Thread hook = new Thread(() -> {
        c.wakeup();
        try {
          done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
          // exiting
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        while (max <= 0 || shown < max) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            if (r.value() == null) continue;
            JsonNode n;
            try {
              n = MAPPER.readTree(r.value());
            } catch (Exception e) {
              err.println("skipped an unreadable record at " + r.topic() + "/" + r.partition() + "@" + r.offset());
              continue;
            }
            String id = n.path("finding_info").path("uid").asText();
            int rev = n.path("unmapped").path("revision").asInt();
            Integer prev = shownRevision.get(id);
            if (prev != null && prev >= rev) continue; // an older or repeated revision of the upsert stream
            if (!matches(n, minRank)) continue;
            boolean update = prev != null || !"NEW".equals(n.path("unmapped").path("alert_status").asText("NEW"));
            shownRevision.put(id, rev);
            String rule = n.path("finding_info").path("analytic").path("uid").asText();
            String status = n.path("unmapped").path("alert_status").asText();
            long count = prev == null && !"WITHDRAWN".equals(status) ? perRule.merge(rule, 1L, Long::sum)
                : perRule.getOrDefault(rule, 0L);
            if (json) {
              out.println(n.toString());
            } else {
              out.println(line(n, update, count, color));
            }
            out.flush();
            shown++;
            if (max > 0 && shown >= max) break;
          }
        }
      } catch (WakeupException e) {
        // Ctrl-C
      } finally {
        err.println();
        err.println("alerts shown: " + shown + (perRule.isEmpty() ? "" : ", by rule:"));
        perRule.forEach((k, v) -> err.printf("  %-32s %,8d%n", k, v));
        err.flush();
        done.countDown();
        if (Thread.currentThread() == main) {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException ignored) {
            // already shutting down
          }
        }
      }
    }
    return 0;
  }

  private String filterText() {
    List<String> f = new ArrayList<>();
    if (minSeverity != null) f.add("severity ≥ " + minSeverity.toLowerCase(Locale.ROOT));
    if (!rules.isEmpty()) f.add("rule " + String.join("|", rules));
    if (user != null) f.add("user ~ " + user);
    return f.isEmpty() ? "" : " (" + String.join(", ", f) + ")";
  }

  boolean matches(JsonNode n, int minRank) {
    if (minRank >= 0 && Severities.rank(n.path("severity").asText()) < minRank) return false;
    if (!rules.isEmpty() && !rules.contains(n.path("finding_info").path("analytic").path("uid").asText())) return false;
    if (user != null) {
      String u = user.toLowerCase(Locale.ROOT);
      String who = io.ualwatch.model.alert.OcsfView.who(n).toLowerCase(Locale.ROOT);
      String mb = n.path("unmapped").path("mailbox").asText("").toLowerCase(Locale.ROOT);
      if (!who.contains(u) && !mb.contains(u)) return false;
    }
    return true;
  }

  /** One alert, readable: time, severity, rule #count, who, where; then the explanation (new alerts only). */
  static String line(JsonNode n, boolean update, long ruleCount, boolean color) {
    JsonNode un = n.path("unmapped");
    String sev = n.path("severity").asText().toUpperCase(Locale.ROOT);
    String sevText = String.format("%-8s", sev);
    if (color) sevText = OcsfText.colour(sev) + sevText + "\u001b[0m";
    String rule = n.path("finding_info").path("analytic").path("uid").asText();
    String who = io.ualwatch.model.alert.OcsfView.who(n);
    String time = un.path("time_iso").asText("").replace('T', ' ').replace("Z", "");
    String head = time + "  " + sevText + "  " + String.format("%-28s", rule + " #" + ruleCount) + "  " + who
        + "  " + where(io.ualwatch.model.alert.OcsfView.source(n));
    String status = un.path("alert_status").asText();
    String dim = color ? "\u001b[2m" : "";
    String reset = color ? "\u001b[0m" : "";
    if ("WITHDRAWN".equals(status)) {
      return head + "\n    " + dim + "withdrawn (r" + un.path("revision").asInt() + "): " + n.path("message").asText() + reset;
    }
    if (update) {
      return head + "\n    " + dim + "↳ update r" + un.path("revision").asInt() + ": " + un.path("evidence_count").asInt()
          + " records, last seen " + java.time.Instant.ofEpochMilli(n.path("end_time").asLong()) + reset;
    }
    return head + "\n    " + n.path("message").asText();
  }

  static String where(JsonNode ep) {
    if (ep.isMissingNode()) return "";
    StringBuilder sb = new StringBuilder(ep.path("ip").asText(""));
    JsonNode loc = ep.path("location");
    String place = String.join(", ", java.util.stream.Stream.of(loc.path("city").asText(""), loc.path("country").asText(""))
        .filter(s -> !s.isEmpty()).toList());
    if (!place.isEmpty()) sb.append(" (").append(place).append(')');
    JsonNode as = ep.path("autonomous_system");
    if (as.has("number")) sb.append(" AS").append(as.path("number").asLong()).append(' ').append(as.path("name").asText(""));
    return sb.toString().strip();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
