package io.ualwatch.detect;

import io.ualwatch.config.Cidrs;
import io.ualwatch.config.Config;
import io.ualwatch.config.DetectionOptions;
import io.ualwatch.enrich.AppCatalog;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Detection configuration resolved once for fast use on the hot path. */
public final class DetectionSettings {
  public static final long DAY = 86_400_000L;
  public static final long HOUR = 3_600_000L;

  private final Config config;
  private final AppCatalog apps;
  private final long retentionMs;
  private final int retentionDays;
  private final int maturityDays;
  private final long bucketMs;
  private final int evidenceMax;
  private final Set<String> allowApps = new HashSet<>();
  private final Set<String> allowUsers = new HashSet<>();
  private final Cidrs trusted;
  private final String version;

  public DetectionSettings(Config config, AppCatalog apps) {
    this.config = config;
    this.apps = apps;
    this.retentionMs = config.get(DetectionOptions.BASELINE_RETENTION).toMillis();
    this.retentionDays = (int) config.get(DetectionOptions.BASELINE_RETENTION).toDays();
    this.maturityDays = (int) config.get(DetectionOptions.BASELINE_MATURITY).toDays();
    this.bucketMs = config.get(DetectionOptions.SUPPRESSION).toMillis();
    this.evidenceMax = config.get(DetectionOptions.EVIDENCE_MAX);
    config.get(DetectionOptions.ALLOW_APPS).forEach(a -> allowApps.add(a.toLowerCase(Locale.ROOT)));
    config.get(DetectionOptions.ALLOW_USERS).forEach(a -> allowUsers.add(a.toLowerCase(Locale.ROOT)));
    this.trusted = new Cidrs(config.get(DetectionOptions.ALLOW_CIDRS));
    this.version = config.version();
    double minWindowMinutes = 60.0 * config.get(io.ualwatch.config.DetectionOptions.TRAVEL_MIN_KM)
        / config.get(io.ualwatch.config.DetectionOptions.TRAVEL_MAX_KMH);
    if (minWindowMinutes < 5) {
      throw new io.ualwatch.config.ConfigException("rules.impossible-travel.min-distance-km / max-speed-kmh must "
          + "allow at least 5 minutes of travel (the resolution of the location history); raise the distance or "
          + "lower the speed");
    }
  }

  public Config config() { return config; }
  public AppCatalog apps() { return apps; }
  public long retentionMs() { return retentionMs; }
  public int retentionDays() { return retentionDays; }
  public int maturityDays() { return maturityDays; }
  public int evidenceMax() { return evidenceMax; }
  public String version() { return version; }

  /** Alert bucket of an event time (UTC-aligned). */
  public long bucketOf(long time) {
    return Math.floorDiv(time, bucketMs);
  }

  public long bucketStart(long bucket) {
    return bucket * bucketMs;
  }

  public long bucketMs() {
    return bucketMs;
  }

  public static int dayOf(long time) {
    return (int) Math.floorDiv(time, DAY);
  }

  public static int hourOf(long time) {
    return (int) Math.floorDiv(time, HOUR);
  }

  public boolean appAllowed(String appId) {
    return appId != null && allowApps.contains(appId.toLowerCase(Locale.ROOT));
  }

  public boolean userAllowed(String user) {
    return user != null && allowUsers.contains(user.toLowerCase(Locale.ROOT));
  }

  public boolean trustedIp(String ip) {
    return trusted.contains(ip);
  }
}
