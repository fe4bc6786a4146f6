package io.ualwatch.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import io.ualwatch.model.Geo;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.util.IpAddresses;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real resolver: DB-IP city (or MaxMind GeoLite2/GeoIP2 City) for location, the ASN table (or a
 * MaxMind ASN database) for the network, {@link NetworkClassifier} for its class. An address always goes to
 * the database of its family: an IPv6 address looked up in an IPv4-only MaxMind file returns a bogus hit.
 */
public final class DbResolver implements GeoResolver, Closeable {
  private final Reader cityV4;
  private final Reader cityV6;
  private final AsnTable asns;
  private final NetworkClassifier classifier;
  private final String attribution;

  public DbResolver(Reader cityV4, Reader cityV6, AsnTable asns, NetworkClassifier classifier, String attribution) {
    this.cityV4 = cityV4;
    this.cityV6 = cityV6;
    this.asns = asns;
    this.classifier = classifier;
    this.attribution = attribution;
  }

  /** Opens the fetched DB-IP/ip-location-db data. */
  public static DbResolver open(GeoData data) throws IOException {
    if (!data.present()) {
      throw new IOException("geo data not found in " + data.dir() + "; run '" + GeoData.fetchCommand()
          + "' (uses npm), or set UALWATCH_GEO_DIR to a directory that has it");
    }
    return open(data.cityV4(), data.cityV6(), data.asnV4(), data.asnV6(), GeoData.ATTRIBUTION);
  }

  public static DbResolver open(Path cityV4, Path cityV6, Path asnV4Csv, Path asnV6Csv, String attribution)
      throws IOException {
    Reader v4 = new Reader(cityV4.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache(1 << 14));
    Reader v6 = cityV6 == null ? null : new Reader(cityV6.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache(1 << 12));
    AsnTable asns;
    try (InputStream a4 = Files.newInputStream(asnV4Csv);
         InputStream a6 = asnV6Csv == null ? null : Files.newInputStream(asnV6Csv)) {
      asns = AsnTable.load(a4, a6);
    }
    return new DbResolver(v4, v6, asns, NetworkClassifier.bundled(), attribution);
  }

  @Override
  public String attribution() {
    return attribution;
  }

  @Override
  public Geo resolve(String canonicalIp) {
    Geo g = new Geo();
    byte[] b = IpAddresses.parse(canonicalIp);
    if (b == null || IpAddresses.isNonPublic(b)) {
      g.network = NetworkClass.PRIVATE;
      g.located = false;
      return g;
    }
    AsnTable.Asn asn = asns.lookup(b);
    if (asn != null && asn.number() != 0) {
      g.asn = asn.number();
      g.asOrg = asn.organisation().isEmpty() ? null : asn.organisation();
    }
    g.network = classifier.classify(g.asn, g.asOrg);
    Reader r = b.length == 4 ? cityV4 : cityV6;
    if (r != null) {
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> rec = r.get(InetAddress.getByAddress(b), Map.class);
        if (rec != null) fill(g, rec);
      } catch (IOException | RuntimeException e) {
        // a corrupt or unexpected database entry means "no location", never a crash
      }
    }
    g.located = g.country != null && g.latitude != null && g.longitude != null;
    return g;
  }

  /** Reads both the flat DB-IP/ip-location-db schema and the nested GeoIP2 City schema. */
  @SuppressWarnings("unchecked")
  static void fill(Geo g, Map<String, Object> rec) {
    Object cc = rec.get("country_code");
    if (cc instanceof String s && !s.isEmpty()) {
      g.country = s;
      g.region = str(rec.get("state1"));
      g.city = str(rec.get("city"));
      g.latitude = num(rec.get("latitude"));
      g.longitude = num(rec.get("longitude"));
      return;
    }
    Object country = rec.get("country");
    if (country instanceof Map<?, ?> c) g.country = str(((Map<String, Object>) c).get("iso_code"));
    Object city = rec.get("city");
    if (city instanceof Map<?, ?> c && c.get("names") instanceof Map<?, ?> names) g.city = str(names.get("en"));
    Object loc = rec.get("location");
    if (loc instanceof Map<?, ?> l) {
      g.latitude = num(l.get("latitude"));
      g.longitude = num(l.get("longitude"));
    }
  }

  private static String str(Object o) {
    return o instanceof String s && !s.isEmpty() ? s : null;
  }

  /** Coordinates rounded to 4 decimals (about 10 m): the databases store floats. */
  private static Double num(Object o) {
    return o instanceof Number n ? Math.round(n.doubleValue() * 1e4) / 1e4 : null;
  }

  @Override
  public void close() throws IOException {
    cityV4.close();
    if (cityV6 != null) cityV6.close();
  }

  static InetAddress addr(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
