package io.ualwatch.cli;

import io.ualwatch.detect.DetectionGraph;
import io.ualwatch.detect.RuleInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Lists the rules. */
@Command(name = "rules", mixinStandardHelpOptions = true,
    description = "Lists the detection rules (id, severity, ATT&CK technique, title). docs/detections.md has the details.")
final class RulesCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    for (RuleInfo r : DetectionGraph.rules()) {
      System.out.printf("%-26s %-9s %-10s %s%n", r.id(), r.baseSeverity().name().toLowerCase(), r.techniqueId(), r.title());
    }
    return 0;
  }
}
