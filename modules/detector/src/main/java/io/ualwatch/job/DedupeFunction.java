package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops records whose id (per tenant) was already seen: the Management Activity API duplicates by design.
 * State is one flag per id with a time-to-live (processing time; duplicates arrive close together in
 * arrival time, whatever their event time). Also drops the raw text, which nothing downstream needs.
 */
public final class DedupeFunction extends KeyedProcessFunction<String, AuditEvent, AuditEvent> {
  private static final long serialVersionUID = 1L;
  private final long ttlMs;
  private transient ValueState<Boolean> seen;
  private transient Counter duplicates;

  public DedupeFunction(Duration ttl) {
    this.ttlMs = ttl.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Boolean.class);
    d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMs))
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .cleanupInRocksdbCompactFilter(1000)
        .build());
    seen = getRuntimeContext().getState(d);
    duplicates = getRuntimeContext().getMetricGroup().addGroup("ualwatch").counter("records_duplicate");
  }

  @Override
  public void processElement(AuditEvent e, Context ctx, Collector<AuditEvent> out) throws Exception {
    if (seen.value() != null) {
      duplicates.inc();
      return;
    }
    seen.update(Boolean.TRUE);
    e.raw = null;
    out.collect(e);
  }
}
