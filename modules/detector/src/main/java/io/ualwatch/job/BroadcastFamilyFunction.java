package io.ualwatch.job;

import io.ualwatch.config.Config;
import io.ualwatch.config.LiveControl;
import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.detect.AlertCodec;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.Family;
import io.ualwatch.detect.TenantFacts;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.alert.Alert;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A detector family with broadcast side inputs: tenant-wide facts (sign-in feed activity, days an app read mail in
 * the tenant) for the families that read them, and live configuration changes from the control topic for every family. Configuration changes are
 * kept in broadcast state (checkpointed, so they survive a restart) and turned into a new
 * {@link DetectionSettings} at once; alerts raised afterwards carry the new configuration version.
 */
public final class BroadcastFamilyFunction extends KeyedBroadcastProcessFunction<String, KeyedEvent, TenantFact, Alert> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BroadcastFamilyFunction.class);
  /** Tenant facts: {@code tenant|hour} (sign-ins in that hour) and {@code tenant|app|d<day>} (the app read mail). */
  public static final MapStateDescriptor<String, Boolean> FACTS =
      new MapStateDescriptor<>("tenant-sign-in-hours", Types.STRING, Types.BOOLEAN);
  public static final MapStateDescriptor<String, String> CONTROL =
      new MapStateDescriptor<>("control-overrides", Types.STRING, Types.STRING);

  private final Family family;
  private final HashMap<String, String> config;
  private transient FlinkStateStore store;
  private transient Config base;
  private transient AppCatalog apps;
  private transient DetectionSettings settings;
  /** False until the settings reflect the (possibly restored) control state. */
  private transient boolean controlApplied;
  private transient AlertMetrics alerts;
  private transient Counter controlChanges;
  /** The watermark day facts were last pruned at (per subtask; pruning again after a restore is harmless). */
  private transient int prunedDay;

  public BroadcastFamilyFunction(Family family, Map<String, String> config) {
    this.family = family;
    this.config = new HashMap<>(config);
  }

  @Override
  public void open(OpenContext openContext) {
    base = UalwatchOptions.of(config);
    store = FlinkStateStore.of(getRuntimeContext(), family,
        base.get(io.ualwatch.config.JobOptions.STATE_PACKED_FAMILIES).contains(family.name()));
    apps = AppCatalog.bundled();
    settings = new DetectionSettings(base, apps);
    prunedDay = Integer.MIN_VALUE;
    var g = getRuntimeContext().getMetricGroup().addGroup("ualwatch");
    alerts = new AlertMetrics(getRuntimeContext().getMetricGroup());
    controlChanges = g.counter("control_changes_applied");
  }

  /** The settings for the current control state (rebuilt once after a restore). */
  private DetectionSettings settings(ReadOnlyBroadcastState<String, String> control) throws Exception {
    if (!controlApplied) {
      Map<String, String> overrides = new TreeMap<>();
      for (Map.Entry<String, String> e : control.immutableEntries()) overrides.put(e.getKey(), e.getValue());
      if (!overrides.isEmpty()) settings = new DetectionSettings(LiveControl.apply(base, overrides), apps);
      controlApplied = true;
    }
    return settings;
  }

  private DetectContext ctx(ReadOnlyBroadcastState<String, Boolean> facts, DetectionSettings s,
      org.apache.flink.streaming.api.TimerService timers, Collector<Alert> out) {
    TenantFacts tf = new TenantFacts() {
      @Override public boolean signInsInHour(String tenant, int hour) {
        return has(tenant + "|" + hour);
      }

      @Override public boolean appReadMailOn(String tenant, String app, int day) {
        return has(appDayKey(tenant, app, day));
      }

      private boolean has(String key) {
        try {
          return facts.contains(key);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
    return new DetectContext() {
      @Override public long watermark() { return timers.currentWatermark(); }
      @Override public void registerTimer(long time) {
        if (store.timerNeeded(time)) timers.registerEventTimeTimer(time);
      }
      @Override public void emit(Alert a) {
        alerts.count(a);
        out.collect(AlertCodec.INSTANCE.fromBytes(AlertCodec.INSTANCE.toBytes(a)));
      }
      @Override public DetectionSettings settings() { return s; }
      @Override public TenantFacts tenantFacts() { return tf; }
    };
  }

  @Override
  public void processElement(KeyedEvent e, ReadOnlyContext c, Collector<Alert> out) throws Exception {
    DetectionSettings s = settings(c.getBroadcastState(CONTROL));
    store.begin();
    family.onEvent(e.key, e.event, store, ctx(c.getBroadcastState(FACTS), s, c.timerService(), out));
    store.flush();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext c, Collector<Alert> out) throws Exception {
    DetectionSettings s = settings(c.getBroadcastState(CONTROL));
    store.begin();
    store.timerFired(timestamp);
    family.onTimer(c.getCurrentKey(), timestamp, store, ctx(c.getBroadcastState(FACTS), s, c.timerService(), out));
    store.flush();
  }

  @Override
  public void processBroadcastElement(TenantFact f, Context c, Collector<Alert> out) throws Exception {
    if (f.isControl()) {
      control(f, c.getBroadcastState(CONTROL));
      return;
    }
    BroadcastState<String, Boolean> state = c.getBroadcastState(FACTS);
    state.put(f.isAppDay() ? appDayKey(f.tenant, f.app, f.day) : f.tenant + "|" + f.hour, Boolean.TRUE);
    // Facts run ahead of the keyed input (their path is not held back by the watermark), so they are forgotten
    // relative to this operator's watermark, never relative to the newest fact; once a day of watermark.
    long wm = c.currentWatermark();
    if (wm == Long.MIN_VALUE) return;
    int today = DetectionSettings.dayOf(wm);
    if (today <= prunedDay) return;
    prunedDay = today;
    int oldestHour = DetectionSettings.hourOf(wm) - KEEP_HOURS;
    // an app day is read for accesses up to the retention window after it, and late ones up to a day more
    int oldestDay = today - settings(c.getBroadcastState(CONTROL)).retentionDays() - 2;
    List<String> old = new ArrayList<>();
    for (Map.Entry<String, Boolean> en : state.entries()) {
      String k = en.getKey();
      int at = k.lastIndexOf('|');
      boolean appDay = k.charAt(at + 1) == 'd';
      int n = Integer.parseInt(k.substring(at + (appDay ? 2 : 1)));
      if (appDay ? n < oldestDay : n < oldestHour) old.add(k);
    }
    for (String k : old) state.remove(k);
  }

  static String appDayKey(String tenant, String app, int day) {
    return tenant + "|" + app + "|d" + day;
  }

  private void control(TenantFact f, BroadcastState<String, String> state) throws Exception {
    Map<String, String> overrides = new TreeMap<>();
    for (Map.Entry<String, String> e : state.immutableEntries()) overrides.put(e.getKey(), e.getValue());
    if (f.controlValue == null) overrides.remove(f.controlKey);
    else overrides.put(f.controlKey, f.controlValue);
    DetectionSettings next;
    try {
      next = new DetectionSettings(LiveControl.apply(base, overrides), apps);
    } catch (RuntimeException e) {
      // valid on its own (checked upstream) but not together with the rest, e.g. travel distance vs speed
      if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
        LOG.warn("{}: control {} = {} not applied: {}", family.name(), f.controlKey, f.controlValue, e.getMessage());
      }
      return;
    }
    if (f.controlValue == null) state.remove(f.controlKey);
    else state.put(f.controlKey, f.controlValue);
    settings = next;
    controlApplied = true;
    controlChanges.inc();
    if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
      LOG.info("{}: configuration {} now in force ({} = {})", family.name(), next.version(), f.controlKey,
          f.controlValue == null ? "reverted" : f.controlValue);
    }
  }

  /** Facts are kept this long behind the watermark: late accesses within the retention window still find them. */
  static final int KEEP_HOURS = 31 * 24;
}
