package io.ualwatch.connector.signin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.ualwatch.connector.Version;
import io.ualwatch.connector.common.ApiException;
import io.ualwatch.connector.common.AuthorizedApi;
import io.ualwatch.connector.common.FeedClockWriter;
import io.ualwatch.connector.common.FormEncoding;
import io.ualwatch.connector.common.HttpCaller;
import io.ualwatch.connector.common.IdHash;
import io.ualwatch.connector.common.PermissionCheck;
import io.ualwatch.connector.common.Response;
import io.ualwatch.connector.common.ServerClock;
import io.ualwatch.connector.common.Sleeper;
import io.ualwatch.connector.common.TaskMetrics;
import io.ualwatch.connector.common.TokenProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one (tenant, sign-in event type) from Graph {@code auditLogs/signIns}: windows over
 * {@code createdDateTime} that start {@code window.overlap.ms} before the cursor, paged with
 * {@code @odata.nextLink} (host-checked), de-duplicated by id against the ids already emitted in the overlap.
 *
 * <p>Offset: {@code cursor} (window end fully emitted) and {@code recent} (fingerprints of the ids with
 * createdDateTime in the last overlap before the cursor). The cursor moves with the last record of a window,
 * so a crash inside a window re-emits that window's records (at-least-once; keys are {@code tenant|id}).
 *
 * <p>Feed clock ({@link io.ualwatch.model.feed.FeedClock}): the stream is {@code signin|<tenant>|<eventType>}, named
 * in the header {@code ualwatch.stream} of every record; see {@link #clockPosition()} for the position its clock
 * records carry.
 */
public class EntraSignInSourceTask extends SourceTask {
  private static final Logger log = LoggerFactory.getLogger(EntraSignInSourceTask.class);
  static final String CONNECTOR_TAG = "entra-signins";

  private final Clock clock;
  private final Sleeper sleeper;
  private final MeterRegistry registry;

  private SignInConfig cfg;
  private String tenant;
  private String eventType;
  private Map<String, String> partition;
  private TaskMetrics metrics;
  private ServerClock serverClock;
  private AuthorizedApi api;
  private FeedClockWriter clocks;
  /** The cursor carried by the last record handed to Connect while {@link #pending} still holds records. */
  private Instant emittedCursor;

  private Instant cursor;
  private Set<String> recent = new LinkedHashSet<>();
  private final Deque<SourceRecord> pending = new ArrayDeque<>();
  private boolean positionDirty;
  private Instant lastHeartbeat = Instant.MIN;
  private Instant lastLiveListing;

  public EntraSignInSourceTask() {
    this(Clock.systemUTC(), Sleeper.real(), Metrics.globalRegistry);
  }

  public EntraSignInSourceTask(Clock clock, Sleeper sleeper, MeterRegistry registry) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.registry = registry;
  }

  @Override
  public String version() {
    return Version.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    cfg = new SignInConfig(props);
    tenant = cfg.taskTenant();
    eventType = cfg.taskStream();
    if (tenant.isEmpty() || eventType.isEmpty()) {
      throw new ConnectException("task started without task.tenant/task.stream; it must be started by its connector");
    }
    partition = Map.of("tenant", tenant, "signInEventType", eventType);
    metrics = new TaskMetrics(registry, CONNECTOR_TAG, tenant, eventType);
    clocks = new FeedClockWriter(streamName(tenant, eventType), cfg.topic(), cfg.clockPartitions(),
        cfg.clockInterval(), clock, metrics.clocks);
    serverClock = cfg.serverClock(clock);
    HttpCaller http = new HttpCaller(HttpCaller.newClient(cfg.connectTimeout()), cfg.backoff(), cfg.maxAttempts(),
        sleeper, serverClock, metrics);
    TokenProvider tokens = new TokenProvider(http, cfg.authority(), tenant, cfg.clientId(), cfg.credential(),
        cfg.resource(), cfg.tokenV2(), cfg.refreshMargin(), cfg.requestTimeout());
    PermissionCheck.Need need = cfg.permissionsNeeded();
    String who = tenant + " " + eventType;
    tokens.onFirstToken(token -> {
      PermissionCheck.Findings found = PermissionCheck.inspect(token, need);
      metrics.permissions(found);
      PermissionCheck.report(found, need, log, who);
    });
    api = new AuthorizedApi(http, tokens, cfg.graphOrigin(), cfg.requestTimeout(), metrics);
    Map<String, Object> off = context.offsetStorageReader().offset(partition);
    if (off == null || off.get("cursor") == null) {
      cursor = clock.instant().minus(cfg.startLookback()).truncatedTo(ChronoUnit.SECONDS);
      log.info("{} {}: no stored offset, starting at {}", tenant, eventType, cursor);
    } else {
      cursor = Instant.parse(off.get("cursor").toString());
      Object r = off.get("recent");
      if (r != null && !r.toString().isEmpty()) recent.addAll(Arrays.asList(r.toString().split(",")));
      log.info("{} {}: resuming at cursor {} with {} recent ids", tenant, eventType, cursor, recent.size());
    }
    emittedCursor = cursor;
  }

  /** The feed clock stream of a (tenant, sign-in event type): {@code signin|<tenant>|<eventType>}. */
  public static String streamName(String tenant, String eventType) {
    return "signin|" + tenant + "|" + eventType;
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    if (sleeper.woken()) return null;
    if (!pending.isEmpty()) return withClock(drain());
    Instant now = serverClock.earliestNow();
    metrics.windowLag(Math.max(0, Duration.between(cursor, now).toSeconds()));
    Instant limit = now.minus(cfg.windowEndLag()).truncatedTo(ChronoUnit.SECONDS);
    Instant full = cursor.plus(cfg.windowSize());
    Instant end = full.isBefore(limit) ? full : limit;
    boolean live = !full.isBefore(limit);
    if (!end.isAfter(cursor) || (live && lastLiveListing != null && lastLiveListing.plus(cfg.pollInterval()).isAfter(now))) {
      SourceRecord hb = heartbeat(true);
      if (hb != null) return withClock(List.of(hb));
      Duration wait = lastLiveListing == null ? cfg.pollInterval()
          : Duration.between(now, lastLiveListing.plus(cfg.pollInterval()));
      // Idle: wake up in time for the next clock record, so that a quiet stream still shows it is alive.
      sleeper.sleep(clocks.capSleep(wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait));
      return sleeper.woken() ? null : withClock(null);
    }
    Instant start = cursor.minus(cfg.overlap());
    List<SignInPage.Item> items = listWindow(start, end);
    if (live) lastLiveListing = now;
    Instant recentFrom = end.minus(cfg.overlap());
    Set<String> newRecent = new LinkedHashSet<>();
    Set<String> seen = new HashSet<>();
    List<SignInPage.Item> emit = new ArrayList<>();
    for (SignInPage.Item it : items) {
      String id = it.id() == null ? "sha256:" + IdHash.of(new String(it.json(), StandardCharsets.UTF_8)) : it.id();
      String h = IdHash.of(id);
      Instant created = parse(it.createdDateTime());
      // Remember ids in the next window's overlap; also any whose createdDateTime is unreadable or lies outside
      // the window asked for (the service filtered on a time the record does not show): re-listing must not re-emit.
      if (created == null || !created.isBefore(recentFrom) || created.isBefore(start) || !created.isBefore(end)) {
        newRecent.add(h);
      }
      if (!seen.add(h)) {
        metrics.duplicates.increment();
        continue;
      }
      if (recent.contains(h)) continue; // emitted by the previous window's overlap
      emit.add(it);
    }
    Map<String, Object> before = offset(cursor, recent);
    Map<String, Object> after = offset(end, newRecent);
    for (int i = 0; i < emit.size(); i++) {
      SignInPage.Item it = emit.get(i);
      pending.add(record(it, i == emit.size() - 1 ? after : before));
    }
    cursor = end;
    recent = newRecent;
    positionDirty = emit.isEmpty();
    if (!pending.isEmpty()) return withClock(drain());
    SourceRecord hb = heartbeat(false);
    return withClock(hb == null ? null : List.of(hb));
  }

  /** {@code out} followed by this stream's clock records when they are due. */
  private List<SourceRecord> withClock(List<SourceRecord> out) {
    return clocks.after(out, clockPosition());
  }

  /**
   * The feed clock position: the cursor of what has been handed to Connect (the end of the last window whose
   * records are all out; while a window's records are still pending, the cursor the last returned record carries)
   * minus {@code window.overlap.ms}. The next window starts there and may still bring sign-ins that showed up late
   * with a {@code createdDateTime} inside the overlap, so the stream cannot claim more than that; sign-ins that
   * show up later still are late records by their distance behind it.
   */
  private Instant clockPosition() {
    return (pending.isEmpty() ? cursor : emittedCursor).minus(cfg.overlap());
  }

  private List<SignInPage.Item> listWindow(Instant start, Instant end) throws InterruptedException {
    String filter = "createdDateTime ge " + start + " and createdDateTime lt " + end;
    if (cfg.graphVersion().equals("beta")) filter += " and signInEventTypes/any(t: t eq '" + eventType + "')";
    URI uri = URI.create(cfg.graphRoot() + "/" + cfg.graphVersion() + "/auditLogs/signIns?$filter="
        + FormEncoding.query(filter) + "&$top=" + cfg.pageSize());
    List<SignInPage.Item> all = new ArrayList<>();
    int page = 0;
    while (uri != null) {
      Response r = api.get(uri, "sign-ins " + eventType + " page " + (++page));
      if (!r.ok()) {
        throw new ApiException(r.status(), r.errorCode(), "Graph sign-ins for tenant " + tenant + " failed with HTTP "
            + r.status() + " " + r.errorCode() + " (" + r.errorMessage() + "). " + advice(r));
      }
      SignInPage p;
      try {
        p = SignInPage.parse(r.body());
      } catch (IOException e) {
        throw new ApiException(r.status(), "", "Graph sign-ins answered with an unreadable page: " + e.getMessage());
      }
      metrics.blobs.increment();
      all.addAll(p.items());
      uri = p.nextLink() == null ? null : URI.create(p.nextLink());
    }
    return all;
  }

  private static String advice(Response r) {
    if (r.status() == 403) {
      return "The app needs the AuditLog.Read.All application permission (admin-consented) and the tenant an Entra "
          + "ID P1/P2 licence.";
    }
    if (r.status() == 400) return "Check graph.api.version and signin.event.types (non-interactive types need beta).";
    return "";
  }

  private SourceRecord record(SignInPage.Item it, Map<String, Object> offset) {
    metrics.records.increment();
    metrics.bytes.increment(it.json().length);
    ConnectHeaders h = new ConnectHeaders();
    clocks.tag(h);
    h.addString("tenant", tenant);
    h.addString("signInEventType", eventType);
    if (it.createdDateTime() != null) h.addString("createdDateTime", it.createdDateTime());
    String id = it.id() == null ? "sha256:" + IdHash.of(new String(it.json(), StandardCharsets.UTF_8)) : it.id();
    return new SourceRecord(partition, offset, cfg.topic(), cfg.taskPartition(), Schema.STRING_SCHEMA, tenant + "|" + id,
        Schema.BYTES_SCHEMA, it.json(), null, h);
  }

  private static Map<String, Object> offset(Instant cursor, Set<String> recent) {
    return Map.of("v", 1, "cursor", cursor.toString(), "recent", String.join(",", recent));
  }

  private List<SourceRecord> drain() {
    int n = Math.min(pending.size(), cfg.pollMaxRecords());
    List<SourceRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(pending.poll());
    if (!pending.isEmpty()) emittedCursor = Instant.parse(out.get(n - 1).sourceOffset().get("cursor").toString());
    return out;
  }

  private SourceRecord heartbeat(boolean idle) {
    String topic = cfg.heartbeatTopic();
    if (topic.isEmpty() || !positionDirty) return null;
    Instant now = clock.instant();
    if (!idle && lastHeartbeat.plus(cfg.heartbeatInterval()).isAfter(now)) return null;
    lastHeartbeat = now;
    positionDirty = false;
    metrics.heartbeats.increment();
    String value = "{\"connector\":\"" + CONNECTOR_TAG + "\",\"tenant\":\"" + tenant + "\",\"stream\":\"" + eventType
        + "\",\"cursor\":\"" + cursor + "\",\"at\":\"" + now + "\"}";
    return new SourceRecord(partition, offset(cursor, recent), topic, null, Schema.STRING_SCHEMA,
        tenant + "|" + eventType, Schema.BYTES_SCHEMA, value.getBytes(StandardCharsets.UTF_8));
  }

  private static Instant parse(String s) {
    if (s == null) return null;
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(s + "Z");
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  @Override
  public void stop() {
    sleeper.wakeup();
    if (metrics != null) metrics.close();
  }
}
