package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A running stack to point connectors, replays and SIEM sinks at. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Starts the embedded Kafka broker and the detection job and keeps them running until Ctrl-C. "
        + "Prints the bootstrap address and the topics. Data (topics, offsets, checkpoints) survive a restart "
        + "in --data-dir."},
    footer = {"", "Examples:", "  ualwatch up", "  ualwatch up --port 9092 --data-dir /var/lib/ualwatch",
        "  ualwatch up --set job.delivery=at-least-once", "  ualwatch up --no-console",
        "", "Exit codes: 0 stopped with Ctrl-C; 1 failed to start (the message says why); 2 usage error."})
final class UpCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Broker and checkpoint data (default run/up).")
  Path dataDir;

  @Option(names = "--console", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Serve the alert console too (default on; --no-console to skip).")
  boolean console;

  @Option(names = "--console-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Console port on 127.0.0.1 (default ${DEFAULT-VALUE}; a free one is taken when it is busy).")
  int consolePort;

  @Option(names = "--console-token", paramLabel = "TOKEN", description = "Require this token in the console (see 'ualwatch console --help').")
  String consoleToken;

  @Mixin
  ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Path data = dataDir != null ? dataDir : Home.run("up");
    Files.createDirectories(data);
    Config config = configOptions.load();
    GeoSupport.resolver(config, out);
    CountDownLatch stop = new CountDownLatch(1);
    try (Stack stack = Stack.startBroker(data, port, config, out)) {
      stack.startJob(data, out);
      out.println();
      out.println("bootstrap: " + stack.kafka.bootstrapServers());
      out.println("topics:    " + config.get(JobOptions.TOPIC_AUDIT) + " (in: raw UAL JSON, key tenant|Id)");
      out.println("           " + config.get(JobOptions.TOPIC_SIGNINS) + " (in: Entra sign-ins)");
      out.println("           " + config.get(JobOptions.TOPIC_ALERTS) + " (out: OCSF alerts, key = alert id; read_committed)");
      out.println("           " + config.get(JobOptions.TOPIC_DEADLETTER) + " (out: rejected records with reason)");
      out.println("           " + ConsoleSupport.ACKS_TOPIC + " (console acknowledgements, compacted)");
      if (console) {
        io.ualwatch.console.ConsoleServer consoleServer = stack.attach(ConsoleSupport.start(ConsoleSupport.settings(
            stack.config, stack.kafka.bootstrapServers(), "127.0.0.1", consolePort,
            ConsoleCommand.token(consoleToken, null, false), ConsoleSupport.ACKS_TOPIC, 20_000,
            java.time.Duration.ofSeconds(10)), true, out));
        out.println("console:   " + consoleServer.url());
      }
      out.println("Ctrl-C to stop.");
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
      out.println("stopping…");
    }
    return 0;
  }
}
