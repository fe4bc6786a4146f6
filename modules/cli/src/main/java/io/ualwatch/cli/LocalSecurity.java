package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.config.KafkaSecurity;
import io.ualwatch.testkit.EmbeddedKafka;
import io.ualwatch.testkit.security.KafkaAcls;
import io.ualwatch.testkit.security.LocalCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secure embedded stack of {@code up --secure}: on a broker started with {@link EmbeddedKafka#startSecure}
 * (TLS from a local CA, SASL SCRAM-SHA-512, ACLs enforced), one SCRAM user per component
 * ({@link KafkaAcls#PRINCIPALS}) with a random password in {@code <secrets>/<principal>.password} (0600; kept
 * across restarts on the same data directory), exactly the grants of {@link KafkaAcls} and, per component, the
 * configuration its clients use: the base configuration plus the typed {@code kafka.*} security options. The
 * same options are written to {@code <secrets>/<principal>.yaml}, so that {@code ualwatch watch --config
 * <secrets>/ualwatch-cli.yaml} (or replay, console, rules) reaches the secure broker from another shell.
 *
 * <p>No password is a configuration value or an argument: the options name the password file.
 */
final class LocalSecurity {
  final Path secretsDir;
  private final Map<String, Config> configs = new LinkedHashMap<>();

  private LocalSecurity(Path secretsDir) {
    this.secretsDir = secretsDir;
  }

  /**
   * Creates (or, after a restart, updates) the component users and their ACLs on {@code kafka} and writes their
   * client configurations.
   */
  static LocalSecurity setUp(EmbeddedKafka kafka, Path secretsDir, Config base) {
    LocalSecurity s = new LocalSecurity(secretsDir);
    try {
      Files.createDirectories(secretsDir);
      Path ca = kafka.caCertificate();
      for (String principal : KafkaAcls.PRINCIPALS) {
        Path pwFile = secretsDir.resolve(principal + ".password");
        String pw = password(pwFile);
        kafka.upsertScramUser(principal, pw);
        Map<String, String> opts = new LinkedHashMap<>();
        opts.put(JobOptions.BOOTSTRAP.key(), kafka.bootstrapServers());
        opts.put(KafkaSecurity.PROTOCOL.key(), "sasl-ssl");
        opts.put(KafkaSecurity.MECHANISM.key(), "scram-sha-512");
        opts.put(KafkaSecurity.USERNAME.key(), principal);
        opts.put(KafkaSecurity.PASSWORD_FILE.key(), pwFile.toAbsolutePath().toString());
        opts.put(KafkaSecurity.TRUSTSTORE.key(), ca.toAbsolutePath().toString());
        s.configs.put(principal, base.with(opts));
        StringBuilder yaml = new StringBuilder("# ualwatch client settings of the component '" + principal
            + "' on the secure broker of 'ualwatch up --secure' (written at each start; the password is in the file named"
            + " below).\n# Use: ualwatch watch --config " + secretsDir.resolve(principal + ".yaml") + "\n");
        opts.forEach((k, v) -> yaml.append(k).append(": \"").append(v.replace("\\", "\\\\").replace("\"", "\\\""))
            .append("\"\n"));
        LocalCa.writeOwnerOnly(secretsDir.resolve(principal + ".yaml"), yaml.toString());
      }
      kafka.createAcls(KafkaAcls.bindings(names(base)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s;
  }

  /** The topic and group names of {@code c}, as {@link Stack#topics} creates them. */
  static KafkaAcls.Names names(Config c) {
    List<String> alerts = new ArrayList<>();
    alerts.add(c.get(JobOptions.TOPIC_ALERTS));
    for (String t : List.of(c.get(JobOptions.TOPIC_ALERTS_ECS), c.get(JobOptions.TOPIC_ALERTS_CEF))) {
      if (!t.isBlank()) alerts.add(t);
    }
    String control = c.get(JobOptions.TOPIC_CONTROL).isBlank() ? Stack.DEFAULT_CONTROL_TOPIC : c.get(JobOptions.TOPIC_CONTROL);
    return new KafkaAcls.Names(c.get(JobOptions.TOPIC_AUDIT), c.get(JobOptions.TOPIC_SIGNINS), alerts,
        c.get(JobOptions.TOPIC_DEADLETTER), control, ConsoleSupport.ACKS_TOPIC, Stack.HEARTBEAT_TOPIC,
        c.get(JobOptions.GROUP_ID), c.get(JobOptions.TRANSACTIONAL_ID_PREFIX));
  }

  /** The configuration of the component {@code principal} (one of {@link KafkaAcls#PRINCIPALS}). */
  Config configFor(String principal) {
    Config c = configs.get(principal);
    if (c == null) throw new IllegalArgumentException("no component " + principal);
    return c;
  }

  Path configFile(String principal) {
    return secretsDir.resolve(principal + ".yaml");
  }

  private static String password(Path file) throws IOException {
    if (Files.isRegularFile(file)) {
      String pw = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (pw.length() >= 24) return pw;
    }
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    String pw = HexFormat.of().formatHex(b);
    LocalCa.writeOwnerOnly(file, pw + "\n");
    return pw;
  }
}
