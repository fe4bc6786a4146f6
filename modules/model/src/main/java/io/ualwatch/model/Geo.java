package io.ualwatch.model;

import java.util.Objects;

/**
 * Where an IP address is and whose network it is. Filled by the enricher from the geo and ASN databases.
 * A private, loopback or unknown address has {@link #located} false and no coordinates: "no location", never
 * a location.
 */
public class Geo {
  /** ISO 3166-1 alpha-2 country code, upper case. */
  public String country;
  public String region;
  public String city;
  public Double latitude;
  public Double longitude;
  /** Autonomous system number, or null when unknown. */
  public Long asn;
  /** Autonomous system organization. */
  public String asOrg;
  /** Network class: see {@link NetworkClass}. */
  public NetworkClass network;
  /** True when the address has usable coordinates and a country. */
  public boolean located;

  public Geo() {}

  /** A Microsoft-owned address (Exchange/Outlook mobile service traffic): never travel, never a new network. */
  public boolean isMicrosoft() {
    return network == NetworkClass.MICROSOFT;
  }

  public boolean isHostingOrVpn() {
    return network == NetworkClass.HOSTING || network == NetworkClass.VPN;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Geo g)) return false;
    return located == g.located && Objects.equals(country, g.country) && Objects.equals(region, g.region)
        && Objects.equals(city, g.city) && Objects.equals(latitude, g.latitude)
        && Objects.equals(longitude, g.longitude) && Objects.equals(asn, g.asn)
        && Objects.equals(asOrg, g.asOrg) && network == g.network;
  }

  @Override
  public int hashCode() {
    return Objects.hash(country, city, asn, network);
  }

  @Override
  public String toString() {
    return (country == null ? "-" : country) + (city == null ? "" : "/" + city)
        + (asn == null ? "" : " AS" + asn + (asOrg == null ? "" : " " + asOrg)) + " " + network;
  }
}
