package io.ualwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** A readable line from an OCSF alert as found on the alerts topic. */
final class OcsfText {
  private OcsfText() {}

  static String line(JsonNode n, boolean color) {
    String sev = n.path("severity").asText().toUpperCase();
    String padded = String.format("%-8s", sev);
    if (color) padded = colour(sev) + padded + "\u001b[0m";
    JsonNode un = n.path("unmapped");
    String status = un.path("alert_status").asText();
    String suffix = switch (status) {
      case "UPDATED" -> " (update r" + un.path("revision").asInt() + ")";
      case "WITHDRAWN" -> " (WITHDRAWN)";
      default -> "";
    };
    String who = io.ualwatch.model.alert.OcsfView.who(n);
    String time = un.path("time_iso").asText("").replace('T', ' ');
    String head = time + "  " + padded + "  " + String.format("%-24s", n.path("finding_info").path("analytic").path("uid").asText())
        + "  " + who;
    if ("UPDATED".equals(status) || "CLOSED".equals(status)) {
      // updates add evidence to an alert already shown: one short line
      return head + "  ↳ " + ("CLOSED".equals(status) ? "closed" : "update") + " r" + un.path("revision").asInt() + ": "
          + un.path("evidence_count").asInt() + " records";
    }
    return head + suffix + "\n    " + n.path("message").asText();
  }

  static String colour(String sev) {
    return switch (sev) {
      case "CRITICAL" -> "\u001b[1;41;97m";
      case "HIGH" -> "\u001b[1;31m";
      case "MEDIUM" -> "\u001b[33m";
      case "LOW" -> "\u001b[36m";
      default -> "\u001b[37m";
    };
  }
}
