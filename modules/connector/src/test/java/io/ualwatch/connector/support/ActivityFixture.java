package io.ualwatch.connector.support;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ualwatch.connector.activity.ManagementActivitySourceTask;
import io.ualwatch.testkit.emulator.AppRegistration;
import io.ualwatch.testkit.emulator.ContentBlob;
import io.ualwatch.testkit.emulator.FixtureTenant;
import io.ualwatch.testkit.emulator.M365Emulator;
import io.ualwatch.testkit.emulator.MutableClock;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared set-up for Management Activity task tests: tenant, clock, emulator, task properties. */
public final class ActivityFixture implements AutoCloseable {
  public static final String TENANT = "0b7e3a1c-5d2f-4e8a-9c61-2f4d8b9a7e10";
  public static final String CLIENT = "6a1f0d2e-3b4c-4d5e-8f90-a1b2c3d4e5f6";
  public static final String SECRET = "emulated-client-secret-value-91c2";
  public static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");

  public final MutableClock clock = new MutableClock(NOW);
  public final FakeSleeper sleeper = new FakeSleeper(clock);
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  public final FixtureTenant tenant;
  public M365Emulator emulator;

  public ActivityFixture(FixtureTenant tenant) {
    this.tenant = tenant;
  }

  public ActivityFixture start(java.util.function.UnaryOperator<M365Emulator.Builder> customize) {
    emulator = customize.apply(M365Emulator.builder().tenant(tenant).clock(clock)
        .app(AppRegistration.withSecret(CLIENT, SECRET))).start();
    return this;
  }

  public Map<String, String> props(String contentType, String topic, String heartbeatTopic) {
    Map<String, String> m = new HashMap<>();
    m.put("tenant.ids", TENANT);
    m.put("content.types", contentType);
    m.put("api.root", emulator.baseUrl());
    m.put("auth.authority", emulator.baseUrl());
    m.put("auth.client.id", CLIENT);
    m.put("auth.client.secret", SECRET);
    m.put("topic", topic);
    m.put("heartbeat.topic", heartbeatTopic);
    m.put("clock.use.server.date", "false");
    m.put("retry.backoff.initial.ms", "200");
    m.put("start.lookback.ms", Long.toString(24 * 3_600_000L));
    m.put("task.tenant", TENANT);
    m.put("task.stream", contentType);
    return m;
  }

  public ManagementActivitySourceTask newTask() {
    return new ManagementActivitySourceTask(clock, sleeper, registry);
  }

  public ManagementActivitySourceTask newTask(Clock taskClock) {
    return new ManagementActivitySourceTask(taskClock, sleeper, registry);
  }

  /** Every record of every blob of the content type, as served (duplicates included). */
  public List<String> expectedRecords(String contentType) {
    List<String> out = new ArrayList<>();
    for (ContentBlob b : tenant.allBlobs()) if (b.contentType().equals(contentType)) out.addAll(b.records());
    return out;
  }

  public double counter(String name) {
    var c = registry.find("ualwatch.connector." + name).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    if (emulator != null) emulator.close();
  }
}
