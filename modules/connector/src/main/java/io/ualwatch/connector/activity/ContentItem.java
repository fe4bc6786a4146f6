package io.ualwatch.connector.activity;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** One entry of a content listing. */
record ContentItem(String contentType, String contentId, String contentUri, Instant contentCreated,
    Instant contentExpiration, String contentCreatedText) {

  static ContentItem of(JsonNode n) {
    String created = n.path("contentCreated").asText("");
    Instant c = parse(created);
    String exp = n.path("contentExpiration").asText("");
    Instant e = exp.isEmpty() ? (c == null ? null : c.plus(ActivityConfig.RETENTION)) : parse(exp);
    return new ContentItem(n.path("contentType").asText(""), n.path("contentId").asText(""),
        n.path("contentUri").asText(""), c, e, created);
  }

  /** ISO date-time with or without zone; the API's times are UTC. */
  static Instant parse(String s) {
    if (s == null || s.isEmpty()) return null;
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
