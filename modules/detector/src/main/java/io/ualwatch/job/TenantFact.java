package io.ualwatch.job;

/**
 * What is broadcast to the detector operators (POJO for Flink): a tenant fact ("tenant t had sign-ins in
 * hour h", or, when {@link #app} is set, "app a read mail of some mailbox of tenant t on day d"), or, when
 * {@link #controlKey} is set, a live configuration change from the control topic
 * ({@link #controlValue} null = revert the key to the job's configuration).
 */
public class TenantFact {
  public String tenant;
  public int hour;
  /** Set for an app-day fact: the client app that read mail on {@link #day}. */
  public String app;
  /** Day (since epoch) of an app-day fact. */
  public int day;
  /** Set for a control change: the option key. */
  public String controlKey;
  /** The new value (text), null to revert. */
  public String controlValue;
  /** Where the control record came from (topic/partition@offset), for logs and dead letters. */
  public String controlOrigin;

  public TenantFact() {}

  public TenantFact(String tenant, int hour) {
    this.tenant = tenant;
    this.hour = hour;
  }

  /** App {@code app} read mail in tenant {@code tenant} on {@code day}. */
  public static TenantFact appDay(String tenant, String app, int day) {
    TenantFact f = new TenantFact();
    f.tenant = tenant;
    f.app = app;
    f.day = day;
    return f;
  }

  public boolean isAppDay() {
    return app != null;
  }

  /** A configuration change. */
  public static TenantFact control(String key, String value, String origin) {
    TenantFact f = new TenantFact();
    f.controlKey = key;
    f.controlValue = value;
    f.controlOrigin = origin;
    return f;
  }

  public boolean isControl() {
    return controlKey != null;
  }
}
