package io.ualwatch.job;

import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.detect.Annotator;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.enrich.AppCatalog;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** An annotator as a keyed operator; events it does not apply to are keyed by record id and pass through. */
public final class AnnotatorFunction extends KeyedProcessFunction<String, AuditEvent, AuditEvent> {
  private static final long serialVersionUID = 1L;
  /** Key prefix of events that bypass the annotator. */
  public static final String PASS = "\u0000pass|";
  private final Annotator annotator;
  private final HashMap<String, String> config;
  private transient FlinkEntityStore store;
  private transient DetectionSettings settings;

  public AnnotatorFunction(Annotator annotator, Map<String, String> config) {
    this.annotator = annotator;
    this.config = new HashMap<>(config);
  }

  /** The key an event is routed under for this annotator. */
  public static String keyOf(Annotator a, AuditEvent e) {
    String k = a.key(e);
    return k != null ? k : PASS + e.tenantId + "|" + e.recordId;
  }

  @Override
  public void open(OpenContext openContext) {
    store = new FlinkEntityStore(getRuntimeContext(), annotator.slots());
    settings = new DetectionSettings(UalwatchOptions.of(config), AppCatalog.bundled());
  }

  private DetectContext ctx(KeyedProcessFunction<String, AuditEvent, AuditEvent>.Context c) {
    return new DetectContext() {
      @Override public long watermark() { return c.timerService().currentWatermark(); }
      @Override public void registerTimer(long time) { c.timerService().registerEventTimeTimer(time); }
      @Override public void emit(Alert a) { throw new UnsupportedOperationException("annotators do not emit alerts"); }
      @Override public DetectionSettings settings() { return settings; }
    };
  }

  @Override
  public void processElement(AuditEvent e, Context c, Collector<AuditEvent> out) {
    String key = c.getCurrentKey();
    if (!key.startsWith(PASS)) annotator.annotate(key, e, store, ctx(c));
    out.collect(e);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext c, Collector<AuditEvent> out) {
    annotator.onTimer(c.getCurrentKey(), timestamp, store, ctx(c));
  }
}
