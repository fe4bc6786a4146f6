package io.ualwatch.model.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Reads the fields people look at from an alert as it is on the alerts topic (OCSF 1.3 Detection Finding, as
 * written by {@link OcsfFormatter}). OCSF 1.3 has no top-level actor or source endpoint on a Detection Finding:
 * they live in {@code evidences[]}, with copies in {@code unmapped}. Every reader of the topic (watch, console,
 * reports) goes through here, so a schema change is made once.
 */
public final class OcsfView {
  private OcsfView() {}

  public static String id(JsonNode a) {
    return a.path("finding_info").path("uid").asText();
  }

  public static String rule(JsonNode a) {
    return a.path("finding_info").path("analytic").path("uid").asText();
  }

  public static int revision(JsonNode a) {
    return a.path("unmapped").path("revision").asInt();
  }

  /** NEW, UPDATED, WITHDRAWN or CLOSED. */
  public static String status(JsonNode a) {
    return a.path("unmapped").path("alert_status").asText();
  }

  /** The user (UPN) the alert is about, or null. */
  public static String user(JsonNode a) {
    String u = a.path("unmapped").path("user").asText(null);
    if (u == null) u = firstActor(a).path("user").path("name").asText(null);
    return u;
  }

  public static String mailbox(JsonNode a) {
    return a.path("unmapped").path("mailbox").asText(null);
  }

  /** Who to show: the user, else the mailbox, else "-". */
  public static String who(JsonNode a) {
    String u = user(a);
    if (u == null) u = mailbox(a);
    return u == null ? "-" : u;
  }

  public static String appId(JsonNode a) {
    String id = a.path("unmapped").path("app_id").asText(null);
    return id != null ? id : firstActor(a).path("app_uid").asText(null);
  }

  public static String appName(JsonNode a) {
    String n = firstActor(a).path("app_name").asText(null);
    return n != null ? n : appId(a);
  }

  /** The source endpoint of the triggering record (the last evidence's src_endpoint), or a missing node. */
  public static JsonNode source(JsonNode a) {
    JsonNode ev = a.path("evidences");
    for (int i = ev.size() - 1; i >= 0; i--) {
      JsonNode s = ev.get(i).path("src_endpoint");
      if (!s.isMissingNode()) return s;
    }
    return MissingNode.getInstance();
  }

  private static JsonNode firstActor(JsonNode a) {
    for (JsonNode ev : a.path("evidences")) {
      JsonNode actor = ev.path("actor");
      if (!actor.isMissingNode()) return actor;
    }
    return MissingNode.getInstance();
  }
}
