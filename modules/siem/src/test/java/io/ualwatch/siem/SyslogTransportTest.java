package io.ualwatch.siem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.CefFormatter;
import io.ualwatch.model.alert.Severity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts through the syslog sink's writer to loopback receivers: TCP and TLS with RFC 6587/5425 octet counting
 * (each frame's length checked byte for byte, each message parsed as RFC 5424 and its CEF MSG parsed strictly),
 * and UDP with one datagram per message. The TLS receiver uses a self-signed certificate generated with
 * keytool for the test; a client that does not trust it, or that expects another host name, is refused.
 */
class SyslogTransportTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-19T08:00:00.123Z"), ZoneOffset.UTC);
  static final String PW = "changeit";

  @TempDir
  static Path tmp;
  static Path serverStore;
  static Path trustStore;

  @BeforeAll
  static void certificates() throws Exception {
    serverStore = tmp.resolve("server.p12");
    trustStore = tmp.resolve("trust.p12");
    Path cert = tmp.resolve("server.crt");
    keytool("-genkeypair", "-alias", "syslog", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
        serverStore.toString(), "-storepass", PW, "-keypass", PW);
    keytool("-exportcert", "-alias", "syslog", "-keystore", serverStore.toString(), "-storepass", PW, "-file",
        cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "syslog-ca", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", PW);
  }

  static void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
    assertEquals(0, p.exitValue(), "keytool " + String.join(" ", args) + ": " + out);
  }

  static SSLServerSocket tlsServer() throws Exception {
    KeyStore ks = KeyStore.getInstance(serverStore.toFile(), PW.toCharArray());
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PW.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
        java.net.InetAddress.getByName("localhost"));
  }

  static SyslogAlertSink.Writer writer(SyslogSettings s) throws IOException {
    return new SyslogAlertSink.Writer(s, SyslogSender.open(s), CLOCK, null, null);
  }

  static void checkMessage(SyslogParser.Syslog m, Alert a) {
    assertEquals(1, m.version());
    assertEquals(SyslogFacility.LOCAL0.code(), m.facility());
    assertEquals(SyslogMessage.severity(a.severity), m.severity());
    assertEquals("2025-03-19T08:00:00.123Z", m.timestamp());
    assertEquals("siem-test-host", m.hostname());
    assertEquals("ualwatch", m.appName());
    assertEquals(Long.toString(ProcessHandle.current().pid()), m.procId());
    assertEquals("alert", m.msgId());
    var sd = m.structuredData().get(SyslogMessage.SD_ID);
    assertEquals(a.id, sd.get("alertId"));
    assertEquals(Integer.toString(a.revision), sd.get("revision"));
    assertEquals(a.status.label(), sd.get("status"));
    assertEquals(Alert.SCHEMA_VERSION, sd.get("schemaVersion"));
    CefParser.Cef cef = CefParser.parse(m.msg());
    assertEquals(a.id, cef.extension().get("externalId"));
    assertEquals(a.message, cef.extension().get("msg"));
    assertEquals(CefFormatter.format(a), m.msg());
  }

  static SyslogSettings settings(int port, SyslogProtocol p) {
    return new SyslogSettings("localhost", port, p, AlertFormat.CEF, SyslogFacility.LOCAL0, "siem-test-host",
        "ualwatch", Severity.INFORMATIONAL, 8192, java.time.Duration.ofSeconds(5), "", "", "", "", true);
  }

  @Test
  void tcpFramesAreOctetCountedRfc5424() throws Exception {
    try (SyslogReceiver r = SyslogReceiver.tcp()) {
      List<Alert> alerts = List.of(TestAlerts.alert(1), TestAlerts.alert(2, Severity.LOW, AlertStatus.UPDATED, 2),
          TestAlerts.alert(3, Severity.CRITICAL, AlertStatus.CLOSED, 3));
      try (SyslogAlertSink.Writer w = writer(settings(r.port(), SyslogProtocol.TCP))) {
        for (Alert a : alerts) w.write(a, null);
        w.flush(false);
        assertEquals(3, w.sender().sent());
      }
      for (Alert a : alerts) checkMessage(r.next(), a);
      assertEquals(List.of(), r.errors);
    }
  }

  @Test
  void framingIsExactlyLengthSpaceMessage() throws Exception {
    byte[] m = "<134>1 - h a - - - é".getBytes(StandardCharsets.UTF_8);
    byte[] framed = SyslogSender.octetCounted(m);
    assertEquals(m.length + " ", new String(framed, 0, framed.length - m.length, StandardCharsets.US_ASCII));
    InputStream in = new ByteArrayInputStream(SyslogParser.concat(framed, framed));
    assertEquals("<134>1 - h a - - - é", SyslogParser.text(SyslogParser.readOctetCounted(in)));
    assertEquals("<134>1 - h a - - - é", SyslogParser.text(SyslogParser.readOctetCounted(in)));
    assertEquals(null, SyslogParser.readOctetCounted(in));
    assertThrows(IOException.class, () -> SyslogParser.readOctetCounted(new ByteArrayInputStream("30 short".getBytes())));
    assertThrows(SyslogParser.SyslogException.class,
        () -> SyslogParser.readOctetCounted(new ByteArrayInputStream("012 x".getBytes())));
  }

  @Test
  void tlsWithATrustedSelfSignedCertificate() throws Exception {
    try (SyslogReceiver r = SyslogReceiver.tls(tlsServer())) {
      SyslogSettings s = settings(r.port(), SyslogProtocol.TCP_TLS).withTrust(trustStore.toString(), PW, true);
      Alert a = TestAlerts.alert(4);
      try (SyslogAlertSink.Writer w = writer(s)) {
        w.write(a, null);
        w.flush(true);
      }
      checkMessage(r.next(), a);
      assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(r.tlsProtocols.get(0)), "" + r.tlsProtocols);
    }
  }

  @Test
  void tlsRefusesAnUntrustedCertificateOrAnotherHostName() throws Exception {
    try (SyslogReceiver r = SyslogReceiver.tls(tlsServer())) {
      // the JVM's default trust store does not hold the test's self-signed certificate
      IOException untrusted = assertThrows(IOException.class,
          () -> SyslogSender.open(settings(r.port(), SyslogProtocol.TCP_TLS)));
      assertTrue(untrusted.getMessage().contains("cannot connect"), untrusted.getMessage());
      // trusted, but addressed by an IP address the certificate (dns:localhost only) does not name
      String ip = java.net.InetAddress.getByName("localhost").getHostAddress();
      SyslogSettings byIp = new SyslogSettings(ip, r.port(), SyslogProtocol.TCP_TLS, AlertFormat.CEF,
          SyslogFacility.LOCAL0, "siem-test-host", "ualwatch", Severity.INFORMATIONAL, 8192,
          java.time.Duration.ofSeconds(5), trustStore.toString(), PW, "", "", true);
      assertThrows(IOException.class, () -> SyslogSender.open(byIp));
      // the same with hostname verification turned off connects and delivers
      SyslogSettings unchecked = byIp.withTrust(trustStore.toString(), PW, false);
      Alert a = TestAlerts.alert(10);
      try (SyslogAlertSink.Writer w = writer(unchecked)) {
        w.write(a, null);
        w.flush(true);
      }
      checkMessage(r.next(), a);
    }
  }

  @Test
  void udpSendsOneDatagramPerMessageAndCutsLongOnes() throws Exception {
    try (SyslogReceiver r = SyslogReceiver.udp()) {
      Alert a = TestAlerts.alert(5);
      try (SyslogAlertSink.Writer w = writer(settings(r.port(), SyslogProtocol.UDP))) {
        w.write(a, null);
      }
      checkMessage(r.next(), a);

      SyslogSettings small = settings(r.port(), SyslogProtocol.UDP).withFormat(AlertFormat.OCSF).withMaxMessageBytes(480);
      try (SyslogAlertSink.Writer w = writer(small)) {
        w.write(a, null);
        assertEquals(1, w.sender().truncated());
      }
      byte[] d = r.nextRaw();
      assertTrue(d.length <= 480, "datagram of " + d.length + " bytes");
      SyslogParser.Syslog m = SyslogParser.parse(SyslogParser.text(d));
      assertEquals(a.id, m.structuredData().get(SyslogMessage.SD_ID).get("alertId"), "the header survives the cut");
      assertEquals("ocsf", m.structuredData().get(SyslogMessage.SD_ID).get("format"));
    }
  }

  @Test
  void otherFormatsAndSeverityRouting() throws Exception {
    try (SyslogReceiver r = SyslogReceiver.tcp()) {
      SyslogSettings s = settings(r.port(), SyslogProtocol.TCP).withFormat(AlertFormat.ECS).withMinSeverity(Severity.HIGH);
      try (SyslogAlertSink.Writer w = writer(s)) {
        w.write(TestAlerts.alert(6, Severity.MEDIUM, AlertStatus.NEW, 1), null);
        w.write(TestAlerts.alert(7, Severity.CRITICAL, AlertStatus.NEW, 1), null);
        w.write(TestAlerts.alert(8, Severity.LOW, AlertStatus.NEW, 1), null);
        w.flush(true);
        assertEquals(1, w.sender().sent(), "only high and above");
      }
      SyslogParser.Syslog m = r.next();
      assertEquals(2, m.severity());
      assertEquals("alert", new ObjectMapper().readTree(m.msg()).at("/event/kind").asText());
      assertEquals(TestAlerts.alert(7).id, new ObjectMapper().readTree(m.msg()).at("/event/id").asText());
    }
  }

  @Test
  void sdParamValuesAreEscaped() {
    Alert a = TestAlerts.alert(9);
    a.ruleId = "rule\"with]odd\\chars";
    String msg = new SyslogMessage(SyslogFacility.AUTH, "h", "a", "1", AlertFormat.OCSF).format(a, CLOCK.instant());
    assertTrue(msg.contains("rule=\"rule\\\"with\\]odd\\\\chars\""), msg);
    SyslogParser.Syslog m = SyslogParser.parse(msg);
    assertEquals("rule\"with]odd\\chars", m.structuredData().get(SyslogMessage.SD_ID).get("rule"));
    assertEquals(4 * 8 + 3, m.pri());
  }
}
