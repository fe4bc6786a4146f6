package io.ualwatch.job;

import io.ualwatch.detect.DetectionSettings;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by tenant|app, fed one small app-day fact per mail access: passes on the first fact of each (tenant, app,
 * day), which is broadcast to the detectors that ask whether an app is new in the tenant. A day is forgotten
 * {@code keepMs} after it ends (event time); a record later than that only repeats a fact, which is harmless.
 */
public final class TenantAppDaysFunction extends KeyedProcessFunction<String, TenantFact, TenantFact> {
  private static final long serialVersionUID = 1L;
  private final long keepMs;
  private transient MapState<Integer, Boolean> days;

  public TenantAppDaysFunction(long keepMs) {
    this.keepMs = keepMs;
  }

  /** The key of a fact: tenant|app. */
  public static String keyOf(TenantFact f) {
    return f.tenant + "|" + f.app;
  }

  @Override
  public void open(OpenContext openContext) {
    days = getRuntimeContext().getMapState(new MapStateDescriptor<>("app-days", Types.INT, Types.BOOLEAN));
  }

  @Override
  public void processElement(TenantFact f, Context ctx, Collector<TenantFact> out) throws Exception {
    if (days.contains(f.day)) return;
    days.put(f.day, Boolean.TRUE);
    out.collect(f);
    ctx.timerService().registerEventTimeTimer((f.day + 1L) * DetectionSettings.DAY + keepMs);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TenantFact> out) throws Exception {
    java.util.List<Integer> old = new java.util.ArrayList<>();
    for (Integer d : days.keys()) if ((d + 1L) * DetectionSettings.DAY + keepMs <= timestamp) old.add(d);
    for (Integer d : old) days.remove(d);
  }
}
