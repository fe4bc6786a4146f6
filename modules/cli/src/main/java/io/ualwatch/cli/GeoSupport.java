package io.ualwatch.cli;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import io.ualwatch.enrich.GeoData;
import io.ualwatch.enrich.GeoResolver;
import io.ualwatch.enrich.GeoResolvers;
import java.io.IOException;
import java.io.PrintStream;

/** Makes sure the geo data is there (fetching it on first use) and opens it. */
final class GeoSupport {
  private GeoSupport() {}

  static GeoResolver resolver(Config config, PrintStream log) {
    if (config.get(JobOptions.GEO_CITY_V4).isBlank()) {
      GeoData data = GeoResolvers.data(config);
      if (!data.present()) {
        try {
          data.ensure(line -> log.println("geo: " + line));
        } catch (IOException e) {
          throw new Main.Failure("geo data is missing and could not be fetched: " + e.getMessage()
              + ". Fetch it with '" + GeoData.fetchCommand() + "' when npm can reach its registry.", e);
        }
      }
    }
    return GeoResolvers.shared(config);
  }
}
