package io.ualwatch.siem;

import io.ualwatch.model.alert.AlertFormat;
import io.ualwatch.model.alert.Severity;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how alerts go to a syslog receiver. Built from the job's {@code alerts.syslog.*} options (see
 * docs/configuration.md); serializable so that a Flink sink can carry it.
 *
 * @param truststore PKCS#12 or JKS file of trusted certificates; empty = the JVM's default trust store
 * @param keystore PKCS#12 or JKS file with a client key for mutual TLS; empty = no client certificate
 * @param maxMessageBytes UDP datagrams are cut to this many bytes (RFC 5426 §3.2); TCP is not cut
 */
public record SyslogSettings(String host, int port, SyslogProtocol protocol, AlertFormat format,
    SyslogFacility facility, String hostname, String appName, Severity minSeverity, int maxMessageBytes,
    Duration connectTimeout, String truststore, String truststorePassword, String keystore,
    String keystorePassword, boolean verifyHostname) implements Serializable {

  public SyslogSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(facility, "facility");
    Objects.requireNonNull(minSeverity, "minSeverity");
    if (host.isBlank()) throw new IllegalArgumentException("syslog host is empty");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("syslog port out of range: " + port);
    if (maxMessageBytes < 480) throw new IllegalArgumentException("maxMessageBytes below the RFC 5426 minimum of 480");
    truststore = truststore == null ? "" : truststore;
    truststorePassword = truststorePassword == null ? "" : truststorePassword;
    keystore = keystore == null ? "" : keystore;
    keystorePassword = keystorePassword == null ? "" : keystorePassword;
    hostname = hostname == null ? "" : hostname;
    appName = appName == null || appName.isBlank() ? "ualwatch" : appName;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
  }

  /** Plain defaults for a receiver: CEF, local0, every severity, 8 KiB datagrams, hostname verified. */
  public static SyslogSettings of(String host, int port, SyslogProtocol protocol) {
    return new SyslogSettings(host, port, protocol, AlertFormat.CEF, SyslogFacility.LOCAL0, "", "ualwatch",
        Severity.INFORMATIONAL, 8192, Duration.ofSeconds(10), "", "", "", "", true);
  }

  public SyslogSettings withTrust(String truststore, String password, boolean verifyHostname) {
    return new SyslogSettings(host, port, protocol, format, facility, hostname, appName, minSeverity,
        maxMessageBytes, connectTimeout, truststore, password, keystore, keystorePassword, verifyHostname);
  }

  public SyslogSettings withFormat(AlertFormat f) {
    return new SyslogSettings(host, port, protocol, f, facility, hostname, appName, minSeverity,
        maxMessageBytes, connectTimeout, truststore, truststorePassword, keystore, keystorePassword, verifyHostname);
  }

  public SyslogSettings withMinSeverity(Severity s) {
    return new SyslogSettings(host, port, protocol, format, facility, hostname, appName, s,
        maxMessageBytes, connectTimeout, truststore, truststorePassword, keystore, keystorePassword, verifyHostname);
  }

  public SyslogSettings withMaxMessageBytes(int n) {
    return new SyslogSettings(host, port, protocol, format, facility, hostname, appName, minSeverity,
        n, connectTimeout, truststore, truststorePassword, keystore, keystorePassword, verifyHostname);
  }

  @Override
  public String toString() {
    return "syslog " + protocol.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "://" + host + ":"
        + port + " (" + format.label() + ")";
  }
}
