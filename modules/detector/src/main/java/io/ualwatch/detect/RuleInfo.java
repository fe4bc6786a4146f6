package io.ualwatch.detect;

import io.ualwatch.model.alert.Severity;
import java.util.List;

/**
 * The catalogue entry of a rule: what docs/detections.md says about it is generated from these fields, so
 * the documentation cannot drift from the code.
 */
public record RuleInfo(
    String id,
    String title,
    Severity baseSeverity,
    String techniqueId,
    String techniqueName,
    String tacticId,
    String tacticName,
    String fires,
    String whyItMatters,
    String falsePositives,
    String triage,
    List<String> configKeys) {}
