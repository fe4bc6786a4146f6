package io.ualwatch.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (KRaft, combined broker + controller) started in-process from the Kafka artifacts,
 * bound to 127.0.0.1 only, with single-node settings for the internal topics. Used by the demo, `up` and
 * every integration test. Data lives in a directory the caller chooses; a restart on the same directory
 * keeps topics and offsets.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path dataDir;
  private final int brokerPort;
  private final int controllerPort;
  private final boolean deleteOnClose;
  private KafkaRaftServer server;

  private EmbeddedKafka(Path dataDir, int brokerPort, int controllerPort, boolean deleteOnClose) {
    this.dataDir = dataDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.deleteOnClose = deleteOnClose;
  }

  /** A broker on free ports with data in a new temporary directory deleted on close. */
  public static EmbeddedKafka startTemporary() {
    try {
      Path dir = Files.createTempDirectory("ualwatch-kafka-");
      return start(dir, 0, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a broker.
   *
   * @param dataDir where logs and metadata live (created if missing)
   * @param port broker port on 127.0.0.1, or 0 for a free one
   * @param deleteOnClose remove dataDir on close
   */
  public static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose) {
    try {
      Files.createDirectories(dataDir);
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      EmbeddedKafka k = new EmbeddedKafka(dataDir, brokerPort, controllerPort, deleteOnClose);
      k.startServer();
      return k;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private void startServer() throws IOException {
    Path logs = dataDir.resolve("logs");
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logs.toString());
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("transaction.max.timeout.ms", "900000");
    p.put("num.partitions", "2");
    // Audit records carry their event time as the Kafka timestamp, and replays and tests send records that are
    // months old: with the default 7-day time retention the broker's first retention pass (30 s after start)
    // would delete them before anyone read them. Topics that want time retention set retention.ms themselves.
    p.put("log.retention.ms", "-1");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    // Records carry event-time timestamps (replays and scenarios of past months): with a time retention the broker
    // would delete them within a minute of start-up, whatever topics the tests create.
    p.put("log.retention.ms", "-1");
    Path propsFile = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(propsFile)) {
      p.store(out, "ualwatch embedded broker");
    }
    // Format once; a restart must not re-format with a new cluster id (it would refuse to start).
    if (!Files.exists(logs.resolve("meta.properties"))) {
      int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
          propsFile.toString()}, new PrintStream(OutputStream.nullOutputStream()));
      if (rc != 0) throw new IllegalStateException("formatting the embedded broker's storage failed (rc=" + rc + ")");
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the embedded broker did not become ready within 60 s", e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public int port() {
    return brokerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Creates topics that do not exist yet (partitions, replication 1, optional configs). */
  public void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (NewTopic t : topics) if (!existing.contains(t.name())) missing.add(t);
      if (missing.isEmpty()) return;
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics: " + e.getMessage(), e);
    }
  }

  public void createTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
  }

  @Override
  public void close() {
    if (server != null) {
      try {
        server.shutdown();
        server.awaitShutdown();
      } finally {
        server = null;
      }
    }
    if (deleteOnClose) deleteRecursively(dataDir);
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> {
        try {
          Files.deleteIfExists(x);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
