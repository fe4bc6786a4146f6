package io.ualwatch.connector.common;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests and retries what is transient: throttling (HTTP 429, or 403 whose body code is AF429),
 * server errors (5xx, AF50000) and I/O errors, backing off exponentially with jitter and honouring
 * {@code Retry-After}. Everything else is returned to the caller. After {@code maxAttempts} transient
 * failures in a row it throws {@link RetriableException}: Connect then polls again and the task resumes where
 * it was.
 */
public final class HttpCaller {
  private static final Logger log = LoggerFactory.getLogger(HttpCaller.class);

  private final HttpClient client;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Sleeper sleeper;
  private final ServerClock clock;
  private final TaskMetrics metrics;

  public HttpCaller(HttpClient client, Backoff backoff, int maxAttempts, Sleeper sleeper, ServerClock clock,
      TaskMetrics metrics) {
    this.client = client;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.sleeper = sleeper;
    this.clock = clock;
    this.metrics = metrics;
  }

  public static HttpClient newClient(Duration connectTimeout) {
    return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  public ServerClock clock() {
    return clock;
  }

  /** True for throttling answers: 429, or 403 carrying AF429. */
  public static boolean throttled(Response r) {
    return r.status() == 429 || (r.status() == 403 && "AF429".equals(r.errorCode()));
  }

  public static boolean serverError(Response r) {
    return r.status() >= 500 || "AF50000".equals(r.errorCode());
  }

  /**
   * @param request builds the request anew for each attempt (a token may change between attempts)
   * @param what a short description for logs, e.g. "content listing Audit.Exchange"; must not hold secrets
   */
  public Response send(Supplier<HttpRequest> request, String what) throws InterruptedException {
    int failures = 0;
    while (true) {
      if (sleeper.woken()) throw new RetriableException("task is stopping");
      HttpRequest req = request.get();
      Response r;
      Duration wait;
      String reason;
      try {
        HttpResponse<byte[]> hr = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        r = new Response(req.uri(), hr.statusCode(), hr.headers(), hr.body() == null ? new byte[0] : hr.body());
        clock.observe(hr.headers());
      } catch (IOException e) {
        metrics.request("io_error");
        failures++;
        reason = "I/O error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        if (failures >= maxAttempts) throw new RetriableException(what + " failed " + failures + " times; last: " + reason);
        wait = backoff.delay(failures, null);
        log.warn("{}: {}; retry {} in {} ms", what, reason, failures, wait.toMillis());
        sleeper.sleep(wait);
        continue;
      }
      if (throttled(r)) {
        metrics.request("throttled");
        metrics.throttles.increment();
        reason = "throttled (HTTP " + r.status() + " " + r.errorCode() + ")";
      } else if (serverError(r)) {
        metrics.request("server_error");
        reason = "server error (HTTP " + r.status() + (r.errorCode().isEmpty() ? "" : " " + r.errorCode()) + ")";
      } else {
        metrics.request(r.ok() ? "ok" : r.status() == 401 ? "unauthorized" : "client_error");
        return r;
      }
      failures++;
      if (failures >= maxAttempts) {
        throw new RetriableException(what + " failed " + failures + " times in a row; last: " + reason);
      }
      wait = backoff.delay(failures, r.retryAfter(clock.localNow()).orElse(null));
      log.warn("{}: {}; retry {} in {} ms{}", what, reason, failures, wait.toMillis(),
          r.header("Retry-After").map(v -> " (Retry-After: " + v + ")").orElse(""));
      sleeper.sleep(wait);
    }
  }

  /** A GET with a bearer token. */
  public static HttpRequest get(URI uri, String bearer, Duration timeout) {
    return HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + bearer)
        .header("Accept", "application/json").GET().build();
  }
}
