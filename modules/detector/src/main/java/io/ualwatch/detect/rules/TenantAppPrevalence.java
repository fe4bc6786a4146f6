package io.ualwatch.detect.rules;

import io.ualwatch.detect.Annotator;
import io.ualwatch.detect.Codecs;
import io.ualwatch.detect.DetectContext;
import io.ualwatch.detect.DetectionSettings;
import io.ualwatch.detect.EntityStore;
import io.ualwatch.detect.Slot;
import io.ualwatch.detect.Spans;
import io.ualwatch.model.AuditEvent;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Tenant-wide first sight of a client app reading mail (key: tenant + app). Marks a mail access whose app
 * read no mailbox of the tenant on any earlier day of the retention window; mailbox-new-client-app raises
 * its severity for such apps.
 */
public final class TenantAppPrevalence implements Annotator {
  public static final String ATTR_NEW_IN_TENANT = "app.newInTenant";
  static final Slot<Spans> DAYS = new Slot<>("tenant-app-days", Codecs.SPANS);

  @Override
  public String name() {
    return "tenant-app";
  }

  @Override
  public List<Slot<?>> slots() {
    return List.of(DAYS);
  }

  @Override
  public String key(AuditEvent e) {
    String app = e.effectiveClientApp();
    return app != null && e.isMailAccess() && e.eventTime != null ? e.tenantId + "|" + app : null;
  }

  @Override
  public void annotate(String key, AuditEvent e, EntityStore store, DetectContext ctx) {
    long t = e.eventTime.toEpochMilli();
    int day = DetectionSettings.dayOf(t);
    Spans days = store.get(DAYS, "");
    if (days == null) days = new Spans();
    boolean seenBefore = days.anyIn(day - ctx.settings().retentionDays(), day - 1);
    if (days.add(day, t)) store.put(DAYS, "", days);
    if (!seenBefore) {
      if (e.attributes == null) e.attributes = new LinkedHashMap<>();
      e.attributes.put(ATTR_NEW_IN_TENANT, "true");
    }
    ctx.registerExpiry((day + 1L) * DetectionSettings.DAY + ctx.settings().retentionMs(),
        ctx.settings().retentionMs());
  }

  @Override
  public void onTimer(String key, long time, EntityStore store, DetectContext ctx) {
    Spans days = store.get(DAYS, "");
    if (days == null) return;
    if (days.latest() < time - ctx.settings().retentionMs()) {
      store.clear();
      return;
    }
    long now = Math.min(time, days.latest() + DetectionSettings.DAY);
    int cutoff = DetectionSettings.dayOf(now - ctx.settings().retentionMs());
    days.pruneBefore(cutoff);
    if (days.isEmpty()) store.clear();
    else store.put(DAYS, "", days);
  }
}
