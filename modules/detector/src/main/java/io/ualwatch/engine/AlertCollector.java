package io.ualwatch.engine;

import io.ualwatch.model.alert.Alert;
import io.ualwatch.model.alert.AlertStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Folds the alert stream (new, updated, withdrawn revisions) into the latest revision per id — what a SIEM
 * that upserts by id, or a compacted topic, ends up holding.
 */
public final class AlertCollector implements Consumer<Alert> {
  private final Map<String, Alert> latest = new LinkedHashMap<>();
  private long revisions;

  @Override
  public synchronized void accept(Alert a) {
    revisions++;
    Alert prev = latest.get(a.id);
    if (prev == null || a.revision >= prev.revision) latest.put(a.id, a);
  }

  /** Latest revision of every alert that is not withdrawn, ordered by time then id. */
  public synchronized List<Alert> active() {
    List<Alert> l = new ArrayList<>();
    for (Alert a : latest.values()) if (a.status != AlertStatus.WITHDRAWN) l.add(a);
    l.sort(Comparator.comparingLong((Alert a) -> a.time).thenComparing(a -> a.id));
    return l;
  }

  public synchronized List<Alert> all() {
    List<Alert> l = new ArrayList<>(latest.values());
    l.sort(Comparator.comparingLong((Alert a) -> a.time).thenComparing(a -> a.id));
    return l;
  }

  public synchronized long revisions() {
    return revisions;
  }
}
