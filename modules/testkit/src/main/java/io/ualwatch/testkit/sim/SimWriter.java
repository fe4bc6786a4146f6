package io.ualwatch.testkit.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes simulator output: one NDJSON file per feed, gzip when the name ends in .gz. */
public final class SimWriter implements AutoCloseable {
  private final BufferedWriter audit;
  private final BufferedWriter signins;
  private long auditCount;
  private long signinCount;

  public SimWriter(Path auditFile, Path signinFile) throws IOException {
    this.audit = open(auditFile);
    this.signins = signinFile == null ? null : open(signinFile);
  }

  private static BufferedWriter open(Path p) throws IOException {
    if (p.getParent() != null) Files.createDirectories(p.getParent());
    OutputStream out = Files.newOutputStream(p);
    if (p.getFileName().toString().endsWith(".gz")) {
      // fixed header timestamp (0) so the same records give the same bytes
      out = new GZIPOutputStream(out, 1 << 16);
    }
    return new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
  }

  public void write(TenantSimulator.Record r) throws IOException {
    if (r.feed() == TenantSimulator.Feed.SIGNIN && signins != null) {
      signins.write(r.json());
      signins.write('\n');
      signinCount++;
    } else {
      audit.write(r.json());
      audit.write('\n');
      auditCount++;
    }
  }

  public long auditCount() {
    return auditCount;
  }

  public long signinCount() {
    return signinCount;
  }

  @Override
  public void close() throws IOException {
    audit.close();
    if (signins != null) signins.close();
  }
}
