package io.ualwatch.connector.signin;

import io.ualwatch.connector.common.ApiOrigin;
import io.ualwatch.connector.common.CommonConfig;
import io.ualwatch.connector.common.ListValidator;
import io.ualwatch.connector.common.PermissionCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Configuration of {@link EntraSignInSourceConnector}; the docs tables are generated from {@link #DEF}. */
public final class SignInConfig extends CommonConfig.View {
  public static final List<String> EVENT_TYPES = List.of("interactiveUser", "nonInteractiveUser",
      "servicePrincipal", "managedIdentity");

  public static final String GRAPH_ROOT = "graph.root";
  public static final String GRAPH_VERSION = "graph.api.version";
  public static final String RESOURCE = "auth.resource";
  public static final String EVENT_TYPES_KEY = "signin.event.types";
  public static final String WINDOW_SIZE = "window.size.ms";
  public static final String WINDOW_OVERLAP = "window.overlap.ms";
  public static final String WINDOW_END_LAG = "window.end.lag.ms";
  public static final String START_LOOKBACK = "start.lookback.ms";
  public static final String PAGE_SIZE = "page.size";
  public static final String POLL_MAX_RECORDS = "poll.max.records";

  public static final String DEFAULT_TOPIC = "ualwatch.signins.raw";
  /** The API whose application permissions this connector uses, as the Entra portal names it. */
  public static final String PERMISSION_API = "Microsoft Graph";
  /** List signIns: least privileged application permission (Directory.Read.All is the higher one, not needed). */
  public static final String READ = "AuditLog.Read.All";

  public static final ConfigDef DEF = define();

  private static ConfigDef define() {
    ConfigDef d = CommonConfig.define(new ConfigDef(), DEFAULT_TOPIC, 60_000L);
    d.define(EVENT_TYPES_KEY, Type.LIST, "interactiveUser,nonInteractiveUser", ListValidator.anyOf(EVENT_TYPES, "sign-in event type"), Importance.HIGH, "Sign-in event types, one task per tenant and type. Anything but interactiveUser needs "
        + "graph.api.version=beta (filtered with signInEventTypes/any(...)).", CommonConfig.GROUP_SOURCE, 11,
        Width.LONG, "Event types");
    d.define(GRAPH_ROOT, Type.STRING, "", Importance.MEDIUM,
        "Microsoft Graph root, e.g. https://graph.microsoft.com. Empty: the cloud preset's. The token is only sent "
            + "to this origin; @odata.nextLink links elsewhere are refused.", CommonConfig.GROUP_SOURCE, 12,
        Width.LONG, "Graph root");
    d.define(GRAPH_VERSION, Type.STRING, "beta", ConfigDef.ValidString.in("v1.0", "beta"), Importance.MEDIUM,
        "Graph version: beta (all event types) or v1.0 (interactive sign-ins only).", CommonConfig.GROUP_SOURCE, 13,
        Width.SHORT, "Graph version");
    d.define(RESOURCE, Type.STRING, "", Importance.MEDIUM,
        "Token resource (v1) or scope prefix (v2), e.g. https://graph.microsoft.com. Empty: the cloud preset's Graph resource.", CommonConfig.GROUP_AUTH, 50, Width.LONG,
        "Resource");
    int o = 0;
    d.define(WINDOW_SIZE, Type.LONG, 900_000L, ConfigDef.Range.between(1_000L, 86_400_000L), Importance.MEDIUM,
        "Width of one createdDateTime window (before the overlap is added).", CommonConfig.GROUP_PACING, ++o,
        Width.SHORT, "Window size");
    d.define(WINDOW_OVERLAP, Type.LONG, 600_000L, ConfigDef.Range.between(0L, 86_400_000L), Importance.MEDIUM,
        "Each window starts this long before the cursor, to catch sign-ins that show up late; ids already "
            + "emitted in the overlap are remembered (in the offset) and not emitted again.",
        CommonConfig.GROUP_PACING, ++o, Width.SHORT, "Overlap");
    d.define(WINDOW_END_LAG, Type.LONG, 120_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
        "A window never ends later than now minus this.", CommonConfig.GROUP_PACING, ++o, Width.SHORT,
        "Window end lag");
    d.define(START_LOOKBACK, Type.LONG, 86_400_000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
        "Where a (tenant, event type) without a stored offset starts: now minus this (Graph keeps 30 days).",
        CommonConfig.GROUP_PACING, ++o, Width.SHORT, "Start look-back");
    d.define(PAGE_SIZE, Type.INT, 1000, ConfigDef.Range.between(1, 1000), Importance.LOW,
        "$top: sign-ins per Graph page.", CommonConfig.GROUP_PACING, ++o, Width.SHORT, "Page size");
    d.define(POLL_MAX_RECORDS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
        "Most records one poll returns.", CommonConfig.GROUP_OUTPUT, 20, Width.SHORT, "Records per poll");
    return d;
  }

  public SignInConfig(Map<String, String> props) {
    super(new AbstractConfig(DEF, props, false));
    checkedOrigin(GRAPH_ROOT, graphRoot());
    checkedOrigin(CommonConfig.AUTH_AUTHORITY, authority());
    if (graphVersion().equals("v1.0") && !eventTypes().equals(List.of("interactiveUser"))) {
      throw new ConfigException(EVENT_TYPES_KEY, eventTypes(), "graph.api.version=v1.0 only serves interactiveUser; "
          + "use beta for the other event types");
    }
  }

  public String graphRoot() { return strip(orElse(c.getString(GRAPH_ROOT), cloud().graphRoot)); }
  public ApiOrigin graphOrigin() { return ApiOrigin.of(graphRoot()); }
  public String graphVersion() { return c.getString(GRAPH_VERSION); }
  public String resource() { return strip(orElse(c.getString(RESOURCE), cloud().graphRoot)); }
  public List<String> eventTypes() { return c.getList(EVENT_TYPES_KEY).stream().map(String::strip).toList(); }
  public Duration windowSize() { return ms(WINDOW_SIZE); }
  public Duration overlap() { return ms(WINDOW_OVERLAP); }
  public Duration windowEndLag() { return ms(WINDOW_END_LAG); }
  public Duration startLookback() { return ms(START_LOOKBACK); }
  public int pageSize() { return c.getInt(PAGE_SIZE); }
  public int pollMaxRecords() { return c.getInt(POLL_MAX_RECORDS); }

  /** The application permissions this connector needs: AuditLog.Read.All on Microsoft Graph, nothing else. */
  public PermissionCheck.Need permissionsNeeded() {
    return PermissionCheck.Need.of(PERMISSION_API, READ);
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
