package io.ualwatch.testkit.emulator;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Set;

/**
 * An app registration the emulator's token endpoint accepts: a client id with a secret and/or a certificate
 * (JWT client assertions are verified against its public key and SHA-1 thumbprint), and the application
 * permissions consented for it.
 */
public record AppRegistration(String clientId, String secret, X509Certificate certificate, Set<String> roles) {
  public static final Set<String> ALL_ROLES = Set.of("ActivityFeed.Read", "AuditLog.Read.All");

  public AppRegistration {
    Objects.requireNonNull(clientId, "clientId");
    if (secret == null && certificate == null) throw new IllegalArgumentException("a secret or a certificate");
    roles = Set.copyOf(roles);
  }

  public static AppRegistration withSecret(String clientId, String secret) {
    return new AppRegistration(clientId, secret, null, ALL_ROLES);
  }

  public static AppRegistration withCertificate(String clientId, X509Certificate certificate) {
    return new AppRegistration(clientId, null, certificate, ALL_ROLES);
  }

  public AppRegistration roles(String... roles) {
    return new AppRegistration(clientId, secret, certificate, Set.of(roles));
  }
}
