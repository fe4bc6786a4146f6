package io.ualwatch.testkit.emulator;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * An app registration the emulator's token endpoint accepts: a client id with a secret and/or a certificate
 * (JWT client assertions are verified against its public key and SHA-1 thumbprint), and the application
 * permissions (app roles) admin-consented for it, per API: the roles on <em>Office 365 Management APIs</em> go
 * into tokens for {@code manage.office.com}, the roles on <em>Microsoft Graph</em> into tokens for Graph, as
 * Entra does (a token only carries the roles of its audience).
 *
 * <p>By default an app holds exactly what ualwatch needs: {@code ActivityFeed.Read} and {@code AuditLog.Read.All}.
 * Tests grant more with {@link #grant(String...)} or replace the set with {@link #roles(String...)}.
 */
public record AppRegistration(String clientId, String secret, X509Certificate certificate,
    Set<String> managementRoles, Set<String> graphRoles) {
  /** The application permissions of the Office 365 Management APIs resource; any other role name is Graph's. */
  public static final Set<String> MANAGEMENT_API_ROLES = Set.of("ActivityFeed.Read", "ActivityFeed.ReadDlp",
      "ServiceHealth.Read", "ActivityReports.Read", "ThreatIntelligence.Read");
  public static final Set<String> MANAGEMENT_DEFAULT = Set.of("ActivityFeed.Read");
  public static final Set<String> GRAPH_DEFAULT = Set.of("AuditLog.Read.All");
  /** What ualwatch needs, on both APIs (the default grant). */
  public static final Set<String> ALL_ROLES = Set.of("ActivityFeed.Read", "AuditLog.Read.All");

  public AppRegistration {
    Objects.requireNonNull(clientId, "clientId");
    if (secret == null && certificate == null) throw new IllegalArgumentException("a secret or a certificate");
    managementRoles = Set.copyOf(managementRoles);
    graphRoles = Set.copyOf(graphRoles);
  }

  public static AppRegistration withSecret(String clientId, String secret) {
    return new AppRegistration(clientId, secret, null, MANAGEMENT_DEFAULT, GRAPH_DEFAULT);
  }

  public static AppRegistration withCertificate(String clientId, X509Certificate certificate) {
    return new AppRegistration(clientId, null, certificate, MANAGEMENT_DEFAULT, GRAPH_DEFAULT);
  }

  /** Every role granted, on both APIs. */
  public Set<String> roles() {
    Set<String> all = new LinkedHashSet<>(managementRoles);
    all.addAll(graphRoles);
    return Set.copyOf(all);
  }

  /**
   * Exactly these roles and no others, each on the API it belongs to ({@link #MANAGEMENT_API_ROLES} on the
   * Management APIs, anything else on Graph). {@code roles()} with no argument: nothing consented.
   */
  public AppRegistration roles(String... roles) {
    Set<String> m = new LinkedHashSet<>();
    Set<String> g = new LinkedHashSet<>();
    for (String r : roles) (MANAGEMENT_API_ROLES.contains(r) ? m : g).add(r);
    return new AppRegistration(clientId, secret, certificate, m, g);
  }

  /** These roles in addition to the ones already granted, e.g. {@code grant("Mail.Read", "ActivityFeed.ReadDlp")}. */
  public AppRegistration grant(String... roles) {
    Set<String> all = new LinkedHashSet<>(roles());
    all.addAll(Arrays.asList(roles));
    return roles(all.toArray(String[]::new));
  }

  /** The roles a token for the Management APIs ({@code graph == false}) or for Graph carries. */
  public Set<String> rolesFor(boolean graph) {
    return graph ? graphRoles : managementRoles;
  }
}
