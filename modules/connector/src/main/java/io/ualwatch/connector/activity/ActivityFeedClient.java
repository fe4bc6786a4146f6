package io.ualwatch.connector.activity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.connector.common.ApiException;
import io.ualwatch.connector.common.AuthorizedApi;
import io.ualwatch.connector.common.FormEncoding;
import io.ualwatch.connector.common.Response;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Management Activity API calls of one (tenant, content type). */
final class ActivityFeedClient {
  private static final Logger log = LoggerFactory.getLogger(ActivityFeedClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final DateTimeFormatter API_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
  /** Header names for the next page, looked up case-insensitively; the docs use both spellings. */
  static final List<String> NEXT_PAGE_HEADERS = List.of("NextPageUri", "NextPageUrl");

  private final AuthorizedApi api;
  private final String base;
  private final String tenant;
  private final String contentType;
  private final String publisher;

  /** The listing asked for a content type without a subscription (AF20022). */
  static final class NoSubscription extends Exception {
    NoSubscription() {
      super(null, null, false, false);
    }
  }

  /** The result of a blob fetch. */
  sealed interface Blob {}

  record Body(byte[] bytes) implements Blob {}

  /** AF20051 (expired), AF20050 (does not exist), AF20052 (invalid id): skipped and counted. */
  record Unavailable(String code, String message) implements Blob {}

  ActivityFeedClient(AuthorizedApi api, String apiRoot, String tenant, String contentType, String publisher) {
    this.api = api;
    this.base = apiRoot + "/api/v1.0/" + tenant + "/activity/feed/";
    this.tenant = tenant;
    this.contentType = contentType;
    this.publisher = publisher;
  }

  private String pub() {
    return "PublisherIdentifier=" + FormEncoding.query(publisher);
  }

  /** Makes sure the subscription is enabled: already enabled and AF20024 both count as success. */
  void ensureSubscription(boolean start) throws InterruptedException {
    Response r = api.get(URI.create(base + "subscriptions/list?" + pub()), "subscriptions/list");
    if (!r.ok()) throw ErrorCodes.fatal(r, "listing subscriptions", tenant, contentType);
    try {
      for (JsonNode s : JSON.readTree(r.body())) {
        if (contentType.equals(s.path("contentType").asText()) && "enabled".equalsIgnoreCase(s.path("status").asText())) {
          return;
        }
      }
    } catch (IOException e) {
      throw new ApiException(r.status(), "", "subscriptions/list answered with something other than JSON");
    }
    if (!start) {
      throw new ApiException(400, "AF20022", "the subscription for " + contentType + " in tenant " + tenant
          + " is not enabled and subscriptions.start=false: start it, or set subscriptions.start=true");
    }
    startSubscription();
  }

  void startSubscription() throws InterruptedException {
    Response r = api.post(URI.create(base + "subscriptions/start?contentType=" + FormEncoding.query(contentType)
        + "&" + pub()), "subscriptions/start " + contentType);
    if (r.ok() || "AF20024".equals(r.errorCode())) {
      log.info("subscription {} for tenant {} is enabled{}", contentType, tenant,
          r.ok() ? " (started; first content can take up to 12 h)" : "");
      return;
    }
    throw ErrorCodes.fatal(r, "starting the subscription " + contentType, tenant, contentType);
  }

  /** Lists the window completely, following every NextPageUri. */
  List<ContentItem> list(Instant start, Instant end) throws InterruptedException, NoSubscription {
    URI first = URI.create(base + "subscriptions/content?contentType=" + FormEncoding.query(contentType)
        + "&startTime=" + API_TIME.format(start) + "&endTime=" + API_TIME.format(end) + "&" + pub());
    int restarts = 0;
    restart:
    while (true) {
      List<ContentItem> items = new ArrayList<>();
      URI uri = first;
      int page = 0;
      while (uri != null) {
        page++;
        Response r = api.get(uri, "content listing " + contentType + " page " + page);
        if (!r.ok()) {
          String code = r.errorCode();
          if ("AF20022".equals(code)) throw new NoSubscription();
          if ("AF20031".equals(code) && restarts++ < 3) {
            log.warn("content listing {} for tenant {}: invalid nextPage (AF20031); listing the window again",
                contentType, tenant);
            continue restart;
          }
          throw ErrorCodes.fatal(r, "content listing " + contentType, tenant, contentType);
        }
        try {
          JsonNode arr = JSON.readTree(r.body());
          if (!arr.isArray()) throw new ApiException(r.status(), "", "content listing did not answer a JSON array");
          for (JsonNode n : arr) items.add(ContentItem.of(n));
        } catch (IOException e) {
          throw new ApiException(r.status(), "", "content listing answered with something other than JSON");
        }
        uri = nextPage(r).orElse(null);
      }
      return items;
    }
  }

  private Optional<URI> nextPage(Response r) {
    for (String h : NEXT_PAGE_HEADERS) {
      Optional<String> v = r.header(h); // java.net.http headers are case-insensitive
      if (v.isPresent() && !v.get().isBlank()) {
        String s = v.get().strip();
        if (!s.contains("PublisherIdentifier=")) s += (s.contains("?") ? "&" : "?") + pub();
        return Optional.of(URI.create(s));
      }
    }
    return Optional.empty();
  }

  Blob fetch(ContentItem item) throws InterruptedException {
    String u = item.contentUri();
    URI uri = URI.create(u + (u.contains("?") ? "&" : "?") + pub());
    Response r = api.get(uri, "blob fetch " + contentType);
    if (r.ok()) return new Body(r.body());
    String code = r.errorCode();
    if (code.equals("AF20051") || code.equals("AF20050") || code.equals("AF20052")) {
      return new Unavailable(code, r.errorMessage());
    }
    throw ErrorCodes.fatal(r, "fetching blob " + item.contentId(), tenant, contentType);
  }
}
