package io.ualwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.parse.InputFormat;
import io.ualwatch.model.parse.InputReader;
import io.ualwatch.model.parse.ParseListener;
import io.ualwatch.model.parse.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Parses only: what would ualwatch make of these files? */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Parses files or folders without detecting anything: counts per format and operation, and every "
        + "rejected record with its reason and where it is.", "Records read = parsed + rejected: nothing is dropped "
        + "silently."},
    footer = {"", "Examples:", "  ualwatch validate export.csv", "  ualwatch validate logs/ --summary-json summary.json",
        "", "Exit codes: 0 every record parsed; 3 some records were rejected; 2 usage error."})
final class ValidateCommand implements Callable<Integer> {
  @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Files or folders to read.")
  List<Path> inputs;

  @Option(names = "--summary-json", paramLabel = "FILE",
      description = "Also write the summary as JSON: records, parsed, rejected, byFormat, byOperation, rejectReasons, rejections.")
  Path summaryJson;

  @Option(names = "--quiet", description = "No progress line.")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    PrintStream err = System.err;
    List<Path> files = Inputs.expand(inputs);
    ParseStats stats = new ParseStats();
    AtomicLong bytes = new AtomicLong();
    InputReader reader = new InputReader();
    try (Progress p = quiet ? null : new Progress(err, Inputs.totalBytes(files), bytes, stats::records)) {
      for (Path f : files) {
        String name = f.toString();
        try (InputStream in = new Inputs.Counting(Files.newInputStream(f), bytes)) {
          reader.read(in, name, new ParseListener() {
            @Override public void onEvent(AuditEvent e) { stats.onEvent(e); }
            @Override public void onReject(Rejection r) { stats.onReject(name, r); }
            @Override public void onFormat(String origin, InputFormat format) { stats.onFormat(name, format); }
            @Override public void onWarning(String origin, String message) { stats.warnings.add(origin + ": " + message); }
          });
        }
      }
    }
    PrintStream out = System.out;
    out.println("files:");
    for (Map.Entry<String, String> e : stats.fileFormats.entrySet()) out.printf("  %-60s %s%n", e.getKey(), e.getValue());
    stats.printSummary(out, true);
    out.println("by operation:");
    for (Map.Entry<String, Long> e : stats.byOperation.entrySet()) out.printf("  %-30s %,12d%n", e.getKey(), e.getValue());
    if (summaryJson != null) {
      ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      Files.writeString(summaryJson, m.writeValueAsString(stats.toJson(m)) + "\n");
      err.println("summary written to " + summaryJson);
    }
    return stats.rejected == 0 ? 0 : 3;
  }
}
