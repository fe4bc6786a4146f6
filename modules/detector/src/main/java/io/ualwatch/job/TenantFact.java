package io.ualwatch.job;

/** "Tenant t had sign-ins in hour h": broadcast to detector operators. POJO for Flink. */
public class TenantFact {
  public String tenant;
  public int hour;

  public TenantFact() {}

  public TenantFact(String tenant, int hour) {
    this.tenant = tenant;
    this.hour = hour;
  }
}
