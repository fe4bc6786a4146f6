package io.ualwatch.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.ualwatch.config.Config;
import io.ualwatch.config.ConfigException;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.engine.LocalEngine;
import io.ualwatch.engine.TestSupport;
import io.ualwatch.enrich.Enricher;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.CefFormatter;
import io.ualwatch.model.alert.EcsFormatter;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.OcsfFormatter;
import io.ualwatch.model.alert.Pseudonymizer;
import io.ualwatch.siem.CefParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job puts the pseudonymiser in front of the chosen sinks only, with a key that is checked at start. */
class PseudonymizeFunctionTest {
  static final String KEY = "k7Yp3qv0ZJc2m9T1xW4rB8nL6sD5fH0a+more";

  static Path keyFile(Path dir, String content) throws IOException {
    Path f = dir.resolve("pseudonym.key");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  static Config config(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(Map.of("alerts.kafka.ecs-topic", "ualwatch.alerts.ecs",
        "alerts.kafka.cef-topic", "ualwatch.alerts.cef", "alerts.syslog.enabled", "true",
        "alerts.syslog.host", "siem.example.org", "alerts.syslog.protocol", "udp", "alerts.syslog.port", "514"));
    m.putAll(extra);
    return UalwatchOptions.of(m);
  }

  /** Sink uid → uid of the operator that feeds it, from the job graph built as the job builds it. */
  static Map<String, String> sinkInputs(Config config) {
    StreamExecutionEnvironment env = UalwatchJob.environment(config, new Configuration());
    UalwatchJob.build(env, UalwatchJob.kafkaSource(config, true), UalwatchJob.alertSinks(config),
        UalwatchJob.deadLetterSink(config), config);
    Map<String, String> in = new HashMap<>();
    for (Transformation<?> t : env.getTransformations()) {
      if (t.getUid() != null && t.getUid().startsWith("sink-alerts")) {
        Transformation<?> input = t.getInputs().get(0);
        in.put(t.getUid(), input.getUid() == null ? input.getName() : input.getUid());
      }
    }
    return in;
  }

  @Test
  void onlyTheNamedSinksGetThePseudonymiser(@TempDir Path dir) throws IOException {
    Path key = keyFile(dir, KEY + "\n");
    Map<String, String> in = sinkInputs(config(Map.of("alerts.pseudonymise.sinks", "ecs,syslog",
        "alerts.pseudonymise.key-file", key.toString())));
    assertEquals(Set.of("sink-alerts", "sink-alerts-ecs", "sink-alerts-cef", "sink-alerts-syslog"), in.keySet());
    assertEquals("pseudonymise-ecs", in.get("sink-alerts-ecs"));
    assertEquals("pseudonymise-syslog", in.get("sink-alerts-syslog"));
    assertFalse(in.get("sink-alerts").startsWith("pseudonymise"), in.toString());
    assertFalse(in.get("sink-alerts-cef").startsWith("pseudonymise"), in.toString());

    Map<String, String> alertsOnly = sinkInputs(config(Map.of("alerts.pseudonymise.sinks", "alerts",
        "alerts.pseudonymise.key-file", key.toString())));
    assertEquals("pseudonymise-alerts", alertsOnly.get("sink-alerts"), "the alerts topic's sink is named alerts");
    assertFalse(alertsOnly.get("sink-alerts-ecs").startsWith("pseudonymise"), alertsOnly.toString());

    Map<String, String> off = sinkInputs(config(Map.of()));
    for (String v : off.values()) assertFalse(v.startsWith("pseudonymise"), "off by default: " + off);
  }

  @Test
  void theFunctionReadsTheKeyWhereItRunsAndPseudonymises(@TempDir Path dir) throws Exception {
    Path key = keyFile(dir, KEY + "\r\n");
    PseudonymizeFunction f = PseudonymizeFunction.of(config(Map.of("alerts.pseudonymise.sinks", "cef",
        "alerts.pseudonymise.key-file", key.toString())));
    assertTrue(f.applies("cef"));
    assertFalse(f.applies(""));
    assertFalse(f.applies("ecs"));
    f.open(null);
    Alert a = AlertSinksTest.alert();
    a.user = "alice@contoso.com";
    a.message = "alice@contoso.com read mail from 203.0.113.7";
    Endpoint e = new Endpoint();
    e.ip = "203.0.113.7";
    a.source = e;
    a.endpoints.add(e);
    a.evidence.add(new Evidence("r1", 1L, "MailItemsAccessed", "203.0.113.7", "NL", null, "Bind"));
    Alert x = f.map(a);
    Pseudonymizer p = new Pseudonymizer(KEY.getBytes(StandardCharsets.UTF_8), true);
    assertEquals(p.user("alice@contoso.com"), x.user, "the trailing line break of the key file is not key");
    assertEquals(p.ip("203.0.113.7"), x.source.ip);
    assertEquals(p.user("alice@contoso.com") + " read mail from " + p.ip("203.0.113.7"), x.message);
    assertNull(x.evidence.get(0).detail, "evidence detail is dropped by default");
    assertEquals(a.id, x.id);
    assertEquals("alice@contoso.com", a.user, "the input is not changed");

    // the same key from an environment variable gives the same tokens; detail kept when asked
    PseudonymizeFunction fromEnv = PseudonymizeFunction.of(config(Map.of("alerts.pseudonymise.sinks", "cef",
        "alerts.pseudonymise.key-env", "UALWATCH_TEST_KEY", "alerts.pseudonymise.drop-evidence-detail", "false")),
        Map.of("UALWATCH_TEST_KEY", KEY)::get);
    Alert y = fromEnv.pseudonymizer(Map.of("UALWATCH_TEST_KEY", KEY)::get).apply(a);
    assertEquals(x.user, y.user);
    assertEquals("Bind", y.evidence.get(0).detail);
  }

  @Test
  void aMissingOrShortKeyOrAnUnknownSinkIsAConfigErrorAtStart(@TempDir Path dir) throws IOException {
    ConfigException none = assertThrows(ConfigException.class,
        () -> sinkInputs(config(Map.of("alerts.pseudonymise.sinks", "ecs"))));
    assertTrue(none.getMessage().contains("alerts.pseudonymise.key-file")
        && none.getMessage().contains("alerts.pseudonymise.key-env"), none.getMessage());

    Path shortKey = keyFile(dir, "too-short-secret");
    ConfigException tooShort = assertThrows(ConfigException.class, () -> PseudonymizeFunction.of(config(Map.of(
        "alerts.pseudonymise.sinks", "ecs", "alerts.pseudonymise.key-file", shortKey.toString()))));
    assertTrue(tooShort.getMessage().contains("at least 32"), tooShort.getMessage());
    assertFalse(tooShort.getMessage().contains("too-short-secret"), "never the key: " + tooShort.getMessage());

    ConfigException missingFile = assertThrows(ConfigException.class, () -> PseudonymizeFunction.of(config(Map.of(
        "alerts.pseudonymise.sinks", "ecs", "alerts.pseudonymise.key-file", dir.resolve("nope").toString()))));
    assertTrue(missingFile.getMessage().contains("cannot read"), missingFile.getMessage());

    ConfigException unsetEnv = assertThrows(ConfigException.class, () -> PseudonymizeFunction.of(config(Map.of(
        "alerts.pseudonymise.sinks", "ecs", "alerts.pseudonymise.key-env", "UALWATCH_NOT_SET")), n -> null));
    assertTrue(unsetEnv.getMessage().contains("UALWATCH_NOT_SET"), unsetEnv.getMessage());

    Path key = keyFile(dir, KEY);
    ConfigException both = assertThrows(ConfigException.class, () -> PseudonymizeFunction.of(config(Map.of(
        "alerts.pseudonymise.sinks", "ecs", "alerts.pseudonymise.key-file", key.toString(),
        "alerts.pseudonymise.key-env", "X")), n -> KEY));
    assertTrue(both.getMessage().contains("exactly one"), both.getMessage());

    ConfigException sink = assertThrows(ConfigException.class,
        () -> UalwatchOptions.of(Map.of("alerts.pseudonymise.sinks", "ecs,splunk")));
    assertTrue(sink.getMessage().contains("alerts, ecs, cef, syslog"), sink.getMessage());

    assertNull(PseudonymizeFunction.of(config(Map.of("alerts.pseudonymise.key-file", dir.resolve("nope").toString()))),
        "no sink named: off, and the key is not needed");
  }

  static final Pattern EMAIL = Pattern.compile("[\\w.+'#$%&*!~-]+@[\\w-]+(?:\\.[\\w-]+)+");
  static final Pattern IPV4 = Pattern.compile("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\d])");

  /** Every scenario's alerts, pseudonymised: no address or IP of the original left, still valid for the schemas. */
  @Test
  void scenarioAlertsLeakNothingAndStayValid() throws IOException {
    Path root = TestSupport.repoRoot();
    JsonSchemaFactory sf = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig cfg = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    ObjectMapper mapper = new ObjectMapper();
    JsonSchema ocsf = sf.getSchema(mapper.readTree(root.resolve("schemas/ocsf-detection-finding.ualwatch.schema.json")
        .toFile()), cfg);
    JsonSchema ecs = sf.getSchema(mapper.readTree(root.resolve("schemas/ecs-alert.ualwatch.schema.json").toFile()), cfg);
    List<Alert> revisions = new ArrayList<>();
    List<Path> dirs;
    try (Stream<Path> s = Files.list(root.resolve("samples/scenarios"))) {
      // the benign scenarios raise (next to) nothing: the attack scenarios carry the users and addresses
      dirs = s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("benign-")).sorted().toList();
    }
    for (Path d : dirs) {
      LocalEngine e = new LocalEngine(TestSupport.defaults(), new Enricher(TestSupport.geo()), 3_600_000L,
          8 * 86_400_000L, false, revisions::add);
      TestSupport.read(d.resolve("input")).forEach(e::accept);
      e.finish();
    }
    assertTrue(revisions.size() > 20, "scenarios ran: " + revisions.size());
    Pseudonymizer p = new Pseudonymizer(KEY.getBytes(StandardCharsets.UTF_8), true);
    int users = 0;
    int ips = 0;
    // the schemas are checked on the last revision of each alert (validating all 17,000 takes minutes)
    Map<String, Alert> last = new HashMap<>();
    for (Alert a : revisions) last.put(a.id, a);
    Set<Alert> validate = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    validate.addAll(last.values());
    int validated = 0;
    for (Alert a : revisions) {
      Set<String> originals = new LinkedHashSet<>();
      for (String r : List.of(OcsfFormatter.toJsonString(a), EcsFormatter.toJsonString(a), CefFormatter.format(a))) {
        Matcher m = EMAIL.matcher(r);
        while (m.find()) {
          String address = m.group().toLowerCase(Locale.ROOT);
          originals.add(address);
          String local = address.substring(0, address.indexOf('@'));
          if (local.contains(".")) originals.add(local); // first.last: no part of an address may survive either
        }
        m = IPV4.matcher(r);
        while (m.find()) originals.add(m.group());
      }
      for (Endpoint ep : a.endpoints) if (ep.ip != null) originals.add(ep.ip.toLowerCase(Locale.ROOT));
      for (Evidence ev : a.evidence) if (ev.ip != null) originals.add(ev.ip.toLowerCase(Locale.ROOT));
      if (a.user != null) users++;
      if (a.source != null && a.source.ip != null) ips++;

      Alert x = p.apply(a);
      assertEquals(a.id, x.id);
      String ocsfText = OcsfFormatter.toJsonString(x);
      String ecsText = EcsFormatter.toJsonString(x);
      String cefText = CefFormatter.format(x);
      for (String r : List.of(ocsfText, ecsText, cefText)) {
        String lower = r.toLowerCase(Locale.ROOT);
        for (String o : originals) assertFalse(lower.contains(o), o + " left in " + r);
      }
      if (validate.contains(a)) {
        assertEquals(List.of(), messages(ocsf.validate(mapper.readTree(ocsfText))), ocsfText);
        assertEquals(List.of(), messages(ecs.validate(mapper.readTree(ecsText))), ecsText);
        validated++;
      }
      CefParser.Cef c = CefParser.parse(cefText);
      assertEquals(a.id, c.extension().get("externalId"));
      if (a.user != null) {
        assertEquals(p.user(a.user), c.extension().get("suser"));
        assertNotEquals(a.user, c.extension().get("suser"));
      }
    }
    assertTrue(users > 10 && ips > 10, "the scenarios have users and addresses to hide: " + users + ", " + ips);
    assertTrue(validated >= 15, "validated " + validated);
  }

  private static List<String> messages(Set<ValidationMessage> msgs) {
    return msgs.stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}
