package io.ualwatch.siem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The syslog sink in a real Flink job (local MiniCluster, parallelism 2) delivering to a loopback TCP receiver. */
class FlinkSyslogSinkTest {
  @Test
  void everyAlertOfAtLeastTheMinimumSeverityArrivesOnce() throws Exception {
    try (SyslogReceiver r = SyslogReceiver.tcp()) {
      List<Alert> alerts = new ArrayList<>();
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        Severity sev = Severity.values()[i % Severity.values().length];
        Alert a = TestAlerts.alert(i, sev, i % 3 == 0 ? AlertStatus.UPDATED : AlertStatus.NEW, 1 + i % 3);
        alerts.add(a);
        if (sev.compareTo(Severity.MEDIUM) >= 0) expected.add(a.id + " r" + a.revision);
      }
      SyslogSettings s = new SyslogSettings("localhost", r.port(), SyslogProtocol.TCP, AlertFormat.CEF,
          SyslogFacility.LOCAL0, "flink-test", "ualwatch", Severity.MEDIUM, 8192, java.time.Duration.ofSeconds(5),
          "", "", "", "", true);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      env.fromData(Alert.class, alerts.toArray(new Alert[0])).sinkTo(new SyslogAlertSink(s)).name("syslog");
      env.execute("syslog-sink-test");
      Set<String> got = new HashSet<>();
      for (int i = 0; i < expected.size(); i++) {
        SyslogParser.Syslog m = r.next();
        var sd = m.structuredData().get(SyslogMessage.SD_ID);
        CefParser.Cef cef = CefParser.parse(m.msg());
        assertEquals(sd.get("alertId"), cef.extension().get("externalId"));
        got.add(sd.get("alertId") + " r" + sd.get("revision"));
      }
      assertEquals(expected, got);
      assertEquals(List.of(), r.errors);
      assertEquals(0, r.frames.size(), "nothing below the minimum severity, nothing twice");
    }
  }
}
