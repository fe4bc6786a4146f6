package io.ualwatch.connector.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** A bounded insertion-ordered set of recently seen ids: {@link #add} says whether the id was new. */
public final class RecentIds {
  private final LinkedHashMap<String, Boolean> ids;

  public RecentIds(int capacity) {
    this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
        return size() > capacity;
      }
    };
  }

  /** True when the id was not among the recent ones. */
  public boolean add(String id) {
    return ids.put(id, Boolean.TRUE) == null;
  }

  public int size() {
    return ids.size();
  }
}
