package io.ualwatch.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * An in-process Flink metric reporter for {@code bench}: it keeps references to the job's record counters and
 * task busy/back-pressure gauges, so the bench reads them directly while the job runs (no REST port, no
 * polling of committed offsets, which only move on checkpoints). Enabled only by the bench's Flink
 * configuration ({@link #configure}); registered through META-INF/services as Flink requires.
 */
public final class BenchMetrics {
  private BenchMetrics() {}

  static final String REPORTER = "ualwatchbench";

  /** One registered metric with the scope variables that identify it. */
  record Entry(String name, String job, String task, String operator, String subtask, Metric metric) {}

  private static final Map<String, Entry> METRICS = new ConcurrentHashMap<>();

  /** Adds the reporter to a Flink configuration. */
  static void configure(org.apache.flink.configuration.Configuration conf) {
    conf.setString("metrics.reporters", REPORTER);
    conf.setString("metrics.reporter." + REPORTER + ".factory.class", Factory.class.getName());
  }

  /** Sum of a counter over every subtask of an operator of a job (-1 when none is registered yet). */
  static long counter(String jobId, String operator, String name) {
    long sum = 0;
    boolean found = false;
    for (Entry e : METRICS.values()) {
      if (e.metric() instanceof Counter c && e.name().equals(name) && jobId.equals(e.job())
          && operator.equals(e.operator())) {
        sum += c.getCount();
        found = true;
      }
    }
    return found ? sum : -1;
  }

  /** Sum of a counter over every subtask of the operators whose name starts with {@code prefix}. */
  static long counterPrefix(String jobId, String prefix, String name) {
    long sum = 0;
    for (Entry e : METRICS.values()) {
      if (e.metric() instanceof Counter c && e.name().equals(name) && jobId.equals(e.job()) && e.operator() != null
          && e.operator().startsWith(prefix)) {
        sum += c.getCount();
      }
    }
    return sum;
  }

  /** Sum of a task-level counter (e.g. numBytesOut: bytes a task wrote to the network) over every task of a job. */
  static long taskCounterSum(String jobId, String name) {
    long sum = 0;
    for (Entry e : METRICS.values()) {
      if (e.metric() instanceof Counter c && e.name().equals(name) && jobId.equals(e.job()) && e.operator() == null) {
        sum += c.getCount();
      }
    }
    return sum;
  }

  /** A counter summed over the subtasks of each operator of a job: operator name → count. */
  static Map<String, Long> perOperator(String jobId, String name) {
    Map<String, Long> m = new java.util.TreeMap<>();
    for (Entry e : METRICS.values()) {
      if (e.metric() instanceof Counter c && e.name().equals(name) && jobId.equals(e.job()) && e.operator() != null) {
        m.merge(e.operator(), c.getCount(), Long::sum);
      }
    }
    return m;
  }

  /** Every counter of a job, "operator (subtask) name" → count (for diagnostics). */
  static Map<String, Long> counters(String jobId) {
    Map<String, Long> m = new java.util.TreeMap<>();
    for (Entry e : METRICS.values()) {
      if (e.metric() instanceof Counter c && jobId.equals(e.job())) {
        m.merge(e.task() + " / " + e.operator() + " (" + e.subtask() + ") " + e.name(), c.getCount(), Long::sum);
      }
    }
    return m;
  }

  /** A task-level gauge per subtask of a job, as "task (i)" → value. */
  static Map<String, Double> taskGauge(String jobId, String name) {
    Map<String, Double> m = new java.util.TreeMap<>();
    for (Entry e : METRICS.values()) {
      if (e.metric() instanceof Gauge<?> g && e.name().equals(name) && jobId.equals(e.job()) && e.operator() == null) {
        Object v = g.getValue();
        if (v instanceof Number n) m.put(e.task() + " (" + e.subtask() + ")", n.doubleValue());
      }
    }
    return m;
  }

  /** Operator names of a job that have a given counter (for error messages). */
  static List<String> operators(String jobId, String name) {
    List<String> l = new ArrayList<>();
    for (Entry e : METRICS.values()) {
      if (e.name().equals(name) && jobId.equals(e.job()) && e.operator() != null && !l.contains(e.operator())) {
        l.add(e.operator());
      }
    }
    return l;
  }

  /** The reporter Flink instantiates. */
  public static final class Reporter implements MetricReporter {
    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
      if (!name.equals("numRecordsIn") && !name.equals("numRecordsOut") && !name.equals("numBytesOut")
          && !name.endsWith("TimeMsPerSecond")) return;
      Map<String, String> v = group.getAllVariables();
      METRICS.put(group.getMetricIdentifier(name) + "#" + System.identityHashCode(metric),
          new Entry(name, v.get("<job_id>"), v.get("<task_name>"), v.get("<operator_name>"), v.get("<subtask_index>"),
              metric));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
      METRICS.remove(group.getMetricIdentifier(name) + "#" + System.identityHashCode(metric));
    }
  }

  /** Found by Flink through META-INF/services. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new Reporter();
    }
  }
}
