package io.ualwatch.job;

import io.ualwatch.config.ConfigException;
import io.ualwatch.config.LiveControl;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks control records before they reach the detectors: a valid one is passed on (normalized), an invalid one
 * (unknown key, a key that needs a restart, a bad value) goes to the dead-letter topic with reason
 * {@code CONTROL_REJECTED} and what is wrong, is counted and logged, and changes nothing.
 */
public final class ControlFunction extends ProcessFunction<TenantFact, TenantFact> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ControlFunction.class);
  public static final String REJECTED = "CONTROL_REJECTED";
  public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("control-rejected") {};

  private transient Counter accepted;
  private transient Counter rejected;

  @Override
  public void open(OpenContext openContext) {
    var g = getRuntimeContext().getMetricGroup().addGroup("ualwatch");
    accepted = g.counter("control_accepted");
    rejected = g.counter("control_rejected");
  }

  @Override
  public void processElement(TenantFact f, Context c, Collector<TenantFact> out) {
    try {
      String v = LiveControl.check(f.controlKey, f.controlValue);
      accepted.inc();
      LOG.info("control {}: {} = {}", f.controlOrigin, f.controlKey, v == null ? "(revert to the job's configuration)" : v);
      out.collect(TenantFact.control(f.controlKey, v, f.controlOrigin));
    } catch (ConfigException e) {
      rejected.inc();
      LOG.warn("control {} rejected: {}", f.controlOrigin, e.getMessage());
      DeadLetter d = new DeadLetter();
      d.origin = f.controlOrigin;
      d.reason = REJECTED;
      d.message = e.getMessage();
      d.raw = f.controlKey + "=" + (f.controlValue == null ? "" : f.controlValue);
      d.time = System.currentTimeMillis();
      int at = f.controlOrigin == null ? -1 : f.controlOrigin.lastIndexOf('@');
      if (at > 0) {
        String tp = f.controlOrigin.substring(0, at);
        int slash = tp.lastIndexOf('/');
        d.topic = slash > 0 ? tp.substring(0, slash) : tp;
        try {
          d.partition = slash > 0 ? Integer.parseInt(tp.substring(slash + 1)) : 0;
          d.offset = Long.parseLong(f.controlOrigin.substring(at + 1));
        } catch (NumberFormatException ignored) {
          // origin text only
        }
      }
      c.output(DEAD_LETTERS, d);
    }
  }
}
