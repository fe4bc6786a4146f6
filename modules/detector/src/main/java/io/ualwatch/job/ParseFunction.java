package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.ParseLimits;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.RecordNormalizer;
import io.ualwatch.model.parse.RejectReason;
import io.ualwatch.model.parse.Rejection;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and normalizes raw records. A record that cannot be understood goes to the dead-letter side
 * output with its reason, raw text and source offset, and is counted; the job never fails on a record.
 */
public final class ParseFunction extends ProcessFunction<RawRecord, AuditEvent> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private transient RecordNormalizer normalizer;
  private transient Counter parsed;
  private transient Counter rejected;
  private transient Map<RejectReason, Counter> byReason;

  @Override
  public void open(OpenContext openContext) {
    normalizer = new RecordNormalizer(ParseLimits.DEFAULT);
    var group = getRuntimeContext().getMetricGroup().addGroup("ualwatch");
    parsed = group.counter("records_parsed");
    rejected = group.counter("records_rejected");
    byReason = new EnumMap<>(RejectReason.class);
    for (RejectReason r : RejectReason.values()) {
      byReason.put(r, group.addGroup("reason", r.name()).counter("records_rejected"));
    }
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<AuditEvent> out) {
    String origin = r.origin();
    try {
      normalizer.normalizeBytes(r.value, 0, r.value.length, origin, "kafka", new ParseListener() {
        @Override
        public void onEvent(AuditEvent e) {
          parsed.inc();
          out.collect(e);
        }

        @Override
        public void onReject(Rejection x) {
          rejected.inc();
          byReason.get(x.reason()).inc();
          ctx.output(DEAD_LETTERS, deadLetter(r, x.reason().name(), x.message(), x.raw(), x.rawTruncated()));
        }
      });
    } catch (RuntimeException ex) {
      // A parser bug must not take the job down: the record goes to the dead-letter topic with the exception.
      rejected.inc();
      ctx.output(DEAD_LETTERS, deadLetter(r, "INTERNAL_ERROR", ex.toString(),
          new String(r.value, 0, Math.min(r.value.length, Rejection.MAX_RAW), java.nio.charset.StandardCharsets.UTF_8),
          r.value.length > Rejection.MAX_RAW));
    }
  }

  static DeadLetter deadLetter(RawRecord r, String reason, String message, String raw, boolean truncated) {
    DeadLetter d = new DeadLetter();
    d.origin = r.origin();
    d.topic = r.topic;
    d.partition = r.partition;
    d.offset = r.offset;
    d.reason = reason;
    d.message = message;
    d.raw = raw;
    d.rawTruncated = truncated;
    d.time = System.currentTimeMillis();
    return d;
  }
}
