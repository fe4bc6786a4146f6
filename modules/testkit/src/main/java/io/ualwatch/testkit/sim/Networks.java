package io.ualwatch.testkit.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Real, routable networks the simulator draws addresses from, chosen so that the pinned DB-IP / ASN data
 * (see GeoData) classify them as stated. Addresses inside each block are derived from a seed, so the same
 * entity always gets the same address.
 */
public final class Networks {
  private Networks() {}

  /** A block: a printable /16-style prefix and how many host values to vary. */
  public record Net(String name, String country, long asn, String prefix, boolean v6) {
    /** A deterministic address in this network for a seed. */
    public String address(long seed) {
      SplittableRandom r = new SplittableRandom(seed ^ asn * 0x9E3779B97F4A7C15L);
      if (v6) {
        return prefix + Integer.toHexString(1 + r.nextInt(0xfffe)) + ":" + Integer.toHexString(1 + r.nextInt(0xfffe));
      }
      return prefix + (1 + r.nextInt(250));
    }
  }

  // Home broadband, per country (ISP eyeball networks)
  public static final Net US_HOME = new Net("Comcast", "US", 7922, "73.109.10.", false);              // Seattle
  /** Same ISP as US_HOME, geolocated 1,100 km away (Hayward, CA): one ISP's pools are placed far apart. */
  public static final Net US_HOME_FAR = new Net("Comcast (Hayward)", "US", 7922, "73.158.64.", false);
  public static final Net US_HOME_V6 = new Net("Comcast IPv6", "US", 7922, "2601:600:8a00::", true);
  public static final Net DE_HOME = new Net("Deutsche Telekom", "DE", 3320, "79.200.12.", false);
  public static final Net DE_HOME_V6 = new Net("Deutsche Telekom IPv6", "DE", 3320, "2003:e5:4f00::", true);
  public static final Net GB_HOME = new Net("BT", "GB", 2856, "86.150.20.", false);
  public static final Net FR_HOME = new Net("Orange", "FR", 3215, "90.3.40.", false);

  // Office egress per country
  public static final Net US_OFFICE = new Net("AT&T", "US", 7018, "12.129.10.", false);              // Seattle
  public static final Net DE_OFFICE = new Net("Deutsche Telekom business", "DE", 3320, "79.200.13.", false);
  public static final Net GB_OFFICE = new Net("BT business", "GB", 2856, "86.150.21.", false);
  public static final Net FR_OFFICE = new Net("Orange business", "FR", 3215, "90.3.41.", false);

  // Microsoft service addresses (Outlook mobile, Exchange acting for the user)
  public static final Net MICROSOFT = new Net("Microsoft", "US", 8075, "52.96.0.", false);

  // Microsoft service addresses in other countries (Exchange datacentres serving mobile clients)
  public static final Net MICROSOFT_AU = new Net("Microsoft AU", "AU", 8075, "52.98.10.", false);
  public static final Net MICROSOFT_GB = new Net("Microsoft GB", "GB", 8075, "52.97.130.", false);
  public static final Net MICROSOFT_HK = new Net("Microsoft HK", "HK", 8075, "52.114.5.", false);

  // Travel destination
  public static final Net JP_HOTEL = new Net("SoftBank", "JP", 17676, "126.200.30.", false);

  // Attacker infrastructure
  public static final Net DIGITALOCEAN_NL = new Net("DigitalOcean", "NL", 14061, "188.166.200.", false);
  public static final Net VULTR_JP = new Net("Vultr", "JP", 20473, "45.77.10.", false);
  public static final Net M247_VPN = new Net("M247 (NordVPN)", "US", 9009, "185.236.200.", false);

  // In-flight Wi-Fi (fixed geolocation wherever the aircraft is)
  public static final Net INTELSAT = new Net("Intelsat", "US", 22351, "64.88.224.", false);

  // Residential ISPs in the users' countries, 350-700 km from their homes and offices, on ASNs they never use
  // (an attacker's residential proxy: same country, no hosting network, no impossible travel)
  public static final Net US_FAR_ISP = new Net("CenturyLink (Spokane)", "US", 209, "71.32.10.", false);
  public static final Net DE_FAR_ISP = new Net("Vodafone (Reutlingen)", "DE", 3209, "91.89.10.", false);
  public static final Net GB_FAR_ISP = new Net("Virgin Media (Stockton-on-Tees)", "GB", 5089, "86.13.10.", false);
  public static final Net FR_FAR_ISP = new Net("SFR (Marseille)", "FR", 15557, "77.205.10.", false);

  // Cloud hosting where the tenant's integrations run
  public static final Net AWS_OREGON = new Net("Amazon AWS", "US", 16509, "34.210.10.", false);

  public static final List<Net> HOMES = List.of(US_HOME, US_HOME, US_HOME, DE_HOME, GB_HOME, FR_HOME);

  public static Net officeFor(String country) {
    return switch (country) {
      case "DE" -> DE_OFFICE;
      case "GB" -> GB_OFFICE;
      case "FR" -> FR_OFFICE;
      default -> US_OFFICE;
    };
  }

  /** A residential network far from a user's home and office, in the same country, on another ASN. */
  public static Net farIspFor(String country) {
    return switch (country) {
      case "DE" -> DE_FAR_ISP;
      case "GB" -> GB_FAR_ISP;
      case "FR" -> FR_FAR_ISP;
      default -> US_FAR_ISP;
    };
  }

  public static Net homeV6For(String country) {
    return "DE".equals(country) ? DE_HOME_V6 : US_HOME_V6;
  }
}
