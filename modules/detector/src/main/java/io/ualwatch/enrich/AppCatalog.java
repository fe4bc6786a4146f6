package io.ualwatch.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of Microsoft first-party applications (merill/microsoft-info, MIT; MISP microsoft-azure-appid, CC0:
 * see reference/NOTICE.md). Used to name apps in alerts and to damp "new app" severity. First-party is not
 * the same as benign: Azure CLI, Azure PowerShell, the Authentication Broker and the generic EWS id are
 * first-party and attacker favourites, so they are listed in {@link #RISKY_FIRST_PARTY}.
 */
public final class AppCatalog {
  /** First-party apps that attackers reuse (device-code phishing, token replay, scripted mail access). */
  public static final Set<String> RISKY_FIRST_PARTY = Set.of(
      "04b07795-8ddb-461a-bbee-02f9e1bf7b46", // Microsoft Azure CLI
      "1950a258-227b-4e31-a9cf-717495945fc2", // Microsoft Azure PowerShell
      "29d9ed98-a469-4536-ade2-f981bc1d605e", // Microsoft Authentication Broker
      "47629505-c2b6-4a80-adb1-9b3a3d233b7b", // generic EWS / Exchange Web Services client id
      "fb78d390-0c51-40cd-8e17-fdbfab77341b", // Microsoft Exchange REST API Based PowerShell
      "d3590ed6-52b3-4102-aeff-aad2292ab01c", // Microsoft Office (FOCI, abused in token theft kits)
      "de8bc8b5-d9f9-48b1-a8ad-b748da725064"  // Graph Explorer
  );

  private static final Pattern GUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private static volatile AppCatalog defaultCatalog;

  private final Map<String, String> names;
  private final Set<String> firstParty;

  public AppCatalog(Map<String, String> names, Set<String> firstParty) {
    this.names = names;
    this.firstParty = firstParty;
  }

  /** The catalogue built from the bundled reference files. */
  public static AppCatalog bundled() {
    AppCatalog c = defaultCatalog;
    if (c == null) {
      synchronized (AppCatalog.class) {
        if (defaultCatalog == null) defaultCatalog = load();
        c = defaultCatalog;
      }
    }
    return c;
  }

  private static AppCatalog load() {
    Map<String, String> names = new HashMap<>();
    Set<String> fp = new HashSet<>();
    try (InputStream in = AppCatalog.class.getResourceAsStream("/reference/microsoft-first-party-apps.merill.csv")) {
      if (in == null) throw new IllegalStateException("missing /reference/microsoft-first-party-apps.merill.csv");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line = r.readLine(); // header
      while ((line = r.readLine()) != null) {
        String[] f = splitCsv(line);
        if (f.length < 2) continue;
        String id = f[0].toLowerCase(Locale.ROOT);
        if (!GUID.matcher(id).matches()) continue;
        fp.add(id);
        names.putIfAbsent(id, f[1]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (InputStream in = AppCatalog.class.getResourceAsStream("/reference/microsoft-azure-appid.misp.json")) {
      if (in != null) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = GUID.matcher(text);
        while (m.find()) fp.add(m.group().toLowerCase(Locale.ROOT));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AppCatalog(Map.copyOf(names), Set.copyOf(fp));
  }

  static String[] splitCsv(String line) {
    java.util.List<String> out = new java.util.ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean q = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (q) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            q = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        q = true;
      } else if (c == ',') {
        out.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().strip());
    return out.toArray(new String[0]);
  }

  public boolean isFirstParty(String appId) {
    return appId != null && firstParty.contains(appId.toLowerCase(Locale.ROOT));
  }

  public boolean isRiskyFirstParty(String appId) {
    return appId != null && RISKY_FIRST_PARTY.contains(appId.toLowerCase(Locale.ROOT));
  }

  /** Display name for an app id, or null when unknown. */
  public String name(String appId) {
    return appId == null ? null : names.get(appId.toLowerCase(Locale.ROOT));
  }

  public int size() {
    return firstParty.size();
  }
}
