package io.ualwatch.testkit.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes simulator output, one file per feed (gzip when the name ends in .gz), in one of the formats that
 * responders actually hold: NDJSON, the Management Activity API's content blobs and Graph pages (JSON arrays /
 * {@code {"value": […]}}), or the Purview portal's CSV export (audit records only: Purview does not export Entra
 * sign-ins, which then stay Graph JSON).
 */
public final class SimWriter implements AutoCloseable {
  /** Output formats. */
  public enum Format {
    /** One record per line: {@code audit.ndjson}, {@code signins.ndjson}. */
    NDJSON("audit.ndjson", "signins.ndjson"),
    /** {@code audit.json}: a JSON array as a Management Activity API content blob; {@code signins.json}: a Graph page. */
    API_JSON("audit.json", "signins.json"),
    /** {@code audit.csv}: Purview audit search export (AuditData as a quoted JSON cell); {@code signins.json}: a Graph page. */
    PURVIEW_CSV("audit.csv", "signins.json");

    final String auditName;
    final String signinName;

    Format(String auditName, String signinName) {
      this.auditName = auditName;
      this.signinName = signinName;
    }

    /** File names for this format, with {@code .gz} when {@code gzip}. */
    public Path auditFile(Path dir, boolean gzip) {
      return dir.resolve(auditName + (gzip ? ".gz" : ""));
    }

    public Path signinFile(Path dir, boolean gzip) {
      return dir.resolve(signinName + (gzip ? ".gz" : ""));
    }

    /** Parses a command-line name: ndjson, api-json, purview-csv. */
    public static Format parse(String s) {
      for (Format f : values()) {
        if (f.name().replace('_', '-').equalsIgnoreCase(s)) return f;
      }
      throw new IllegalArgumentException("unknown format " + s + "; known: ndjson, api-json, purview-csv");
    }
  }

  /**
   * The order records are written in. Real sources differ: an API content blob or an NDJSON log is roughly oldest
   * first; the Purview portal's audit search export and {@code Search-UnifiedAuditLog} list the newest record first;
   * a folder of blobs collected out of order is shuffled.
   */
  public enum Order {
    OLDEST_FIRST, NEWEST_FIRST, SHUFFLED;

    /** Parses oldest-first, newest-first, shuffled. */
    public static Order parse(String s) {
      for (Order o : values()) {
        if (o.name().replace('_', '-').equalsIgnoreCase(s)) return o;
      }
      throw new IllegalArgumentException("unknown order " + s + "; known: oldest-first, newest-first, shuffled");
    }

    /** What the format's real source writes: Purview CSV newest first, the others oldest first. */
    public static Order defaultFor(Format f) {
      return f == Format.PURVIEW_CSV ? NEWEST_FIRST : OLDEST_FIRST;
    }
  }

  /**
   * Writes every day of the tenant in {@code order}, a day at a time (memory: one day). Newest first: the days
   * from the last, each day's records from the newest. Shuffled: days in a random order, each day's records
   * shuffled, both seeded by the tenant's seed (and the day), so the same settings give the same bytes.
   */
  public void writeAll(TenantSimulator sim, Order order, java.util.function.IntConsumer dayDone) throws IOException {
    int days = sim.settings().days();
    int[] dayOrder = new int[days];
    for (int i = 0; i < days; i++) dayOrder[i] = order == Order.NEWEST_FIRST ? days - 1 - i : i;
    if (order == Order.SHUFFLED) shuffle(dayOrder, new java.util.SplittableRandom(sim.settings().seed() * 1_000_003L + 17));
    for (int i = 0; i < days; i++) {
      int d = dayOrder[i];
      java.util.List<TenantSimulator.Record> recs = new java.util.ArrayList<>(sim.day(d));
      if (order == Order.NEWEST_FIRST) java.util.Collections.reverse(recs);
      if (order == Order.SHUFFLED) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(sim.settings().seed() * 31L + d);
        for (int k = recs.size() - 1; k > 0; k--) java.util.Collections.swap(recs, k, r.nextInt(k + 1));
      }
      for (TenantSimulator.Record rec : recs) write(rec);
      if (dayDone != null) dayDone.accept(i + 1);
    }
  }

  private static void shuffle(int[] a, java.util.SplittableRandom r) {
    for (int k = a.length - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      int t = a[k];
      a[k] = a[j];
      a[j] = t;
    }
  }

  /** Purview's CreationDate column: US month/day/year, 12-hour clock, UTC. */
  private static final DateTimeFormatter PURVIEW_DATE =
      DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a", Locale.US).withZone(ZoneOffset.UTC);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Format format;
  private final BufferedWriter audit;
  private final BufferedWriter signins;
  private long auditCount;
  private long signinCount;

  /** NDJSON into these files. */
  public SimWriter(Path auditFile, Path signinFile) throws IOException {
    this(Format.NDJSON, auditFile, signinFile);
  }

  public SimWriter(Format format, Path auditFile, Path signinFile) throws IOException {
    this.format = format;
    this.audit = open(auditFile);
    this.signins = signinFile == null ? null : open(signinFile);
    switch (format) {
      case NDJSON -> { }
      case API_JSON -> audit.write('[');
      case PURVIEW_CSV -> audit.write("\uFEFFRecordId,CreationDate,RecordType,Operation,UserId,AuditData,"
          + "AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n");
    }
    if (signins != null && format != Format.NDJSON) signins.write("{\"value\":[");
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
      if (format == Format.NDJSON) {
        signins.write(r.json());
        signins.write('\n');
      } else {
        if (signinCount > 0) signins.write(",\n");
        signins.write(r.json());
      }
      signinCount++;
      return;
    }
    switch (format) {
      case NDJSON -> {
        audit.write(r.json());
        audit.write('\n');
      }
      case API_JSON -> {
        if (auditCount > 0) audit.write(",\n");
        audit.write(r.json());
      }
      case PURVIEW_CSV -> writeCsvRow(r);
    }
    auditCount++;
  }

  private void writeCsvRow(TenantSimulator.Record r) throws IOException {
    JsonNode n = MAPPER.readTree(r.json());
    audit.write(csvCell(n.path("Id").asText(r.id())));
    audit.write(',');
    audit.write(PURVIEW_DATE.format(Instant.ofEpochMilli(r.time())));
    audit.write(',');
    audit.write(csvCell(n.path("RecordType").asText("")));
    audit.write(',');
    audit.write(csvCell(n.path("Operation").asText("")));
    audit.write(',');
    audit.write(csvCell(n.path("UserId").asText("")));
    audit.write(',');
    audit.write(csvCell(r.json()));
    audit.write(",,\r\n");
  }

  /** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
  static String csvCell(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  public long auditCount() {
    return auditCount;
  }

  public long signinCount() {
    return signinCount;
  }

  @Override
  public void close() throws IOException {
    if (format != Format.NDJSON) {
      if (format == Format.API_JSON) audit.write("]\n");
      if (signins != null) signins.write("]}\n");
    }
    audit.close();
    if (signins != null) signins.close();
  }
}
