package io.ualwatch.siem;

import io.ualwatch.model.alert.Alert;
import java.io.IOException;
import java.time.Clock;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;

/**
 * A Flink Sink (v2) that sends alerts to a syslog receiver as RFC 5424 messages: at-least-once (the writer
 * flushes before every checkpoint barrier and on end of input; see {@link SyslogSender} for what happens on a
 * broken connection). Alerts below {@link SyslogSettings#minSeverity} are not sent.
 */
public final class SyslogAlertSink implements Sink<Alert> {
  private static final long serialVersionUID = 1L;
  private final SyslogSettings settings;

  public SyslogAlertSink(SyslogSettings settings) {
    this.settings = settings;
  }

  public SyslogSettings settings() {
    return settings;
  }

  @Override
  public SinkWriter<Alert> createWriter(WriterInitContext context) throws IOException {
    Counter sent = context == null ? null : context.metricGroup().getNumRecordsSendCounter();
    Counter bytes = context == null ? null : context.metricGroup().getNumBytesSendCounter();
    return new Writer(settings, SyslogSender.open(settings), Clock.systemUTC(), sent, bytes);
  }

  /** The writer; package-visible so that tests can drive it without a Flink runtime. */
  static final class Writer implements SinkWriter<Alert> {
    private final SyslogSettings settings;
    private final SyslogSender sender;
    private final SyslogMessage format;
    private final Clock clock;
    private final Counter sent;
    private final Counter bytes;

    Writer(SyslogSettings settings, SyslogSender sender, Clock clock, Counter sent, Counter bytes) {
      this.settings = settings;
      this.sender = sender;
      this.format = SyslogMessage.of(settings);
      this.clock = clock;
      this.sent = sent;
      this.bytes = bytes;
    }

    @Override
    public void write(Alert a, Context context) throws IOException {
      if (a.severity.compareTo(settings.minSeverity()) < 0) return;
      byte[] m = format.bytes(a, clock.instant());
      sender.send(m);
      if (sent != null) sent.inc();
      if (bytes != null) bytes.inc(m.length);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      sender.flush();
    }

    @Override
    public void close() throws IOException {
      sender.close();
    }

    SyslogSender sender() {
      return sender;
    }
  }
}
