package io.ualwatch.enrich;

import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.Geo;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sets {@link AuditEvent#geo} from the client IP, with a small LRU cache (IPs repeat a lot). */
public final class Enricher {
  private final GeoResolver resolver;
  private final Map<String, Geo> cache;

  public Enricher(GeoResolver resolver) {
    this.resolver = resolver;
    this.cache = new LinkedHashMap<>(4096, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Geo> eldest) {
        return size() > 50_000;
      }
    };
  }

  public void enrich(AuditEvent e) {
    if (e.clientIp == null) return;
    Geo g = cache.get(e.clientIp);
    if (g == null) {
      g = resolver.resolve(e.clientIp);
      cache.put(e.clientIp, g);
    }
    e.geo = g;
  }

  public GeoResolver resolver() {
    return resolver;
  }
}
