package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.console.ConsoleServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.time.Duration;
import java.util.List;

/** Starts the web console for `console`, `up` and `demo` from the configuration's topics. */
final class ConsoleSupport {
  static final String ACKS_TOPIC = "ualwatch.acks";

  private ConsoleSupport() {}

  static ConsoleServer.Settings settings(Config config, String bootstrap, String bind, int port, String token,
      String acksTopic, int maxAlerts, Duration timeout) {
    return new ConsoleServer.Settings(bootstrap, bind, port, token, config.get(JobOptions.TOPIC_ALERTS), acksTopic,
        List.of(config.get(JobOptions.TOPIC_AUDIT), config.get(JobOptions.TOPIC_SIGNINS)), maxAlerts, timeout);
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
    } catch (IOException e) {
      throw new Main.Failure("the console could not start on " + s.bind() + ":" + s.port() + ": " + e.getMessage(), e);
    }
  }
}
