package io.ualwatch.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.alert.OcsfView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The hunt report: one self-contained HTML file (inline CSS, JS and SVG; a Content-Security-Policy that forbids
 * every network load), readable offline and attachable to a case. Alerts by rule and severity, a timeline, the
 * top users, addresses and apps, a map of the locations, and every alert with its evidence records (and their
 * raw JSON when the caller kept it). Every value from the alerts is HTML-escaped.
 */
public final class HtmlReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String[] SEVERITIES = {"Critical", "High", "Medium", "Low", "Informational"};
  private static final Map<String, String> COLOURS = Map.of("critical", "#8b0d1d", "high", "#c5221f",
      "medium", "#b26a00", "low", "#1b7a8c", "informational", "#5d6678");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  /** What the report is about. */
  public record Input(String title, List<String> inputs, List<String[]> summary, List<JsonNode> alerts,
      Map<String, String> raw, List<String> notes) {}

  private HtmlReport() {}

  public static String render(Input in) {
    List<JsonNode> alerts = new ArrayList<>(in.alerts());
    alerts.sort(Comparator.comparingInt((JsonNode a) -> -severityRank(a)).thenComparingLong(a -> a.path("time").asLong())
        .thenComparing(a -> id(a)));
    StringBuilder h = new StringBuilder(256 * 1024);
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; ")
        .append("script-src 'unsafe-inline'; img-src data:\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .append(esc(in.title())).append("</title>\n<style>").append(CSS).append("</style></head><body>\n");
    h.append("<header><h1>").append(esc(in.title())).append("</h1><p class=\"sub\">generated ")
        .append(TIME.format(Instant.now())).append(" by ualwatch hunt</p></header>\n<main>\n");

    // summary
    h.append("<section class=\"cards\">");
    card(h, "alerts", Integer.toString(alerts.size()));
    Map<String, Integer> bySev = countBy(alerts, a -> caption(a.path("severity").asText()));
    for (String s : SEVERITIES) {
      if (bySev.containsKey(s)) card(h, s.toLowerCase(Locale.ROOT), Integer.toString(bySev.get(s)));
    }
    for (String[] kv : in.summary()) card(h, kv[0], kv[1]);
    h.append("</section>\n");
    if (!in.inputs().isEmpty()) {
      h.append("<p class=\"inputs\">Inputs: ");
      List<String> shown = in.inputs().subList(0, Math.min(20, in.inputs().size()));
      h.append(esc(String.join(", ", shown)));
      if (in.inputs().size() > shown.size()) h.append(" and ").append(in.inputs().size() - shown.size()).append(" more");
      h.append("</p>\n");
    }
    for (String n : in.notes()) h.append("<p class=\"note\">").append(esc(n)).append("</p>\n");

    if (alerts.isEmpty()) {
      h.append("<p class=\"empty\">No alerts: no rule fired on these records.</p>");
    } else {
      h.append("<section class=\"grid\"><div><h2>By rule and severity</h2>");
      ruleSeverityChart(h, alerts);
      h.append("</div><div><h2>Where</h2>");
      map(h, alerts);
      h.append("</div></section>\n<h2>Timeline</h2>");
      timeline(h, alerts);
      h.append("<section class=\"grid3\">");
      top(h, "Top users", countBy(alerts, a -> OcsfView.who(a)));
      top(h, "Top source addresses", countByMany(alerts, HtmlReport::ips));
      top(h, "Top apps", countBy(alerts, a -> String.valueOf(OcsfView.appName(a))));
      h.append("</section>\n");
      h.append("<h2>Alerts</h2><p class=\"filter\"><input id=\"q\" type=\"search\" placeholder=\"filter: user, address, rule, id…\">")
          .append(" <select id=\"sev\"><option value=\"\">all severities</option>");
      for (String s : SEVERITIES) h.append("<option>").append(s.toLowerCase(Locale.ROOT)).append("</option>");
      h.append("</select> <span id=\"shown\"></span></p>\n");
      for (JsonNode a : alerts) alert(h, a, in.raw());
    }
    h.append("</main><footer>Locations: DB-IP (CC BY 4.0) as resolved by ualwatch. Map: Natural Earth (public domain) "
        + "via world-atlas. Alert ids are deterministic: the same records give the same ids in hunt, replay and the "
        + "live job.</footer>\n<script>").append(JS).append("</script></body></html>\n");
    return h.toString();
  }

  // --- sections ---------------------------------------------------------------------------------------------

  private static void alert(StringBuilder h, JsonNode a, Map<String, String> raw) {
    String sev = a.path("severity").asText().toLowerCase(Locale.ROOT);
    JsonNode un = a.path("unmapped");
    h.append("<section class=\"alert\" id=\"").append(esc(id(a))).append("\" data-sev=\"").append(esc(sev)).append("\">");
    h.append("<h3><span class=\"sev\" style=\"background:").append(COLOURS.getOrDefault(sev, "#5d6678")).append("\">")
        .append(esc(sev)).append("</span> ").append(esc(a.path("finding_info").path("title").asText()))
        .append(" <span class=\"id\">").append(esc(id(a))).append(" · ").append(esc(rule(a))).append(" · r")
        .append(un.path("revision").asInt()).append(' ').append(esc(un.path("alert_status").asText().toLowerCase(Locale.ROOT)))
        .append("</span></h3>");
    h.append("<p class=\"message\">").append(esc(a.path("message").asText())).append("</p>");
    if (un.hasNonNull("baseline")) {
      h.append("<p class=\"baseline\"><b>Baseline it broke:</b> ").append(esc(un.path("baseline").asText())).append("</p>");
    }
    h.append("<table class=\"facts\">");
    fact(h, "time", time(a.path("time").asLong()));
    fact(h, "first / last seen", time(a.path("start_time").asLong()) + " – " + time(a.path("end_time").asLong()));
    fact(h, "user", String.valueOf(Objects.requireNonNullElse(OcsfView.user(a), "")));
    fact(h, "mailbox", un.path("mailbox").asText(""));
    fact(h, "app", String.valueOf(Objects.requireNonNullElse(OcsfView.appName(a), "")));
    fact(h, "evidence records", un.path("evidence_count").asText());
    un.path("facts").fields().forEachRemaining(e -> fact(h, e.getKey(), e.getValue().asText()));
    h.append("</table>");
    List<JsonNode> eps = endpoints(a);
    if (!eps.isEmpty()) {
      h.append("<table class=\"eps\"><tr><th>address</th><th>location</th><th>network</th></tr>");
      for (JsonNode ep : eps) {
        JsonNode loc = ep.path("location");
        h.append("<tr><td class=\"mono\">").append(esc(ep.path("ip").asText())).append("</td><td>")
            .append(esc(join(loc.path("city").asText(""), loc.path("country").asText("")))).append("</td><td>");
        if (ep.path("autonomous_system").has("number")) {
          h.append("AS").append(ep.path("autonomous_system").path("number").asLong()).append(' ')
              .append(esc(ep.path("autonomous_system").path("name").asText("")));
        }
        h.append("</td></tr>");
      }
      h.append("</table>");
    }
    JsonNode related = a.path("finding_info").path("related_events");
    h.append("<details class=\"evidence\"").append(related.size() <= 5 ? " open" : "").append("><summary>Evidence: ")
        .append(related.size()).append(" record(s) listed");
    if (un.path("evidence_count").asInt() > related.size()) h.append(" of ").append(un.path("evidence_count").asInt());
    h.append("</summary><table><tr><th>record id</th><th>time</th><th>operation</th><th>raw record</th></tr>");
    for (JsonNode r : related) {
      String uid = r.path("uid").asText();
      String text = raw.get(uid);
      h.append("<tr><td class=\"mono\">").append(esc(uid)).append("</td><td class=\"mono\">")
          .append(time(r.path("time").asLong())).append("</td><td>").append(esc(r.path("type").asText(""))).append("</td><td>");
      if (text != null) {
        h.append("<details><summary>JSON</summary><pre>").append(esc(pretty(text))).append("</pre></details>");
      } else {
        h.append("<span class=\"muted\">not kept</span>");
      }
      h.append("</td></tr>");
    }
    h.append("</table></details></section>\n");
  }

  private static void ruleSeverityChart(StringBuilder h, List<JsonNode> alerts) {
    Map<String, Map<String, Integer>> byRule = new TreeMap<>();
    for (JsonNode a : alerts) {
      byRule.computeIfAbsent(rule(a), k -> new LinkedHashMap<>()).merge(a.path("severity").asText().toLowerCase(Locale.ROOT), 1,
          Integer::sum);
    }
    int max = byRule.values().stream().mapToInt(m -> m.values().stream().mapToInt(Integer::intValue).sum()).max().orElse(1);
    int rowH = 26;
    int w = 600;
    int labelW = 200;
    h.append("<svg class=\"chart\" viewBox=\"0 0 ").append(w).append(' ').append(byRule.size() * rowH + 24)
        .append("\" role=\"img\" aria-label=\"alerts by rule and severity\">");
    int y = 4;
    for (Map.Entry<String, Map<String, Integer>> e : byRule.entrySet()) {
      h.append("<text x=\"").append(labelW - 6).append("\" y=\"").append(y + 15).append("\" text-anchor=\"end\">")
          .append(esc(e.getKey())).append("</text>");
      double x = labelW;
      int total = 0;
      for (String s : SEVERITIES) {
        Integer n = e.getValue().get(s.toLowerCase(Locale.ROOT));
        if (n == null) continue;
        double bw = (w - labelW - 40) * n / (double) max;
        h.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(y).append("\" width=\"").append(fmt(bw))
            .append("\" height=\"20\" fill=\"").append(COLOURS.get(s.toLowerCase(Locale.ROOT))).append("\"><title>")
            .append(n).append(' ').append(s.toLowerCase(Locale.ROOT)).append("</title></rect>");
        x += bw;
        total += n;
      }
      h.append("<text x=\"").append(fmt(x + 4)).append("\" y=\"").append(y + 15).append("\">").append(total).append("</text>");
      y += rowH;
    }
    int lx = labelW;
    for (String s : SEVERITIES) {
      h.append("<rect x=\"").append(lx).append("\" y=\"").append(y + 4).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(COLOURS.get(s.toLowerCase(Locale.ROOT))).append("\"/><text x=\"").append(lx + 13).append("\" y=\"")
          .append(y + 13).append("\" class=\"small\">").append(s.toLowerCase(Locale.ROOT)).append("</text>");
      lx += 76;
    }
    h.append("</svg>");
  }

  private static void timeline(StringBuilder h, List<JsonNode> alerts) {
    long min = alerts.stream().mapToLong(a -> a.path("time").asLong()).min().orElse(0);
    long max = alerts.stream().mapToLong(a -> a.path("time").asLong()).max().orElse(0);
    if (max - min < 3_600_000L) {
      min -= 1_800_000L;
      max += 1_800_000L;
    }
    List<String> rules = alerts.stream().map(HtmlReport::rule).distinct().sorted().toList();
    int labelW = 200;
    int w = 1000;
    int lane = 28;
    int hgt = rules.size() * lane + 30;
    h.append("<svg class=\"timeline\" viewBox=\"0 0 ").append(w).append(' ').append(hgt)
        .append("\" role=\"img\" aria-label=\"timeline\">");
    for (int i = 0; i < rules.size(); i++) {
      int y = i * lane + 14;
      h.append("<text x=\"").append(labelW - 8).append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\">")
          .append(esc(rules.get(i))).append("</text><line x1=\"").append(labelW).append("\" x2=\"").append(w - 10)
          .append("\" y1=\"").append(y).append("\" y2=\"").append(y).append("\" class=\"lane\"/>");
    }
    double span = max - min;
    for (JsonNode a : alerts) {
      double x = labelW + (w - labelW - 20) * (a.path("time").asLong() - min) / span;
      int y = rules.indexOf(rule(a)) * lane + 14;
      String sev = a.path("severity").asText().toLowerCase(Locale.ROOT);
      h.append("<a href=\"#").append(esc(id(a))).append("\"><circle cx=\"").append(fmt(x)).append("\" cy=\"").append(y)
          .append("\" r=\"6\" fill=\"").append(COLOURS.getOrDefault(sev, "#5d6678")).append("\"><title>")
          .append(esc(time(a.path("time").asLong()) + " " + sev + " " + OcsfView.who(a)))
          .append("</title></circle></a>");
    }
    int axisY = rules.size() * lane + 20;
    for (int i = 0; i <= 4; i++) {
      double x = labelW + (w - labelW - 20) * i / 4.0;
      long t = (long) (min + span * i / 4);
      h.append("<text class=\"small\" x=\"").append(fmt(x)).append("\" y=\"").append(axisY + 4)
          .append("\" text-anchor=\"").append(i == 0 ? "start" : i == 4 ? "end" : "middle").append("\">")
          .append(TIME.format(Instant.ofEpochMilli(t)).replace(" UTC", "")).append("</text>");
    }
    h.append("</svg>");
  }

  private static void map(StringBuilder h, List<JsonNode> alerts) {
    String world = world();
    StringBuilder pins = new StringBuilder();
    Map<String, double[]> seen = new LinkedHashMap<>();
    Map<String, String> labels = new LinkedHashMap<>();
    for (JsonNode a : alerts) {
      for (JsonNode ep : endpoints(a)) {
        JsonNode loc = ep.path("location");
        if (!loc.has("lat") || !loc.has("long")) continue;
        String k = ep.path("ip").asText();
        seen.putIfAbsent(k, new double[] {(loc.path("long").asDouble() + 180) * 2, (90 - loc.path("lat").asDouble()) * 2});
        labels.putIfAbsent(k, ep.path("ip").asText() + " " + join(loc.path("city").asText(""), loc.path("country").asText("")));
      }
    }
    for (Map.Entry<String, double[]> e : seen.entrySet()) {
      pins.append("<circle class=\"pin\" cx=\"").append(fmt(e.getValue()[0])).append("\" cy=\"").append(fmt(e.getValue()[1]))
          .append("\" r=\"3.5\"><title>").append(esc(labels.get(e.getKey()))).append("</title></circle>");
    }
    int close = world.lastIndexOf("</svg>");
    String svg = world.substring(world.indexOf("<svg"), close);
    if (!seen.isEmpty()) {
      // zoom to the located addresses, with a margin, keeping the map's 2:1 shape
      double minX = 720, maxX = 0, minY = 360, maxY = 0;
      for (double[] p : seen.values()) {
        minX = Math.min(minX, p[0]);
        maxX = Math.max(maxX, p[0]);
        minY = Math.min(minY, p[1]);
        maxY = Math.max(maxY, p[1]);
      }
      double w = Math.min(720, Math.max(120, Math.max((maxX - minX) * 1.5, (maxY - minY) * 3)));
      double x0 = Math.min(Math.max(0, (minX + maxX) / 2 - w / 2), 720 - w);
      double y0 = Math.min(Math.max(0, (minY + maxY) / 2 - w / 4), 360 - w / 2);
      svg = svg.replace("viewBox=\"0 0 720 360\"", "viewBox=\"" + fmt(x0) + " " + fmt(y0) + " " + fmt(w) + " " + fmt(w / 2) + "\"");
      pins = new StringBuilder(pins.toString().replace("r=\"3.5\"", "r=\"" + fmt(Math.max(1, 3.5 * w / 720 * 1.6)) + "\""));
    }
    h.append(svg).append(pins).append("</svg>");
    if (seen.isEmpty()) h.append("<p class=\"muted\">No located addresses.</p>");
  }

  private static void top(StringBuilder h, String title, Map<String, Integer> counts) {
    h.append("<div><h2>").append(esc(title)).append("</h2><table class=\"top\">");
    counts.entrySet().stream().filter(e -> !e.getKey().isEmpty())
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(10).forEach(e -> h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"n\">")
            .append(e.getValue()).append("</td></tr>"));
    h.append("</table></div>");
  }

  // --- helpers ---------------------------------------------------------------------------------------------

  private static List<JsonNode> endpoints(JsonNode a) {
    List<JsonNode> l = new ArrayList<>();
    java.util.Set<String> ips = new java.util.HashSet<>();
    for (JsonNode ev : a.path("evidences")) {
      JsonNode ep = ev.path("src_endpoint");
      if (!ep.isMissingNode() && ips.add(ep.path("ip").asText())) l.add(ep);
    }
    JsonNode src = OcsfView.source(a);
    if (!src.isMissingNode() && ips.add(src.path("ip").asText())) l.add(src);
    return l;
  }

  private static List<String> ips(JsonNode a) {
    return endpoints(a).stream().map(ep -> ep.path("ip").asText("")).filter(s -> !s.isEmpty()).toList();
  }

  private static Map<String, Integer> countBy(List<JsonNode> alerts, Function<JsonNode, String> f) {
    Map<String, Integer> m = new TreeMap<>();
    for (JsonNode a : alerts) m.merge(f.apply(a), 1, Integer::sum);
    return m;
  }

  private static Map<String, Integer> countByMany(List<JsonNode> alerts, Function<JsonNode, List<String>> f) {
    Map<String, Integer> m = new TreeMap<>();
    for (JsonNode a : alerts) for (String s : f.apply(a)) m.merge(s, 1, Integer::sum);
    return m;
  }

  private static void card(StringBuilder h, String label, String value) {
    h.append("<div class=\"card\"><div class=\"v\">").append(esc(value)).append("</div><div class=\"l\">")
        .append(esc(label)).append("</div></div>");
  }

  private static void fact(StringBuilder h, String k, String v) {
    if (v == null || v.isEmpty()) return;
    h.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(v)).append("</td></tr>");
  }

  private static String id(JsonNode a) {
    return a.path("finding_info").path("uid").asText();
  }

  private static String rule(JsonNode a) {
    return a.path("finding_info").path("analytic").path("uid").asText();
  }

  private static int severityRank(JsonNode a) {
    return Severities.rank(a.path("severity").asText());
  }

  private static String caption(String s) {
    int r = Severities.rank(s);
    return r < 0 ? s : SEVERITIES[4 - r];
  }

  private static String time(long ms) {
    return ms <= 0 ? "" : TIME.format(Instant.ofEpochMilli(ms));
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + ", " + b;
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.1f", d);
  }

  private static String pretty(String raw) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(MAPPER.readTree(raw));
    } catch (IOException e) {
      return raw;
    }
  }

  /** HTML-escapes text for element content and quoted attributes. */
  public static String esc(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  static String world() {
    try (InputStream in = HtmlReport.class.getResourceAsStream("/io/ualwatch/console/web/world.svg")) {
      if (in == null) throw new IllegalStateException("world.svg missing from the console module");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("class=\"world\"", "class=\"world map\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String CSS = """
      body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2330;background:#f6f7f9}
      header{background:#1d2330;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}.sub{margin:2px 0 0;color:#aab3c5}
      main{padding:12px 24px;max-width:1300px}h2{font-size:15px;margin:18px 0 8px}
      .cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #dde1e8;padding:8px 14px;min-width:110px}
      .card .v{font-size:20px;font-weight:600}.card .l{color:#5d6678;font-size:12px}
      .inputs,.note,.muted{color:#5d6678}.note{border-left:3px solid #b26a00;padding-left:8px}
      .grid{display:grid;grid-template-columns:1fr 1fr;gap:20px}.grid3{display:grid;grid-template-columns:1fr 1fr 1fr;gap:20px}
      svg text{font-size:12px;fill:#1d2330}svg .small{font-size:10px;fill:#5d6678}.lane{stroke:#dde1e8}
      .chart,.timeline{width:100%;background:#fff;border:1px solid #dde1e8}
      .map{width:100%;border:1px solid #dde1e8}.map .sea{fill:#dbe7f3}.map .land path{fill:#f4f1ea;stroke:#b9b4a8;stroke-width:.3}
      .map .pin{fill:#c5221f;stroke:#fff;stroke-width:.8}
      table{border-collapse:collapse;width:100%;background:#fff}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #dde1e8;vertical-align:top}
      th{font-size:12px;color:#5d6678}.top .n{text-align:right;width:4em}.mono,.id{font:12px ui-monospace,"DejaVu Sans Mono",monospace}
      .alert{background:#fff;border:1px solid #dde1e8;padding:10px 16px;margin:12px 0}.alert h3{margin:0 0 6px;font-size:15px}
      .alert .id{color:#5d6678;font-weight:normal}.sev{color:#fff;padding:1px 8px;border-radius:3px;font-size:12px}
      .message{font-size:15px}.baseline{background:#f3f5f9;border-left:3px solid #2456c8;padding:6px 10px}
      .facts td:first-child{color:#5d6678;width:170px}.eps,.evidence{margin-top:8px}
      pre{background:#1d2330;color:#e6e9ef;padding:8px;overflow:auto;font-size:12px;max-height:360px}
      summary{cursor:pointer}.filter input{width:320px}footer{color:#5d6678;font-size:12px;padding:16px 24px}
      @media print{details{display:block}.filter{display:none}}
      """;

  private static final String JS = """
      (function(){var q=document.getElementById('q'),s=document.getElementById('sev'),n=document.getElementById('shown');
      if(!q)return;function f(){var t=q.value.toLowerCase(),v=s.value,k=0,all=document.querySelectorAll('section.alert');
      all.forEach(function(e){var ok=(!v||e.dataset.sev===v)&&(!t||e.textContent.toLowerCase().indexOf(t)>=0);e.hidden=!ok;if(ok)k++;});
      n.textContent=k+' of '+all.length+' shown';}q.addEventListener('input',f);s.addEventListener('input',f);f();})();
      """;
}
