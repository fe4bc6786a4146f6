package io.ualwatch.connector;

/** The connector plugin's version, as Connect reports it. */
public final class Version {
  public static final String VERSION;

  static {
    String v = Version.class.getPackage().getImplementationVersion();
    VERSION = v == null ? "0.1.0-SNAPSHOT" : v;
  }

  private Version() {}
}
