package io.ualwatch.detect.rules;

import io.ualwatch.detect.AlertLedger;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.RuleInfo;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.alert.Alert;

/** The common part of an alert about a user, built from the record that triggered it. */
final class UserAlerts {
  private UserAlerts() {}

  static Alert base(String id, RuleInfo info, String key, long bucket, AuditEvent e, DetectionSettings s) {
    Alert a = Drafts.start(id, info, s.bucketStart(bucket));
    a.tenantId = e.tenantId;
    long t = e.eventTime.toEpochMilli();
    a.time = t;
    a.firstSeen = t;
    a.lastSeen = t;
    a.user = e.actor;
    a.mailbox = e.mailboxOwner;
    a.appId = e.effectiveClientApp();
    a.appName = e.clientAppName != null ? e.clientAppName : s.apps().name(a.appId);
    a.appFirstParty = a.appId == null ? null : s.apps().isFirstParty(a.appId);
    a.tokenId = e.uniqueTokenId;
    a.sessionId = e.aadSessionId;
    a.source = AlertLedger.endpointOf(e);
    a.endpoints.add(a.source);
    a.entities.put("tenant", e.tenantId);
    a.entities.put("user", e.actor);
    a.facts.put("firstOperation", e.isSignIn() ? "sign-in" : "mail access");
    return a;
  }
}
