package io.ualwatch.job;

import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.model.AuditEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by tenant, fed only sign-ins: emits one {@link TenantFact} the first time an hour has sign-ins, so
 * that detectors can tell "no sign-in for this token" from "no sign-in feed at all". Hours are forgotten three
 * days (event time) later.
 */
public final class FeedMonitorFunction extends KeyedProcessFunction<String, AuditEvent, TenantFact> {
  private static final long serialVersionUID = 1L;
  static final int KEEP_HOURS = 72;
  private transient MapState<Integer, Boolean> hours;

  @Override
  public void open(OpenContext openContext) {
    hours = getRuntimeContext().getMapState(new MapStateDescriptor<>("sign-in-hours", Types.INT, Types.BOOLEAN));
  }

  @Override
  public void processElement(AuditEvent e, Context ctx, Collector<TenantFact> out) throws Exception {
    int h = DetectionSettings.hourOf(e.eventTime.toEpochMilli());
    if (hours.contains(h)) return;
    hours.put(h, Boolean.TRUE);
    out.collect(new TenantFact(e.tenantId, h));
    ctx.timerService().registerEventTimeTimer((h + 1L + KEEP_HOURS) * DetectionSettings.HOUR);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TenantFact> out) throws Exception {
    int oldest = DetectionSettings.hourOf(timestamp) - KEEP_HOURS;
    java.util.List<Integer> old = new java.util.ArrayList<>();
    for (Integer h : hours.keys()) if (h < oldest) old.add(h);
    for (Integer h : old) hours.remove(h);
  }
}
