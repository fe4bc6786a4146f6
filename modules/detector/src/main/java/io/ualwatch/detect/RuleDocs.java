package io.ualwatch.detect;

/** docs/detections.md, generated from the rule catalogue so it cannot drift from the code. */
public final class RuleDocs {
  private RuleDocs() {}

  /** The ordering guarantee, its bound and what it costs; kept true by InvarianceITCase. */
  static final String ORDER_AND_LATENESS = """

      ## Order and lateness

      **The guarantee.** For one set of records (a record id counts once, however often it is delivered) ualwatch
      raises the same alerts — the same alert ids with the same final severity — whatever the order of the records
      in a file, the order and names of the files, the path (`hunt`, `replay` into the live job, the connectors;
      exactly-once or at-least-once; parallelism 1 or 2; hash-map or RocksDB state) and the skew between the
      audit feed and the sign-in feed, as long as no record arrives more than the **bound** behind the slowest
      feed. The bound is `job.watermark.out-of-orderness` (default 3 h) in the live job; `hunt` and `replay`
      order their whole input, so for them any order is within it. Within the bound no alert is raised that the
      time-ordered input would not raise, not even one withdrawn later.

      **How.**

      - `hunt` and `replay` read every input in one canonical order (event time, then tenant, record id and the
        rest of the record), across files and across the audit and sign-in feeds. Files that go back in time — a
        Purview audit search CSV or `Search-UnifiedAuditLog` output (newest first, as Microsoft writes them),
        shuffled API blobs — are sorted first: in memory up to `--sort-memory` (default 256 MB), beyond that as
        sorted runs in `--temp-dir` that are then merged. Heap stays bounded by the budget, not by the input: a
        300 MB newest-first export orders in a 96 MB heap (`OrderedBoundedMemoryTest`); the runs on disk take
        about twice the size of the out-of-order input. Files already in time order are streamed, not copied.
      - In the live job every producer (each connector task, `replay`, `demo`) names its stream in a record
        header and writes **feed clock** records into every partition of the raw topic it writes: "this stream
        has delivered everything up to time T". A partition's watermark is the lowest position of the live
        streams writing to it, minus the bound; the job's watermark is the lowest over all partitions of both
        raw topics. So nothing is decided at time T until the audit feed *and* the sign-in feed have passed
        T + bound. A quiet partition holds event time where its clock is (`job.watermark.idleness` = 0, never
        idle); a producer that has written nothing, not even a clock, for `job.watermark.stream-timeout`
        (default 30 min of processing time) stops holding a partition that a live stream also writes. A
        producer that is finished for good (the end of a `replay`) says so in its last clock: once every stream
        of a partition has ended, the partition's watermark moves to their furthest position (everything is
        delivered, so without the bound), so the last records of a replay are decided without waiting for more
        input; the partition holds there (another producer often takes it over: the connectors after a backfill)
        and stops counting once nothing has been written to it for the stream timeout.
        The Management Activity connector's clock is the start of the oldest listing window it has not finished
        (content published late holds it back); the sign-in connector's is its cursor minus its overlap.
      - Decisions that more records could contradict wait for that watermark: `token-without-signin` checks an
        access when the watermark passes the access time plus `rules.token-without-signin.grace` (2 h); the
        baseline rules (`mailbox-new-client-app`, `new-country`, `hosting-network-access`,
        `cross-mailbox-access`, `mailbox-sync-new-context`) decide an episode when the watermark passes its
        first record, so a record within the bound that shows the value was already known (or that moves the
        episode earlier) arrives before anything is said; `app-mailbox-fanout` raises a fan-out once the
        watermark passes its earliest trigger, so a busier baseline day that arrives within the bound is seen
        first. Every other rule keeps order-independent state per time bucket, from which the alert id and
        the final content are computed.
      - Records later than the bound are processed, never dropped. They revise or withdraw what they contradict
        (a new revision; `watch` shows withdrawals): a sign-in that turns up after `token-without-signin` fired
        withdraws it; a record showing an app read the mailbox days earlier withdraws `mailbox-new-client-app`.
        A baseline episode first seen behind the watermark (a late blob) is decided at once. State is kept for `detect.baseline.retention`
        after an entity's own latest activity, so a backlog far behind the watermark still correlates.

      **What it costs.** Latency: the waiting rules' alerts come once the slowest feed is the bound past the
      record — with the API's usual 60–90 minutes of delay, about 4–5 hours after the event by default, and
      `token-without-signin` its grace later. Memory: the waiting episodes and token checks are held in keyed
      state until the watermark passes them (at most the bound plus the grace of records per entity); record ids
      are kept `job.dedupe.ttl` (8 days) to drop the API's duplicates. Lowering the bound makes alerts sooner,
      and records later than it become revisions and withdrawals instead.

      **Tested by** `InvarianceITCase` (every sample scenario and two generated tenants with every attack and
      look-alike, one of them a newest-first Purview CSV: hunt on reversed, shuffled and renamed inputs; replay
      into Kafka and Flink exactly-once at parallelism 2 on RocksDB and at-least-once at parallelism 1; the live
      job with one feed entirely before the other, both ways; the live job with either feed 6 h behind the
      other — every final alert set equal to hunt's on the inputs as given, and no alert id ever emitted that
      hunt never raised), and by the harness tests of the rules that a late record revises or withdraws.
      """;

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
    sb.append(ORDER_AND_LATENESS);
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
