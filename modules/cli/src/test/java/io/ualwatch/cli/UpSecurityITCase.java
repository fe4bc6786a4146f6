package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.testkit.security.KafkaAcls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole embedded stack on the secure broker, as a user runs it: {@code ualwatch up --secure} (the emulator
 * serving the live simulated tenant, the real connectors in a Connect worker, the exactly-once job, the console
 * with a token from a file, the alert watcher of {@code --for}) in its own JVM with every log at INFO written to a
 * file. Each component uses its own SCRAM user over TLS with exactly its ACLs ({@link KafkaAcls}); while it runs,
 * the CLI reaches the broker with the client settings {@code up} wrote for it, a plaintext client is refused, and
 * the console refuses a client without the token. Then the secret-leak scan: no secret (the emulator app's client
 * secret, every component's Kafka password, the admin and key store passwords, the console token) is in stdout,
 * stderr, the logs, anything in the data directory but its secrets folder (topics, connector offsets,
 * checkpoints), the console's responses, Connect's REST view of the connectors, the metrics endpoint or the CLI's
 * output.
 */
class UpSecurityITCase {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void secureUpRunsEveryComponentOnTlsAndScramAndNoSecretLeaks(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path logs = tmp.resolve("logs");
    Files.createDirectories(logs);
    byte[] t = new byte[18];
    new SecureRandom().nextBytes(t);
    String consoleToken = HexFormat.of().formatHex(t);
    Path tokenFile = tmp.resolve("console.token");
    io.ualwatch.testkit.security.LocalCa.writeOwnerOnly(tokenFile, consoleToken + "\n");
    Path log4j = tmp.resolve("log4j2.properties");
    Files.writeString(log4j, String.join("\n", "status = warn", "rootLogger.level = info",
        "rootLogger.appenderRef.file.ref = file", "appender.file.type = File", "appender.file.name = file",
        "appender.file.fileName = " + logs.resolve("ualwatch.log"), "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = %d %-5level %c - %msg%n%throwable", ""));
    Path stdout = tmp.resolve("stdout.txt");
    Path stderr = tmp.resolve("stderr.txt");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-cp", System.getProperty("java.class.path"), "-Dlog4j2.configurationFile=" + log4j));
    if (System.getProperty("ualwatch.geo.dir") != null) cmd.add("-Dualwatch.geo.dir=" + System.getProperty("ualwatch.geo.dir"));
    cmd.addAll(List.of("io.ualwatch.cli.Main", "up", "--secure", "--port", "0", "--console-port", "0",
        "--console-token-file", tokenFile.toString(), "--metrics-port", "0", "--for", "150s", "--data-dir", data.toString()));
    Process up = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    Map<String, String> responses = new LinkedHashMap<>();
    List<String> cliOutputs = new ArrayList<>();
    try {
      String console = await(stdout, Pattern.compile("console:\\s+(https?://\\S+)"), Duration.ofSeconds(150), up);
      String bootstrap = await(stdout, Pattern.compile("bootstrap: (\\S+)"), Duration.ofSeconds(5), up);
      Path cliConfig = data.resolve("secrets").resolve(KafkaAcls.CLI + ".yaml");
      assertTrue(Files.isRegularFile(cliConfig), "up writes the CLI's client settings");
      for (String principal : KafkaAcls.PRINCIPALS) {
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
            Files.getPosixFilePermissions(data.resolve("secrets").resolve(principal + ".password")), principal);
      }

      // the console: nothing without the token
      for (String path : List.of("", "api/alerts", "api/health", "api/events", "index.html")) {
        HttpResponse<String> r = get(console + path, null);
        responses.put("anonymous GET /" + path, r.headers().map() + "\n" + r.body());
        assertEquals(401, r.statusCode(), path + ": " + r.body());
        assertFalse(r.body().contains("\"rule"), "no alert without the token: " + r.body());
      }
      // with it, the alerts the job wrote reach the console through its own Kafka user
      String alerts = "";
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline && up.isAlive()) {
        HttpResponse<String> r = get(console + "api/alerts", consoleToken);
        assertEquals(200, r.statusCode(), r.body());
        alerts = r.body();
        if (alerts.contains("token-multi-network")) break;
        Thread.sleep(2000);
      }
      responses.put("GET /api/alerts", alerts);
      assertTrue(alerts.contains("token-multi-network"), "the console shows the job's alerts: "
          + alerts.substring(0, Math.min(2000, alerts.length())));
      String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(alerts).path("alerts").path(0)
          .path("finding_info").path("uid").asText();
      assertFalse(id.isEmpty(), "an alert id in the console's answer");
      HttpResponse<String> evidence = get(console + "api/alerts/" + id + "/evidence", consoleToken);
      responses.put("GET evidence", evidence.body());
      assertEquals(200, evidence.statusCode(), evidence.body());
      assertTrue(evidence.body().contains("MailItemsAccessed"), "the raw records, read by the console's own user");

      // Connect's REST view of the connectors shows the secret's reference, never its value
      String connect = await(stdout, Pattern.compile("connect:\\s+(http://\\S+?)/?\\s"), Duration.ofSeconds(5), up);
      for (String c : List.of(ConnectorFeed.AUDIT_CONNECTOR, ConnectorFeed.SIGNIN_CONNECTOR)) {
        HttpResponse<String> r = get(connect + "/connectors/" + c, null);
        responses.put("connect GET /connectors/" + c, r.body());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("${file:"), "the secret is a config provider reference: " + r.body());
      }

      // the job's metrics on loopback: records parsed, and alert revisions per rule and severity
      String metricsUrl = await(stdout, Pattern.compile("metrics:\\s+(http://127\\.0\\.0\\.1:\\d+/metrics)"),
          Duration.ofSeconds(5), up);
      HttpResponse<String> metrics = get(metricsUrl, null);
      responses.put("metrics", metrics.body());
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("_ualwatch_records_parsed{"), "ualwatch's counters are served");
      assertTrue(Pattern.compile("_ualwatch_rule_severity_alert_revisions\\{[^}]*rule=\"token-multi-network\"[^}]*\\} [1-9]")
          .matcher(metrics.body()).find(), "alert revisions per rule: " + metrics.body().lines()
          .filter(l -> l.contains("alert_revisions")).toList());

      // every ualwatch series the Grafana dashboard plots is one the job serves
      Matcher plotted = Pattern.compile("flink_\\w*?_ualwatch_\\w+").matcher(
          Files.readString(Path.of(System.getProperty("ualwatch.repo.root", "../.."), "deploy", "grafana",
              "ualwatch-dashboard.json")));
      int series = 0;
      while (plotted.find()) {
        series++;
        assertTrue(metrics.body().contains(plotted.group() + "{"), "the dashboard's " + plotted.group() + " is served");
      }
      assertTrue(series >= 3, "the dashboard plots ualwatch's series");

      // the CLI from another shell with the settings up wrote for it: watch reads the alerts over TLS + SCRAM
      CliTest.Run watch = CliTest.run("watch", "--config", cliConfig.toString(), "--from-beginning", "--max", "1",
          "--json", "--timeout", "30");
      cliOutputs.add(watch.out() + watch.err());
      assertEquals(0, watch.code(), watch.out() + watch.err());
      assertTrue(watch.out().contains("finding_info"), watch.out());
      // a client without the security settings is refused (the listener speaks TLS + SASL only)
      CliTest.Run plain = CliTest.run("watch", "--bootstrap", bootstrap, "--max", "1", "--timeout", "5");
      cliOutputs.add(plain.out() + plain.err());
      assertEquals(1, plain.code(), plain.out() + plain.err());
      assertTrue(plain.err().contains("requires TLS or SASL"), "the error says why: " + plain.err());

      assertTrue(up.waitFor(240, TimeUnit.SECONDS), "up stops by itself after --for");
    } finally {
      if (up.isAlive()) {
        up.destroy();
        if (!up.waitFor(30, TimeUnit.SECONDS)) up.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    String out = Files.readString(stdout);
    String err = Files.readString(stderr);
    assertEquals(0, up.exitValue(), out + err);
    Matcher m = Pattern.compile("alerts:\\s+(\\d+) active of (\\d+) alert ids (.*)").matcher(out);
    assertTrue(m.find(), out + err);
    assertTrue(m.group(3).contains("token-multi-network="), "the job found the replayed token: " + out);
    assertFalse(m.group(3).contains("token-without-signin"), out);
    assertTrue(out.contains("dead letters: 0"), out);
    assertTrue(out.contains("SASL_SSL"), out);

    // the secret-leak scan
    Path secretsDir = data.resolve("secrets");
    Map<String, String> secrets = new LinkedHashMap<>();
    String app = Files.readString(secretsDir.resolve("emulator-app.properties"));
    secrets.put("emulator client secret", app.substring(app.indexOf('=') + 1).strip());
    try (Stream<Path> s = Files.walk(secretsDir)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".password")).toList()) {
        secrets.put(secretsDir.relativize(p).toString(), Files.readString(p).strip());
      }
    }
    secrets.put("console token", consoleToken);
    assertTrue(secrets.size() >= KafkaAcls.PRINCIPALS.size() + 3, secrets.keySet().toString());
    for (String v : secrets.values()) assertTrue(v.length() >= 16, "a real secret, not an empty file");

    Map<String, byte[]> written = new LinkedHashMap<>();
    written.put("stdout", out.getBytes(StandardCharsets.UTF_8));
    written.put("stderr", err.getBytes(StandardCharsets.UTF_8));
    long scanned = 0;
    try (Stream<Path> s = Stream.concat(Files.walk(logs), Files.walk(data))) {
      for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.startsWith(secretsDir)).toList()) {
        written.put(tmp.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    responses.forEach((k, v) -> written.put("console " + k, v.getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < cliOutputs.size(); i++) written.put("cli run " + i, cliOutputs.get(i).getBytes(StandardCharsets.UTF_8));
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, byte[]> w : written.entrySet()) {
      scanned += w.getValue().length;
      for (Map.Entry<String, String> sec : secrets.entrySet()) {
        if (contains(w.getValue(), sec.getValue().getBytes(StandardCharsets.UTF_8))) {
          leaks.add(sec.getKey() + " in " + w.getKey());
        }
      }
    }
    assertTrue(Files.size(logs.resolve("ualwatch.log")) > 100_000, "the logs were written at INFO");
    assertTrue(written.keySet().stream().anyMatch(k -> k.contains("kafka")), "the broker's topic data was scanned");
    assertTrue(written.keySet().stream().anyMatch(k -> k.contains("connect")), "the connector offsets were scanned");
    assertTrue(leaks.isEmpty(), "secrets written outside " + secretsDir + ": " + leaks + " (" + written.size()
        + " files and streams, " + scanned + " bytes scanned)");
  }

  private static HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
    if (token != null) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for {@code p}'s first group in the file {@code f} (a running process's output). */
  private static String await(Path f, Pattern p, Duration max, Process proc) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      String s = Files.exists(f) ? Files.readString(f) : "";
      Matcher m = p.matcher(s);
      if (m.find()) return m.group(1);
      if (!proc.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("no " + p + " in the output of up (alive " + proc.isAlive() + "):\n" + s);
      }
      Thread.sleep(500);
    }
  }

  static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }
}
