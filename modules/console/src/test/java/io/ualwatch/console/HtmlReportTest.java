package io.ualwatch.console;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.alert.Alert;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  @Test
  void valuesFromRecordsCannotInjectMarkup() throws Exception {
    Alert a = TestAlerts.tokenReplay("ualw-x", 1);
    a.user = "<script>alert(1)</script>@contoso.com";
    a.appName = "\"><img src=x onerror=alert(2)>";
    JsonNode json = new ObjectMapper().readTree(TestAlerts.json(a));
    String html = HtmlReport.render(new HtmlReport.Input("report", List.of("in.json"), List.<String[]>of(), List.of(json),
        Map.of("rec-vps-1", "{\"Id\":\"rec-vps-1\",\"UserAgent\":\"</pre><script>alert(3)</script>\"}"), List.of()));
    assertFalse(html.contains("<script>alert"), "no script from the data");
    assertFalse(html.contains("<img src=x"), "no element from the data");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;@contoso.com"));
    assertTrue(html.contains("&lt;/pre&gt;&lt;script&gt;alert(3)"), "raw evidence is shown, escaped");
    assertTrue(html.contains("<circle class=\"pin\""), "the map marks the alert's locations");
  }
}
