package io.ualwatch.connector.activity;

import io.ualwatch.connector.Version;
import io.ualwatch.connector.common.CommonConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Office 365 Management Activity API source: one task per (tenant, content type), records to
 * {@code ualwatch.audit.raw} keyed {@code tenant|Id} with the raw JSON as value. Use
 * {@code key.converter=StringConverter}, {@code value.converter=ByteArrayConverter}.
 */
public class ManagementActivitySourceConnector extends SourceConnector {
  private Map<String, String> props;
  private ActivityConfig cfg;

  @Override
  public void start(Map<String, String> props) {
    this.props = Map.copyOf(props);
    this.cfg = new ActivityConfig(props);
    cfg.credential(); // fail at start on a missing or unreadable credential
  }

  @Override
  public Class<? extends Task> taskClass() {
    return ManagementActivitySourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    int needed = cfg.tenants().size() * cfg.contentTypes().size();
    if (maxTasks < needed) {
      throw new ConfigException("tasks.max is " + maxTasks + " but " + cfg.tenants().size() + " tenant(s) x "
          + cfg.contentTypes().size() + " content type(s) need " + needed + " tasks (one per tenant and content "
          + "type): set tasks.max to at least " + needed);
    }
    return CommonConfig.taskConfigs(props, cfg.tenants(), cfg.contentTypes());
  }

  @Override
  public void stop() {
    // nothing held
  }

  @Override
  public ConfigDef config() {
    return ActivityConfig.DEF;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config c = super.validate(connectorConfigs);
    boolean fieldErrors = c.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
    if (fieldErrors) return c;
    try {
      new ActivityConfig(connectorConfigs).credential();
    } catch (ConfigException e) {
      for (ConfigValue v : c.configValues()) {
        if (v.name().equals(CommonConfig.AUTH_CLIENT_SECRET)) v.addErrorMessage(e.getMessage());
      }
    }
    return c;
  }

  @Override
  public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
    // Offsets travel with the records, so with exactly-once source support the two commit atomically.
    return ExactlyOnceSupport.SUPPORTED;
  }

  @Override
  public String version() {
    return Version.VERSION;
  }
}
