package io.ualwatch.job;

import io.ualwatch.config.UalwatchOptions;
import io.ualwatch.enrich.Enricher;
import io.ualwatch.enrich.GeoResolvers;
import io.ualwatch.model.AuditEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Adds geo and network to the client IP. The databases are opened once per TaskManager JVM. */
public final class EnrichFunction extends RichMapFunction<AuditEvent, AuditEvent> {
  private static final long serialVersionUID = 1L;
  private final HashMap<String, String> config;
  private transient Enricher enricher;

  public EnrichFunction(Map<String, String> config) {
    this.config = new HashMap<>(config);
  }

  @Override
  public void open(OpenContext openContext) {
    enricher = new Enricher(GeoResolvers.shared(UalwatchOptions.of(config)));
  }

  @Override
  public AuditEvent map(AuditEvent e) {
    enricher.enrich(e);
    return e;
  }
}
