package io.ualwatch.connector.common;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.function.Function;

/**
 * Authorized calls to one API origin: refuses any URI outside the configured origin before a token is
 * attached (NextPageUri, contentUri, @odata.nextLink all pass through here), and on a 401 refreshes the token
 * once and retries.
 */
public final class AuthorizedApi {
  private final HttpCaller http;
  private final TokenProvider tokens;
  private final ApiOrigin origin;
  private final Duration timeout;
  private final TaskMetrics metrics;

  public AuthorizedApi(HttpCaller http, TokenProvider tokens, ApiOrigin origin, Duration timeout, TaskMetrics metrics) {
    this.http = http;
    this.tokens = tokens;
    this.origin = origin;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  public ApiOrigin origin() {
    return origin;
  }

  public HttpCaller http() {
    return http;
  }

  public Response get(URI uri, String what) throws InterruptedException {
    return call(uri, what, tok -> HttpCaller.get(uri, tok, timeout));
  }

  public Response post(URI uri, String what) throws InterruptedException {
    return call(uri, what, tok -> HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + tok)
        .header("Accept", "application/json").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("")).build());
  }

  private Response call(URI uri, String what, Function<String, HttpRequest> build) throws InterruptedException {
    if (!origin.matches(uri)) {
      metrics.request("refused");
      throw new ApiException(0, "foreign-host", what + ": refusing to send the API token to " + hostOf(uri)
          + ", which is not the configured API origin " + origin + ". The API returned a link to another host; "
          + "if this is legitimate, point the API root setting at that host.");
    }
    String tok = tokens.token();
    Response r = http.send(() -> build.apply(tok), what);
    if (r.status() == 401 && !r.errorCode().startsWith("AF")) {
      // An expired or revoked token: refresh once and retry. AF codes (e.g. AF20010) are config errors.
      tokens.invalidate();
      String fresh = tokens.token();
      r = http.send(() -> build.apply(fresh), what);
      if (r.status() == 401) {
        throw new ApiException(401, r.errorCode(), what + ": the API rejected a freshly issued token (HTTP 401 "
            + r.errorCode() + ": " + r.errorMessage() + "). Check that the token resource/scope matches the API "
            + "root (auth.resource) and the app's permissions.");
      }
    }
    return r;
  }

  private static String hostOf(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
  }
}
