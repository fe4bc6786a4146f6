package io.ualwatch.testkit.emulator;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small in-memory tenant: blobs and sign-ins added by hand or by {@link #synthetic}. Thread-safe; blobs can
 * be added while the emulator serves (to model content arriving over time).
 */
public final class FixtureTenant implements EmulatedTenant {
  private static final DateTimeFormatter UAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private final String tenantId;
  private final Map<String, NavigableMap<Instant, List<ContentBlob>>> blobs = new ConcurrentHashMap<>();
  private final NavigableMap<Instant, List<SignInEvent>> signIns = new ConcurrentSkipListMap<>();

  public FixtureTenant(String tenantId) {
    this.tenantId = tenantId;
  }

  @Override
  public String tenantId() {
    return tenantId;
  }

  public ContentBlob addBlob(String contentType, Instant contentCreated, List<String> records) {
    return addBlob(ContentBlob.of(contentType, contentCreated, records));
  }

  public ContentBlob addBlob(ContentBlob b) {
    blobs.computeIfAbsent(b.contentType(), k -> new ConcurrentSkipListMap<>())
        .computeIfAbsent(b.contentCreated(), k -> new CopyOnWriteArrayList<>()).add(b);
    return b;
  }

  public SignInEvent addSignIn(SignInEvent s) {
    signIns.computeIfAbsent(s.createdDateTime(), k -> new CopyOnWriteArrayList<>()).add(s);
    return s;
  }

  @Override
  public List<ContentBlob> blobs(String contentType, Instant fromInclusive, Instant toExclusive) {
    NavigableMap<Instant, List<ContentBlob>> m = blobs.get(contentType);
    if (m == null || !fromInclusive.isBefore(toExclusive)) return List.of();
    return flatten(m.subMap(fromInclusive, true, toExclusive, false).values());
  }

  @Override
  public List<SignInEvent> signIns(Instant fromInclusive, Instant toExclusive) {
    if (!fromInclusive.isBefore(toExclusive)) return List.of();
    return flatten(signIns.subMap(fromInclusive, true, toExclusive, false).values());
  }

  /** Every blob of every content type, ordered by contentCreated. */
  public List<ContentBlob> allBlobs() {
    List<ContentBlob> all = new ArrayList<>();
    for (var m : blobs.values()) all.addAll(flatten(m.values()));
    all.sort(java.util.Comparator.comparing(ContentBlob::contentCreated).thenComparing(ContentBlob::contentId));
    return all;
  }

  public List<SignInEvent> allSignIns() {
    return flatten(signIns.values());
  }

  private static <T> List<T> flatten(Collection<List<T>> lists) {
    List<T> out = new ArrayList<>();
    for (List<T> l : lists) out.addAll(l);
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Starts a deterministic generator of UAL-shaped blobs and sign-ins for this tenant. */
  public static Synthetic synthetic(String tenantId, long seed) {
    return new Synthetic(tenantId, seed);
  }

  /**
   * Deterministic generator: same seed, same tenant. Records are UAL-shaped (common schema plus a few
   * workload fields, about 700 bytes each); values are fake.
   */
  public static final class Synthetic {
    private final String tenantId;
    private final long seed;
    private List<String> contentTypes = List.of("Audit.Exchange", "Audit.AzureActiveDirectory", "Audit.General",
        "Audit.SharePoint");
    private Instant from = Instant.parse("2025-03-01T00:00:00Z");
    private Instant to = Instant.parse("2025-03-01T06:00:00Z");
    private Duration blobEvery = Duration.ofMinutes(10);
    private int recordsPerBlob = 20;
    private double duplicateRate;
    private Duration signInEvery;
    private boolean outOfOrder = true;

    private Synthetic(String tenantId, long seed) {
      this.tenantId = tenantId;
      this.seed = seed;
    }

    public Synthetic contentTypes(String... types) { this.contentTypes = List.of(types); return this; }
    /** Blobs become available in {@code [from, to)}. */
    public Synthetic between(Instant from, Instant to) { this.from = from; this.to = to; return this; }
    /** One blob per content type every this often. */
    public Synthetic blobEvery(Duration d) { this.blobEvery = d; return this; }
    public Synthetic recordsPerBlob(int n) { this.recordsPerBlob = n; return this; }
    /** Fraction of records that are exact re-deliveries of a record of an earlier blob (same Id, same bytes). */
    public Synthetic duplicateRate(double r) { this.duplicateRate = r; return this; }
    /** Also generate sign-ins (alternating interactive / non-interactive) this often. */
    public Synthetic signInEvery(Duration d) { this.signInEvery = d; return this; }
    /** Records' CreationTime out of order within a blob, and later blobs holding earlier events (default on). */
    public Synthetic outOfOrder(boolean b) { this.outOfOrder = b; return this; }

    public FixtureTenant build() {
      FixtureTenant t = new FixtureTenant(tenantId);
      Random rnd = new Random(seed);
      int typeIndex = 0;
      for (String type : contentTypes) {
        List<String> emitted = new ArrayList<>();
        // Stagger the content types so their blobs do not all share a timestamp.
        Instant at = from.plusSeconds(7L * typeIndex++);
        while (at.isBefore(to)) {
          List<String> recs = new ArrayList<>(recordsPerBlob);
          for (int i = 0; i < recordsPerBlob; i++) {
            if (!emitted.isEmpty() && rnd.nextDouble() < duplicateRate) {
              recs.add(emitted.get(rnd.nextInt(emitted.size())));
            } else {
              // Event times lie before availability (60-90 min typical); out of order when asked for.
              long lagSec = outOfOrder ? 600 + rnd.nextInt(5400) : 3600 + (long) (recordsPerBlob - i) * 3;
              String r = record(type, at.minusSeconds(lagSec), rnd);
              recs.add(r);
              emitted.add(r);
            }
          }
          t.addBlob(type, at.truncatedTo(ChronoUnit.MILLIS), recs);
          at = at.plus(blobEvery);
        }
      }
      if (signInEvery != null) {
        int i = 0;
        for (Instant at = from; at.isBefore(to); at = at.plus(signInEvery), i++) {
          String type = i % 2 == 0 ? "interactiveUser" : "nonInteractiveUser";
          String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
          t.addSignIn(new SignInEvent(id, at, type, signIn(id, at, type, rnd)));
        }
      }
      return t;
    }

    private String record(String type, Instant creation, Random rnd) {
      String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
      String time = UAL_TIME.format(LocalDateTime.ofInstant(creation, ZoneOffset.UTC));
      int user = rnd.nextInt(50);
      String ip = "203.0.113." + (1 + rnd.nextInt(250));
      String common = "\"CreationTime\":\"" + time + "\",\"Id\":\"" + id + "\",\"OrganizationId\":\"" + tenantId
          + "\",\"UserKey\":\"10032000" + String.format("%08X", user) + "\",\"UserType\":0,\"Version\":1,"
          + "\"UserId\":\"user" + user + "@contoso.example\"";
      return switch (type) {
        case "Audit.Exchange" -> "{" + common + ",\"Operation\":\"MailItemsAccessed\",\"RecordType\":50,"
            + "\"ResultStatus\":\"Succeeded\",\"Workload\":\"Exchange\",\"ClientIPAddress\":\"" + ip + "\","
            + "\"ClientInfoString\":\"Client=REST;Client=RESTSystem;;\",\"AppId\":\"00000003-0000-0000-c000-000000000000\","
            + "\"ClientAppId\":\"" + new UUID(rnd.nextLong(), rnd.nextLong()) + "\",\"ExternalAccess\":false,"
            + "\"LogonType\":0,\"InternalLogonType\":0,\"MailboxGuid\":\"" + new UUID(user, 7) + "\","
            + "\"MailboxOwnerUPN\":\"user" + user + "@contoso.example\",\"SessionId\":\""
            + new UUID(rnd.nextLong(), rnd.nextLong()) + "\",\"OperationCount\":1,\"OperationProperties\":"
            + "[{\"Name\":\"MailAccessType\",\"Value\":\"Bind\"},{\"Name\":\"IsThrottled\",\"Value\":\"False\"}],"
            + "\"Folders\":[{\"Id\":\"LgAAAAAb\",\"Path\":\"\\\\Inbox\",\"FolderItems\":[{\"InternetMessageId\":"
            + "\"<m" + rnd.nextInt(1_000_000) + "@contoso.example>\",\"SizeInBytes\":" + (1000 + rnd.nextInt(90000))
            + "}]}]}";
        case "Audit.AzureActiveDirectory" -> "{" + common + ",\"Operation\":\"UserLoggedIn\",\"RecordType\":15,"
            + "\"ResultStatus\":\"Success\",\"Workload\":\"AzureActiveDirectory\",\"ClientIP\":\"" + ip + "\","
            + "\"ObjectId\":\"00000002-0000-0ff1-ce00-000000000000\",\"AzureActiveDirectoryEventType\":1,"
            + "\"ApplicationId\":\"" + new UUID(rnd.nextLong(), rnd.nextLong()) + "\",\"ActorIpAddress\":\"" + ip
            + "\",\"ErrorNumber\":\"0\",\"ExtendedProperties\":[{\"Name\":\"RequestType\",\"Value\":\"OAuth2:Token\"}]}";
        case "Audit.SharePoint" -> "{" + common + ",\"Operation\":\"FileAccessed\",\"RecordType\":6,"
            + "\"ResultStatus\":\"Succeeded\",\"Workload\":\"SharePoint\",\"ClientIP\":\"" + ip + "\","
            + "\"ObjectId\":\"https://contoso.sharepoint.example/sites/s/doc" + rnd.nextInt(1000) + ".docx\","
            + "\"SiteUrl\":\"https://contoso.sharepoint.example/sites/s/\",\"ItemType\":\"File\"}";
        default -> "{" + common + ",\"Operation\":\"MessageSent\",\"RecordType\":25,\"ResultStatus\":\"Succeeded\","
            + "\"Workload\":\"MicrosoftTeams\",\"ClientIP\":\"" + ip + "\",\"ObjectId\":\"teams\"}";
      };
    }

    private String signIn(String id, Instant at, String type, Random rnd) {
      int user = rnd.nextInt(50);
      return "{\"id\":\"" + id + "\",\"createdDateTime\":\"" + at + "\",\"userPrincipalName\":\"user" + user
          + "@contoso.example\",\"userId\":\"" + new UUID(user, 3) + "\",\"appId\":\"d3590ed6-52b3-4102-aeff-aad2292ab01c\","
          + "\"appDisplayName\":\"Microsoft Office\",\"ipAddress\":\"203.0.113." + (1 + rnd.nextInt(250)) + "\","
          + "\"isInteractive\":" + type.equals("interactiveUser") + ",\"signInEventTypes\":[\"" + type + "\"],"
          + "\"sessionId\":\"" + new UUID(rnd.nextLong(), rnd.nextLong()) + "\",\"uniqueTokenIdentifier\":\"tok"
          + Long.toHexString(rnd.nextLong()) + "\",\"autonomousSystemNumber\":64500,\"status\":{\"errorCode\":0}}";
    }
  }
}
