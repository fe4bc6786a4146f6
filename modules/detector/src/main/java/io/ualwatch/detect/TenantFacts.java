package io.ualwatch.detect;

/**
 * Facts about a whole tenant that keyed detectors may read: whether its sign-in feed delivered sign-ins
 * (Entra sign-ins or UAL logons) in a given hour. In Flink these facts are broadcast to the detector
 * operators; in the local engine they are a shared map updated before the detectors see the record.
 */
public interface TenantFacts {
  /** Never active: detectors that need the feed do nothing unless facts are wired. */
  TenantFacts NONE = (tenant, hour) -> false;

  /** True when the tenant had at least one sign-in record in the UTC hour {@code hour} (hours since epoch). */
  boolean signInsInHour(String tenant, int hour);

  /** The sign-in feed counts as active for an access at {@code time}: sign-ins in its hour or the hour before. */
  default boolean signInFeedActive(String tenant, long time) {
    int h = DetectionSettings.hourOf(time);
    return signInsInHour(tenant, h) || signInsInHour(tenant, h - 1);
  }

  /**
   * The sign-in feed already delivered at {@code since}: sign-ins in its hour or in the 48 hours before. False at
   * the beginning of the data (the first day of a 7-day backlog, the start of an export), where the absence of a
   * sign-in says nothing because the feed had not started yet.
   */
  default boolean signInFeedCovers(String tenant, long since) {
    int h = DetectionSettings.hourOf(since);
    for (int i = 0; i <= 48; i++) {
      if (signInsInHour(tenant, h - i)) return true;
    }
    return false;
  }
}
