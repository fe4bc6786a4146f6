package io.ualwatch.connector.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 client-credentials tokens from the Entra token endpoint (v1 with {@code resource=}, or v2 with
 * {@code scope=<resource>/.default}), cached and refreshed {@code refreshMargin} before expiry. The secret or
 * assertion goes only to the token endpoint; neither appears in logs or exception messages.
 */
public final class TokenProvider {
  private static final Logger log = LoggerFactory.getLogger(TokenProvider.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpCaller http;
  private final URI tokenUrl;
  private final String clientId;
  private final ClientCredential credential;
  private final String resource;
  private final boolean v2;
  private final Duration refreshMargin;
  private final Duration timeout;
  private String token;
  private Instant refreshAt = Instant.MIN;
  private Consumer<String> firstTokenCheck;

  public TokenProvider(HttpCaller http, String authority, String tenant, String clientId,
      ClientCredential credential, String resource, boolean v2, Duration refreshMargin, Duration timeout) {
    this.http = http;
    this.tokenUrl = URI.create(strip(authority) + "/" + tenant + (v2 ? "/oauth2/v2.0/token" : "/oauth2/token"));
    this.clientId = clientId;
    this.credential = credential;
    this.resource = strip(resource);
    this.v2 = v2;
    this.refreshMargin = refreshMargin;
    this.timeout = timeout;
  }

  /**
   * Runs {@code check} once, with the first token obtained (e.g. {@link PermissionCheck}). The check must not log
   * the token; if it throws, the task goes on (the exception is logged by class name only).
   */
  public synchronized TokenProvider onFirstToken(Consumer<String> check) {
    this.firstTokenCheck = check;
    return this;
  }

  public URI tokenUrl() {
    return tokenUrl;
  }

  /** A valid token, fetching a new one when none is cached or the cached one is near expiry. */
  public synchronized String token() throws InterruptedException {
    Instant now = http.clock().localNow();
    if (token == null || !now.isBefore(refreshAt)) fetch();
    return token;
  }

  /** Drops the cached token (after a 401) so the next {@link #token()} fetches a fresh one. */
  public synchronized void invalidate() {
    token = null;
  }

  private void fetch() throws InterruptedException {
    Response r = http.send(() -> {
      String form = "grant_type=client_credentials&client_id=" + FormEncoding.encode(clientId) + "&"
          + (v2 ? "scope=" + FormEncoding.encode(resource + "/.default") : "resource=" + FormEncoding.encode(resource))
          + "&" + credential.formFields(clientId, tokenUrl.toString(), http.clock().localNow());
      return HttpRequest.newBuilder(tokenUrl).timeout(timeout)
          .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }, "token request to " + tokenUrl);
    if (!r.ok()) {
      String desc = r.errorMessage();
      throw new ApiException(r.status(), r.errorCode(), "the token endpoint " + tokenUrl + " refused client "
          + clientId + " (HTTP " + r.status() + " " + r.errorCode() + "): " + desc + ". Check auth.client.id, the "
          + "secret or certificate, the tenant id and that the app is consented in the tenant.");
    }
    JsonNode n;
    try {
      n = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new ApiException(r.status(), "", "the token endpoint " + tokenUrl + " answered with something other than JSON");
    }
    String t = n.path("access_token").asText("");
    if (t.isEmpty()) throw new ApiException(r.status(), "", "the token endpoint " + tokenUrl + " sent no access_token");
    long expiresIn = n.path("expires_in").asLong(3599);
    Instant now = http.clock().localNow();
    Duration life = Duration.ofSeconds(expiresIn);
    // Refresh refreshMargin before expiry, but never later than half-way through a short-lived token.
    Duration margin = refreshMargin.compareTo(life.dividedBy(2)) > 0 ? life.dividedBy(2) : refreshMargin;
    token = t;
    refreshAt = now.plus(life).minus(margin);
    log.debug("token for {} obtained, valid {} s", resource, expiresIn);
    Consumer<String> check = firstTokenCheck;
    firstTokenCheck = null;
    if (check != null) {
      try {
        check.accept(t);
      } catch (RuntimeException e) {
        log.debug("the check of the first token for {} failed ({}); ignored", resource, e.getClass().getName());
      }
    }
  }

  private static String strip(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
