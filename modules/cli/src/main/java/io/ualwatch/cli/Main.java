package io.ualwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ualwatch command. */
@Command(name = "ualwatch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {
        "Watches Microsoft 365 unified audit log and Entra sign-in records for mailbox-access anomalies.",
        "",
        "Exit codes: 0 done; 1 failed while running (the message says why); 2 usage error (unknown option, "
            + "unreadable input, bad configuration)."},
    subcommands = {DemoCommand.class, UpCommand.class, HuntCommand.class, ValidateCommand.class,
        GenerateCommand.class, GeoCommand.class, RulesCommand.class, WatchCommand.class, ReplayCommand.class,
        ConsoleCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Examples:", "  ualwatch demo", "  ualwatch hunt exports/ --out alerts.jsonl",
        "  ualwatch validate audit-export.csv --summary-json summary.json", "  ualwatch up --port 9092",
        "  ualwatch watch --min-severity high", "  ualwatch replay exports/ --speed 60", "  ualwatch console --port 8080", "  ualwatch bench --quick",
        "", "Every command: ualwatch COMMAND --help. Exit codes and more: docs/cli.md."})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof UsageException || ex instanceof io.ualwatch.config.ConfigException) {
        cmd.getErr().println("ualwatch " + cmd.getCommandName() + ": " + ex.getMessage());
        return 2;
      }
      if (ex instanceof Failure || ex instanceof io.ualwatch.console.Brokers.UnreachableException) {
        cmd.getErr().println("ualwatch " + cmd.getCommandName() + ": " + ex.getMessage());
        if (Boolean.getBoolean("ualwatch.debug")) ex.printStackTrace(cmd.getErr());
        return 1;
      }
      cmd.getErr().println("ualwatch " + cmd.getCommandName() + ": " + ex);
      if (Boolean.getBoolean("ualwatch.debug")) ex.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** A problem the user fixes by changing the command line or the inputs; exit code 2. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  /** The command could not finish (broker gone, refused record, …); exit code 1 and the message alone. */
  public static final class Failure extends RuntimeException {
    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ualwatch " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
