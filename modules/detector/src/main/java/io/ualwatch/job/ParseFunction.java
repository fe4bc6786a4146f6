package io.ualwatch.job;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.RejectReason;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits what the source parsed: events go on, records that could not be understood go to the dead-letter
 * side output with their reason, raw text and source offset, and are counted (in total and per reason).
 */
public final class ParseFunction extends ProcessFunction<ParsedRecord, AuditEvent> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

  private transient Counter parsed;
  private transient Counter rejected;
  private transient Map<String, Counter> byReason;

  @Override
  public void open(OpenContext openContext) {
    var group = getRuntimeContext().getMetricGroup().addGroup("ualwatch");
    parsed = group.counter("records_parsed");
    rejected = group.counter("records_rejected");
    byReason = new HashMap<>();
    for (RejectReason r : RejectReason.values()) {
      byReason.put(r.name(), group.addGroup("reason", r.name()).counter("records_rejected"));
    }
    byReason.put("INTERNAL_ERROR", group.addGroup("reason", "INTERNAL_ERROR").counter("records_rejected"));
  }

  @Override
  public void processElement(ParsedRecord r, Context ctx, Collector<AuditEvent> out) {
    if (r.event != null) {
      parsed.inc();
      // the raw text is for dead letters only; it and the fields no detector reads are not carried into the shuffles
      out.collect(io.ualwatch.detect.Projection.forDetection(r.event));
    } else if (r.dead != null) {
      rejected.inc();
      Counter c = byReason.get(r.dead.reason);
      if (c != null) c.inc();
      ctx.output(DEAD_LETTERS, r.dead);
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
