package io.ualwatch.detect.rules;

import io.ualwatch.detect.AlertLedger;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import io.ualwatch.model.alert.Endpoint;
import io.ualwatch.model.alert.Evidence;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Alerts whose facts come from the earliest record of an episode, whatever arrived first: the draft is
 * rebuilt when an earlier record arrives, keeping what the episode accumulated (evidence, counts, revision).
 */
final class Drafts {
  private Drafts() {}

  /** True when {@code e} comes before the draft's earliest record (time, then record id). */
  static boolean earlier(AuditEvent e, Alert draft) {
    long t = e.eventTime.toEpochMilli();
    if (t != draft.time) return t < draft.time;
    String first = draft.evidence.isEmpty() ? "" : draft.evidence.get(0).recordId;
    return e.recordId.compareTo(first == null ? "" : first) < 0;
  }

  /**
   * The draft to fold {@code e} into: {@code draft} itself, or a new one built from {@code e} when there is none
   * or {@code e} is earlier, carrying over what {@code draft} held ({@code carry} copies rule-specific facts).
   */
  static Alert earliest(Alert draft, AuditEvent e, Supplier<Alert> build, int evidenceMax,
      BiConsumer<Alert, Alert> carry) {
    if (draft != null && !earlier(e, draft)) return draft;
    Alert rebuilt = build.get();
    if (draft != null) {
      rebuilt.evidence.clear();
      rebuilt.evidenceCount = 0;
      for (Evidence ev : draft.evidence) AlertLedger.addEvidence(rebuilt, ev, evidenceMax);
      rebuilt.evidenceCount = draft.evidenceCount;
      rebuilt.firstSeen = Math.min(rebuilt.firstSeen, draft.firstSeen);
      rebuilt.lastSeen = Math.max(rebuilt.lastSeen, draft.lastSeen);
      carry.accept(draft, rebuilt);
      keepLifecycle(draft, rebuilt);
    }
    return rebuilt;
  }

  /** Copies what the ledger tracks (revision, status, emitted digest, configuration version). */
  static void keepLifecycle(Alert from, Alert to) {
    to.revision = from.revision;
    to.status = from.status;
    to.emittedDigest = from.emittedDigest;
    to.configVersion = from.configVersion;
    String due = from.facts.get(io.ualwatch.detect.Novelty.DECIDE_AT);
    if (due != null) to.facts.put(io.ualwatch.detect.Novelty.DECIDE_AT, due);
  }

  /** A new alert of a rule: its id, the rule, status NEW, the suppression bucket and the ATT&CK mapping. */
  static Alert start(String id, io.ualwatch.detect.RuleInfo info, long bucketStart) {
    Alert a = new Alert();
    a.id = id;
    a.ruleId = info.id();
    a.ruleName = info.title();
    a.status = AlertStatus.NEW;
    a.bucket = Instant.ofEpochMilli(bucketStart).toString();
    a.attackTechniqueId = info.techniqueId();
    a.attackTechniqueName = info.techniqueName();
    a.attackTacticId = info.tacticId();
    a.attackTacticName = info.tacticName();
    return a;
  }

  /** The common part of a mailbox alert built from one record. */
  static Alert base(String id, io.ualwatch.detect.RuleInfo info, long bucketStart, AuditEvent e) {
    Alert a = start(id, info, bucketStart);
    a.tenantId = e.tenantId;
    long t = e.eventTime.toEpochMilli();
    a.time = t;
    a.firstSeen = t;
    a.lastSeen = t;
    a.user = e.actor;
    a.mailbox = e.mailboxOwner;
    a.tokenId = e.uniqueTokenId;
    a.sessionId = e.aadSessionId;
    Endpoint src = AlertLedger.endpointOf(e);
    a.source = src;
    a.endpoints.add(src);
    a.entities.put("tenant", e.tenantId);
    a.entities.put("mailbox", e.mailboxOwner);
    return a;
  }

  /** "Microsoft Outlook (5d66…)" or "ClientAppId x (unknown app)"; "an unidentified client" when there is none. */
  static String describeApp(String name, String id) {
    if (id == null) return "an unidentified client";
    return name != null ? name + " (" + id + ")" : "ClientAppId " + id + " (unknown app)";
  }
}
