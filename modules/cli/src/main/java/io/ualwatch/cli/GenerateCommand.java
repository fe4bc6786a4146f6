package io.ualwatch.cli;

import io.ualwatch.testkit.sim.ScenarioSpec;
import io.ualwatch.testkit.sim.SimWriter;
import io.ualwatch.testkit.sim.TenantSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a deterministic simulated tenant. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Writes a deterministic simulated Microsoft 365 tenant: UAL records (audit.*) and Entra "
        + "sign-ins (signins.*), with injected attacks, in the format of --format. The same settings always give the same "
        + "bytes."},
    footer = {"", "Examples:", "  ualwatch generate --out /tmp/tenant --mailboxes 50 --days 30 --attack token-replay:3:20",
        "  ualwatch generate --out /tmp/export --mailboxes 50 --format purview-csv --gzip   (newest first, as Purview writes)",
        "  ualwatch generate --out /tmp/blobs --format api-json --order shuffled",
        "  ualwatch generate --scenario samples/scenarios/storm0558-token-replay   (rewrites its inputs)"})
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (audit and sign-in files named by --format, .gz with --gzip).")
  Path out;

  @Option(names = "--scenario", paramLabel = "DIR",
      description = "Regenerate a scenario's inputs from its " + ScenarioSpec.FILE + ".")
  Path scenario;

  @Option(names = "--mailboxes", defaultValue = "8", description = "Number of mailboxes (default ${DEFAULT-VALUE}).")
  int mailboxes;

  @Option(names = "--days", defaultValue = "21", description = "Days of activity (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start", defaultValue = "2025-03-03", description = "First day, UTC (default ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(names = "--attack", paramLabel = "KIND:VICTIM:DAY",
      description = "Inject an attack (repeatable; VICTIM is a user index, DAY a day index from 0). Kinds: "
          + io.ualwatch.testkit.sim.TenantSimulator.ATTACK_KINDS + "; benign look-alikes that must stay silent: "
          + io.ualwatch.testkit.sim.TenantSimulator.BENIGN_KINDS + ". Each kind is described in "
          + "docs/detections.md by the scenario that uses it.")
  List<String> attacks = new java.util.ArrayList<>();

  @Option(names = "--gzip", description = "Gzip the files (.gz).")
  boolean gzip;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "ndjson",
      description = "ndjson (audit.ndjson, signins.ndjson; default), api-json (audit.json: a Management Activity "
          + "API content blob, a JSON array; signins.json: a Graph sign-in page) or purview-csv (audit.csv: the "
          + "Purview audit search export; signins.json as api-json, since Purview does not export sign-ins). The same "
          + "records in every format.")
  String format;

  @Option(names = "--order", paramLabel = "ORDER",
      description = "oldest-first, newest-first or shuffled: the order of the records in each file. Default: as the "
          + "format's real source writes it, newest first for purview-csv (the portal's export), oldest first "
          + "otherwise. The same records in every order; hunt and replay order them before use.")
  String order;

  @Option(names = "--list-users", description = "Also print the simulated users (index, UPN, home country and network).")
  boolean listUsers;

  @Override
  public Integer call() throws IOException {
    if (scenario != null) {
      if (!Files.isRegularFile(scenario.resolve(ScenarioSpec.FILE))) {
        throw new Main.UsageException("no " + ScenarioSpec.FILE + " in " + scenario);
      }
      TenantSimulator.Settings s = ScenarioSpec.read(scenario);
      long[] n = ScenarioSpec.generate(s, scenario);
      System.out.printf("wrote %,d audit records and %,d sign-ins into %s%n", n[0], n[1], scenario.resolve("input"));
      return 0;
    }
    if (out == null) throw new Main.UsageException("give --out DIR (or --scenario DIR)");
    TenantSimulator.Settings s;
    try {
      s = new TenantSimulator.Settings(seed, mailboxes, start, days,
          ScenarioSpec.parseAttacks(String.join(",", attacks)), 6);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException(e.getMessage());
    }
    TenantSimulator sim = new TenantSimulator(s);
    if (listUsers) {
      for (TenantSimulator.User u : sim.users()) {
        System.out.printf("%3d  %-40s %s  %s%s%s%s%n", u.index(), u.upn(), u.country(), u.home().name(),
            u.ipv6Home() ? ", IPv6 home" : "", u.owa() ? ", OWA" : "", u.mobile() ? ", mobile" : "");
      }
    }
    SimWriter.Format f;
    try {
      f = SimWriter.Format.parse(format);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--format: " + e.getMessage());
    }
    SimWriter.Order o;
    try {
      o = order == null ? SimWriter.Order.defaultFor(f) : SimWriter.Order.parse(order);
    } catch (IllegalArgumentException e) {
      throw new Main.UsageException("--order: " + e.getMessage());
    }
    long t0 = System.nanoTime();
    try (SimWriter w = new SimWriter(f, f.auditFile(out, gzip), f.signinFile(out, gzip))) {
      w.writeAll(sim, o, d -> {
        if (days > 7 && d % 7 == 0) System.err.printf("day %d/%d%n", d, days);
      });
      System.out.printf("wrote %,d audit records and %,d sign-ins for %d mailboxes over %d days into %s, %s (%.1f s)%n",
          w.auditCount(), w.signinCount(), mailboxes, days, out, o.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          (System.nanoTime() - t0) / 1e9);
    }
    ScenarioSpec.write(s, out.resolve(ScenarioSpec.FILE));
    return 0;
  }
}
