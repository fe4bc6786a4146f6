package io.ualwatch.detect;

/** docs/detections.md, generated from the rule catalogue so it cannot drift from the code. */
public final class RuleDocs {
  private RuleDocs() {}

  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Detections\n\n");
    sb.append("<!-- Generated from the RuleInfo declarations by DetectionDocsTest; do not edit by hand. -->\n\n");
    sb.append("Every rule is one class under `modules/detector/src/main/java/io/ualwatch/detect/rules/`, with a ")
        .append("positive and a negative test and a scenario under `samples/scenarios/`. How alerts are identified, ")
        .append("updated and withdrawn is described in [architecture.md](architecture.md).\n\n");
    sb.append("| rule id | severity | ATT&CK | title |\n|---|---|---|---|\n");
    for (RuleInfo r : DetectionGraph.rules()) {
      sb.append("| [`").append(r.id()).append("`](#").append(r.id()).append(") | ")
          .append(r.baseSeverity().name().toLowerCase()).append(" | ").append(r.techniqueId()).append(" | ")
          .append(r.title()).append(" |\n");
    }
    for (RuleInfo r : DetectionGraph.rules()) {
      sb.append("\n## ").append(r.id()).append("\n\n");
      sb.append("**").append(r.title()).append("** — base severity ").append(r.baseSeverity().name().toLowerCase())
          .append("; ATT&CK ").append(r.techniqueId()).append(" ").append(r.techniqueName()).append(" (")
          .append(r.tacticId()).append(" ").append(r.tacticName()).append(").\n\n");
      sb.append("**Fires when.** ").append(r.fires()).append("\n\n");
      sb.append("**Why it matters.** ").append(r.whyItMatters()).append("\n\n");
      sb.append("**False positives.** ").append(r.falsePositives()).append("\n\n");
      sb.append("**Triage.** ").append(r.triage()).append("\n\n");
      sb.append("**Configuration.** ");
      for (int i = 0; i < r.configKeys().size(); i++) {
        sb.append(i == 0 ? "" : ", ").append('`').append(r.configKeys().get(i)).append('`');
      }
      sb.append(" (see [configuration.md](configuration.md)).\n");
    }
    return sb.toString();
  }
}
