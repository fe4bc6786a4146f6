package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.console.ConsoleServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Starts the web console for `console`, `up` and `demo` from the configuration's topics. */
final class ConsoleSupport {
  static final String ACKS_TOPIC = "ualwatch.acks";

  private ConsoleSupport() {}

  /**
   * The console's settings from the configuration's topics; {@code kafka} holds the Kafka client properties
   * (security.protocol, ssl.*, sasl.*) given to every client the console creates.
   */
  static ConsoleServer.Settings settings(Config config, String bootstrap, String bind, int port, String token,
      String acksTopic, int maxAlerts, Duration timeout, Map<String, String> kafka) {
    return new ConsoleServer.Settings(bootstrap, bind, port, token, config.get(JobOptions.TOPIC_ALERTS), acksTopic,
        List.of(config.get(JobOptions.TOPIC_AUDIT), config.get(JobOptions.TOPIC_SIGNINS)), maxAlerts, timeout)
        .withKafka(kafka);
  }

  /**
   * Starts the console; when {@code anyPortIfBusy} and the port is taken, takes a free one and says so (for
   * `up` and `demo`, where the console is a convenience); otherwise a taken port is a usage error.
   */
  static ConsoleServer start(ConsoleServer.Settings s, boolean anyPortIfBusy, PrintStream log) {
    try {
      return ConsoleServer.start(s);
    } catch (BindException e) {
      if (!anyPortIfBusy) {
        throw new Main.UsageException("port " + s.port() + " on " + s.bind() + " is in use: choose another with --port "
            + "(0 = any free port)");
      }
      log.println("console: port " + s.port() + " is in use; taking a free one");
      try {
        return ConsoleServer.start(s.withPort(0));
      } catch (IOException e2) {
        throw new Main.Failure("the console could not start: " + e2.getMessage(), e2);
      }
    } catch (IllegalArgumentException e) {
      // an exposed address without TLS or token, or TLS material that cannot be used: the message says which
      throw new Main.UsageException("the console cannot start: " + e.getMessage());
    } catch (IOException e) {
      throw new Main.Failure("the console could not start on " + s.bind() + ":" + s.port() + ": " + e.getMessage(), e);
    }
  }
}
