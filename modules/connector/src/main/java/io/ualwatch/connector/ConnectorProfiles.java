package io.ualwatch.connector;

import io.ualwatch.connector.activity.ActivityConfig;
import io.ualwatch.connector.activity.ManagementActivitySourceConnector;
import io.ualwatch.connector.common.CommonConfig;
import io.ualwatch.connector.signin.EntraSignInSourceConnector;
import io.ualwatch.connector.signin.SignInConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ready-made connector configurations, for the CLI and tests: pointed at the emulator (one base URL serves the
 * token endpoint, the Management API and Graph) or at a real tenant. Credentials are passed as config-provider
 * references such as {@code ${env:UALWATCH_CLIENT_SECRET}} or {@code ${file:/path/secrets.properties:client.secret}}
 * so that the worker never stores or shows them.
 */
public final class ConnectorProfiles {
  private ConnectorProfiles() {}

  /** Converters and class shared by every profile. */
  private static Map<String, String> base(Class<?> connector, int tasks) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("connector.class", connector.getName());
    m.put("tasks.max", Integer.toString(tasks));
    m.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    m.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    m.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
    return m;
  }

  /**
   * Management Activity connector against the emulator at {@code emulatorBaseUrl}.
   *
   * @param secretRef the client secret, ideally a provider reference like {@code ${env:NAME}}
   */
  public static Map<String, String> activityOnEmulator(String emulatorBaseUrl, List<String> tenants, String clientId,
      String secretRef) {
    List<String> types = List.of("Audit.Exchange", "Audit.AzureActiveDirectory", "Audit.General", "Audit.SharePoint");
    Map<String, String> m = base(ManagementActivitySourceConnector.class, tenants.size() * types.size());
    m.put(CommonConfig.TENANT_IDS, String.join(",", tenants));
    m.put(ActivityConfig.CONTENT_TYPES_KEY, String.join(",", types));
    m.put(ActivityConfig.API_ROOT, emulatorBaseUrl);
    m.put(CommonConfig.AUTH_AUTHORITY, emulatorBaseUrl);
    m.put(ActivityConfig.RESOURCE, "https://manage.office.com");
    m.put(CommonConfig.AUTH_CLIENT_ID, clientId);
    m.put(CommonConfig.AUTH_CLIENT_SECRET, secretRef);
    // The emulator's Date header is the host clock, so it agrees with ours; keep the skew guard on.
    m.put(CommonConfig.POLL_INTERVAL, "5000");
    m.put(ActivityConfig.WINDOW_END_LAG, "1000");
    return m;
  }

  /** Entra sign-in connector (Graph, interactive and non-interactive) against the emulator. */
  public static Map<String, String> signInsOnEmulator(String emulatorBaseUrl, List<String> tenants, String clientId,
      String secretRef) {
    Map<String, String> m = base(EntraSignInSourceConnector.class, tenants.size() * 2);
    m.put(CommonConfig.TENANT_IDS, String.join(",", tenants));
    m.put(SignInConfig.GRAPH_ROOT, emulatorBaseUrl);
    m.put(CommonConfig.AUTH_AUTHORITY, emulatorBaseUrl);
    m.put(SignInConfig.RESOURCE, "https://graph.microsoft.com");
    m.put(CommonConfig.AUTH_CLIENT_ID, clientId);
    m.put(CommonConfig.AUTH_CLIENT_SECRET, secretRef);
    m.put(CommonConfig.POLL_INTERVAL, "5000");
    m.put(SignInConfig.WINDOW_END_LAG, "1000");
    return m;
  }

  /**
   * Management Activity connector against a real tenant in {@code cloud} (commercial, gcc, gcc-high, dod).
   *
   * @param credential either {@code auth.client.secret} or {@code auth.certificate.path} (+ password) entries
   */
  public static Map<String, String> activity(String cloud, List<String> tenants, String clientId,
      Map<String, String> credential) {
    Map<String, String> m = base(ManagementActivitySourceConnector.class, tenants.size() * 4);
    m.put(CommonConfig.CLOUD, cloud);
    m.put(CommonConfig.TENANT_IDS, String.join(",", tenants));
    m.put(CommonConfig.AUTH_CLIENT_ID, clientId);
    m.putAll(credential);
    return m;
  }

  /** Entra sign-in connector against a real tenant. */
  public static Map<String, String> signIns(String cloud, List<String> tenants, String clientId,
      Map<String, String> credential) {
    Map<String, String> m = base(EntraSignInSourceConnector.class, tenants.size() * 2);
    m.put(CommonConfig.CLOUD, cloud);
    m.put(CommonConfig.TENANT_IDS, String.join(",", tenants));
    m.put(CommonConfig.AUTH_CLIENT_ID, clientId);
    m.putAll(credential);
    return m;
  }
}
