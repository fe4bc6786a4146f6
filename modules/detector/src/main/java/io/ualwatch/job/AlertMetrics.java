package io.ualwatch.job;

import io.ualwatch.model.alert.Alert;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The alert counters of a detector family operator: {@code ualwatch.alerts_emitted} (every revision) and
 * {@code ualwatch.rule.<rule>.severity.<severity>.alert_revisions}, the revisions per rule and severity (in
 * Prometheus: labels {@code rule} and {@code severity}). Counters are made on first use; a family has a handful of
 * rules and five severities.
 */
final class AlertMetrics {
  private final MetricGroup group;
  private final Counter all;
  private final Map<String, Counter> byRule = new HashMap<>();

  AlertMetrics(MetricGroup operatorGroup) {
    this.group = operatorGroup.addGroup("ualwatch");
    this.all = group.counter("alerts_emitted");
  }

  void count(Alert a) {
    all.inc();
    String rule = a.ruleId == null ? "unknown" : a.ruleId;
    String severity = a.severity == null ? "unknown" : a.severity.name().toLowerCase(java.util.Locale.ROOT);
    byRule.computeIfAbsent(rule + '\u0000' + severity,
        k -> group.addGroup("rule", rule).addGroup("severity", severity).counter("alert_revisions")).inc();
  }
}
