package io.ualwatch.siem;

/** RFC 5424 §6.2.1 facilities, numeric code = ordinal. */
public enum SyslogFacility {
  KERN, USER, MAIL, DAEMON, AUTH, SYSLOG, LPR, NEWS, UUCP, CRON, AUTHPRIV, FTP, NTP, AUDIT, ALERT, CLOCK,
  LOCAL0, LOCAL1, LOCAL2, LOCAL3, LOCAL4, LOCAL5, LOCAL6, LOCAL7;

  public int code() {
    return ordinal();
  }
}
