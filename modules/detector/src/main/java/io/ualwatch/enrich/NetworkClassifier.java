package io.ualwatch.enrich;

import io.ualwatch.model.NetworkClass;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ASN → network class, from the bundled reference lists (reference/NOTICE.md): Microsoft's own ASNs
 * (never "hosting", whatever the third-party lists say), satellite / in-flight Wi-Fi, corporate proxies
 * (matched by AS organisation name, as the cited pull request does), VPN and hosting lists.
 */
public final class NetworkClassifier {
  private static volatile NetworkClassifier bundled;

  private final Map<Long, NetworkClass> byAsn;
  private final Map<Long, String> caution;

  private NetworkClassifier(Map<Long, NetworkClass> byAsn, Map<Long, String> caution) {
    this.byAsn = byAsn;
    this.caution = caution;
  }

  public static NetworkClassifier bundled() {
    NetworkClassifier c = bundled;
    if (c == null) {
      synchronized (NetworkClassifier.class) {
        if (bundled == null) bundled = load();
        c = bundled;
      }
    }
    return c;
  }

  private static NetworkClassifier load() {
    Map<Long, NetworkClass> m = new HashMap<>();
    Map<Long, String> caution = new HashMap<>();
    readCsv("/reference/hosting-vpn-asn.merged.csv", f -> {
      long asn = Long.parseLong(f[0].strip());
      m.put(asn, "vpn".equals(f[1].strip()) ? NetworkClass.VPN : NetworkClass.HOSTING);
      if (f.length > 4 && !f[4].isBlank()) caution.put(asn, f[4].strip());
    });
    // Facts override lists: Microsoft is never hosting; in-flight and proxies are their own classes.
    readCsv("/reference/asn-facts.csv", f -> {
      long asn = Long.parseLong(f[0].strip());
      switch (f[2].strip()) {
        case "microsoft" -> m.put(asn, NetworkClass.MICROSOFT);
        case "satellite-inflight" -> m.put(asn, NetworkClass.SATELLITE);
        case "corporate-proxy" -> m.put(asn, NetworkClass.CORPORATE_PROXY);
        default -> { }
      }
    });
    return new NetworkClassifier(Map.copyOf(m), Map.copyOf(caution));
  }

  private interface Row {
    void accept(String[] fields);
  }

  private static void readCsv(String resource, Row row) {
    try (InputStream in = NetworkClassifier.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing bundled reference file " + resource);
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      r.readLine();
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) continue;
        String[] f = AppCatalog.splitCsv(line);
        try {
          row.accept(f);
        } catch (RuntimeException ignored) {
          // a malformed reference row is skipped
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Class of an ASN with its organisation name (used to recognise corporate proxies by name). */
  public NetworkClass classify(Long asn, String organisation) {
    if (organisation != null) {
      String o = organisation.toLowerCase(Locale.ROOT);
      if (o.contains("zscaler")) return NetworkClass.CORPORATE_PROXY;
      if (o.startsWith("microsoft") && asn != null && !byAsn.containsKey(asn)) return NetworkClass.MICROSOFT;
    }
    if (asn == null) return NetworkClass.UNKNOWN;
    return byAsn.getOrDefault(asn, NetworkClass.OTHER);
  }

  /** The caution note of a list entry (e.g. "major-cloud: …"), or null. */
  public String caution(Long asn) {
    return asn == null ? null : caution.get(asn);
  }
}
