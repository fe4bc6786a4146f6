package io.ualwatch.job;

import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.detect.AlertCodec;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.Family;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.alert.Alert;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** A detector family as a keyed Flink operator: entity key → family logic over Flink state and timers. */
public final class FamilyFunction extends KeyedProcessFunction<String, KeyedEvent, Alert> {
  private static final long serialVersionUID = 1L;
  private final Family family;
  private final HashMap<String, String> config;
  private transient FlinkStateStore store;
  private transient DetectionSettings settings;
  private transient AlertMetrics alerts;

  public FamilyFunction(Family family, Map<String, String> config) {
    this.family = family;
    this.config = new HashMap<>(config);
  }

  @Override
  public void open(OpenContext openContext) {
    var options = UalwatchOptions.of(config);
    store = FlinkStateStore.of(getRuntimeContext(), family,
        options.get(io.ualwatch.config.JobOptions.STATE_PACKED_FAMILIES).contains(family.name()));
    settings = new DetectionSettings(options, AppCatalog.bundled());
    alerts = new AlertMetrics(getRuntimeContext().getMetricGroup());
  }

  private DetectContext ctx(KeyedProcessFunction<String, KeyedEvent, Alert>.Context c, Collector<Alert> out) {
    return new DetectContext() {
      @Override public long watermark() { return c.timerService().currentWatermark(); }
      @Override public void registerTimer(long time) {
        if (store.timerNeeded(time)) c.timerService().registerEventTimeTimer(time);
      }
      @Override public void emit(Alert a) {
        alerts.count(a);
        out.collect(AlertCodec.INSTANCE.fromBytes(AlertCodec.INSTANCE.toBytes(a)));
      }
      @Override public DetectionSettings settings() { return settings; }
    };
  }

  @Override
  public void processElement(KeyedEvent e, Context c, Collector<Alert> out) {
    store.begin();
    family.onEvent(e.key, e.event, store, ctx(c, out));
    store.flush();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext c, Collector<Alert> out) {
    store.begin();
    store.timerFired(timestamp);
    family.onTimer(c.getCurrentKey(), timestamp, store, ctx(c, out));
    store.flush();
  }
}
