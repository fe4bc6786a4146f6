package io.ualwatch.enrich;

import io.ualwatch.config.Config;
import io.ualwatch.config.JobOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens the configured geo data once per JVM (a Flink TaskManager runs many operator instances; the ASN
 * table takes a second and ~10 MB to load, the city files are memory-mapped).
 */
public final class GeoResolvers {
  private static final Map<String, GeoResolver> SHARED = new HashMap<>();

  private GeoResolvers() {}

  public static synchronized GeoResolver shared(Config c) {
    String key = c.get(JobOptions.GEO_DIR) + "|" + c.get(JobOptions.GEO_CITY_V4) + "|" + c.get(JobOptions.GEO_CITY_V6)
        + "|" + c.get(JobOptions.GEO_ASN_V4) + "|" + c.get(JobOptions.GEO_ASN_V6);
    GeoResolver r = SHARED.get(key);
    if (r == null) {
      try {
        r = open(c);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SHARED.put(key, r);
    }
    return r;
  }

  /** The fetched-data location the configuration points at. */
  public static GeoData data(Config c) {
    String dir = c.get(JobOptions.GEO_DIR);
    return new GeoData(dir.isBlank() ? GeoData.defaultDir() : Path.of(dir));
  }

  static GeoResolver open(Config c) throws IOException {
    String v4 = c.get(JobOptions.GEO_CITY_V4);
    if (!v4.isBlank()) {
      String v6 = c.get(JobOptions.GEO_CITY_V6);
      String a4 = c.get(JobOptions.GEO_ASN_V4);
      String a6 = c.get(JobOptions.GEO_ASN_V6);
      GeoData d = data(c);
      return DbResolver.open(Path.of(v4), v6.isBlank() ? null : Path.of(v6),
          a4.isBlank() ? d.asnV4() : Path.of(a4), a6.isBlank() ? d.asnV6() : Path.of(a6),
          "IP geolocation from " + Path.of(v4).getFileName());
    }
    return DbResolver.open(data(c));
  }
}
