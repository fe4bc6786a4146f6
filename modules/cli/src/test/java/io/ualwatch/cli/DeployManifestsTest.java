package io.ualwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.config.KafkaSecurity;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.testkit.security.KafkaAcls;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.Worker;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The deployment manifests under {@code deploy/kubernetes} (Flink Kubernetes Operator, Strimzi) and
 * {@code deploy/docker-compose}, checked against the code they deploy: parsed with Jackson YAML, the required fields
 * of each kind, a hand-kept subset of each kind's schema (known spec keys: catches typos, not a CRD validation), every
 * Flink option known to Flink 2 under its current name with a value Flink parses, the job's configuration loaded
 * with the job's own option declarations, topics equal to {@link Stack#topics}, ACLs equal to
 * {@link KafkaAcls#grants}, connector classes and settings validated by the connectors' own {@code ConfigDef}, and
 * no secret written anywhere. Nothing is applied to a cluster, nothing is started: no network, no kubectl, no Docker.
 */
class DeployManifestsTest {
  static final Path ROOT = Path.of(System.getProperty("ualwatch.repo.root", "../.."));
  static final Path K8S = ROOT.resolve("deploy/kubernetes");
  static final Path COMPOSE = ROOT.resolve("deploy/docker-compose");
  static final Path CONNECT = ROOT.resolve("deploy/connect");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  static final List<String> K8S_FILES = List.of("flink-deployment.yaml", "kafka-connect.yaml", "kafka.yaml",
      "topics.yaml", "users.yaml");
  static final String STRIMZI = "kafka.strimzi.io/v1beta2";
  static final Map<String, String> API_VERSIONS = Map.of("FlinkDeployment", "flink.apache.org/v1beta1",
      "ConfigMap", "v1", "Kafka", STRIMZI, "KafkaNodePool", STRIMZI, "KafkaTopic", STRIMZI, "KafkaUser", STRIMZI,
      "KafkaConnect", STRIMZI, "KafkaConnector", STRIMZI);
  static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
  static final String PROVIDER_REF = "^\\$\\{([A-Za-z0-9_]+):([^}]*)\\}$";
  /** The list-valued setting that, times the tenants, gives each connector's task count. */
  static final Map<String, String> STREAMS_KEY = Map.of(
      "io.ualwatch.connector.activity.ManagementActivitySourceConnector", "content.types",
      "io.ualwatch.connector.signin.EntraSignInSourceConnector", "signin.event.types");

  // ---------------------------------------------------------------------------------------------- the manifests

  record Doc(String file, int index, ObjectNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    JsonNode spec() {
      return node.path("spec");
    }

    String label() {
      return kind() + "/" + name();
    }
  }

  static List<JsonNode> readYamlDocuments(Path file) {
    List<JsonNode> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(r)) {
      while (it.hasNext()) {
        JsonNode n = it.next();
        if (n != null && !n.isNull() && !n.isMissingNode()) out.add(n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
    return out;
  }

  /** Every Kubernetes document of deploy/kubernetes, in file order. */
  static List<Doc> k8sDocs() {
    List<Doc> docs = new ArrayList<>();
    for (Path f : yamlFiles(K8S)) {
      List<JsonNode> nodes = readYamlDocuments(f);
      for (int i = 0; i < nodes.size(); i++) {
        assertTrue(nodes.get(i).isObject(), f + " document " + (i + 1) + " is not a map");
        docs.add(new Doc(f.getFileName().toString(), i + 1, (ObjectNode) nodes.get(i)));
      }
    }
    return docs;
  }

  static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode compose() {
    List<JsonNode> docs = readYamlDocuments(COMPOSE.resolve("docker-compose.yaml"));
    assertEquals(1, docs.size(), "docker-compose.yaml: one document");
    return docs.get(0);
  }

  static String pomProperty(String name) {
    try {
      String pom = Files.readString(ROOT.resolve("pom.xml"));
      Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
      assertTrue(m.find(), "root pom.xml has no " + name);
      return m.group(1).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------- the tests

  @Test
  void everyManifestIsThere() {
    Set<String> k8s = yamlFiles(K8S).stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    assertTrue(k8s.containsAll(K8S_FILES), "deploy/kubernetes lacks " + K8S_FILES + " − " + k8s);
    assertTrue(Files.isRegularFile(COMPOSE.resolve("docker-compose.yaml")));
    Map<String, Long> kinds = k8sDocs().stream().collect(Collectors.groupingBy(Doc::kind, Collectors.counting()));
    for (String kind : List.of("FlinkDeployment", "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "KafkaConnect",
        "KafkaConnector")) {
      assertTrue(kinds.containsKey(kind), "no " + kind + " under deploy/kubernetes: " + kinds);
    }
    assertEquals(1L, kinds.get("Kafka"), "one Kafka cluster");
    assertEquals(1L, kinds.get("KafkaConnect"), "one Connect cluster");
  }

  /** One container per manifest file, one test per document (Kubernetes) or per concern (docker-compose). */
  @TestFactory
  Stream<DynamicNode> manifests() {
    List<Doc> all = k8sDocs();
    List<DynamicNode> nodes = new ArrayList<>();
    for (Path f : yamlFiles(K8S)) {
      String file = f.getFileName().toString();
      List<Doc> docs = all.stream().filter(d -> d.file().equals(file)).toList();
      List<DynamicNode> tests = new ArrayList<>();
      tests.add(dynamicTest("parses (" + docs.size() + " documents)", () -> assertFalse(docs.isEmpty(), file)));
      for (Doc d : docs) tests.add(dynamicTest(d.label(), () -> checkDoc(d, all)));
      nodes.add(dynamicContainer("kubernetes/" + file, tests));
    }
    JsonNode c = compose();
    nodes.add(dynamicContainer("docker-compose/docker-compose.yaml", Stream.of(
        dynamicTest("services, official images at the project's versions, named volumes", () -> checkComposeServices(c)),
        dynamicTest("published ports on 127.0.0.1 only", () -> checkComposePorts(c)),
        dynamicTest("Flink configuration (job manager = task manager, Flink 2 option names)", () -> checkComposeFlink(c)),
        dynamicTest("job configuration ualwatch.yaml", () -> checkComposeJobConfig(c)),
        dynamicTest("create-topics.sh = Stack.topics", () -> checkComposeTopics()),
        dynamicTest("Connect worker = deploy/connect worker", () -> checkComposeConnect(c)),
        dynamicTest("no literal secret in an environment", () -> checkComposeSecrets(c)))));
    return nodes.stream();
  }

  @Test
  void kafkaTopicsAreTheEmbeddedStacksTopics() {
    checkTopics(k8sDocs());
  }

  @Test
  void kafkaUsersGrantExactlyKafkaAcls() {
    checkUsers(k8sDocs());
  }

  /** The checks fail when a manifest drifts from the code: each altered copy below must be refused. */
  @Test
  void driftIsDetected() {
    List<Doc> docs = k8sDocs();
    assertDrift("audit topic with 3 partitions", "vs Stack.topics", docs, d -> d.kind().equals("KafkaTopic")
        && d.spec().path("topicName").asText().equals("ualwatch.audit.raw"),
        n -> ((ObjectNode) n.get("spec")).put("partitions", 3), DeployManifestsTest::checkTopics);
    assertDrift("control topic not compacted", "vs Stack.topics", docs, d -> d.kind().equals("KafkaTopic")
        && d.spec().path("topicName").asText().equals("ualwatch.control"),
        n -> ((ObjectNode) n.get("spec").get("config")).remove("cleanup.policy"), DeployManifestsTest::checkTopics);
    assertDrift("job without Describe on alerts", "KafkaUser ualwatch-job vs KafkaAcls.grants", docs, d -> d.label().equals("KafkaUser/ualwatch-job"),
        n -> {
          for (JsonNode acl : n.at("/spec/authorization/acls")) {
            if (acl.at("/resource/name").asText().equals("ualwatch.alerts")) {
              ((ObjectNode) acl).set("operations", JSON.createArrayNode().add("Write"));
            }
          }
        }, DeployManifestsTest::checkUsers);
    assertDrift("console allowed to write a raw topic", "KafkaUser ualwatch-console vs KafkaAcls.grants", docs, d -> d.label().equals("KafkaUser/ualwatch-console"),
        n -> ((ArrayNode) n.at("/spec/authorization/acls")).addObject().<ObjectNode>set("resource",
            JSON.createObjectNode().put("type", "topic").put("name", "ualwatch.audit.raw").put("patternType", "literal"))
            .set("operations", JSON.createArrayNode().add("Write")), DeployManifestsTest::checkUsers);
    assertDrift("connector class that does not exist", "is not on the classpath", docs, d -> d.label().equals("KafkaConnector/ual-audit"),
        n -> ((ObjectNode) n.get("spec")).put("class", "io.ualwatch.connector.activity.NoSuchConnector"),
        all -> checkAll(all, "KafkaConnector"));
    assertDrift("client secret written in the connector", "reference, never the secret itself", docs, d -> d.label().equals("KafkaConnector/ual-audit"),
        n -> ((ObjectNode) n.at("/spec/config")).put("auth.client.secret", "s3cr3t-value"),
        all -> checkAll(all, "KafkaConnector"));
    assertDrift("connector tasks not one per stream", "tasksMax = tenants", docs, d -> d.label().equals("KafkaConnector/ual-signins"),
        n -> ((ObjectNode) n.get("spec")).put("tasksMax", 1), all -> checkAll(all, "KafkaConnector"));
    assertDrift("entry class that does not exist", "is not a class with main", docs, d -> d.kind().equals("FlinkDeployment"),
        n -> ((ObjectNode) n.at("/spec/job")).put("entryClass", "io.ualwatch.job.Missing"),
        all -> checkAll(all, "FlinkDeployment"));
    assertDrift("Flink 1.x option name", "deprecated Flink 1.x name", docs, d -> d.kind().equals("FlinkDeployment"),
        n -> ((ObjectNode) n.at("/spec/flinkConfiguration")).put("state.checkpoints.dir", "s3://b/c"),
        all -> checkAll(all, "FlinkDeployment"));
    assertDrift("parallelism differs from the job's", "job.parallelism (the job sets it", docs, d -> d.kind().equals("FlinkDeployment"),
        n -> ((ObjectNode) n.at("/spec/job")).put("parallelism", 3), all -> checkAll(all, "FlinkDeployment"));
    assertDrift("unknown job option", "the job's configuration does not load", docs, d -> d.kind().equals("ConfigMap"),
        n -> ((ObjectNode) n.get("data")).put("ualwatch.yaml", n.at("/data/ualwatch.yaml").asText()
            + "jobs:\n  paralelism: 2\n"), all -> checkAll(all, "FlinkDeployment"));
    assertDrift("one broker", ": replicas", docs, d -> d.kind().equals("KafkaNodePool"),
        n -> ((ObjectNode) n.get("spec")).put("replicas", 1), all -> checkAll(all, "KafkaNodePool"));
    assertDrift("min.insync.replicas 1", ": min.insync.replicas", docs, d -> d.kind().equals("Kafka"),
        n -> ((ObjectNode) n.at("/spec/kafka/config")).put("min.insync.replicas", 1), all -> checkAll(all, "Kafka"));

    JsonNode c = compose().deepCopy();
    ((ArrayNode) c.at("/services/jobmanager/ports")).set(0, TextNode.valueOf("8081:8081"));
    assertMessage("bind published ports to 127.0.0.1",
        assertThrows(AssertionError.class, () -> checkComposePorts(c), "a port on every address must be refused"));
    JsonNode c2 = compose().deepCopy();
    ((ObjectNode) c2.at("/services/kafka")).put("image", "apache/kafka:3.9.0");
    assertMessage("is neither", assertThrows(AssertionError.class, () -> checkComposeServices(c2),
        "another Kafka version must be refused"));
  }

  static void assertMessage(String expected, Throwable t) {
    assertTrue(String.valueOf(t.getMessage()).contains(expected),
        "refused, but not for the expected reason '" + expected + "': " + t.getMessage());
  }

  static void assertDrift(String what, String expected, List<Doc> docs, java.util.function.Predicate<Doc> target,
      Consumer<ObjectNode> change, Consumer<List<Doc>> check) {
    check.accept(docs); // the manifests as they are pass
    List<Doc> altered = new ArrayList<>();
    int hits = 0;
    for (Doc d : docs) {
      if (target.test(d)) {
        ObjectNode copy = d.node().deepCopy();
        change.accept(copy);
        altered.add(new Doc(d.file(), d.index(), copy));
        hits++;
      } else {
        altered.add(d);
      }
    }
    assertEquals(1, hits, what + ": the change must hit one document");
    assertMessage(expected, assertThrows(AssertionError.class, () -> check.accept(altered), what + " must be refused"));
  }

  static void checkAll(List<Doc> all, String kind) {
    for (Doc d : all) if (d.kind().equals(kind)) checkDoc(d, all);
  }

  // ---------------------------------------------------------------------------------------------- per document

  static void checkDoc(Doc d, List<Doc> all) {
    String where = d.file() + " #" + d.index() + " " + d.label();
    JsonNode n = d.node();
    String kind = text(n, "kind", where);
    assertTrue(API_VERSIONS.containsKey(kind), where + ": unexpected kind " + kind + " (no Secret or other kind is "
        + "written here; secrets are created by hand or by the operators)");
    assertEquals(API_VERSIONS.get(kind), text(n, "apiVersion", where), where + ": apiVersion");
    String name = text(n.path("metadata"), "name", where + " metadata");
    assertTrue(name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") && name.length() <= 253,
        where + ": metadata.name is not a Kubernetes name: " + name);
    assertFalse(n.path("metadata").has("namespace"), where + ": no namespace in the manifests (kubectl -n ualwatch)");
    if (kind.equals("ConfigMap")) {
      assertTrue(n.path("data").isObject(), where + ": data");
      n.path("data").fields().forEachRemaining(e -> assertTrue(e.getValue().isTextual(), where + ": data." + e.getKey()));
      return;
    }
    assertTrue(d.spec().isObject() && d.spec().size() > 0, where + ": spec");
    switch (kind) {
      case "FlinkDeployment" -> checkFlinkDeployment(d, all, where);
      case "Kafka" -> checkKafka(d, all, where);
      case "KafkaNodePool" -> checkNodePool(d, all, where);
      case "KafkaTopic" -> checkTopic(d, all, where);
      case "KafkaUser" -> checkUser(d, all, where);
      case "KafkaConnect" -> checkConnect(d, all, where);
      case "KafkaConnector" -> checkConnector(d, all, where);
      default -> fail(where + ": no check for " + kind);
    }
  }

  static final Map<String, Set<String>> SPEC_KEYS = Map.of(
      "FlinkDeployment", Set.of("image", "imagePullPolicy", "serviceAccount", "flinkVersion", "ingress", "podTemplate",
          "jobManager", "taskManager", "logConfiguration", "mode", "job", "flinkConfiguration", "restartNonce"),
      "Kafka", Set.of("kafka", "entityOperator", "clusterCa", "clientsCa", "cruiseControl", "kafkaExporter",
          "maintenanceTimeWindows"),
      "KafkaNodePool", Set.of("replicas", "storage", "roles", "resources", "jvmOptions", "template"),
      "KafkaTopic", Set.of("topicName", "partitions", "replicas", "config"),
      "KafkaUser", Set.of("authentication", "authorization", "quotas", "template"),
      "KafkaConnect", Set.of("version", "replicas", "image", "bootstrapServers", "tls", "authentication", "config",
          "resources", "livenessProbe", "readinessProbe", "jvmOptions", "jmxOptions", "logging", "clientRackInitImage",
          "rack", "tracing", "template", "externalConfiguration", "build", "metricsConfig", "plugins"),
      "KafkaConnector", Set.of("class", "tasksMax", "autoRestart", "config", "state", "pause", "listOffsets",
          "alterOffsets"));

  static void knownKeys(JsonNode n, Set<String> allowed, String where) {
    n.fieldNames().forEachRemaining(k -> assertTrue(allowed.contains(k), where + ": unknown key " + k
        + " (known: " + new TreeSet<>(allowed) + ")"));
  }

  static Doc kafkaOf(Doc d, List<Doc> all, String where) {
    String cluster = d.node().at("/metadata/labels").path("strimzi.io/cluster").asText();
    return all.stream().filter(x -> x.kind().equals("Kafka") && x.name().equals(cluster)).findFirst()
        .orElseThrow(() -> new AssertionError(where + ": label strimzi.io/cluster names no Kafka: '" + cluster + "'"));
  }

  static Doc onlyKafka(List<Doc> all) {
    List<Doc> k = all.stream().filter(x -> x.kind().equals("Kafka")).toList();
    assertEquals(1, k.size(), "one Kafka");
    return k.get(0);
  }

  // -- Flink

  static void checkFlinkDeployment(Doc d, List<Doc> all, String where) {
    JsonNode spec = d.spec();
    knownKeys(spec, SPEC_KEYS.get("FlinkDeployment"), where + " spec");
    knownKeys(spec.path("job"), Set.of("jarURI", "parallelism", "entryClass", "args", "state", "savepointTriggerNonce",
        "initialSavepointPath", "checkpointTriggerNonce", "upgradeMode", "allowNonRestoredState",
        "savepointRedeployNonce", "autoscalerResetNonce"), where + " spec.job");
    String[] fv = pomProperty("flink.version").split("\\.");
    assertEquals("v" + fv[0] + "_" + fv[1], text(spec, "flinkVersion", where), where + ": flinkVersion vs pom.xml");
    assertTrue(text(spec, "image", where).length() > 0);
    for (String jm : List.of("jobManager", "taskManager")) {
      JsonNode r = spec.path(jm).path("resource");
      assertTrue(r.has("cpu") && r.path("memory").isTextual(), where + ": " + jm + ".resource cpu and memory");
      knownKeys(r, Set.of("cpu", "memory", "ephemeralStorage"), where + " " + jm + ".resource");
    }

    // the job
    JsonNode job = spec.path("job");
    String jar = text(job, "jarURI", where);
    assertTrue(jar.startsWith("local:///") && jar.endsWith(".jar"), where + ": jarURI in the image: " + jar);
    assertEquals("savepoint", text(job, "upgradeMode", where), where + ": upgradeMode");
    String entry = text(job, "entryClass", where);
    try {
      Class<?> main = Class.forName(entry, false, DeployManifestsTest.class.getClassLoader());
      Method m = main.getMethod("main", String[].class);
      assertTrue(Modifier.isStatic(m.getModifiers()), where + ": " + entry + ".main is not static");
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      fail(where + ": entryClass " + entry + " is not a class with main(String[]) on the classpath: " + e);
    }
    assertTrue(job.path("parallelism").canConvertToInt() && job.path("parallelism").asInt() >= 1, where + ": parallelism");
    int parallelism = job.path("parallelism").asInt();
    String dockerfile = read(K8S.resolve("flink.Dockerfile"));
    assertTrue(dockerfile.contains("FROM flink:" + pomProperty("flink.version") + "-java17"),
        "flink.Dockerfile: FROM flink:" + pomProperty("flink.version") + "-java17");
    assertTrue(dockerfile.contains(" " + jar.substring("local://".length()) + "\n"),
        where + ": flink.Dockerfile copies the job jar elsewhere than " + jar);

    // the Flink configuration: string values, Flink 2 option names, values Flink parses
    JsonNode fc = spec.path("flinkConfiguration");
    Map<String, String> flink = new TreeMap<>();
    fc.fields().forEachRemaining(e -> {
      assertTrue(e.getValue().isTextual(), where + ": flinkConfiguration." + e.getKey() + " must be a string (quote it)");
      flink.put(e.getKey(), e.getValue().asText());
    });
    Configuration conf = checkFlinkConfiguration(flink, where);
    assertEquals("rocksdb", flink.get("state.backend.type"), where + ": RocksDB state");
    assertEquals("true", flink.get("execution.checkpointing.incremental"), where + ": incremental checkpoints");
    for (String k : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
        "high-availability.storageDir")) {
      assertTrue(flink.getOrDefault(k, "").startsWith("s3://"), where + ": " + k + " on S3-compatible storage");
    }
    assertEquals("kubernetes", flink.get("high-availability.type"), where + ": Kubernetes HA");
    assertNotNull(flink.get("restart-strategy.type"), where + ": restart strategy");
    assertEquals(PROMETHEUS_FACTORY, flink.get("metrics.reporter.prom.factory.class"), where + ": Prometheus reporter");
    assertEquals("9249", flink.get("metrics.reporter.prom.port"), where + ": Prometheus port");
    int maxParallelism = Integer.parseInt(flink.getOrDefault("pipeline.max-parallelism", "128"));
    assertTrue(parallelism <= maxParallelism, where + ": parallelism above max-parallelism");

    // the pod: the main container, its mounts, no literal secret in env
    JsonNode pod = spec.path("podTemplate").path("spec");
    JsonNode container = null;
    for (JsonNode c : pod.path("containers")) if (c.path("name").asText().equals("flink-main-container")) container = c;
    assertNotNull(container, where + ": podTemplate needs the container flink-main-container");
    checkEnv(container.path("env"), where);
    boolean metricsPort = false;
    for (JsonNode p : container.path("ports")) metricsPort |= p.path("containerPort").asInt() == 9249;
    assertTrue(metricsPort, where + ": container port 9249 for Prometheus");
    Map<String, JsonNode> volumes = new HashMap<>();
    for (JsonNode v : pod.path("volumes")) volumes.put(v.path("name").asText(), v);
    Map<String, String> mounts = new LinkedHashMap<>();
    for (JsonNode m : container.path("volumeMounts")) {
      String vol = m.path("name").asText();
      assertTrue(volumes.containsKey(vol), where + ": volumeMount of an undeclared volume " + vol);
      mounts.put(m.path("mountPath").asText(), vol);
    }

    // args: --config FILE from the ConfigMap
    List<String> args = new ArrayList<>();
    job.path("args").forEach(a -> args.add(a.asText()));
    String configFile = null;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--config" -> configFile = args.get(++i);
        case "--set" -> assertTrue(args.get(++i).indexOf('=') > 0, where + ": --set key=value");
        default -> fail(where + ": the job takes --config FILE and --set key=value, not " + args.get(i));
      }
    }
    assertNotNull(configFile, where + ": args must name the job's --config file");
    JsonNode configVolume = volumeAt(configFile, mounts, volumes, where);
    String cmName = configVolume.path("configMap").path("name").asText();
    Doc cm = all.stream().filter(x -> x.kind().equals("ConfigMap") && x.name().equals(cmName)).findFirst()
        .orElseThrow(() -> new AssertionError(where + ": --config is not in a ConfigMap of the manifests"));
    String key = configFile.substring(configFile.lastIndexOf('/') + 1);
    assertTrue(cm.node().path("data").path(key).isTextual(), where + ": ConfigMap " + cmName + " has no " + key);
    Config c = loadJobConfig(cm.node().path("data").path(key).asText(), where);
    Map<String, String> sets = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--set")) {
        String kv = args.get(++i);
        sets.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    c = c.with(sets);

    // the job's configuration against the deployment, the Kafka cluster and the users
    assertEquals(parallelism, (int) c.get(JobOptions.PARALLELISM), where + ": job.parallelism (the job sets it "
        + "itself) vs spec.job.parallelism");
    assertEquals(c.get(JobOptions.CHECKPOINT_INTERVAL),
        conf.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL),
        where + ": job.checkpoint-interval (the job sets it itself) vs execution.checkpointing.interval");
    assertEquals(c.get(JobOptions.DELIVERY) == JobOptions.Delivery.EXACTLY_ONCE ? "EXACTLY_ONCE" : "AT_LEAST_ONCE",
        flink.getOrDefault("execution.checkpointing.mode", "EXACTLY_ONCE"), where + ": checkpointing mode vs job.delivery");
    KafkaAcls.Names names = KafkaAcls.Names.defaults();
    assertEquals(names, LocalSecurity.names(c), where + ": the job's topics, group and transactional-id prefix must "
        + "be the default names the KafkaUsers grant");
    Doc kafka = onlyKafka(all);
    assertEquals(bootstrap(kafka), c.get(JobOptions.BOOTSTRAP), where + ": kafka.bootstrap");
    assertEquals("sasl-ssl", c.get(KafkaSecurity.PROTOCOL).toString().toLowerCase(Locale.ROOT).replace('_', '-'),
        where + ": TLS + SASL");
    assertEquals(KafkaAcls.JOB, c.get(KafkaSecurity.USERNAME), where + ": the job's Kafka user");
    JsonNode pw = volumeAt(c.get(KafkaSecurity.PASSWORD_FILE), mounts, volumes, where + " kafka.sasl.password-file");
    assertEquals(KafkaAcls.JOB, pw.path("secret").path("secretName").asText(),
        where + ": the password file must come from the Secret of the KafkaUser " + KafkaAcls.JOB);
    assertTrue(c.get(KafkaSecurity.PASSWORD_ENV).isBlank(), where + ": the Kafka password from a file, not env");
    JsonNode ca = volumeAt(c.get(KafkaSecurity.TRUSTSTORE), mounts, volumes, where + " kafka.ssl.truststore");
    assertEquals(kafka.name() + "-cluster-ca-cert", ca.path("secret").path("secretName").asText(),
        where + ": the trust store must be Strimzi's cluster CA");
    String geo = c.get(JobOptions.GEO_DIR);
    assertTrue(!geo.isBlank() && dockerfile.contains(" " + geo + "/\n"),
        where + ": geo.dir " + geo + " must be where flink.Dockerfile puts the geo data");
  }

  static JsonNode volumeAt(String path, Map<String, String> mounts, Map<String, JsonNode> volumes, String where) {
    String best = null;
    for (String m : mounts.keySet()) {
      if (path.startsWith(m.endsWith("/") ? m : m + "/") && (best == null || m.length() > best.length())) best = m;
    }
    assertNotNull(best, where + ": " + path + " is under no volume mount");
    return volumes.get(mounts.get(best));
  }

  static Config loadJobConfig(String yaml, String where) {
    try {
      Path f = Files.createTempFile("ualwatch-manifest", ".yaml");
      try {
        Files.writeString(f, yaml);
        return UalwatchOptions.load(f);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": the job's configuration does not load: " + e.getMessage(), e);
      } finally {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flink's own option declarations, by key, and the deprecated (Flink 1.x) keys they replaced. */
  static final class FlinkOptions {
    static final List<String> CLASSES = List.of("CheckpointingOptions", "StateBackendOptions",
        "HighAvailabilityOptions", "RestartStrategyOptions", "PipelineOptions", "TaskManagerOptions",
        "JobManagerOptions", "MetricOptions", "CoreOptions", "RestOptions", "StateRecoveryOptions",
        "ExecutionOptions", "SecurityOptions", "RpcOptions", "BlobServerOptions", "WebOptions", "ClusterOptions",
        "DeploymentOptions", "HeartbeatManagerOptions", "NettyShuffleEnvironmentOptions", "ResourceManagerOptions");
    static final FlinkOptions INSTANCE = new FlinkOptions();
    final Map<String, ConfigOption<?>> byKey = new HashMap<>();
    final Map<String, String> replacedBy = new HashMap<>();

    private FlinkOptions() {
      List<String> names = new ArrayList<>();
      for (String c : CLASSES) names.add("org.apache.flink.configuration." + c);
      names.add("org.apache.flink.state.rocksdb.RocksDBOptions");
      names.add("org.apache.flink.state.rocksdb.RocksDBConfigurableOptions");
      for (String n : names) {
        Class<?> k;
        try {
          k = Class.forName(n);
        } catch (ClassNotFoundException e) {
          continue;
        }
        for (Field f : k.getFields()) {
          if (!Modifier.isStatic(f.getModifiers()) || !ConfigOption.class.isAssignableFrom(f.getType())) continue;
          try {
            ConfigOption<?> o = (ConfigOption<?>) f.get(null);
            byKey.putIfAbsent(o.key(), o);
            for (FallbackKey fb : o.fallbackKeys()) replacedBy.putIfAbsent(fb.getKey(), o.key());
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      for (String must : List.of("state.backend.type", "execution.checkpointing.dir", "high-availability.type",
          "restart-strategy.type", "state.backend.rocksdb.predefined-options")) {
        if (!byKey.containsKey(must)) throw new IllegalStateException("Flink option not found: " + must);
      }
    }
  }

  /** Prefixes of options that Flink declares in plugins or modules not on this classpath. */
  static final List<String> FLINK_PLUGIN_PREFIXES = List.of("metrics.reporter.", "s3.", "kubernetes.");

  static Configuration checkFlinkConfiguration(Map<String, String> flink, String where) {
    FlinkOptions o = FlinkOptions.INSTANCE;
    for (String k : flink.keySet()) {
      if (FLINK_PLUGIN_PREFIXES.stream().anyMatch(k::startsWith)) continue;
      if (!o.byKey.containsKey(k) && o.replacedBy.containsKey(k)) {
        fail(where + ": " + k + " is a deprecated Flink 1.x name; Flink 2 calls it " + o.replacedBy.get(k));
      }
      assertTrue(o.byKey.containsKey(k), where + ": unknown Flink option " + k);
    }
    Configuration conf = Configuration.fromMap(flink);
    for (String k : flink.keySet()) {
      ConfigOption<?> opt = o.byKey.get(k);
      if (opt == null) continue;
      try {
        conf.get(opt);
      } catch (RuntimeException e) {
        fail(where + ": Flink cannot read " + k + " = " + flink.get(k) + ": " + e.getMessage());
      }
    }
    return conf;
  }

  static final Pattern SECRET_NAME = Pattern.compile("(?i).*(pass|secret|token|key).*");

  static void checkEnv(JsonNode env, String where) {
    for (JsonNode e : env) {
      String name = e.path("name").asText();
      if (SECRET_NAME.matcher(name).matches()) {
        assertFalse(e.has("value"), where + ": env " + name + " must come from a Secret (valueFrom), not a value");
        assertTrue(e.path("valueFrom").has("secretKeyRef"), where + ": env " + name + " from a secretKeyRef");
      }
    }
  }

  // -- Kafka

  static String bootstrap(Doc kafka) {
    for (JsonNode l : kafka.spec().path("kafka").path("listeners")) {
      if (l.path("tls").asBoolean()) return kafka.name() + "-kafka-bootstrap:" + l.path("port").asInt();
    }
    throw new AssertionError("the Kafka has no TLS listener");
  }

  static void checkKafka(Doc d, List<Doc> all, String where) {
    knownKeys(d.spec(), SPEC_KEYS.get("Kafka"), where + " spec");
    JsonNode k = d.spec().path("kafka");
    knownKeys(k, Set.of("version", "metadataVersion", "replicas", "image", "listeners", "config", "storage",
        "authorization", "rack", "brokerRackInitImage", "livenessProbe", "readinessProbe", "jvmOptions", "jmxOptions",
        "resources", "metricsConfig", "logging", "template", "tieredStorage", "quotas"), where + " spec.kafka");
    assertFalse(d.spec().has("zookeeper"), where + ": KRaft, no ZooKeeper");
    assertEquals(pomProperty("kafka.version"), text(k, "version", where), where + ": Kafka version vs pom.xml");
    assertTrue(k.path("listeners").size() > 0, where + ": listeners");
    for (JsonNode l : k.path("listeners")) {
      assertTrue(l.path("tls").asBoolean(), where + ": listener " + l.path("name").asText() + " without TLS");
      assertEquals("scram-sha-512", l.path("authentication").path("type").asText(),
          where + ": listener " + l.path("name").asText() + " authentication");
    }
    assertEquals("simple", k.path("authorization").path("type").asText(), where + ": ACLs (authorization: simple)");
    JsonNode c = k.path("config");
    assertEquals(3, c.path("default.replication.factor").asInt(), where + ": default.replication.factor");
    assertEquals(2, c.path("min.insync.replicas").asInt(), where + ": min.insync.replicas");
    assertEquals(3, c.path("offsets.topic.replication.factor").asInt(), where + ": offsets.topic.replication.factor");
    assertEquals(3, c.path("transaction.state.log.replication.factor").asInt(),
        where + ": transaction.state.log.replication.factor");
    assertEquals(2, c.path("transaction.state.log.min.isr").asInt(), where + ": transaction.state.log.min.isr");
    assertTrue(d.spec().path("entityOperator").has("topicOperator") && d.spec().path("entityOperator").has("userOperator"),
        where + ": the Topic and User Operators manage topics.yaml and users.yaml");
    List<Doc> pools = all.stream().filter(x -> x.kind().equals("KafkaNodePool")).toList();
    int brokers = 0;
    boolean controllers = false;
    for (Doc p : pools) {
      if (!kafkaOf(p, all, where).name().equals(d.name())) continue;
      List<String> roles = new ArrayList<>();
      p.spec().path("roles").forEach(r -> roles.add(r.asText()));
      if (roles.contains("broker")) brokers += p.spec().path("replicas").asInt();
      controllers |= roles.contains("controller");
    }
    assertEquals(3, brokers, where + ": three brokers");
    assertTrue(controllers, where + ": KRaft controllers in a node pool");
  }

  static void checkNodePool(Doc d, List<Doc> all, String where) {
    knownKeys(d.spec(), SPEC_KEYS.get("KafkaNodePool"), where + " spec");
    kafkaOf(d, all, where);
    assertEquals(3, d.spec().path("replicas").asInt(), where + ": replicas");
    Set<String> roles = new HashSet<>();
    d.spec().path("roles").forEach(r -> roles.add(r.asText()));
    assertEquals(Set.of("controller", "broker"), roles, where + ": roles");
    assertTrue(d.spec().path("storage").has("type"), where + ": storage");
  }

  static void checkTopic(Doc d, List<Doc> all, String where) {
    knownKeys(d.spec(), SPEC_KEYS.get("KafkaTopic"), where + " spec");
    Doc kafka = kafkaOf(d, all, where);
    assertTrue(d.spec().path("partitions").asInt() >= 1, where + ": partitions");
    int minIsr = kafka.spec().path("kafka").path("config").path("min.insync.replicas").asInt(1);
    int replicas = d.spec().path("replicas").asInt();
    assertTrue(replicas > minIsr && replicas <= 3, where + ": replicas " + replicas + " must exceed min.insync.replicas "
        + minIsr + " (one broker may fail) and not exceed the brokers");
    d.spec().path("config").fields().forEachRemaining(e -> assertTrue(e.getValue().isValueNode(),
        where + ": config." + e.getKey()));
  }

  record TopicSpec(int partitions, Map<String, String> configs) {}

  static Map<String, TopicSpec> stackTopics() {
    Map<String, TopicSpec> want = new TreeMap<>();
    for (NewTopic t : Stack.topics(UalwatchOptions.defaults())) {
      want.put(t.name(), new TopicSpec(t.numPartitions(), new TreeMap<>(t.configs() == null ? Map.of() : t.configs())));
    }
    return want;
  }

  /** topics.yaml holds exactly the embedded stack's topics, partitions and configs, three replicas each. */
  static void checkTopics(List<Doc> all) {
    Map<String, TopicSpec> got = new TreeMap<>();
    for (Doc d : all) {
      if (!d.kind().equals("KafkaTopic") || !d.file().equals("topics.yaml")) continue;
      String name = d.spec().path("topicName").asText(d.name());
      Map<String, String> configs = new TreeMap<>();
      d.spec().path("config").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
      assertTrue(got.put(name, new TopicSpec(d.spec().path("partitions").asInt(), configs)) == null, "twice: " + name);
      assertEquals(3, d.spec().path("replicas").asInt(), "topics.yaml " + name + ": replicas");
    }
    assertEquals(stackTopics(), got, "topics.yaml vs Stack.topics(UalwatchOptions.defaults())");
  }

  // -- users and ACLs

  static String upperSnake(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  static List<KafkaAcls.Grant> grantsOf(Doc user, String where) {
    List<KafkaAcls.Grant> g = new ArrayList<>();
    for (JsonNode acl : user.spec().path("authorization").path("acls")) {
      knownKeys(acl, Set.of("resource", "type", "host", "operation", "operations"), where + " acl");
      JsonNode r = acl.path("resource");
      knownKeys(r, Set.of("type", "name", "patternType"), where + " acl resource");
      assertEquals("allow", acl.path("type").asText("allow"), where + ": only allow rules");
      assertEquals("*", acl.path("host").asText("*"), where + ": host");
      String type = r.path("type").asText();
      assertTrue(Set.of("topic", "group", "cluster", "transactionalId").contains(type), where + ": resource type " + type);
      String pattern = r.path("patternType").asText("literal");
      assertTrue(pattern.equals("literal") || pattern.equals("prefix"), where + ": patternType " + pattern);
      String name = type.equals("cluster") ? "kafka-cluster" : r.path("name").asText();
      assertFalse(name.isEmpty(), where + ": resource name");
      List<String> ops = new ArrayList<>();
      acl.path("operations").forEach(o -> ops.add(o.asText()));
      if (acl.has("operation")) ops.add(acl.path("operation").asText());
      assertFalse(ops.isEmpty(), where + ": operations");
      for (String op : ops) {
        AclOperation operation;
        try {
          operation = AclOperation.valueOf(upperSnake(op));
        } catch (IllegalArgumentException e) {
          throw new AssertionError(where + ": unknown operation " + op);
        }
        g.add(new KafkaAcls.Grant(user.name(), operation, ResourceType.valueOf(upperSnake(type)), name,
            pattern.equals("prefix")));
      }
    }
    return g;
  }

  static void checkUser(Doc d, List<Doc> all, String where) {
    knownKeys(d.spec(), SPEC_KEYS.get("KafkaUser"), where + " spec");
    kafkaOf(d, all, where);
    assertEquals("scram-sha-512", d.spec().path("authentication").path("type").asText(), where + ": SCRAM-SHA-512");
    assertEquals("simple", d.spec().path("authorization").path("type").asText(), where + ": ACLs");
    List<KafkaAcls.Grant> g = grantsOf(d, where);
    assertEquals(new HashSet<>(g).size(), g.size(), where + ": an ACL is granted twice");
  }

  /** The grants of the distributed Connect worker itself, from its config in kafka-connect.yaml. */
  static Set<KafkaAcls.Grant> workerGrants(List<Doc> all) {
    Doc connect = all.stream().filter(x -> x.kind().equals("KafkaConnect")).findFirst().orElseThrow();
    String user = connect.spec().path("authentication").path("username").asText();
    JsonNode c = connect.spec().path("config");
    String group = c.path("group.id").asText();
    Set<KafkaAcls.Grant> g = new HashSet<>();
    g.add(new KafkaAcls.Grant(user, AclOperation.READ, ResourceType.GROUP, group, false));
    for (String k : List.of("config.storage.topic", "offset.storage.topic", "status.storage.topic")) {
      for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE,
          AclOperation.DESCRIBE_CONFIGS)) {
        g.add(new KafkaAcls.Grant(user, op, ResourceType.TOPIC, c.path(k).asText(), false));
      }
    }
    if (c.path("exactly.once.source.support").asText().equals("enabled")) {
      String taskPrefix = group + "-";
      for (Doc k : all) {
        if (!k.kind().equals("KafkaConnector")) continue;
        for (int i = 0; i < k.spec().path("tasksMax").asInt(); i++) {
          assertTrue(Worker.taskTransactionalId(group, k.name(), i).startsWith(taskPrefix), "task transactional id");
        }
      }
      for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
        g.add(new KafkaAcls.Grant(user, op, ResourceType.TRANSACTIONAL_ID,
            DistributedConfig.transactionalProducerId(group), false));
        g.add(new KafkaAcls.Grant(user, op, ResourceType.TRANSACTIONAL_ID, taskPrefix, true));
      }
    }
    return g;
  }

  /** users.yaml: one KafkaUser per component with exactly KafkaAcls' grants (plus the Connect worker's own). */
  static void checkUsers(List<Doc> all) {
    Map<String, Set<KafkaAcls.Grant>> want = new TreeMap<>();
    for (KafkaAcls.Grant g : KafkaAcls.grants(KafkaAcls.Names.defaults())) {
      want.computeIfAbsent(g.principal(), p -> new HashSet<>()).add(g);
    }
    want.get(KafkaAcls.CONNECT).addAll(workerGrants(all));
    Map<String, Set<KafkaAcls.Grant>> got = new TreeMap<>();
    for (Doc d : all) {
      if (!d.kind().equals("KafkaUser")) continue;
      List<KafkaAcls.Grant> g = grantsOf(d, d.label());
      assertEquals(new HashSet<>(g).size(), g.size(), d.label() + ": an ACL is granted twice");
      assertTrue(got.put(d.name(), new HashSet<>(g)) == null, "twice: " + d.label());
    }
    assertEquals(new TreeSet<>(KafkaAcls.PRINCIPALS), got.keySet(), "one KafkaUser per component");
    for (String p : KafkaAcls.PRINCIPALS) {
      Set<KafkaAcls.Grant> missing = new HashSet<>(want.get(p));
      missing.removeAll(got.get(p));
      Set<KafkaAcls.Grant> extra = new HashSet<>(got.get(p));
      extra.removeAll(want.get(p));
      assertTrue(missing.isEmpty() && extra.isEmpty(), "KafkaUser " + p + " vs KafkaAcls.grants: missing " + missing
          + ", not granted by KafkaAcls " + extra);
    }
  }

  // -- Connect

  static Properties properties(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  static Map<String, String> asStrings(JsonNode obj) {
    Map<String, String> m = new TreeMap<>();
    obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  /** Every key a Kafka Connect worker knows (validated by Kafka's own DistributedConfig). */
  static void checkWorkerConfig(Map<String, String> props, String where) {
    DistributedConfig dc;
    // without the config providers: instantiating them would check that their paths exist on this machine
    // (their classes are checked on their own)
    Map<String, String> checked = new TreeMap<>(props);
    checked.keySet().removeIf(k -> k.startsWith("config.providers"));
    for (String p : props.getOrDefault("config.providers", "").split(",")) {
      if (!p.isBlank()) classExists(props.getOrDefault("config.providers." + p.strip() + ".class", "(none)"), where);
    }
    try {
      dc = new DistributedConfig(checked);
    } catch (RuntimeException e) {
      throw new AssertionError(where + ": not a valid Connect worker configuration: " + e.getMessage(), e);
    }
    Set<String> known = dc.values().keySet();
    for (String k : props.keySet()) {
      boolean prefixed = Stream.of("config.providers.", "producer.", "consumer.", "admin.", "listeners.https.")
          .anyMatch(k::startsWith);
      assertTrue(prefixed || known.contains(k), where + ": unknown Connect worker setting " + k);
    }
    assertTrue(dc.exactlyOnceSourceEnabled(), where + ": exactly-once source support");
  }

  static final Set<String> STRIMZI_MANAGED = Set.of("bootstrap.servers", "listeners", "plugin.path",
      "plugin.discovery", "rest.advertised.host.name", "rest.port");

  static void checkConnect(Doc d, List<Doc> all, String where) {
    JsonNode s = d.spec();
    knownKeys(s, SPEC_KEYS.get("KafkaConnect"), where + " spec");
    assertEquals("true", d.node().at("/metadata/annotations").path("strimzi.io/use-connector-resources").asText(),
        where + ": connectors as KafkaConnector resources");
    assertEquals(pomProperty("kafka.version"), text(s, "version", where), where + ": Kafka version vs pom.xml");
    assertTrue(s.has("image") || s.has("build"), where + ": image or build (the plugin is not in Strimzi's image)");
    assertTrue(read(K8S.resolve("connect.Dockerfile")).contains(" /opt/kafka/plugins/"),
        "connect.Dockerfile: the plugin under /opt/kafka/plugins (Strimzi's plugin.path)");
    Doc kafka = onlyKafka(all);
    assertEquals(bootstrap(kafka), text(s, "bootstrapServers", where), where + ": bootstrapServers");
    assertEquals("scram-sha-512", s.path("authentication").path("type").asText(), where + ": SCRAM");
    assertEquals(KafkaAcls.CONNECT, s.path("authentication").path("username").asText(), where + ": user");
    assertEquals(KafkaAcls.CONNECT, s.at("/authentication/passwordSecret/secretName").asText(),
        where + ": the password from the KafkaUser's Secret");
    boolean ca = false;
    for (JsonNode t : s.path("tls").path("trustedCertificates")) ca |= t.path("secretName").asText().equals(kafka.name() + "-cluster-ca-cert");
    assertTrue(ca, where + ": trusts the cluster CA");
    Map<String, String> config = asStrings(s.path("config"));
    for (String k : config.keySet()) {
      assertFalse(STRIMZI_MANAGED.contains(k) || Stream.of("ssl.", "sasl.", "security.", "rest.").anyMatch(k::startsWith),
          where + ": Strimzi sets " + k + " itself");
    }
    Map<String, String> worker = new TreeMap<>(config);
    worker.put("bootstrap.servers", s.path("bootstrapServers").asText());
    checkWorkerConfig(worker, where);
    for (String p : config.getOrDefault("config.providers", "").split(",")) {
      String cls = config.get("config.providers." + p.strip() + ".class");
      assertNotNull(cls, where + ": config provider " + p + " without a class");
      classExists(cls, where);
    }
    // the same worker as deploy/connect, apart from what Strimzi manages and where the secrets are mounted
    Map<String, String> plain = new TreeMap<>();
    properties(CONNECT.resolve("connect-distributed.properties")).forEach((k, v) -> plain.put((String) k, (String) v));
    plain.keySet().removeAll(STRIMZI_MANAGED);
    Map<String, String> mine = new TreeMap<>(config);
    plain.remove("config.providers.file.param.allowed.paths");
    mine.remove("config.providers.file.param.allowed.paths");
    assertEquals(plain, mine, where + ": worker settings vs deploy/connect/connect-distributed.properties");
    // its internal topics are declared, compacted, replicated as configured
    for (String k : List.of("config.storage.topic", "offset.storage.topic", "status.storage.topic")) {
      String topic = config.get(k);
      Doc t = all.stream().filter(x -> x.kind().equals("KafkaTopic")
          && x.spec().path("topicName").asText(x.name()).equals(topic)).findFirst()
          .orElseThrow(() -> new AssertionError(where + ": no KafkaTopic for " + k + " = " + topic));
      assertEquals("compact", t.spec().path("config").path("cleanup.policy").asText(), where + ": " + topic + " compacted");
      assertEquals(config.get(k.replace(".topic", ".replication.factor")), t.spec().path("replicas").asText(),
          where + ": " + topic + " replicas");
    }
  }

  static Class<?> classExists(String name, String where) {
    try {
      return Class.forName(name, false, DeployManifestsTest.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new AssertionError(where + ": class " + name + " is not on the classpath");
    }
  }

  static void checkConnector(Doc d, List<Doc> all, String where) {
    JsonNode s = d.spec();
    knownKeys(s, SPEC_KEYS.get("KafkaConnector"), where + " spec");
    String cluster = d.node().at("/metadata/labels").path("strimzi.io/cluster").asText();
    Doc connect = all.stream().filter(x -> x.kind().equals("KafkaConnect") && x.name().equals(cluster)).findFirst()
        .orElseThrow(() -> new AssertionError(where + ": label strimzi.io/cluster names no KafkaConnect"));
    String cls = text(s, "class", where);
    Class<?> k = classExists(cls, where);
    assertTrue(SourceConnector.class.isAssignableFrom(k), where + ": " + cls + " is not a source connector");
    ConfigDef def;
    try {
      def = ((Connector) k.getDeclaredConstructor().newInstance()).config();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(where + ": cannot instantiate " + cls, e);
    }
    Map<String, String> config = asStrings(s.path("config"));
    assertFalse(config.containsKey("connector.class") || config.containsKey("tasks.max"),
        where + ": class and tasksMax belong in spec, not in spec.config");
    int tasks = s.path("tasksMax").asInt();
    Map<String, String> props = new TreeMap<>(config);
    props.put("connector.class", cls);
    props.put("tasks.max", Integer.toString(tasks));
    props.put("name", d.name());

    // every key is the connector's or Connect's, and the connector's ConfigDef accepts every value
    Set<String> known = new HashSet<>(def.names());
    known.addAll(SourceConnectorConfig.configDef().names());
    for (String key : config.keySet()) {
      boolean prefixed = Stream.of("transforms.", "predicates.", "producer.override.", "topic.creation.")
          .anyMatch(key::startsWith);
      assertTrue(prefixed || known.contains(key), where + ": unknown setting " + key);
    }
    for (ConfigValue v : def.validate(props)) {
      assertTrue(v.errorMessages().isEmpty(), where + ": " + v.name() + ": " + v.errorMessages());
    }

    // secrets: references to a config provider of the worker, reading files mounted from Secrets
    Map<String, String> workerConfig = asStrings(connect.spec().path("config"));
    Set<String> providers = Stream.of(workerConfig.getOrDefault("config.providers", "").split(","))
        .map(String::strip).collect(Collectors.toSet());
    for (String key : config.keySet()) {
      ConfigDef.ConfigKey ck = def.configKeys().get(key);
      boolean password = ck != null && ck.type == ConfigDef.Type.PASSWORD;
      String value = config.get(key);
      if ((password || key.matches("(?i).*(secret|password).*")) && !value.isEmpty()) {
        Matcher m = Pattern.compile(PROVIDER_REF).matcher(value);
        assertTrue(m.matches(), where + ": " + key + " must be a ${provider:…} reference, never the secret itself");
        String provider = m.group(1);
        assertTrue(providers.contains(provider), where + ": " + key + " uses provider " + provider
            + ", which the worker does not declare");
        if (provider.equals("file")) {
          String path = m.group(2).substring(0, m.group(2).lastIndexOf(':'));
          String allowed = workerConfig.getOrDefault("config.providers.file.param.allowed.paths", "");
          assertTrue(Stream.of(allowed.split(",")).anyMatch(a -> !a.isBlank() && path.startsWith(a.strip() + "/")),
              where + ": " + path + " is outside the file provider's allowed.paths " + allowed);
          assertSecretMount(connect, path, where + " " + key);
        }
      }
    }
    String cert = config.getOrDefault("auth.certificate.path", "");
    if (!cert.isEmpty()) assertSecretMount(connect, cert, where + " auth.certificate.path");

    // one task per (tenant, stream), each with its own partition of the topic
    Map<String, Object> parsed = def.parse(props);
    String streamsKey = STREAMS_KEY.get(cls);
    assertNotNull(streamsKey, where + ": no stream count known for " + cls);
    int streams = ((List<?>) parsed.get("tenant.ids")).size() * ((List<?>) parsed.get(streamsKey)).size();
    assertEquals(streams, tasks, where + ": tasksMax = tenants × " + streamsKey);
    String topic = String.valueOf(parsed.get("topic"));
    Doc t = all.stream().filter(x -> x.kind().equals("KafkaTopic")
        && x.spec().path("topicName").asText(x.name()).equals(topic)).findFirst()
        .orElseThrow(() -> new AssertionError(where + ": no KafkaTopic " + topic));
    assertEquals(t.spec().path("partitions").asInt(), Integer.parseInt(config.getOrDefault("topic.partitions", "0")),
        where + ": topic.partitions = the partitions of " + topic);
    assertTrue(tasks <= t.spec().path("partitions").asInt(), where + ": a partition per task");
    String heartbeat = String.valueOf(parsed.get("heartbeat.topic"));
    assertTrue(heartbeat.isEmpty() || all.stream().anyMatch(x -> x.kind().equals("KafkaTopic")
        && x.spec().path("topicName").asText(x.name()).equals(heartbeat)), where + ": no KafkaTopic " + heartbeat);

    // derived from deploy/connect/*.json: the same settings apart from where the credentials are
    JsonNode json = connectJson(cls);
    assertEquals(json.path("tasks.max").asInt(), tasks, where + ": tasksMax vs deploy/connect");
    Map<String, String> plain = asStrings(json);
    Set<String> credentialKeys = Set.of("connector.class", "tasks.max", "auth.client.secret", "auth.certificate.path",
        "auth.certificate.password");
    plain.keySet().removeAll(credentialKeys);
    Map<String, String> mine = new TreeMap<>(config);
    mine.keySet().removeAll(credentialKeys);
    assertEquals(plain, mine, where + ": settings vs the connector's JSON in deploy/connect");
  }

  static JsonNode connectJson(String cls) {
    try (Stream<Path> s = Files.list(CONNECT)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode n = JSON.readTree(p.toFile());
        if (n.path("connector.class").asText().equals(cls)) return n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no connector JSON for " + cls + " in deploy/connect");
  }

  static void assertSecretMount(Doc connect, String path, String where) {
    JsonNode t = connect.spec().path("template");
    Map<String, JsonNode> volumes = new HashMap<>();
    for (JsonNode v : t.path("pod").path("volumes")) volumes.put(v.path("name").asText(), v);
    Map<String, String> mounts = new LinkedHashMap<>();
    for (JsonNode m : t.path("connectContainer").path("volumeMounts")) {
      String mp = m.path("mountPath").asText();
      assertTrue(mp.startsWith("/mnt/"), where + ": Strimzi mounts additional volumes only under /mnt: " + mp);
      mounts.put(mp, m.path("name").asText());
    }
    JsonNode v = volumeAt(path, mounts, volumes, where);
    assertTrue(v.has("secret"), where + ": " + path + " must be on a volume from a Secret");
  }

  // ---------------------------------------------------------------------------------------------- docker-compose

  static JsonNode service(JsonNode compose, String name) {
    JsonNode s = compose.path("services").path(name);
    assertTrue(s.isObject(), "docker-compose.yaml: no service " + name);
    return s;
  }

  static void checkComposeServices(JsonNode c) {
    for (String s : List.of("kafka", "jobmanager", "taskmanager", "connect")) service(c, s);
    String kafkaImage = "apache/kafka:" + pomProperty("kafka.version");
    String flinkImage = "flink:" + pomProperty("flink.version") + "-java17";
    Set<String> named = new HashSet<>();
    c.path("volumes").fieldNames().forEachRemaining(named::add);
    c.path("services").fields().forEachRemaining(e -> {
      String where = "docker-compose.yaml service " + e.getKey();
      JsonNode s = e.getValue();
      String image = text(s, "image", where);
      assertTrue(image.equals(kafkaImage) || image.equals(flinkImage), where + ": image " + image + " is neither "
          + kafkaImage + " nor " + flinkImage + " (the project's versions, root pom.xml)");
      assertFalse(s.has("build"), where + ": official images only");
      assertFalse(s.path("network_mode").asText().equals("host"), where + ": host networking bypasses the loopback ports");
      assertFalse(s.path("privileged").asBoolean(), where + ": privileged");
      for (JsonNode v : s.path("volumes")) {
        String src = volumeSource(v.asText());
        boolean path = src.startsWith(".") || src.startsWith("/") || src.startsWith("$") || src.startsWith("~");
        assertTrue(path || named.contains(src), where + ": volume " + src + " is not declared under volumes:");
      }
    });
    assertTrue(named.containsAll(Set.of("kafka-data", "flink-state")), "named volumes for the broker log and Flink state");
    JsonNode kafka = service(c, "kafka");
    Map<String, String> env = asStrings(kafka.path("environment"));
    assertTrue(env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("broker")
        && env.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("controller"), "kafka: KRaft broker and controller");
    assertTrue(mountTargets(kafka).getOrDefault(env.get("KAFKA_LOG_DIRS"), "").equals("kafka-data"),
        "kafka: the log directory on the named volume kafka-data");
    assertEquals("jobmanager", service(c, "jobmanager").path("command").asText());
    assertEquals("taskmanager", service(c, "taskmanager").path("command").asText());
  }

  /** The source of a short-syntax volume ("src:dst[:mode]"), colons inside ${…} included. */
  static String volumeSource(String spec) {
    int depth = 0;
    for (int i = 0; i < spec.length(); i++) {
      char ch = spec.charAt(i);
      if (ch == '{' && i > 0 && spec.charAt(i - 1) == '$') depth++;
      else if (ch == '}' && depth > 0) depth--;
      else if (ch == ':' && depth == 0) return spec.substring(0, i);
    }
    return spec;
  }

  /** target → source of every volume of a service. */
  static Map<String, String> mountTargets(JsonNode service) {
    Map<String, String> m = new LinkedHashMap<>();
    for (JsonNode v : service.path("volumes")) {
      String spec = v.asText();
      String src = volumeSource(spec);
      String rest = spec.substring(Math.min(spec.length(), src.length() + 1));
      String target = rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest;
      m.put(target, src);
    }
    return m;
  }

  static void checkComposePorts(JsonNode c) {
    c.path("services").fields().forEachRemaining(e -> {
      for (JsonNode p : e.getValue().path("ports")) {
        String where = "docker-compose.yaml service " + e.getKey() + " port " + p;
        if (p.isObject()) {
          assertEquals("127.0.0.1", p.path("host_ip").asText(), where + ": host_ip");
          assertTrue(p.has("published"), where + ": published");
        } else {
          assertTrue(p.isTextual() && p.asText().matches("127\\.0\\.0\\.1:\\d+:\\d+(/tcp|/udp)?"),
              where + ": bind published ports to 127.0.0.1 (\"127.0.0.1:HOST:CONTAINER\")");
        }
      }
    });
  }

  static Map<String, String> flinkProperties(JsonNode service, String where) {
    String text = service.path("environment").path("FLINK_PROPERTIES").asText();
    assertFalse(text.isBlank(), where + ": FLINK_PROPERTIES");
    Map<String, String> m = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.strip().startsWith("#")) continue;
      int colon = line.indexOf(": ");
      assertTrue(colon > 0, where + ": 'key: value' lines, not " + line);
      assertTrue(m.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip()) == null, where + ": twice " + line);
    }
    return m;
  }

  static void checkComposeFlink(JsonNode c) {
    Map<String, String> jm = flinkProperties(service(c, "jobmanager"), "jobmanager");
    Map<String, String> tm = flinkProperties(service(c, "taskmanager"), "taskmanager");
    assertEquals(jm, tm, "docker-compose.yaml: the job manager's and task manager's FLINK_PROPERTIES differ");
    checkFlinkConfiguration(jm, "docker-compose.yaml FLINK_PROPERTIES");
    assertEquals("rocksdb", jm.get("state.backend.type"));
    assertEquals("true", jm.get("execution.checkpointing.incremental"));
    assertEquals(PROMETHEUS_FACTORY, jm.get("metrics.reporter.prom.factory.class"));
    assertEquals("jobmanager", jm.get("jobmanager.rpc.address"));
    for (String k : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
      String dir = jm.getOrDefault(k, "");
      assertTrue(dir.startsWith("file:///"), k + ": a file:// directory");
      for (String s : List.of("jobmanager", "taskmanager")) {
        boolean onVolume = mountTargets(service(c, s)).entrySet().stream().anyMatch(e -> e.getValue().equals("flink-state")
            && dir.substring("file://".length()).startsWith(e.getKey() + "/"));
        assertTrue(onVolume, s + ": " + k + " must be on the named volume flink-state, shared by both");
      }
    }
  }

  static Config composeJobConfig(JsonNode c) {
    String src = mountTargets(service(c, "jobmanager")).get("/opt/ualwatch/config/ualwatch.yaml");
    assertNotNull(src, "jobmanager: ualwatch.yaml mounted at /opt/ualwatch/config/ualwatch.yaml");
    assertEquals(src, mountTargets(service(c, "taskmanager")).get("/opt/ualwatch/config/ualwatch.yaml"));
    return loadJobConfig(read(COMPOSE.resolve(src)), "docker-compose " + src);
  }

  static void checkComposeJobConfig(JsonNode c) {
    Config job = composeJobConfig(c);
    Map<String, String> flink = flinkProperties(service(c, "jobmanager"), "jobmanager");
    Configuration conf = Configuration.fromMap(flink);
    assertEquals(job.get(JobOptions.CHECKPOINT_INTERVAL),
        conf.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL),
        "job.checkpoint-interval vs execution.checkpointing.interval");
    long taskManagers = 0;
    for (JsonNode s : c.path("services")) if (s.path("command").asText().equals("taskmanager")) taskManagers++;
    int slots = Integer.parseInt(flink.get("taskmanager.numberOfTaskSlots"));
    assertTrue(job.get(JobOptions.PARALLELISM) <= slots * taskManagers, "job.parallelism above the slots");
    String advertised = asStrings(service(c, "kafka").path("environment")).get("KAFKA_ADVERTISED_LISTENERS");
    assertTrue(advertised.contains("://" + job.get(JobOptions.BOOTSTRAP)),
        "kafka.bootstrap " + job.get(JobOptions.BOOTSTRAP) + " is not an advertised listener: " + advertised);
    assertTrue(advertised.matches(".*HOST://127\\.0\\.0\\.1:\\d+.*"), "the host listener is advertised on 127.0.0.1");
    assertEquals(KafkaAcls.Names.defaults(), LocalSecurity.names(job), "the default topic names");
    String geo = job.get(JobOptions.GEO_DIR);
    assertTrue(mountTargets(service(c, "taskmanager")).containsKey(geo), "taskmanager: geo.dir " + geo + " mounted");
  }

  static void checkComposeTopics() {
    Map<String, TopicSpec> got = new TreeMap<>();
    for (String line : read(COMPOSE.resolve("create-topics.sh")).split("\n")) {
      if (!line.startsWith("topic ")) continue;
      String[] w = line.strip().split("\\s+");
      Map<String, String> configs = new TreeMap<>();
      for (int i = 3; i < w.length; i++) configs.put(w[i].substring(0, w[i].indexOf('=')), w[i].substring(w[i].indexOf('=') + 1));
      assertTrue(got.put(w[1], new TopicSpec(Integer.parseInt(w[2]), configs)) == null, "twice: " + w[1]);
    }
    assertEquals(stackTopics(), got, "create-topics.sh vs Stack.topics(UalwatchOptions.defaults())");
  }

  static void checkComposeConnect(JsonNode c) {
    JsonNode connect = service(c, "connect");
    Map<String, String> mounts = mountTargets(connect);
    List<String> cmd = new ArrayList<>();
    connect.path("command").forEach(x -> cmd.add(x.asText()));
    assertEquals(2, cmd.size(), "connect: connect-distributed.sh FILE");
    assertTrue(cmd.get(0).endsWith("/connect-distributed.sh"), "connect: a distributed worker");
    String src = mounts.get(cmd.get(1));
    assertNotNull(src, "connect: " + cmd.get(1) + " is not mounted");
    Map<String, String> compose = new TreeMap<>();
    properties(COMPOSE.resolve(src)).forEach((k, v) -> compose.put((String) k, (String) v));
    Map<String, String> plain = new TreeMap<>();
    properties(CONNECT.resolve("connect-distributed.properties")).forEach((k, v) -> plain.put((String) k, (String) v));
    checkWorkerConfig(compose, "docker-compose " + src);
    checkWorkerConfig(plain, "deploy/connect/connect-distributed.properties");
    for (Map<String, String> m : List.of(compose, plain)) {
      m.remove("bootstrap.servers");
      m.keySet().removeIf(k -> k.endsWith(".replication.factor"));
    }
    assertEquals(plain, compose, "docker-compose Connect worker vs deploy/connect/connect-distributed.properties");
    String pluginPath = compose.get("plugin.path");
    assertTrue(mounts.keySet().stream().anyMatch(t -> t.startsWith(pluginPath + "/")), "connect: a plugin under " + pluginPath);
    String allowed = compose.get("config.providers.file.param.allowed.paths");
    assertTrue(mounts.containsKey(allowed), "connect: the secrets directory " + allowed + " is mounted");
    String bootstrap = properties(COMPOSE.resolve(src)).getProperty("bootstrap.servers");
    String advertised = asStrings(service(c, "kafka").path("environment")).get("KAFKA_ADVERTISED_LISTENERS");
    assertTrue(advertised.contains("://" + bootstrap), "connect: bootstrap.servers is the broker's internal listener");
  }

  static void checkComposeSecrets(JsonNode c) {
    c.path("services").fields().forEachRemaining(e -> {
      JsonNode env = e.getValue().path("environment");
      assertTrue(env.isMissingNode() || env.isObject(), e.getKey() + ": environment as a map");
      env.fields().forEachRemaining(v -> {
        if (SECRET_NAME.matcher(v.getKey()).matches()) {
          assertTrue(v.getValue().asText().matches("\\$\\{[A-Z0-9_]+(:-)?\\}"), e.getKey() + ": " + v.getKey()
              + " must be passed through from the environment (${NAME}), never written here");
        }
      });
    });
  }

  // ---------------------------------------------------------------------------------------------- helpers

  static String text(JsonNode n, String field, String where) {
    JsonNode v = n.path(field);
    assertTrue(v.isTextual() && !v.asText().isBlank(), where + ": " + field + " is required");
    return v.asText();
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
