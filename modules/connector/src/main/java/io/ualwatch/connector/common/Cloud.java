package io.ualwatch.connector.common;

import java.util.Locale;

/**
 * Per-cloud endpoint presets. API root, token authority and resource are independent settings; a preset only
 * fills the ones left empty.
 */
public enum Cloud {
  COMMERCIAL("commercial", "https://manage.office.com", "https://login.microsoftonline.com",
      "https://manage.office.com", "https://graph.microsoft.com"),
  GCC("gcc", "https://manage-gcc.office.com", "https://login.microsoftonline.com",
      "https://manage-gcc.office.com", "https://graph.microsoft.com"),
  GCC_HIGH("gcc-high", "https://manage.office365.us", "https://login.microsoftonline.us",
      "https://manage.office365.us", "https://graph.microsoft.us"),
  DOD("dod", "https://manage.protection.apps.mil", "https://login.microsoftonline.us",
      "https://manage.protection.apps.mil", "https://dod-graph.microsoft.us");

  public final String key;
  public final String managementRoot;
  public final String authority;
  public final String managementResource;
  public final String graphRoot;

  Cloud(String key, String managementRoot, String authority, String managementResource, String graphRoot) {
    this.key = key;
    this.managementRoot = managementRoot;
    this.authority = authority;
    this.managementResource = managementResource;
    this.graphRoot = graphRoot;
  }

  public static Cloud of(String key) {
    for (Cloud c : values()) if (c.key.equals(key.toLowerCase(Locale.ROOT).strip())) return c;
    throw new IllegalArgumentException("unknown cloud '" + key + "'");
  }

  public static String[] keys() {
    Cloud[] v = values();
    String[] k = new String[v.length];
    for (int i = 0; i < v.length; i++) k[i] = v[i].key;
    return k;
  }
}
