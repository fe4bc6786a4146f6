package io.ualwatch.connector.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** Connector-level config: task fan-out, tasks.max, cloud presets, validation messages. */
class ManagementActivityConnectorTest {
  static Map<String, String> base() {
    Map<String, String> m = new HashMap<>();
    m.put("tenant.ids", "t1,t2");
    m.put("auth.client.id", "app");
    m.put("auth.client.secret", "super-secret-value-3e1");
    return m;
  }

  @Test
  void oneTaskPerTenantAndContentTypeAndTasksMaxIsChecked() {
    ManagementActivitySourceConnector c = new ManagementActivitySourceConnector();
    c.start(base());
    List<Map<String, String>> tasks = c.taskConfigs(8);
    assertEquals(8, tasks.size());
    Set<String> pairs = tasks.stream().map(t -> t.get("task.tenant") + "/" + t.get("task.stream")).collect(Collectors.toSet());
    assertEquals(8, pairs.size());
    assertTrue(pairs.contains("t2/Audit.SharePoint"));
    ConfigException e = assertThrows(ConfigException.class, () -> c.taskConfigs(4));
    assertTrue(e.getMessage().contains("at least 8"), e.getMessage());
  }

  @Test
  void everyTaskGetsItsOwnIndexAndWithTopicPartitionsItsOwnPartition() {
    ManagementActivitySourceConnector c = new ManagementActivitySourceConnector();
    Map<String, String> m = base();
    m.put("topic.partitions", "8");
    c.start(m);
    List<Map<String, String>> tasks = c.taskConfigs(8);
    Set<Integer> partitions = tasks.stream().map(t -> new ActivityConfig(t).taskPartition()).collect(Collectors.toSet());
    assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), partitions, "one stream per partition");
    m.put("topic.partitions", "3");
    c.start(m);
    List<Integer> wrapped = c.taskConfigs(8).stream().map(t -> new ActivityConfig(t).taskPartition()).toList();
    assertEquals(List.of(0, 1, 2, 0, 1, 2, 0, 1), wrapped, "fewer partitions than tasks: task i -> i mod n");
    m.remove("topic.partitions");
    c.start(m);
    for (Map<String, String> t : c.taskConfigs(8)) {
      assertEquals(null, new ActivityConfig(t).taskPartition(), "0 (the default) leaves partitioning to the key");
    }
  }

  @Test
  void feedClocksReachEveryPartitionTaskZeroTakingThoseNoTaskOwns() {
    ManagementActivitySourceConnector c = new ManagementActivitySourceConnector();
    Map<String, String> m = base();
    m.put("topic.partitions", "12");
    c.start(m);
    List<ActivityConfig> tasks = c.taskConfigs(8).stream().map(ActivityConfig::new).toList();
    assertEquals(List.of(0, 8, 9, 10, 11), tasks.get(0).clockPartitions());
    assertEquals(List.of(5), tasks.get(5).clockPartitions());
    Set<Integer> all = tasks.stream().flatMap(t -> t.clockPartitions().stream()).collect(Collectors.toSet());
    assertEquals(12, all.size(), "every partition gets clocks: " + all);
    m.put("topic.partitions", "3");
    c.start(m);
    for (Map<String, String> t : c.taskConfigs(8)) {
      ActivityConfig a = new ActivityConfig(t);
      assertEquals(List.of(a.taskPartition()), a.clockPartitions(), "more tasks than partitions: own partition only");
      assertEquals(8, a.taskCount());
    }
    m.put("clock.interval.ms", "999");
    assertThrows(ConfigException.class, () -> new ActivityConfig(m));
    m.put("clock.interval.ms", "1000");
    assertEquals(30_000L, new ActivityConfig(base()).clockInterval().toMillis());
  }

  @Test
  void cloudPresetsFillOnlyTheEmptySettings() {
    Map<String, String> m = base();
    m.put("cloud", "gcc-high");
    ActivityConfig c = new ActivityConfig(m);
    assertEquals("https://manage.office365.us", c.apiRoot());
    assertEquals("https://login.microsoftonline.us", c.authority());
    assertEquals("https://manage.office365.us", c.resource());
    m.put("cloud", "dod");
    m.put("auth.resource", "https://custom.example");
    c = new ActivityConfig(m);
    assertEquals("https://manage.protection.apps.mil", c.apiRoot());
    assertEquals("https://custom.example", c.resource());
    m.put("cloud", "gcc");
    assertEquals("https://manage-gcc.office.com", new ActivityConfig(m).apiRoot());
  }

  @Test
  void plainHttpOnlyOnLoopbackAndWindowAtMost24Hours() {
    Map<String, String> m = base();
    m.put("api.root", "http://manage.example.com");
    assertThrows(ConfigException.class, () -> new ActivityConfig(m));
    m.put("api.root", "http://127.0.0.1:8080");
    new ActivityConfig(m);
    m.put("window.size.ms", Long.toString(25 * 3_600_000L));
    assertThrows(ConfigException.class, () -> new ActivityConfig(m));
  }

  @Test
  void validateFlagsADoubleOrMissingCredentialWithoutEchoingTheSecret() {
    ManagementActivitySourceConnector c = new ManagementActivitySourceConnector();
    Map<String, String> m = base();
    m.put("auth.certificate.path", "/nonexistent.pem");
    List<String> errors = c.validate(m).configValues().stream().flatMap(v -> v.errorMessages().stream()).toList();
    assertEquals(1, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("exactly one"));
    m.remove("auth.client.secret");
    m.remove("auth.certificate.path");
    errors = c.validate(m).configValues().stream().flatMap(v -> v.errorMessages().stream()).toList();
    assertEquals(1, errors.size());
    m.put("content.types", "Audit.Nope");
    ConfigValue ct = c.validate(m).configValues().stream().filter(v -> v.name().equals("content.types")).findFirst().orElseThrow();
    assertTrue(ct.errorMessages().get(0).contains("Audit.Nope"));
    for (ConfigValue v : c.validate(base()).configValues()) {
      for (String msg : v.errorMessages()) assertFalse(msg.contains("super-secret-value-3e1"));
    }
  }
}
