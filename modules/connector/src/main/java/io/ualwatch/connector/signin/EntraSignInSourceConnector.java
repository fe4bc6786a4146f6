package io.ualwatch.connector.signin;

import io.ualwatch.connector.Version;
import io.ualwatch.connector.common.CommonConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Entra sign-ins from Graph {@code auditLogs/signIns}: one task per (tenant, event type), records to
 * {@code ualwatch.signins.raw} keyed {@code tenant|id}, raw Graph JSON as value.
 */
public class EntraSignInSourceConnector extends SourceConnector {
  private Map<String, String> props;
  private SignInConfig cfg;

  @Override
  public void start(Map<String, String> props) {
    this.props = Map.copyOf(props);
    this.cfg = new SignInConfig(props);
    cfg.credential();
  }

  @Override
  public Class<? extends Task> taskClass() {
    return EntraSignInSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    int needed = cfg.tenants().size() * cfg.eventTypes().size();
    if (maxTasks < needed) {
      throw new ConfigException("tasks.max is " + maxTasks + " but " + needed + " tasks are needed (one per tenant "
          + "and sign-in event type): set tasks.max to at least " + needed);
    }
    return CommonConfig.taskConfigs(props, cfg.tenants(), cfg.eventTypes());
  }

  @Override
  public void stop() {
    // nothing held
  }

  @Override
  public ConfigDef config() {
    return SignInConfig.DEF;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config c = super.validate(connectorConfigs);
    if (c.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) return c;
    try {
      new SignInConfig(connectorConfigs).credential();
    } catch (ConfigException e) {
      for (ConfigValue v : c.configValues()) {
        if (v.name().equals(CommonConfig.AUTH_CLIENT_SECRET)) v.addErrorMessage(e.getMessage());
      }
    }
    return c;
  }

  @Override
  public String version() {
    return Version.VERSION;
  }
}
