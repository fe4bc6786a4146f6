package io.ualwatch.testkit.connect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * A Kafka Connect standalone worker in this JVM, built from the connect-runtime artifacts: offsets in a file
 * under a state directory (a restart on the same directory resumes), the REST API on 127.0.0.1 only, plugins
 * found through their {@code META-INF/services} entries on the classpath ({@code plugin.discovery=service_load}),
 * and the {@code file} and {@code env} config providers enabled so that credentials are written in connector
 * configs as {@code ${env:NAME}} or {@code ${file:/path:key}} and never stored or shown in clear.
 *
 * <pre>{@code
 * try (EmbeddedConnect connect = EmbeddedConnect.builder(kafka.bootstrapServers()).stateDir(dir).start()) {
 *   connect.putConnector("ual", config);
 *   connect.awaitRunning("ual", 4, Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * Converters default to {@code StringConverter} keys, {@code ByteArrayConverter} values and
 * {@code StringConverter} headers, which is what the ualwatch connectors need (raw JSON bytes untouched).
 */
public final class EmbeddedConnect implements AutoCloseable {
  public static final String OFFSETS_FILE = "connect.offsets";

  private final Connect<StandaloneHerder> connect;
  private final Path stateDir;
  private final boolean deleteOnClose;

  private EmbeddedConnect(Connect<StandaloneHerder> connect, Path stateDir, boolean deleteOnClose) {
    this.connect = connect;
    this.stateDir = stateDir;
    this.deleteOnClose = deleteOnClose;
  }

  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** The worker's REST root, e.g. {@code http://127.0.0.1:8083/}. */
  public URI restUrl() {
    return connect.rest().serverUrl();
  }

  public Path stateDir() {
    return stateDir;
  }

  public Herder herder() {
    return connect.herder();
  }

  /** Creates or replaces a connector and waits until the worker accepted it. */
  public ConnectorInfo putConnector(String name, Map<String, String> config) {
    Map<String, String> c = new LinkedHashMap<>(config);
    c.put("name", name);
    FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
    connect.herder().putConnectorConfig(name, c, true, cb);
    return await(cb, "creating connector " + name).result();
  }

  public void deleteConnector(String name) {
    FutureCallback<Herder.Created<ConnectorInfo>> cb = new FutureCallback<>();
    connect.herder().deleteConnectorConfig(name, cb);
    await(cb, "deleting connector " + name);
  }

  public ConnectorStateInfo status(String name) {
    return connect.herder().connectorStatus(name);
  }

  /**
   * Waits until the connector and at least {@code tasks} of its tasks are RUNNING; fails early, with the
   * worker's trace, if the connector or a task FAILED.
   */
  public void awaitRunning(String name, int tasks, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ConnectorStateInfo last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = status(name);
      } catch (RuntimeException notYet) {
        last = null;
      }
      if (last != null) {
        failIfFailed(name, last);
        long running = last.tasks().stream().filter(t -> "RUNNING".equals(t.state())).count();
        if ("RUNNING".equals(last.connector().state()) && running >= tasks) return;
      }
      pause();
    }
    throw new IllegalStateException("connector " + name + " not running with " + tasks + " tasks within " + timeout
        + "; last status: " + describe(last));
  }

  /** Throws if the connector or any task is FAILED. */
  public void assertNotFailed(String name) {
    failIfFailed(name, status(name));
  }

  private static void failIfFailed(String name, ConnectorStateInfo s) {
    if ("FAILED".equals(s.connector().state())) {
      throw new IllegalStateException("connector " + name + " FAILED: " + s.connector().trace());
    }
    for (ConnectorStateInfo.TaskState t : s.tasks()) {
      if ("FAILED".equals(t.state())) {
        throw new IllegalStateException("task " + name + "-" + t.id() + " FAILED: " + t.trace());
      }
    }
  }

  private static String describe(ConnectorStateInfo s) {
    if (s == null) return "none";
    StringBuilder sb = new StringBuilder("connector " + s.connector().state());
    for (ConnectorStateInfo.TaskState t : s.tasks()) sb.append(", task ").append(t.id()).append(' ').append(t.state());
    return sb.toString();
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(FutureCallback<T> cb, String what) {
    try {
      return cb.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " timed out", e);
    }
  }

  /** Stops the worker (tasks stop, offsets are flushed to the offsets file). */
  @Override
  public void close() {
    connect.stop();
    connect.awaitStop();
    if (deleteOnClose) deleteRecursively(stateDir);
  }

  private static void deleteRecursively(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** Worker settings. */
  public static final class Builder {
    private final Map<String, String> props = new LinkedHashMap<>();
    private Path stateDir;
    private int restPort;
    private boolean deleteOnClose;

    private Builder(String bootstrapServers) {
      props.put("bootstrap.servers", bootstrapServers);
      props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
      props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
      props.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
      props.put("offset.flush.interval.ms", "1000");
      props.put("plugin.discovery", "service_load");
      props.put("config.providers", "file,env");
      props.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
      props.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
      props.put("producer.linger.ms", "20");
      props.put("producer.batch.size", "524288");
      props.put("producer.compression.type", "lz4");
      props.put("task.shutdown.graceful.timeout.ms", "10000");
    }

    /** Where the offsets file lives (created if missing). Default: a temporary directory deleted on close. */
    public Builder stateDir(Path dir) {
      this.stateDir = dir;
      return this;
    }

    /** REST port on 127.0.0.1; 0 (default) picks a free one. */
    public Builder restPort(int port) {
      this.restPort = port;
      return this;
    }

    /** Any worker property (e.g. {@code offset.flush.interval.ms}, {@code producer.*}), overriding defaults. */
    public Builder workerProperty(String key, String value) {
      props.put(key, value);
      return this;
    }

    public Builder workerProperties(Map<String, String> p) {
      props.putAll(p);
      return this;
    }

    public EmbeddedConnect start() {
      try {
        Path dir = stateDir;
        if (dir == null) {
          dir = Files.createTempDirectory("ualwatch-connect-");
          deleteOnClose = true;
        }
        Files.createDirectories(dir);
        int port = restPort == 0 ? freePort() : restPort;
        Map<String, String> p = new LinkedHashMap<>(props);
        p.putIfAbsent("offset.storage.file.filename", dir.resolve(OFFSETS_FILE).toString());
        p.put("listeners", "http://127.0.0.1:" + port);
        p.putIfAbsent("rest.advertised.host.name", "127.0.0.1");
        p.putIfAbsent("rest.advertised.port", Integer.toString(port));
        Connect<StandaloneHerder> c = new ConnectStandalone().startConnect(p);
        return new EmbeddedConnect(c, dir, deleteOnClose);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
  }

  /** Names of the worker properties set by default (for docs). */
  public static List<String> defaultWorkerPropertyNames() {
    return List.copyOf(new Builder("x").props.keySet());
  }
}
