package io.ualwatch.connector.activity;

import io.ualwatch.connector.common.ApiOrigin;
import io.ualwatch.connector.common.CommonConfig;
import io.ualwatch.connector.common.ListValidator;
import io.ualwatch.connector.common.PermissionCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of {@link ManagementActivitySourceConnector}; the docs tables are generated from {@link #DEF}. */
public final class ActivityConfig extends CommonConfig.View {
  public static final List<String> CONTENT_TYPES = List.of("Audit.AzureActiveDirectory", "Audit.Exchange",
      "Audit.SharePoint", "Audit.General", "DLP.All");

  public static final String CONTENT_TYPES_KEY = "content.types";
  public static final String PUBLISHER = "publisher.identifier";
  public static final String API_ROOT = "api.root";
  public static final String RESOURCE = "auth.resource";
  public static final String WINDOW_SIZE = "window.size.ms";
  public static final String WINDOW_END_LAG = "window.end.lag.ms";
  public static final String START_LOOKBACK = "start.lookback.ms";
  public static final String RETENTION_MARGIN = "retention.margin.ms";
  public static final String SUBSCRIPTIONS_START = "subscriptions.start";
  public static final String POLL_MAX_RECORDS = "poll.max.records";
  public static final String DUPLICATES_TRACKED = "duplicates.tracked.ids";

  public static final String DEFAULT_TOPIC = "ualwatch.audit.raw";
  /** The API whose application permissions this connector uses, as the Entra portal names it. */
  public static final String PERMISSION_API = "Office 365 Management APIs";
  public static final String READ = "ActivityFeed.Read";
  public static final String READ_DLP = "ActivityFeed.ReadDlp";
  public static final String DLP_CONTENT_TYPE = "DLP.All";
  public static final Duration RETENTION = Duration.ofDays(7);

  public static final ConfigDef DEF = define();

  private static ConfigDef define() {
    ConfigDef d = CommonConfig.define(new ConfigDef(), DEFAULT_TOPIC, 180_000L);
    int o = 10;
    d.define(CONTENT_TYPES_KEY, Type.LIST, "Audit.Exchange,Audit.AzureActiveDirectory,Audit.General,Audit.SharePoint",
        ListValidator.anyOf(CONTENT_TYPES, "content type"), Importance.HIGH, "Content types to collect, one task per tenant and content type.",
        CommonConfig.GROUP_SOURCE, ++o, Width.LONG, "Content types");
    d.define(PUBLISHER, Type.STRING, "", Importance.HIGH,
        "PublisherIdentifier sent on every call (listing, paging and blob fetches): the tenant GUID of whoever "
            + "runs the collector, which gives it its own throttling quota. Empty: the tenant being read (right "
            + "for an in-house deployment).", CommonConfig.GROUP_SOURCE, ++o, Width.MEDIUM, "Publisher identifier");
    d.define(API_ROOT, Type.STRING, "", Importance.MEDIUM,
        "Management API root, e.g. https://manage.office.com. Empty: the cloud preset's. The bearer token is "
            + "only sent to this origin; NextPageUri and contentUri links elsewhere are refused.",
        CommonConfig.GROUP_SOURCE, ++o, Width.LONG, "API root");
    d.define(RESOURCE, Type.STRING, "", Importance.MEDIUM,
        "Token resource (v1) or scope prefix (v2), e.g. https://manage.office.com. Empty: the cloud preset's.",
        CommonConfig.GROUP_AUTH, 50, Width.LONG, "Resource");
    o = 0;
    d.define(WINDOW_SIZE, Type.LONG, 3_600_000L, ConfigDef.Range.between(1_000L, 86_400_000L), Importance.MEDIUM,
        "Width of one content listing window over contentCreated (half-open, at most 24 h).",
        CommonConfig.GROUP_PACING, ++o, Width.SHORT, "Window size");
    d.define(WINDOW_END_LAG, Type.LONG, 60_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
        "A window never ends later than now minus this, so content whose listing lags its contentCreated a "
            + "little is not skipped.", CommonConfig.GROUP_PACING, ++o, Width.SHORT, "Window end lag");
    d.define(START_LOOKBACK, Type.LONG, RETENTION.toMillis(), ConfigDef.Range.atLeast(0), Importance.MEDIUM,
        "Where a (tenant, content type) without a stored offset starts: now minus this (clamped to the 7-day "
            + "retention).", CommonConfig.GROUP_PACING, ++o, Width.SHORT, "Start look-back");
    d.define(RETENTION_MARGIN, Type.LONG, 300_000L, ConfigDef.Range.between(0L, 86_400_000L), Importance.LOW,
        "A stored cursor older than now - 7 d + this margin is clamped there, with a warning and the gap "
            + "counted in ualwatch.connector.clamped.gap.seconds.", CommonConfig.GROUP_PACING, ++o, Width.SHORT,
        "Retention margin");
    d.define(SUBSCRIPTIONS_START, Type.BOOLEAN, true, Importance.MEDIUM,
        "Start the subscription of each content type if it is not enabled (already enabled and AF20024 count as "
            + "success). False: fail with a message instead.", CommonConfig.GROUP_SOURCE, ++o, Width.SHORT,
        "Start subscriptions");
    d.define(POLL_MAX_RECORDS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Most records one poll returns; a bigger blob is returned over several polls.",
        CommonConfig.GROUP_OUTPUT, 20, Width.SHORT, "Records per poll");
    d.define(DUPLICATES_TRACKED, Type.INT, 100_000, ConfigDef.Range.atLeast(0), Importance.LOW,
        "Record ids a task remembers to count re-delivered records (ualwatch.connector.duplicates). Duplicates "
            + "are still emitted, keyed by tenant|Id, for downstream de-duplication.", CommonConfig.GROUP_OUTPUT,
        21, Width.SHORT, "Tracked ids");
    return d;
  }

  public ActivityConfig(Map<String, String> props) {
    super(new AbstractConfig(DEF, props, false));
    // Fail at start, with the key names, on unusable endpoints or credentials.
    checkedOrigin(API_ROOT, apiRoot());
    checkedOrigin(CommonConfig.AUTH_AUTHORITY, authority());
  }

  public List<String> contentTypes() { return c.getList(CONTENT_TYPES_KEY).stream().map(String::strip).toList(); }
  public String apiRoot() { return stripSlash(orElse(c.getString(API_ROOT), cloud().managementRoot)); }
  public ApiOrigin apiOrigin() { return ApiOrigin.of(apiRoot()); }
  public String resource() { return stripSlash(orElse(c.getString(RESOURCE), cloud().managementResource)); }
  public String publisher(String tenant) { return orElse(c.getString(PUBLISHER), tenant); }
  public Duration windowSize() { return ms(WINDOW_SIZE); }
  public Duration windowEndLag() { return ms(WINDOW_END_LAG); }
  public Duration startLookback() { return ms(START_LOOKBACK); }
  public Duration retentionMargin() { return ms(RETENTION_MARGIN); }
  public boolean startSubscriptions() { return c.getBoolean(SUBSCRIPTIONS_START); }
  public int pollMaxRecords() { return c.getInt(POLL_MAX_RECORDS); }
  public int duplicatesTracked() { return c.getInt(DUPLICATES_TRACKED); }

  /**
   * The application permissions this configuration needs: ActivityFeed.Read; ActivityFeed.ReadDlp is allowed
   * only when content.types has DLP.All (Microsoft: DLP sensitive data is only available with "Read DLP
   * sensitive data"), and is optional even then. Decided on the connector's whole content.types, so the tasks of
   * one app registration agree.
   */
  public PermissionCheck.Need permissionsNeeded() {
    if (!contentTypes().contains(DLP_CONTENT_TYPE)) return PermissionCheck.Need.of(PERMISSION_API, READ);
    return new PermissionCheck.Need(PERMISSION_API, Set.of(READ), Set.of(READ_DLP), "DLP.All events then come "
        + "without the sensitive data they matched (SensitiveInformationDetections), which also keeps those values "
        + "out of ualwatch's topics");
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
