package io.ualwatch.detect;

/**
 * Facts about a whole tenant that keyed detectors may read: whether its sign-in feed delivered sign-ins
 * (Entra sign-ins or UAL logons) in a given hour, and on which days a client app read mail of any of its
 * mailboxes. In Flink these facts are broadcast to the detector
 * operators; in the local engine they are a shared map updated before the detectors see the record.
 */
public interface TenantFacts {
  /** Never active: detectors that need the feed do nothing unless facts are wired. */
  TenantFacts NONE = (tenant, hour) -> false;

  /** True when the tenant had at least one sign-in record in the UTC hour {@code hour} (hours since epoch). */
  boolean signInsInHour(String tenant, int hour);

  /**
   * True when client app {@code app} read mail of some mailbox of the tenant on day {@code day} (days since
   * epoch). A fact of an earlier day than the watermark's is complete: every record within the out-of-orderness
   * bound that made it has arrived (facts travel ahead of the watermark that follows them).
   */
  default boolean appReadMailOn(String tenant, String app, int day) {
    return false;
  }

  /** True when {@code app} read mail in the tenant on any day of {@code from} … {@code to}. */
  default boolean appReadMailBetween(String tenant, String app, int from, int to) {
    for (int d = from; d <= to; d++) {
      if (appReadMailOn(tenant, app, d)) return true;
    }
    return false;
  }

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
