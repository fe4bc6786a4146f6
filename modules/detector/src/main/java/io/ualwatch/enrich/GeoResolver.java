package io.ualwatch.enrich;

import io.ualwatch.model.Geo;

/** Resolves a canonical IP address to its location and network. */
public interface GeoResolver {
  /** Never null: private/unknown addresses give a Geo with {@code located=false}. */
  Geo resolve(String canonicalIp);

  /** Attribution line to show wherever results are shown (licence requirement of the data). */
  default String attribution() {
    return "";
  }
}
