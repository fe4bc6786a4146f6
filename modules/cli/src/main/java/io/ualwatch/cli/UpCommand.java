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
        "  ualwatch up --set job.delivery=at-least-once"})
final class UpCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Broker and checkpoint data (default run/up).")
  Path dataDir;

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
      out.println("Ctrl-C to stop.");
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
      out.println("stopping…");
    }
    return 0;
  }
}
