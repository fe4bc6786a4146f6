package io.ualwatch.job.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The loopback Prometheus endpoint: binds where told, renders counters and numeric gauges, drops removed ones. */
class PrometheusEndpointTest {
  /** A group with scope variables, as Flink's operator groups have. */
  private static final class Group extends UnregisteredMetricsGroup {
    @Override
    public Map<String, String> getAllVariables() {
      return Map.of("<job_name>", "ualwatch \"detector\"", "rule", "token-multi-network", "severity", "critical");
    }
  }

  @Test
  void servesTheMetricsOnLoopbackInThePrometheusTextFormatAndForgetsRemovedOnes() throws Exception {
    PrometheusEndpoint p = new PrometheusEndpoint();
    MetricConfig c = new MetricConfig();
    c.setProperty("port", "0");
    p.open(c);
    try {
      assertTrue(p.url().startsWith("http://127.0.0.1:"), p.url());
      assertTrue(PrometheusEndpoint.urls().contains(p.url()));
      SimpleCounter revisions = new SimpleCounter();
      revisions.inc(3);
      p.notifyOfAddedMetric(revisions, "alert_revisions", new Group());
      p.notifyOfAddedMetric((Gauge<Long>) () -> 42L, "lag-ms", new Group());
      p.notifyOfAddedMetric((Gauge<String>) () -> "v1", "version", new Group());
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(p.url())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      String body = r.body();
      assertTrue(body.contains("# TYPE flink_unknown_alert_revisions gauge\n"), body);
      assertTrue(body.contains("flink_unknown_alert_revisions{job_name=\"ualwatch \\\"detector\\\"\",rule=\"token-multi-network\","
          + "severity=\"critical\"} 3\n"), body);
      assertTrue(body.contains("flink_unknown_lag_ms{"), "names are sanitised: " + body);
      assertFalse(body.contains("version"), "a text gauge has no Prometheus value: " + body);
      p.notifyOfRemovedMetric(revisions, "alert_revisions", new Group());
      assertFalse(p.render().contains("alert_revisions"));
    } finally {
      p.close();
    }
    assertFalse(PrometheusEndpoint.urls().contains(p.url()));
  }

  @Test
  void aPortThatCannotBeBoundLeavesTheJobRunningWithoutTheEndpoint() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      PrometheusEndpoint p = new PrometheusEndpoint();
      MetricConfig c = new MetricConfig();
      c.setProperty("port", Integer.toString(taken.getLocalPort()));
      p.open(c);
      assertNull(p.url());
      p.notifyOfAddedMetric(new SimpleCounter(), "x", new Group());
      p.close();
    }
  }
}
