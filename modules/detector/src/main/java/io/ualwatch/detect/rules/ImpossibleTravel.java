package io.ualwatch.detect.rules;

import io.ualwatch.config.DetectionOptions;
import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Geography;
import io.ualwatch.detect.Pairs;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertIds;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import io.ualwatch.model.alert.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * impossible-travel: two located activities of one user at least {@code min-distance-km} apart, closer in time
 * than flying there at {@code max-speed-kmh} allows.
 *
 * <p>Locations are cells (country + coordinates rounded to 0.1°) with the first/last time per hour, so the
 * earliest impossible pair per alert bucket is computed exactly whatever the arrival order ({@link Pairs}).
 * Two cells on the same ASN are never travel: one ISP's IPv4 and IPv6 pools are often geolocated hundreds of
 * kilometres apart (a dual-stack home user would otherwise "travel" every few minutes).
 */
public final class ImpossibleTravel implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  public static final String ID = "impossible-travel";

  public static final RuleInfo INFO = new RuleInfo(
      ID,
      "Impossible travel",
      Severity.MEDIUM,
      "T1078.004", "Valid Accounts: Cloud Accounts",
      "TA0001", "Initial Access",
      "Two located activities of one user (successful sign-ins and mail access) at least "
          + "`rules.impossible-travel.min-distance-km` apart, with less time between them than flying at "
          + "`rules.impossible-travel.max-speed-kmh` needs. Microsoft addresses, in-flight Wi-Fi, private and "
          + "unlocated addresses, trusted CIDRs, and pairs on the same ASN (geolocation of one ISP's address "
          + "pools) are ignored. High when one side is a hosting network, low when one side is a VPN.",
      "Two places at once means two parties using one account: the user and someone with their password, "
          + "session or token. Combined with a new country or a hosting network it is the classic sign of a "
          + "stolen credential in use.",
      "VPN and secure web gateway egress in another city or country, VDI and remote desktops in a far "
          + "datacenter, mobile carriers routing through a distant hub, geolocation errors.",
      "Look at both endpoints in the alert: which one is the user's usual network? Check the apps and session "
          + "ids on both sides (token-multi-network alerts name the session). Ask the user; if one side is not "
          + "theirs, revoke sessions and reset credentials.",
      List.of("rules.impossible-travel.enabled", "rules.impossible-travel.min-distance-km",
          "rules.impossible-travel.max-speed-kmh", "detect.suppression", "detect.allow.cidrs",
          "detect.allow.users"));

  static String alertId(String key, long bucket) {
    return AlertIds.of(ID, key, Long.toString(bucket));
  }

  void onLocated(String key, AuditEvent e, boolean changed, EntityStore store, DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    if (!s.config().get(DetectionOptions.TRAVEL_ENABLED)) return;
    double minKm = s.config().get(DetectionOptions.TRAVEL_MIN_KM);
    double maxKmh = s.config().get(DetectionOptions.TRAVEL_MAX_KMH);
    long t = e.eventTime.toEpochMilli();
    // the cells are read only when needed (with RocksDB every read decodes them all): a new or changed cell, or
    // an alert of this bucket to update
    List<NetObs> cells = changed ? cells(store) : null;
    long maxWindow = (long) (20_040 / maxKmh * 3_600_000L); // half the Earth's circumference
    if (changed && cells.size() >= 2) {
      for (long b = s.bucketOf(t); b <= s.bucketOf(t + maxWindow); b++) {
        Pairs.Trigger tr = Pairs.earliest(cells, s.bucketStart(b), s.bucketStart(b + 1),
            (n, m) -> far(n, m, minKm), (n, m) -> (long) (km(n, m) / maxKmh * 3_600_000L),
            UserFamily.CELL_BUCKET_MS);
        if (tr != null) raise(key, b, tr, cells, store, ctx);
      }
    }
    long bucket = s.bucketOf(t);
    Alert a = AlertLedger.active(store, alertId(key, bucket));
    if (a != null) {
      boolean listChanged = AlertLedger.addEvidence(a, AlertLedger.evidenceOf(e, e.geo.city + ", " + e.geo.country),
          s.evidenceMax());
      Long counted = store.get(UserFamily.COUNTS, Long.toString(bucket));
      if (counted != null) a.evidenceCount = counted.intValue();
      if (cells == null) cells = cells(store);
      long[] span = Pairs.span(cells, s.bucketStart(bucket), s.bucketStart(bucket + 1), UserFamily.CELL_BUCKET_MS);
      if (span != null) {
        a.firstSeen = span[0];
        a.lastSeen = span[1];
      }
      AlertLedger.fold(store, a, listChanged, s.bucketStart(bucket + 1), ctx);
    }
  }

  private static List<NetObs> cells(EntityStore store) {
    List<NetObs> cells = new ArrayList<>();
    store.forEach(UserFamily.CELLS, (k, v) -> cells.add(v));
    return cells;
  }

  static double km(NetObs a, NetObs b) {
    return Geography.km(a.first.latitude, a.first.longitude, b.first.latitude, b.first.longitude);
  }

  static boolean far(NetObs a, NetObs b, double minKm) {
    if (a.asn != null && a.asn.equals(b.asn)) return false;
    return km(a, b) >= minKm;
  }

  private void raise(String key, long bucket, Pairs.Trigger tr, List<NetObs> cells, EntityStore store,
      DetectContext ctx) {
    DetectionSettings s = ctx.settings();
    String id = alertId(key, bucket);
    Alert prev = AlertLedger.active(store, id);
    NetObs from = tr.earlier();
    NetObs to = tr.later();
    if (prev != null && prev.time == tr.time() && prev.endpoints.size() == 2
        && prev.endpoints.get(0).time == tr.earlierTime()
        && Objects.equals(prev.endpoints.get(0).ip, from.first.ip) && Objects.equals(prev.endpoints.get(1).ip, to.first.ip)) {
      return;
    }
    Alert a = Drafts.start(id, INFO, s.bucketStart(bucket));
    a.tenantId = key.substring(0, key.indexOf('|'));
    a.user = key.substring(key.indexOf('|') + 1);
    a.time = tr.time();
    Endpoint e1 = from.first.at(tr.earlierTime());
    Endpoint e2 = to.first.at(tr.time());
    a.source = e2;
    a.endpoints.add(e1);
    a.endpoints.add(e2);
    a.appId = to.app;
    a.appName = to.app == null ? null : s.apps().name(to.app);
    a.entities.put("tenant", a.tenantId);
    a.entities.put("user", a.user);
    double km = km(from, to);
    long gapMs = Math.max(0, tr.time() - tr.earlierTime());
    double kmh = gapMs == 0 ? Double.POSITIVE_INFINITY : km / (gapMs / 3_600_000.0);
    a.facts.put("distanceKm", String.format(Locale.ROOT, "%.0f", km));
    a.facts.put("speedKmh", Double.isInfinite(kmh) ? "infinite" : String.format(Locale.ROOT, "%.0f", kmh));
    a.facts.put("gapMinutes", Long.toString(gapMs / 60_000));
    a.evidence.add(new Evidence(from.firstRecordId, from.first.time, from.firstOperation, from.first.ip,
        from.country, from.asn, from.first.city));
    if (!to.firstRecordId.equals(from.firstRecordId)) {
      a.evidence.add(new Evidence(to.firstRecordId, to.first.time, to.firstOperation, to.first.ip, to.country,
          to.asn, to.first.city));
    }
    a.evidence.sort(java.util.Comparator.comparingLong((Evidence x) -> x.time).thenComparing(x -> x.recordId));
    if (prev != null) {
      for (Evidence ev : prev.evidence) AlertLedger.addEvidence(a, ev, s.evidenceMax());
    }
    Long counted = store.get(UserFamily.COUNTS, Long.toString(bucket));
    a.evidenceCount = counted == null ? a.evidence.size() : counted.intValue();
    long[] span = Pairs.span(cells, s.bucketStart(bucket), s.bucketStart(bucket + 1), UserFamily.CELL_BUCKET_MS);
    a.firstSeen = span == null ? tr.earlierTime() : Math.min(span[0], tr.earlierTime());
    a.lastSeen = span == null ? tr.time() : span[1];
    boolean vpn = "vpn".equals(e1.network) || "vpn".equals(e2.network);
    boolean hosting = "hosting".equals(e1.network) || "hosting".equals(e2.network);
    a.severity = vpn ? Severity.LOW : hosting ? Severity.HIGH : INFO.baseSeverity();
    a.confidence = vpn ? 30 : hosting ? 75 : 60;
    a.baseline = "the fastest airliner needs " + hours(km / s.config().get(DetectionOptions.TRAVEL_MAX_KMH))
        + " for that distance";
    a.message = a.user + " was active in " + place(e1) + " and " + duration(gapMs) + " later in " + place(e2) + ": "
        + a.facts.get("distanceKm") + " km at " + a.facts.get("speedKmh") + " km/h; " + a.baseline + ".";
    AlertLedger.upsert(store, a, ctx);
  }

  private static String place(Endpoint e) {
    return (e.city != null ? e.city + ", " : "") + e.country + " (" + e.ip
        + (e.asn != null ? ", AS" + e.asn + (e.asOrg != null ? " " + e.asOrg : "") : "")
        + (e.network != null && !"other".equals(e.network) ? ", " + e.network : "") + ")";
  }

  private static String duration(long ms) {
    long m = ms / 60_000;
    return m < 60 ? m + " min" : (m / 60) + " h " + (m % 60) + " min";
  }

  private static String hours(double h) {
    return h < 1 ? Math.round(h * 60) + " min" : String.format(Locale.ROOT, "%.1f h", h);
  }

}
