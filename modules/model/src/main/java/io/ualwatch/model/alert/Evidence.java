package io.ualwatch.model.alert;

import java.util.Objects;

/** One audit record that supports an alert. */
public class Evidence {
  public String recordId;
  public long time;
  public String operation;
  public String ip;
  public String country;
  public Long asn;
  public String detail;

  public Evidence() {}

  public Evidence(String recordId, long time, String operation, String ip, String country, Long asn, String detail) {
    this.recordId = recordId;
    this.time = time;
    this.operation = operation;
    this.ip = ip;
    this.country = country;
    this.asn = asn;
    this.detail = detail;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Evidence e && time == e.time && Objects.equals(recordId, e.recordId)
        && Objects.equals(operation, e.operation) && Objects.equals(ip, e.ip)
        && Objects.equals(country, e.country) && Objects.equals(asn, e.asn) && Objects.equals(detail, e.detail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(recordId, time);
  }
}
