package io.ualwatch.job.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink metric reporter that serves every metric of its JVM (job manager or task manager) in the Prometheus text
 * format at {@code http://HOST:PORT/metrics}, bound to {@code host} (default 127.0.0.1). Flink's own
 * {@code PrometheusReporter} binds every interface of the machine, which exposes the job's metrics to the network;
 * this one listens where it is told, loopback by default, and is what {@code ualwatch up} uses.
 *
 * <p>Names follow Flink's Prometheus reporter: {@code flink_<logical scope>_<metric>}, with the scope variables
 * ({@code <job_name>}, {@code <operator_name>}, {@code <subtask_index>}, and ualwatch's {@code rule},
 * {@code severity}, {@code reason}) as labels, so dashboards written for the one work for the other. Counters and
 * meters are gauges (as there), histograms summaries.
 *
 * <p>Configured as a reporter: {@code metrics.reporter.ualwatch.factory.class:
 * io.ualwatch.job.metrics.PrometheusEndpointFactory}, {@code metrics.reporter.ualwatch.host},
 * {@code metrics.reporter.ualwatch.port} (0 = a free port; {@link #urls()} says which). A port that cannot be
 * bound is logged and the job runs on without the endpoint.
 */
public final class PrometheusEndpoint implements MetricReporter {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusEndpoint.class);
  private static final CharacterFilter FILTER = PrometheusEndpoint::sanitize;
  /** The endpoints open in this JVM (for {@code up}, which prints them). */
  private static final List<String> OPEN = new CopyOnWriteArrayList<>();

  private record Entry(String name, Map<String, String> labels, Metric metric) {}

  private final Map<Metric, Entry> metrics = new ConcurrentHashMap<>();
  private HttpServer http;
  private String url;

  /** The URLs of the endpoints open in this JVM. */
  public static List<String> urls() {
    return List.copyOf(OPEN);
  }

  @Override
  public void open(MetricConfig config) {
    String host = config.getString("host", "127.0.0.1");
    int port = config.getInteger("port", 9249);
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
    } catch (IOException e) {
      LOG.error("ualwatch metrics: cannot listen on {}:{} ({}); the job runs on without the /metrics endpoint", host,
          port, e.getMessage());
      return;
    }
    http.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ualwatch-metrics-http");
      t.setDaemon(true);
      return t;
    }));
    http.createContext("/metrics", ex -> {
      try (ex) {
        byte[] body = ex.getRequestMethod().equals("GET") ? render().getBytes(StandardCharsets.UTF_8) : new byte[0];
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(ex.getRequestMethod().equals("GET") ? 200 : 405, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        }
      }
    });
    http.start();
    InetSocketAddress a = http.getAddress();
    String h = a.getAddress().getHostAddress();
    url = "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort() + "/metrics";
    OPEN.add(url);
    LOG.info("ualwatch metrics: Prometheus endpoint at {}", url);
  }

  @Override
  public void close() {
    if (http != null) http.stop(0);
    if (url != null) OPEN.remove(url);
    metrics.clear();
  }

  @Override
  public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
    String scope;
    try {
      scope = LogicalScopeProvider.castFrom(group).getLogicalScope(FILTER, '_');
    } catch (IllegalStateException e) {
      scope = "unknown";
    }
    Map<String, String> labels = new TreeMap<>();
    for (Map.Entry<String, String> v : group.getAllVariables().entrySet()) {
      String k = v.getKey();
      if (k.startsWith("<") && k.endsWith(">")) k = k.substring(1, k.length() - 1);
      labels.put(sanitize(k), v.getValue() == null ? "" : v.getValue());
    }
    metrics.put(metric, new Entry("flink_" + scope + "_" + sanitize(metricName), labels, metric));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
    metrics.remove(metric);
  }

  /** Every metric in the Prometheus text exposition format (version 0.0.4), grouped by name. */
  String render() {
    Map<String, List<Entry>> byName = new TreeMap<>();
    for (Entry e : metrics.values()) byName.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e);
    StringBuilder sb = new StringBuilder(64 * 1024);
    for (Map.Entry<String, List<Entry>> n : byName.entrySet()) {
      String name = n.getKey();
      Metric first = n.getValue().get(0).metric();
      int typeAt = sb.length();
      sb.append("# TYPE ").append(name).append(first instanceof Histogram ? " summary\n" : " gauge\n");
      int linesAt = sb.length();
      for (Entry e : n.getValue()) {
        Metric m = e.metric();
        if (m instanceof Histogram h) {
          HistogramStatistics s = h.getStatistics();
          for (double q : new double[] {0.5, 0.75, 0.95, 0.98, 0.99, 0.999}) {
            line(sb, name, e.labels(), "quantile", Double.toString(q), s.getQuantile(q));
          }
          line(sb, name + "_count", e.labels(), null, null, h.getCount());
        } else {
          Double v = value(m);
          if (v != null) line(sb, name, e.labels(), null, null, v);
        }
      }
      if (sb.length() == linesAt) sb.setLength(typeAt); // no value (text gauges): no TYPE line either
    }
    return sb.toString();
  }

  private static Double value(Metric m) {
    if (m instanceof Counter c) return (double) c.getCount();
    if (m instanceof Meter me) return me.getRate();
    if (m instanceof Gauge<?> g) {
      Object v;
      try {
        v = g.getValue();
      } catch (RuntimeException e) {
        return null;
      }
      if (v instanceof Number num) return num.doubleValue();
      if (v instanceof Boolean b) return b ? 1.0 : 0.0;
    }
    return null; // a gauge of text (e.g. a version string) has no Prometheus value
  }

  private static void line(StringBuilder sb, String name, Map<String, String> labels, String extraKey, String extraValue,
      double v) {
    sb.append(name);
    if (!labels.isEmpty() || extraKey != null) {
      sb.append('{');
      boolean firstLabel = true;
      for (Map.Entry<String, String> l : labels.entrySet()) {
        if (!firstLabel) sb.append(',');
        firstLabel = false;
        sb.append(l.getKey()).append("=\"").append(escape(l.getValue())).append('"');
      }
      if (extraKey != null) {
        if (!firstLabel) sb.append(',');
        sb.append(extraKey).append("=\"").append(extraValue).append('"');
      }
      sb.append('}');
    }
    sb.append(' ');
    if (Double.isNaN(v)) sb.append("NaN");
    else if (Double.isInfinite(v)) sb.append(v > 0 ? "+Inf" : "-Inf");
    else if (v == Math.rint(v) && Math.abs(v) < 1e15) sb.append((long) v);
    else sb.append(v);
    sb.append('\n');
  }

  static String sanitize(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
    }
    return b.toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** For tests: the endpoint's URL, null when it could not bind. */
  String url() {
    return url;
  }
}
