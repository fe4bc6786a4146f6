package io.ualwatch.job.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Creates {@link PrometheusEndpoint}s ({@code metrics.reporter.<name>.factory.class}). */
public final class PrometheusEndpointFactory implements MetricReporterFactory {
  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new PrometheusEndpoint();
  }
}
