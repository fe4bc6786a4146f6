package io.ualwatch.connector.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** A complete HTTP answer, with the API error code and message parsed out of an error body. */
public record Response(URI uri, int status, HttpHeaders headers, byte[] body) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /** Header value, matched case-insensitively. */
  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The error code: {@code error.code} (Management API and Graph), or {@code error} plus the AADSTS number
   * (token endpoint). Empty when there is none.
   */
  public String errorCode() {
    JsonNode e = errorNode();
    if (e == null) return "";
    if (e.isObject()) return e.path("code").asText("");
    if (e.isTextual()) {
      return e.asText();
    }
    return "";
  }

  /** The error message ({@code error.message} or {@code error_description}), shortened; never the request. */
  public String errorMessage() {
    JsonNode root = tree();
    if (root == null) return status + (body.length == 0 ? "" : " " + abbreviate(bodyText()));
    JsonNode e = root.get("error");
    String msg = e != null && e.isObject() ? e.path("message").asText("") : root.path("error_description").asText("");
    return abbreviate(msg.isEmpty() ? bodyText() : msg);
  }

  private JsonNode errorNode() {
    JsonNode root = tree();
    return root == null ? null : root.get("error");
  }

  private JsonNode tree() {
    if (body.length == 0 || body[0] != '{') return null;
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  /** Retry-After as delta-seconds or an HTTP date (relative to {@code now}); empty if absent or unreadable. */
  public Optional<Duration> retryAfter(Instant now) {
    Optional<String> v = header("Retry-After");
    if (v.isEmpty()) return Optional.empty();
    String s = v.get().strip();
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(s))));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (Exception e2) {
        return Optional.empty();
      }
    }
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }
}
