package io.ualwatch.job;

import io.ualwatch.config.Config;
import io.ualwatch.config.ConfigException;
import io.ualwatch.config.JobOptions;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.Pseudonymizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Pseudonymises the alerts on their way to the sinks named in {@code alerts.pseudonymise.sinks} (see
 * {@link Pseudonymizer}): {@link UalwatchJob#buildFrom} puts one of these (a stateless map, uid
 * {@code pseudonymise-<sink>}) in front of each such sink; the other sinks get the alerts as they are.
 *
 * <p>The key is not part of the function (nor of the job graph a cluster stores): the function carries the file
 * path or environment variable name and reads the key in {@link #open}, on the task manager. {@link #of} reads it
 * once at start as well, so a missing or short key is a {@link ConfigException} before the job runs.
 */
public final class PseudonymizeFunction extends RichMapFunction<Alert, Alert> {
  private static final long serialVersionUID = 1L;

  private final String keyFile;
  private final String keyEnv;
  private final boolean dropDetail;
  private final List<String> sinks;
  private transient Pseudonymizer pseudonymizer;

  private PseudonymizeFunction(String keyFile, String keyEnv, boolean dropDetail, List<String> sinks) {
    this.keyFile = keyFile;
    this.keyEnv = keyEnv;
    this.dropDetail = dropDetail;
    this.sinks = List.copyOf(sinks);
  }

  /**
   * The function for {@code config}, with its key checked (read from the environment of this process), or null when
   * no sink is pseudonymised.
   */
  public static PseudonymizeFunction of(Config config) {
    return of(config, System::getenv);
  }

  static PseudonymizeFunction of(Config config, Function<String, String> env) {
    List<String> sinks = config.get(JobOptions.PSEUDONYMISE_SINKS);
    if (sinks.isEmpty()) return null;
    PseudonymizeFunction f = new PseudonymizeFunction(config.get(JobOptions.PSEUDONYMISE_KEY_FILE).strip(),
        config.get(JobOptions.PSEUDONYMISE_KEY_ENV).strip(), config.get(JobOptions.PSEUDONYMISE_DROP_DETAIL), sinks);
    f.pseudonymizer(env); // fails now rather than in a task
    return f;
  }

  /** The option name of a job sink: the alerts topic's sink has the empty name. */
  public static String sinkName(String alertSinkName) {
    return alertSinkName.isEmpty() ? "alerts" : alertSinkName;
  }

  /** True when the sink named {@code alertSinkName} (as in {@link UalwatchJob.AlertSink}) gets pseudonymous alerts. */
  public boolean applies(String alertSinkName) {
    return sinks.contains(sinkName(alertSinkName));
  }

  /** {@code alerts}, or {@code alerts} through this function when the sink is pseudonymised. */
  public DataStream<Alert> forSink(DataStream<Alert> alerts, String alertSinkName) {
    if (!applies(alertSinkName)) return alerts;
    String name = sinkName(alertSinkName);
    return alerts.map(this).returns(Alert.class).uid("pseudonymise-" + name).name("pseudonymise (" + name + ")");
  }

  @Override
  public void open(OpenContext openContext) {
    pseudonymizer = pseudonymizer(System::getenv);
  }

  @Override
  public Alert map(Alert a) {
    if (pseudonymizer == null) pseudonymizer = pseudonymizer(System::getenv);
    return pseudonymizer.apply(a);
  }

  /** The pseudonymizer with the key from the key file or the environment variable (exactly one of them). */
  Pseudonymizer pseudonymizer(Function<String, String> env) {
    byte[] key = key(env);
    try {
      return new Pseudonymizer(key, dropDetail);
    } catch (IllegalArgumentException e) {
      String from = keyFile.isEmpty() ? JobOptions.PSEUDONYMISE_KEY_ENV.key() + " = " + keyEnv
          : JobOptions.PSEUDONYMISE_KEY_FILE.key() + " = " + keyFile;
      throw new ConfigException(from + ": the key has " + key.length + " bytes, at least " + Pseudonymizer.MIN_KEY_BYTES
          + " are needed (e.g. openssl rand -base64 32)");
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private byte[] key(Function<String, String> env) {
    String fileKey = JobOptions.PSEUDONYMISE_KEY_FILE.key();
    String envKey = JobOptions.PSEUDONYMISE_KEY_ENV.key();
    if (keyFile.isEmpty() == keyEnv.isEmpty()) {
      throw new ConfigException(JobOptions.PSEUDONYMISE_SINKS.key() + " is set: set exactly one of " + fileKey + " and "
          + envKey + " (the key is never an option value)");
    }
    if (!keyFile.isEmpty()) {
      byte[] b;
      try {
        b = Files.readAllBytes(Path.of(keyFile));
      } catch (IOException e) {
        throw new ConfigException(fileKey + " = " + keyFile + ": cannot read the file (" + e.getClass().getSimpleName()
            + ")");
      }
      int n = b.length;
      if (n > 0 && b[n - 1] == '\n') n--;
      if (n > 0 && b[n - 1] == '\r') n--;
      if (n == 0) throw new ConfigException(fileKey + " = " + keyFile + ": the file is empty");
      byte[] k = Arrays.copyOf(b, n);
      Arrays.fill(b, (byte) 0);
      return k;
    }
    String v = env.apply(keyEnv);
    if (v == null || v.isEmpty()) throw new ConfigException(envKey + " = " + keyEnv + ": the environment variable is not set");
    return v.getBytes(StandardCharsets.UTF_8);
  }
}
