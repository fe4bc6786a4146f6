package io.ualwatch.siem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.CefFormatter;
import io.ualwatch.model.alert.Severity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CEF escaping, the severity scale, and the strict parser's rejections. */
class CefTest {
  @Test
  void escapesHeaderAndExtensionAsTheSpecificationSays() {
    Alert a = TestAlerts.alert(1);
    String line = CefFormatter.format(a);
    assertFalse(line.contains("\n") || line.contains("\r"), "one line");
    assertTrue(line.startsWith("CEF:0|ualwatch|ualwatch|" + Alert.SCHEMA_VERSION + "|mailbox-new-client-app|"
        + "New client app \\| reading a mailbox \\\\ test|8|"), line);
    assertTrue(line.contains("msg=Mail Sync Pro read 72 items; key\\=value | pipe \\\\ backslash\\nsecond line\\r\\nthird "),
        line);
    CefParser.Cef c = CefParser.parse(line);
    assertEquals("New client app | reading a mailbox \\ test", c.name());
    Map<String, String> x = c.extension();
    assertEquals(a.message, x.get("msg"), "round trip through escaping");
    assertEquals("188.166.200.224", x.get("src"));
    assertEquals("52.37", x.get("slat"));
    assertEquals("AS14061 DigitalOcean, LLC", x.get("flexString2"));
    assertEquals("T1114.002", x.get("cs4"));
    assertEquals(Long.toString(java.time.Instant.parse(a.bucket).toEpochMilli()), x.get("deviceCustomDate1"));
  }

  @Test
  void severityScaleAndStatusesAndIpv6() {
    assertEquals(1, CefFormatter.severity(Severity.INFORMATIONAL));
    assertEquals(3, CefFormatter.severity(Severity.LOW));
    assertEquals(5, CefFormatter.severity(Severity.MEDIUM));
    assertEquals(8, CefFormatter.severity(Severity.HIGH));
    assertEquals(10, CefFormatter.severity(Severity.CRITICAL));
    for (AlertStatus s : AlertStatus.values()) {
      Alert a = TestAlerts.alert(2, Severity.CRITICAL, s, 4);
      a.source.ip = "2001:db8::7";
      CefParser.Cef c = CefParser.parse(CefFormatter.format(a));
      assertEquals(s.label(), c.extension().get("act"));
      assertEquals("2001:db8::7", c.extension().get("c6a2"));
      assertEquals(CefFormatter.LABEL_IPV6, c.extension().get("c6a2Label"));
      assertEquals(null, c.extension().get("src"));
      assertEquals(10, c.severityNumber());
    }
  }

  @Test
  void longValuesAreCutToTheDictionaryLimits() {
    Alert a = TestAlerts.alert(3);
    a.message = "x".repeat(5000);
    CefParser.Cef c = CefParser.parse(CefFormatter.format(a));
    assertEquals(1023, c.extension().get("msg").length());
    assertTrue(c.extension().get("msg").endsWith("…"));
  }

  @Test
  void theParserRejectsWhatIsNotStrictlyCef() {
    String ok = "CEF:0|v|p|1|sig|name|5|rt=1 msg=a b c";
    assertEquals("a b c", CefParser.parse(ok).extension().get("msg"));
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|msg=a=b"), "unescaped =");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|msg=a\\tb"), "bad escape");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|msg=a\nb"), "raw newline");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|11|msg=a"), "severity > 10");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|foo=a"), "unknown key");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|cs1=a"), "cs1 without label");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|cs1Label=a"), "label alone");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|src=1.2.3.999"), "bad IPv4");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|na|me|5|msg=a"), "unescaped | in header");
    assertThrows(CefParser.CefException.class, () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|rt=yesterday"), "bad time");
    assertThrows(CefParser.CefException.class,
        () -> CefParser.parse("CEF:0|v|p|1|sig|name|5|externalId=" + "x".repeat(41)), "externalId over 40");
  }
}
