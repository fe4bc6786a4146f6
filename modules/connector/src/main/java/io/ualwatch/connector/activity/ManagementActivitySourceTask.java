package io.ualwatch.connector.activity;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.ualwatch.connector.Version;
import io.ualwatch.connector.common.ApiException;
import io.ualwatch.connector.common.AuthorizedApi;
import io.ualwatch.connector.common.FeedClockWriter;
import io.ualwatch.connector.common.HttpCaller;
import io.ualwatch.connector.common.IdHash;
import io.ualwatch.connector.common.PermissionCheck;
import io.ualwatch.connector.common.RecentIds;
import io.ualwatch.connector.common.ServerClock;
import io.ualwatch.connector.common.Sleeper;
import io.ualwatch.connector.common.TaskMetrics;
import io.ualwatch.connector.common.TokenProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
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
 * Collects one (tenant, content type): lists content in half-open windows over {@code contentCreated}, fetches
 * each blob and emits its records untouched, keyed {@code tenant|Id}.
 *
 * <p>Offsets ({@link FeedPosition}) advance only with what was emitted: the cursor moves to a window's end
 * with the last record of the window's last blob, and in between every record carries the set of blobs done
 * in the window plus its own position in its blob. A restart from any committed offset re-lists the window,
 * skips the finished blobs and the emitted head of the blob in progress, and so neither repeats nor skips a
 * record. The API's own duplicates (the same record in several blobs) pass through and are counted.
 *
 * <p>Feed clock ({@link io.ualwatch.model.feed.FeedClock}): the stream is {@code mgmt|<tenant>|<contentType>}, named
 * in the header {@code ualwatch.stream} of every record; see {@link #clockPosition()} for the position its clock
 * records carry.
 */
public class ManagementActivitySourceTask extends SourceTask {
  private static final Logger log = LoggerFactory.getLogger(ManagementActivitySourceTask.class);
  static final String CONNECTOR_TAG = "management-activity";

  private final Clock clock;
  private final Sleeper sleeper;
  private final MeterRegistry registry;

  private ActivityConfig cfg;
  private String tenant;
  private String contentType;
  private Map<String, String> partition;
  private TaskMetrics metrics;
  private ServerClock serverClock;
  private ActivityFeedClient feed;
  private RecentIds recentIds;
  private boolean subscribed;
  private FeedClockWriter clocks;
  /** The cursor carried by the last record handed to Connect while {@link #pending} still holds records. */
  private Instant emittedCursor;

  // Position: everything before cursor is done; window [cursor, windowEnd) is in progress when windowEnd != null.
  private Instant cursor;
  private Instant windowEnd;
  private final Set<String> done = new LinkedHashSet<>();
  private String resumeBlob;
  private int resumeNext;
  private Deque<ContentItem> queue;
  private Deque<SourceRecord> pending = new ArrayDeque<>();
  /** The in-memory position moved without a record carrying it (empty window, skipped blobs, clamp). */
  private boolean positionDirty;
  private Instant lastHeartbeat = Instant.MIN;
  private Instant lastLiveListing;
  private Duration extraRetentionMargin = Duration.ZERO;

  public ManagementActivitySourceTask() {
    this(Clock.systemUTC(), Sleeper.real(), Metrics.globalRegistry);
  }

  /** For tests: a clock (days can pass in milliseconds), a sleeper that records waits, a meter registry. */
  public ManagementActivitySourceTask(Clock clock, Sleeper sleeper, MeterRegistry registry) {
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
    cfg = new ActivityConfig(props);
    tenant = cfg.taskTenant();
    contentType = cfg.taskStream();
    if (tenant.isEmpty() || contentType.isEmpty()) {
      throw new ConnectException("task started without task.tenant/task.stream; it must be started by its connector");
    }
    partition = Map.of("tenant", tenant, "contentType", contentType);
    metrics = new TaskMetrics(registry, CONNECTOR_TAG, tenant, contentType);
    clocks = new FeedClockWriter(streamName(tenant, contentType), cfg.topic(), cfg.clockPartitions(),
        cfg.clockInterval(), clock, metrics.clocks);
    serverClock = cfg.serverClock(clock);
    HttpCaller http = new HttpCaller(HttpCaller.newClient(cfg.connectTimeout()), cfg.backoff(), cfg.maxAttempts(),
        sleeper, serverClock, metrics);
    TokenProvider tokens = new TokenProvider(http, cfg.authority(), tenant, cfg.clientId(), cfg.credential(),
        cfg.resource(), cfg.tokenV2(), cfg.refreshMargin(), cfg.requestTimeout());
    PermissionCheck.Need need = cfg.permissionsNeeded();
    String who = tenant + " " + contentType;
    tokens.onFirstToken(token -> {
      PermissionCheck.Findings found = PermissionCheck.inspect(token, need);
      metrics.permissions(found);
      PermissionCheck.report(found, need, log, who);
    });
    AuthorizedApi api = new AuthorizedApi(http, tokens, cfg.apiOrigin(), cfg.requestTimeout(), metrics);
    feed = new ActivityFeedClient(api, cfg.apiRoot(), tenant, contentType, cfg.publisher(tenant));
    recentIds = new RecentIds(Math.max(1, cfg.duplicatesTracked()));

    FeedPosition pos = FeedPosition.fromMap(context.offsetStorageReader().offset(partition));
    if (pos == null) {
      cursor = clock.instant().minus(cfg.startLookback()).truncatedTo(ChronoUnit.SECONDS);
      log.info("{} {}: no stored offset, starting at {}", tenant, contentType, cursor);
    } else {
      cursor = pos.cursor();
      windowEnd = pos.end();
      done.addAll(pos.done());
      resumeBlob = pos.blob();
      resumeNext = pos.next();
      log.info("{} {}: resuming at cursor {}{}", tenant, contentType, cursor,
          windowEnd == null ? "" : ", window to " + windowEnd + " with " + done.size() + " blobs done"
              + (resumeBlob == null ? "" : " and " + resumeNext + " records of the next one emitted"));
    }
    emittedCursor = cursor;
  }

  /** The feed clock stream of a (tenant, content type): {@code mgmt|<tenant>|<contentType>}. */
  public static String streamName(String tenant, String contentType) {
    return "mgmt|" + tenant + "|" + contentType;
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    if (sleeper.woken()) return null;
    if (!pending.isEmpty()) return withClock(drainPending());
    if (!subscribed) {
      feed.ensureSubscription(cfg.startSubscriptions());
      subscribed = true;
    }
    if (queue == null) {
      Duration idle = openWindow();
      if (idle != null) {
        SourceRecord hb = heartbeat(true);
        if (hb != null) return withClock(List.of(hb));
        // Idle: wake up in time for the next clock record, so that a quiet stream still shows it is alive.
        sleeper.sleep(clocks.capSleep(idle));
        return sleeper.woken() ? null : withClock(null);
      }
    }
    while (!queue.isEmpty()) {
      List<SourceRecord> out = processNextBlob();
      if (!out.isEmpty()) {
        pending.addAll(out);
        return withClock(drainPending());
      }
    }
    completeWindow();
    SourceRecord hb = heartbeat(false);
    return withClock(hb == null ? null : List.of(hb));
  }

  private List<SourceRecord> drainPending() {
    int n = Math.min(pending.size(), cfg.pollMaxRecords());
    List<SourceRecord> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(pending.poll());
    if (!pending.isEmpty()) {
      emittedCursor = Instant.parse(out.get(n - 1).sourceOffset().get(FeedPosition.CURSOR).toString());
    }
    return out;
  }

  /** {@code out} followed by this stream's clock records when they are due. */
  private List<SourceRecord> withClock(List<SourceRecord> out) {
    return clocks.after(out, clockPosition());
  }

  /**
   * The feed clock position: the cursor of what has been handed to Connect, i.e. the start of the listing window
   * not yet complete; every blob with {@code contentCreated} before it has been emitted completely. While records
   * of a blob are still pending (a blob bigger than {@code poll.max.records}) it is the cursor the last returned
   * record carries, not the in-memory one, which has already moved past the pending records.
   *
   * <p>Chosen conservatively: not the end of the window in progress (blobs of it are still to come), not the
   * {@code contentCreated} of the last blob emitted (the listing of the open window may still grow below it), and
   * never the wall clock. The cursor is over {@code contentCreated}, the time a blob became available, which is at
   * or after the {@code CreationTime} of each record in it; so every record with an event time before the position
   * that sits in a blob already listed has been delivered. Records the service publishes later (its availability
   * lag, typically under an hour, rarely up to a day) still arrive, as late records, by their distance behind the
   * position; the job's out-of-orderness bound is there for them.
   */
  private Instant clockPosition() {
    return pending.isEmpty() ? cursor : emittedCursor;
  }

  /**
   * Opens the next window and lists it. Returns null when a window is open (queue set), or how long to wait
   * when caught up.
   */
  private Duration openWindow() throws InterruptedException {
    Instant floor = serverClock.latestNow().minus(ActivityConfig.RETENTION)
        .plus(cfg.retentionMargin()).plus(extraRetentionMargin);
    if (cursor.isBefore(floor)) {
      Instant clamped = floor.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      Duration gap = Duration.between(cursor, clamped);
      log.warn("!!! {} {}: the stored cursor {} is older than the API's 7-day retention; clamping it to {}. "
          + "Content available between those times ({} h {} min) can no longer be collected and is LOST. "
          + "Counted in {}clamped.gap.seconds.", tenant, contentType, cursor, clamped, gap.toHours(),
          gap.toMinutesPart(), io.ualwatch.connector.common.TaskMetrics.PREFIX);
      metrics.clampedGapSeconds.increment(gap.toSeconds());
      cursor = clamped;
      if (windowEnd != null && !windowEnd.isAfter(cursor)) {
        windowEnd = null;
        done.clear();
        resumeBlob = null;
      }
      positionDirty = true;
    }
    Instant now = serverClock.earliestNow();
    metrics.windowLag(Math.max(0, Duration.between(cursor, now).toSeconds()));
    Instant limit = now.minus(cfg.windowEndLag()).truncatedTo(ChronoUnit.SECONDS);
    boolean live;
    if (windowEnd == null) {
      Instant full = cursor.plus(cfg.windowSize());
      Instant end = full.isBefore(limit) ? full : limit;
      if (!end.isAfter(cursor)) return untilNextListing(now);
      live = !full.isBefore(limit);
      if (live && lastLiveListing != null && lastLiveListing.plus(cfg.pollInterval()).isAfter(now)) {
        return untilNextListing(now);
      }
      windowEnd = end;
    } else {
      live = !windowEnd.isBefore(limit);
    }
    List<ContentItem> items;
    try {
      items = feed.list(cursor, windowEnd);
    } catch (ActivityFeedClient.NoSubscription e) {
      log.warn("{} {}: the API says there is no subscription (AF20022); starting it and listing again", tenant,
          contentType);
      if (!cfg.startSubscriptions()) {
        throw new ApiException(400, "AF20022", ErrorCodes.advice("AF20022", tenant, contentType));
      }
      feed.startSubscription();
      return Duration.ZERO;
    } catch (ApiException e) {
      if ((e.code().equals("AF20055") || e.code().equals("AF20030"))
          && extraRetentionMargin.compareTo(Duration.ofHours(1)) < 0) {
        // The server's clock disagrees with ours about the 7-day edge: move the floor and try again.
        extraRetentionMargin = extraRetentionMargin.plusMinutes(5);
        log.warn("{} {}: the API rejected window [{}, {}) ({}); raising the retention margin by {} and retrying",
            tenant, contentType, cursor, windowEnd, e.getMessage(), extraRetentionMargin);
        return Duration.ZERO;
      }
      throw e;
    }
    if (live) lastLiveListing = now;
    List<ContentItem> todo = new ArrayList<>(items.size());
    Set<String> seen = new java.util.HashSet<>();
    for (ContentItem it : items) {
      String h = IdHash.of(it.contentId());
      if (done.contains(h) || !seen.add(h)) continue;
      todo.add(it);
    }
    todo.sort(Comparator.comparing(ContentItem::contentCreated, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(ContentItem::contentId));
    queue = new ArrayDeque<>(todo);
    log.debug("{} {}: window [{}, {}) lists {} blobs, {} to do", tenant, contentType, cursor, windowEnd,
        items.size(), todo.size());
    return null;
  }

  private Duration untilNextListing(Instant now) {
    Duration wait = lastLiveListing == null ? cfg.pollInterval()
        : Duration.between(now, lastLiveListing.plus(cfg.pollInterval()));
    if (wait.isNegative() || wait.isZero()) wait = Duration.ofSeconds(1);
    return wait.compareTo(cfg.pollInterval()) > 0 ? cfg.pollInterval() : wait;
  }

  /** Fetches the queue's head blob; returns its records (empty when skipped or empty). */
  private List<SourceRecord> processNextBlob() throws InterruptedException {
    ContentItem item = queue.peek();
    String h = IdHash.of(item.contentId());
    Instant now = serverClock.latestNow();
    if (item.contentExpiration() != null && !now.isBefore(item.contentExpiration())) {
      skip(item, h, "AF20051", "expired at " + item.contentExpiration() + " per the listing");
      return List.of();
    }
    ActivityFeedClient.Blob b = feed.fetch(item);
    if (b instanceof ActivityFeedClient.Unavailable u) {
      skip(item, h, u.code(), u.message());
      return List.of();
    }
    byte[] body = ((ActivityFeedClient.Body) b).bytes();
    List<BlobSplitter.Raw> raws;
    try {
      raws = BlobSplitter.split(body);
    } catch (IOException e) {
      throw new ConnectException(tenant + " " + contentType + ": blob " + item.contentId() + " is not a JSON array "
          + "of records (" + e.getMessage() + "); the task stops rather than skip it. Inspect the blob at its "
          + "contentUri, then restart the task.");
    }
    queue.poll();
    metrics.blobs.increment();
    int skipHead = h.equals(resumeBlob) ? resumeNext : 0;
    resumeBlob = null;
    resumeNext = 0;
    String doneBefore = FeedPosition.join(done);
    done.add(h);
    boolean lastInWindow = queue.isEmpty();
    Instant c = cursor;
    Instant e = windowEnd;
    Map<String, Object> finalOffset = lastInWindow ? FeedPosition.between(e)
        : FeedPosition.inWindow(c, e, FeedPosition.join(done));
    List<SourceRecord> out = new ArrayList<>(Math.max(0, raws.size() - skipHead));
    for (int i = skipHead; i < raws.size(); i++) {
      BlobSplitter.Raw r = raws.get(i);
      Map<String, Object> offset = i == raws.size() - 1 ? finalOffset : FeedPosition.inBlob(c, e, doneBefore, h, i + 1);
      out.add(record(item, r, offset));
    }
    if (lastInWindow) {
      if (out.isEmpty()) {
        completeWindow();
      } else {
        advanceWindow(false);
      }
    } else if (out.isEmpty()) {
      positionDirty = true;
    } else {
      positionDirty = false;
    }
    return out;
  }

  private SourceRecord record(ContentItem item, BlobSplitter.Raw r, Map<String, Object> offset) {
    String id = r.id();
    if (id == null || id.isEmpty()) {
      id = "sha256:" + IdHash.of(new String(r.json(), StandardCharsets.UTF_8));
      log.warn("{} {}: a record in blob {} has no Id; keyed by a content hash", tenant, contentType, item.contentId());
    } else if (!recentIds.add(id)) {
      metrics.duplicates.increment();
    }
    metrics.records.increment();
    metrics.bytes.increment(r.json().length);
    ConnectHeaders headers = new ConnectHeaders();
    clocks.tag(headers);
    headers.addString("tenant", tenant);
    headers.addString("contentType", contentType);
    headers.addString("contentId", item.contentId());
    headers.addString("contentCreated", item.contentCreatedText());
    return new SourceRecord(partition, offset, cfg.topic(), cfg.taskPartition(), Schema.STRING_SCHEMA, tenant + "|" + id,
        Schema.BYTES_SCHEMA, r.json(), null, headers);
  }

  private void skip(ContentItem item, String h, String code, String message) {
    queue.poll();
    done.add(h);
    positionDirty = true;
    if (code.equals("AF20051")) {
      metrics.expiredBlobs.increment();
      log.warn("{} {}: blob {} (contentCreated {}) expired before it could be fetched ({}: {}); its records are "
          + "LOST. Counted in ualwatch.connector.blobs.expired.", tenant, contentType, item.contentId(),
          item.contentCreatedText(), code, message);
    } else {
      metrics.missingBlobs.increment();
      log.warn("{} {}: blob {} could not be fetched ({}: {}); skipped. Counted in ualwatch.connector.blobs.missing.",
          tenant, contentType, item.contentId(), code, message);
    }
  }

  /** The window is finished and no record carries the new cursor. */
  private void completeWindow() {
    advanceWindow(true);
  }

  private void advanceWindow(boolean dirty) {
    cursor = windowEnd;
    windowEnd = null;
    done.clear();
    queue = null;
    positionDirty = dirty;
    metrics.windowLag(Math.max(0, Duration.between(cursor, serverClock.earliestNow()).toSeconds()));
  }

  /** A heartbeat carrying the current position, when it moved without a record and one is due. */
  private SourceRecord heartbeat(boolean idle) {
    String topic = cfg.heartbeatTopic();
    if (topic.isEmpty() || !positionDirty) return null;
    Instant now = clock.instant();
    if (!idle && lastHeartbeat.plus(cfg.heartbeatInterval()).isAfter(now)) return null;
    lastHeartbeat = now;
    positionDirty = false;
    metrics.heartbeats.increment();
    Map<String, Object> offset = windowEnd == null ? FeedPosition.between(cursor)
        : FeedPosition.inWindow(cursor, windowEnd, FeedPosition.join(done));
    String value = "{\"connector\":\"" + CONNECTOR_TAG + "\",\"tenant\":\"" + tenant + "\",\"stream\":\""
        + contentType + "\",\"cursor\":\"" + cursor + "\",\"at\":\"" + now + "\"}";
    return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, tenant + "|" + contentType,
        Schema.BYTES_SCHEMA, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void stop() {
    sleeper.wakeup();
    if (metrics != null) metrics.close();
  }

  // Visible for tests.
  Instant cursor() {
    return cursor;
  }
}
