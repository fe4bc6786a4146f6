package io.ualwatch.detect;

import io.ualwatch.model.AuditEvent;
import java.util.List;

/**
 * A keyed stage before the detector families that adds facts to events from state of a wider scope than
 * the detectors' own key (e.g. whether an app was ever seen in the tenant). Annotations feed severity only;
 * they never decide whether an alert exists, so alert ids stay independent of arrival order.
 */
public interface Annotator extends java.io.Serializable {
  String name();

  List<Slot<?>> slots();

  /** The key this event is annotated under, or null when the annotator does not apply. */
  String key(AuditEvent event);

  void annotate(String key, AuditEvent event, EntityStore store, DetectContext ctx);

  void onTimer(String key, long time, EntityStore store, DetectContext ctx);
}
