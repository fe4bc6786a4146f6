package io.ualwatch.siem;

/** Syslog transports. */
public enum SyslogProtocol {
  /** RFC 5425: TLS over TCP, octet-counting framing (default port 6514). */
  TCP_TLS,
  /** RFC 6587 §3.4.1: plain TCP, octet-counting framing. */
  TCP,
  /** RFC 5426: one message per datagram, cut to the configured maximum size. */
  UDP
}
