package io.ualwatch.job;

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
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/** A detector family that also reads tenant-wide facts (sign-in feed activity), broadcast to every instance. */
public final class BroadcastFamilyFunction extends KeyedBroadcastProcessFunction<String, KeyedEvent, TenantFact, Alert> {
  private static final long serialVersionUID = 1L;
  public static final MapStateDescriptor<String, Boolean> FACTS =
      new MapStateDescriptor<>("tenant-sign-in-hours", Types.STRING, Types.BOOLEAN);

  private final Family family;
  private final HashMap<String, String> config;
  private transient FlinkEntityStore store;
  private transient DetectionSettings settings;
  private transient Counter alerts;

  public BroadcastFamilyFunction(Family family, Map<String, String> config) {
    this.family = family;
    this.config = new HashMap<>(config);
  }

  @Override
  public void open(OpenContext openContext) {
    store = new FlinkEntityStore(getRuntimeContext(), family.slots());
    settings = new DetectionSettings(UalwatchOptions.of(config), AppCatalog.bundled());
    alerts = getRuntimeContext().getMetricGroup().addGroup("ualwatch").counter("alerts_emitted");
  }

  private DetectContext ctx(ReadOnlyBroadcastState<String, Boolean> facts,
      org.apache.flink.streaming.api.TimerService timers, Collector<Alert> out) {
    TenantFacts tf = (tenant, hour) -> {
      try {
        return facts.contains(tenant + "|" + hour);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    return new DetectContext() {
      @Override public long watermark() { return timers.currentWatermark(); }
      @Override public void registerTimer(long time) { timers.registerEventTimeTimer(time); }
      @Override public void emit(Alert a) {
        alerts.inc();
        out.collect(AlertCodec.INSTANCE.fromBytes(AlertCodec.INSTANCE.toBytes(a)));
      }
      @Override public DetectionSettings settings() { return settings; }
      @Override public TenantFacts tenantFacts() { return tf; }
    };
  }

  @Override
  public void processElement(KeyedEvent e, ReadOnlyContext c, Collector<Alert> out) throws Exception {
    family.onEvent(e.key, e.event, store, ctx(c.getBroadcastState(FACTS), c.timerService(), out));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext c, Collector<Alert> out) throws Exception {
    family.onTimer(c.getCurrentKey(), timestamp, store, ctx(c.getBroadcastState(FACTS), c.timerService(), out));
  }

  @Override
  public void processBroadcastElement(TenantFact f, Context c, Collector<Alert> out) throws Exception {
    BroadcastState<String, Boolean> state = c.getBroadcastState(FACTS);
    state.put(f.tenant + "|" + f.hour, Boolean.TRUE);
    // Facts run ahead of the keyed input (the sign-in path is not held back by the watermark), so they are
    // forgotten relative to this operator's watermark, never relative to the newest fact.
    long wm = c.currentWatermark();
    if (wm == Long.MIN_VALUE || f.hour % 24 != 0) return; // prune once a day of facts
    int oldest = io.ualwatch.detect.DetectionSettings.hourOf(wm) - KEEP_HOURS;
    List<String> old = new ArrayList<>();
    for (Map.Entry<String, Boolean> en : state.entries()) {
      String k = en.getKey();
      if (Integer.parseInt(k.substring(k.lastIndexOf('|') + 1)) < oldest) old.add(k);
    }
    for (String k : old) state.remove(k);
  }

  /** Facts are kept this long behind the watermark: late accesses within the retention window still find them. */
  static final int KEEP_HOURS = 31 * 24;
}
