package io.ualwatch.model;

/** Classification of the network an address belongs to. */
public enum NetworkClass {
  /** Microsoft's own ASNs: service traffic acting for the user. */
  MICROSOFT,
  /** Datacenter / hosting / cloud ASN (not an eyeball network). */
  HOSTING,
  /** Commercial VPN provider. */
  VPN,
  /** Satellite or in-flight Wi-Fi egress with fixed geolocation. */
  SATELLITE,
  /** Corporate secure web gateway egress (Zscaler and similar). */
  CORPORATE_PROXY,
  /** Any other public network: ISPs, mobile carriers, enterprises. */
  OTHER,
  /** Private, loopback, link-local, documentation or otherwise non-routable. */
  PRIVATE,
  /** No ASN known for the address. */
  UNKNOWN
}
