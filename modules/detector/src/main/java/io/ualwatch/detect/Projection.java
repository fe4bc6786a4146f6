package io.ualwatch.detect;

import io.ualwatch.model.AuditEvent;

/**
 * "Project once": the fields of a parsed record that nothing after parsing reads (enrichment, de-duplication, the
 * tenant facts, every detector and the evidence they keep) are dropped once, right after parsing, so that they do
 * not travel through every shuffle of the job (MailItemsAccessed item and folder ids, user agents, raw text). The
 * job and the local engine drop the same fields, so hunt, replay and live see the same events.
 * {@code ProjectionTest} runs every rule over a generated tenant with and without the projection and compares the
 * alerts whole: a detector that starts reading a dropped field fails it.
 */
public final class Projection {
  private Projection() {}

  /** Drops the fields detection does not read from {@code e} (in place) and returns it. */
  public static AuditEvent forDetection(AuditEvent e) {
    e.raw = null;
    e.origin = null;
    e.format = null;
    e.shape = null;
    e.workload = null;
    e.resultStatus = null;
    e.actorObjectId = null;
    e.mailboxGuid = null;
    e.clientIpRaw = null;
    e.clientInfo = null;
    e.userAgent = null;
    e.exchangeSessionId = null;
    e.tokenTenantId = null;
    e.itemIds = null;
    e.resourceId = null;
    e.requestType = null;
    return e;
  }
}
