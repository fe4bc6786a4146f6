package io.ualwatch.testkit.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A deterministic Microsoft 365 tenant: users with homes, offices and devices, a working-day rhythm,
 * Outlook desktop Sync/Bind, OWA, Outlook mobile through Microsoft addresses, Entra sign-ins whose session
 * and token ids link to the mailbox records, a shared mailbox read by its delegates, and injected attacks.
 *
 * <p>Everything is derived from (seed, entity, day): the same settings give byte-identical records, a day can
 * be generated without generating the days before it, and demos, tests and benchmarks replay exactly.
 */
public final class TenantSimulator {
  /** Which feed a record belongs to. */
  public enum Feed { AUDIT, SIGNIN }

  /** One generated record: event time, feed, id and the raw JSON as Microsoft would serve it. */
  public record Record(long time, Feed feed, String id, String json) {}

  /** A simulated user. */
  public record User(int index, String upn, String displayName, String objectId, String country, Networks.Net home,
      boolean ipv6Home, boolean owa, boolean mobile, String mailboxGuid, String sid, int utcOffsetHours) {}

  /** An attack to inject. */
  public record Attack(String kind, int victim, int day) {
    /** Storm-0558 style: the victim's token replayed from hosting infrastructure by an unknown app reading mail. */
    public static Attack tokenReplay(int victim, int day) {
      return new Attack("token-replay", victim, day);
    }
  }

  /** Settings. */
  public record Settings(long seed, int mailboxes, LocalDate start, int days, List<Attack> attacks,
      int itemsPerBindMax, long tenantSeed) {
    public Settings {
      if (mailboxes < 1) throw new IllegalArgumentException("mailboxes must be >= 1");
      if (days < 1) throw new IllegalArgumentException("days must be >= 1");
      attacks = List.copyOf(attacks);
    }

    public Settings(long seed, int mailboxes, LocalDate start, int days, List<Attack> attacks, int itemsPerBindMax) {
      this(seed, mailboxes, start, days, attacks, itemsPerBindMax, seed);
    }

    public static Settings of(long seed, int mailboxes, LocalDate start, int days, List<Attack> attacks) {
      return new Settings(seed, mailboxes, start, days, attacks, 6);
    }
  }

  static final String DOMAIN = "contoso-sim.com";
  private static final String[] FIRST = {"adele", "alex", "allan", "bianca", "christie", "debra", "diego", "emily",
      "enrico", "gerhart", "grady", "henrietta", "isaiah", "johanna", "joni", "lee", "lidia", "lynne", "megan",
      "miriam", "nestor", "patti", "pradeep", "raul", "sofia", "tomas", "yuki", "zara"};
  private static final String[] LAST = {"vance", "wilber", "deyoung", "pincus", "cline", "berg", "siciliani",
      "braun", "bianchi", "klein", "archie", "kowalski", "miller", "lambert", "sherman", "gu", "holloway",
      "fernandez", "bowen", "graham", "wilke", "fernandes", "gupta", "garcia", "rossi", "novak", "tanaka", "ali"};
  private static final String[] FOLDERS = {"\\Inbox", "\\Sent Items", "\\Archive", "\\Inbox\\Projects",
      "\\Drafts", "\\Inbox\\Finance"};
  private static final DateTimeFormatter UAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
      .withZone(ZoneOffset.UTC);

  private final Settings settings;
  private final ObjectMapper mapper = new ObjectMapper();
  private final String tenantId;
  private final List<User> users = new ArrayList<>();
  private final String sharedMailbox;

  public TenantSimulator(Settings settings) {
    this.settings = settings;
    this.tenantId = uuid("tenant", settings.tenantSeed()).toString();
    for (int i = 0; i < settings.mailboxes(); i++) users.add(makeUser(i));
    this.sharedMailbox = "shared.finance@" + DOMAIN;
  }

  public String tenantId() {
    return tenantId;
  }

  public List<User> users() {
    return List.copyOf(users);
  }

  public Settings settings() {
    return settings;
  }

  public String sharedMailbox() {
    return sharedMailbox;
  }

  private User makeUser(int i) {
    SplittableRandom r = rnd("user", i, 0);
    String first = FIRST[i % FIRST.length];
    String last = LAST[(i * 7 + i / FIRST.length) % LAST.length];
    String upn = first + "." + last + (i >= FIRST.length ? Integer.toString(i / FIRST.length) : "") + "@" + DOMAIN;
    Networks.Net home = Networks.HOMES.get(r.nextInt(Networks.HOMES.size()));
    String country = home.country();
    int offset = switch (country) {
      case "DE", "FR" -> 1;
      case "GB" -> 0;
      default -> -5;
    };
    boolean v6 = ("US".equals(country) || "DE".equals(country)) && r.nextInt(4) == 0;
    return new User(i, upn, cap(first) + " " + cap(last), uuid("oid", settings.seed(), i).toString(), country, home,
        v6, r.nextInt(10) < 6, r.nextInt(10) < 7, uuid("mbx", settings.seed(), i).toString(),
        "S-1-5-21-" + (1000000000L + Math.abs(settings.seed() % 1000000)) + "-" + (2000 + i), offset);
  }

  /** All records, day by day, each day sorted by event time. */
  public void generate(Consumer<Record> out) {
    for (int d = 0; d < settings.days(); d++) day(d).forEach(out);
  }

  /** The records of one day (index from the start date), sorted by event time then id. */
  public List<Record> day(int dayIndex) {
    List<Record> out = new ArrayList<>();
    LocalDate date = settings.start().plusDays(dayIndex);
    for (User u : users) userDay(u, dayIndex, date, out);
    for (Attack a : settings.attacks()) {
      if (a.day() == dayIndex) attack(a, date, out);
    }
    out.sort(Comparator.comparingLong(Record::time).thenComparing(Record::id));
    return out;
  }

  // ---------------------------------------------------------------- normal behaviour

  private boolean forcedActive(User u, int day) {
    for (Attack a : settings.attacks()) if (a.victim() == u.index() && a.day() == day) return true;
    return false;
  }

  /** A traveller is offline the day after a trip (flying home). */
  private boolean forcedInactive(User u, int day) {
    for (Attack a : settings.attacks()) {
      if (a.victim() == u.index() && a.kind().equals("benign-trip") && a.day() + 1 == day) return true;
    }
    return false;
  }

  /** The day's plan for a user (shared by normal behaviour and attacks so tokens line up). */
  private record DayPlan(boolean active, boolean office, Networks.Net net, String ip, long startUtc, int hours,
      String desktopSession) {}

  private DayPlan plan(User u, int day, LocalDate date) {
    SplittableRandom r = rnd("plan", u.index(), day);
    boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
    boolean active = forcedActive(u, day)
        || (!forcedInactive(u, day) && (weekend ? r.nextInt(10) < 3 : r.nextInt(100) < 95));
    boolean office = !weekend && r.nextInt(10) < 6;
    Networks.Net net = office ? Networks.officeFor(u.country()) : (u.ipv6Home() ? Networks.homeV6For(u.country()) : u.home());
    String ip = office ? net.address(settings.seed() * 31 + u.country().hashCode())
        : net.address(settings.seed() * 1_000_003L + u.index());
    int startMinuteLocal = 7 * 60 + 30 + r.nextInt(120);
    long midnight = date.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    long startUtc = midnight + (startMinuteLocal - 60L * u.utcOffsetHours()) * 60_000L + r.nextInt(60) * 1000L;
    int hours = weekend ? 1 + r.nextInt(2) : 6 + r.nextInt(4);
    String session = uuid("desktop-session", settings.seed(), u.index(), day).toString();
    return new DayPlan(active, office, net, ip, startUtc, hours, session);
  }

  private void userDay(User u, int day, LocalDate date, List<Record> out) {
    DayPlan p = plan(u, day, date);
    if (!p.active()) return;
    SplittableRandom r = rnd("day", u.index(), day);
    int[] seq = {0};
    // Interactive sign-in of Outlook desktop in the morning (Entra sign-in + UAL logon).
    String firstToken = token(u, day, 0, "desktop");
    out.add(signIn(u, day, seq, p.startUtc(), p.ip(), Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", p.desktopSession(),
        firstToken, true, "Mobile Apps and Desktop clients"));
    out.add(ualLogon(u, day, seq, p.startUtc() + 2000, p.ip(), Apps.OUTLOOK_DESKTOP, p.desktopSession()));
    for (int h = 0; h < p.hours(); h++) {
      long hourStart = p.startUtc() + h * 3_600_000L;
      String tok = token(u, day, h, "desktop");
      if (h > 0) {
        out.add(signIn(u, day, seq, hourStart, p.ip(), Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", p.desktopSession(),
            tok, false, "Mobile Apps and Desktop clients"));
      }
      if (h == 0) {
        int syncs = 2 + r.nextInt(3);
        for (int k = 0; k < syncs; k++) {
          out.add(mailAccess(u, u.upn(), day, seq, hourStart + 60_000L + k * 7_000L, p.ip(), Apps.OUTLOOK_DESKTOP,
              null, "Client=MSExchangeRPC", "Sync", p.desktopSession(), tok, hourStart, FOLDERS[k % FOLDERS.length],
              0, r, 0));
        }
      }
      int binds = 1 + r.nextInt(3);
      for (int k = 0; k < binds; k++) {
        long t = hourStart + (5 + r.nextInt(50)) * 60_000L + r.nextInt(60) * 1000L;
        out.add(mailAccess(u, u.upn(), day, seq, t, p.ip(), Apps.OUTLOOK_DESKTOP, null, "Client=MSExchangeRPC",
            "Bind", p.desktopSession(), tok, hourStart, FOLDERS[r.nextInt(3)], 1 + r.nextInt(settings.itemsPerBindMax()),
            r, 0));
      }
    }
    if (u.owa() && r.nextInt(10) < 4) {
      long t0 = p.startUtc() + (2 + r.nextInt(Math.max(1, p.hours() - 2))) * 3_600_000L + r.nextInt(1800) * 1000L;
      String session = uuid("owa-session", settings.seed(), u.index(), day).toString();
      String tok = token(u, day, 99, "owa");
      out.add(signIn(u, day, seq, t0, p.ip(), Apps.OWA, "Outlook Web App Office 365", session, tok, true, "Browser"));
      out.add(ualLogon(u, day, seq, t0 + 1500, p.ip(), Apps.OWA, session));
      int n = 1 + r.nextInt(4);
      for (int k = 0; k < n; k++) {
        out.add(mailAccess(u, u.upn(), day, seq, t0 + (1 + k * 4L) * 60_000L, p.ip(), Apps.OWA, null,
            "Client=OWA;Action=ViaProxy", "Bind", session, tok, t0, "\\Inbox", 1 + r.nextInt(4), r, 0));
      }
    }
    if (u.mobile()) {
      String session = uuid("mobile-session", settings.seed(), u.index(), day / 7).toString();
      String msIp = Networks.MICROSOFT.address(settings.seed() * 7 + u.index() * 13L + day % 3);
      int checks = 2 + r.nextInt(4);
      for (int k = 0; k < checks; k++) {
        long t = p.startUtc() - 3_600_000L + r.nextInt(Math.max(1, p.hours() + 4)) * 3_600_000L + r.nextInt(3600) * 1000L;
        String tok = token(u, day, 200 + k, "mobile");
        // The phone refreshes its token from wherever it is (home or office Wi-Fi); Exchange reads the mailbox
        // for it from Microsoft's own addresses.
        out.add(signIn(u, day, seq, t - 4000, p.ip(), Apps.OUTLOOK_MOBILE, "Outlook Mobile", session, tok, false,
            "Mobile Apps and Desktop clients"));
        out.add(mailAccess(u, u.upn(), day, seq, t, msIp, Apps.OUTLOOK_MOBILE, null,
            "Client=OutlookService;Outlook-iOS/2.0;", "Bind", session, tok, t - 4000, "\\Inbox", 1 + r.nextInt(3), r, 0));
      }
    }
    // Delegates read the shared mailbox on working days.
    if (u.index() < 2 && p.hours() > 3 && users.size() > 2) {
      long t = p.startUtc() + 2 * 3_600_000L + r.nextInt(3600) * 1000L;
      out.add(mailAccess(u, sharedMailbox, day, seq, t, p.ip(), Apps.OUTLOOK_DESKTOP, null, "Client=MSExchangeRPC",
          "Bind", p.desktopSession(), token(u, day, 2, "desktop"), t - 600_000L, "\\Inbox", 1 + r.nextInt(5), r, 2));
    }
  }

  // ---------------------------------------------------------------- attacks

  private void attack(Attack a, LocalDate date, List<Record> out) {
    User u = users.get(a.victim() % users.size());
    DayPlan p = plan(u, a.day(), date);
    SplittableRandom r = rnd("attack-" + a.kind(), u.index(), a.day());
    int[] seq = {500_000};
    switch (a.kind()) {
      case "token-replay" -> {
        // The token of the victim's morning sign-in, replayed 22 minutes later from a VPS by an app nobody uses.
        String tok = token(u, a.day(), 0, "desktop");
        String ip = Networks.DIGITALOCEAN_NL.address(settings.seed() + 0xA77AC4L);
        long t0 = p.startUtc() + 22 * 60_000L + 13_000L;
        int n = 6 + r.nextInt(5);
        for (int k = 0; k < n; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + k * 150_000L + r.nextInt(60) * 1000L, ip,
              Apps.UNKNOWN_READER, Apps.UNKNOWN_READER_NAME, "Client=REST;Client=RESTSystem;;", "Bind",
              p.desktopSession(), tok, p.startUtc(), FOLDERS[r.nextInt(FOLDERS.length)], 5 + r.nextInt(10), r, 0));
        }
      }
      case "new-app" -> {
        // The user consents to a third-party mail app, which then reads the mailbox with the user's token from
        // the user's own network: only the new client app stands out.
        String session = uuid("app-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 606, "app");
        long t0 = p.startUtc() + 2 * 3_600_000L + r.nextInt(1800) * 1000L;
        out.add(signIn(u, a.day(), seq, t0, p.ip(), Apps.UNKNOWN_READER, Apps.UNKNOWN_READER_NAME, session, tok, true,
            "Browser"));
        for (int k = 0; k < 4; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + (3 + 5L * k) * 60_000L, p.ip(), Apps.UNKNOWN_READER,
              Apps.UNKNOWN_READER_NAME, "Client=REST;Client=RESTSystem;;", "Bind", session, tok, t0, "\\Inbox",
              5 + r.nextInt(5), r, 0));
        }
      }
      case "token-no-signin" -> {
        // Storm-0558: a token forged outside Entra (no sign-in ever issued it) reads the mailbox. Here from the
        // victim's own network with the victim's own client, so that only the missing sign-in gives it away.
        String tok = token(u, a.day(), 777, "forged");
        String session = uuid("forged-session", settings.seed(), u.index(), a.day()).toString();
        long t0 = p.startUtc() + 3 * 3_600_000L + r.nextInt(1800) * 1000L;
        for (int k = 0; k < 5; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + k * 240_000L, p.ip(), Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Bind", session, tok, t0 - 300_000L, "\\Inbox", 3 + r.nextInt(6), r, 0));
        }
      }
      case "impossible-travel" -> {
        // 40 minutes after the victim's morning activity at home, someone signs in and reads mail from Tokyo.
        long t0 = p.startUtc() + 40 * 60_000L;
        String ip = Networks.JP_HOTEL.address(settings.seed() + 0x7EA1L);
        String session = uuid("jp-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 601, "jp");
        out.add(signIn(u, a.day(), seq, t0, ip, Apps.OWA, "Outlook Web App Office 365", session, tok, true, "Browser"));
        for (int k = 0; k < 3; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + (2 + k * 3L) * 60_000L, ip, Apps.OWA, null,
              "Client=OWA;Action=ViaProxy", "Bind", session, tok, t0, "\\Inbox", 2 + r.nextInt(5), r, 0));
        }
      }
      case "new-country" -> {
        // A sign-in and mail access from a residential network in a country the user has never worked from,
        // late at night, long after the user's day (no impossible travel).
        Networks.Net net = "FR".equals(u.country()) ? Networks.DE_HOME : Networks.FR_HOME;
        long t0 = p.startUtc() + (p.hours() + 9) * 3_600_000L;
        String ip = net.address(settings.seed() + 0xC0FFEEL);
        String session = uuid("nc-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 602, "nc");
        out.add(signIn(u, a.day(), seq, t0, ip, Apps.OWA, "Outlook Web App Office 365", session, tok, true, "Browser"));
        out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + 90_000L, ip, Apps.OWA, null, "Client=OWA;Action=ViaProxy",
            "Bind", session, tok, t0, "\\Inbox", 4, r, 0));
      }
      case "hosting-access" -> {
        // The user's credentials used through a commercial VPN exit, hours after the user's day.
        long t0 = p.startUtc() + (p.hours() + 6) * 3_600_000L;
        String ip = Networks.M247_VPN.address(settings.seed() + 0x5EEDL);
        String session = uuid("vpn-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 603, "vpn");
        out.add(signIn(u, a.day(), seq, t0, ip, Apps.OWA, "Outlook Web App Office 365", session, tok, true, "Browser"));
        for (int k = 0; k < 2; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + (1 + k) * 60_000L, ip, Apps.OWA, null,
              "Client=OWA;Action=ViaProxy", "Bind", session, tok, t0, "\\Inbox", 3, r, 0));
        }
      }
      case "benign-trip" -> {
        // The user flies to London: activity there 14 hours after the end of the working day at home (a long-haul
        // flight and the airports), then a day offline flying back.
        long t0 = p.startUtc() + (p.hours() + 14) * 3_600_000L;
        String ip = Networks.GB_HOME.address(settings.seed() + 0x7219L + a.day());
        String session = uuid("trip-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 604, "trip");
        out.add(signIn(u, a.day(), seq, t0, ip, Apps.OWA, "Outlook Web App Office 365", session, tok, true, "Browser"));
        out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + 120_000L, ip, Apps.OWA, null, "Client=OWA;Action=ViaProxy",
            "Bind", session, tok, t0, "\\Inbox", 3, r, 0));
      }
      case "benign-inflight" -> {
        // Mail read on the laptop over in-flight Wi-Fi (fixed geolocation in the US, wherever the aircraft is)
        // between two stretches of activity at home.
        long t0 = p.startUtc() + 2 * 3_600_000L + 20 * 60_000L;
        String ip = Networks.INTELSAT.address(settings.seed() + 0xA1L + a.day());
        String session = uuid("plane-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 605, "plane");
        out.add(signIn(u, a.day(), seq, t0, ip, Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session, tok, true,
            "Mobile Apps and Desktop clients"));
        for (int k = 0; k < 4; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + (2 + 7L * k) * 60_000L, ip, Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Bind", session, tok, t0, "\\Inbox", 2, r, 0));
        }
      }
      case "benign-dualstack" -> {
        // Late evening at home on a dual-stack line: within minutes the laptop uses the ISP's IPv4 and IPv6
        // addresses, which the geolocation data puts far apart (for a US user: Hayward, CA and Bellevue, WA).
        Networks.Net v4 = "US".equals(u.country()) ? Networks.US_HOME_FAR : u.home();
        Networks.Net v6 = Networks.homeV6For(u.country());
        String session = uuid("evening-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 607, "evening");
        long t0 = p.startUtc() + (p.hours() + 10) * 3_600_000L;
        String ip4 = v4.address(settings.seed() * 1_000_003L + u.index());
        String ip6 = v6.address(settings.seed() * 1_000_003L + u.index() + 1);
        out.add(signIn(u, a.day(), seq, t0, ip4, Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session, tok, true,
            "Mobile Apps and Desktop clients"));
        for (int k = 0; k < 6; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + (2 + 4L * k) * 60_000L, k % 2 == 0 ? ip4 : ip6,
              Apps.OUTLOOK_DESKTOP, null, "Client=MSExchangeRPC", "Bind", session, tok, t0, "\\Inbox", 2, r, 0));
        }
      }
      case "benign-ms-global" -> {
        // Outlook mobile traffic reaching the mailbox through Microsoft datacentres on three continents within
        // half an hour: service addresses, never the user's location. The phone refreshes each token from
        // where the user is.
        String session = uuid("mobile-session", settings.seed(), u.index(), a.day() / 7).toString();
        Networks.Net[] ms = {Networks.MICROSOFT_AU, Networks.MICROSOFT_HK, Networks.MICROSOFT_GB, Networks.MICROSOFT};
        for (int k = 0; k < 8; k++) {
          String ip = ms[k % ms.length].address(settings.seed() + k);
          String tok = token(u, a.day(), 700 + k, "mobile");
          long t = p.startUtc() + (10 + 3L * k) * 60_000L;
          out.add(signIn(u, a.day(), seq, t - 4000, p.ip(), Apps.OUTLOOK_MOBILE, "Outlook Mobile", session, tok, false,
              "Mobile Apps and Desktop clients"));
          out.add(mailAccess(u, u.upn(), a.day(), seq, t, ip, Apps.OUTLOOK_MOBILE, null,
              "Client=OutlookService;Outlook-iOS/2.0;", "Bind", session, tok, t - 4000, "\\Inbox", 1, r, 0));
        }
      }
      default -> throw new IllegalArgumentException("unknown attack kind " + a.kind()
          + "; known: token-replay, new-app, token-no-signin, impossible-travel, new-country, hosting-access, benign-trip, "
          + "benign-inflight, benign-dualstack, benign-ms-global");
    }
  }

  // ---------------------------------------------------------------- latency probes

  /**
   * A latency probe for benchmarks: two records that make {@code token-multi-network} fire as soon as the
   * second one arrives. A user's Outlook sign-in from home with a fresh token, then a mailbox read with the
   * same token from a hosting provider, one second later. Probe {@code n} always gives the same records and its
   * own token ({@link #probeToken}); record ids never collide with the tenant's. Not part of {@link #day}.
   *
   * @param n probe number (0 … 99,999)
   * @param time event time of the sign-in (ms); the mailbox read is one second later
   */
  public List<Record> tokenProbe(int n, long time) {
    if (n < 0 || n >= 100_000) throw new IllegalArgumentException("probe number must be 0 … 99999");
    User u = users.get(n % users.size());
    int day = (int) Math.floorDiv(time - settings.start().atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
        86_400_000L);
    int[] seq = {800_000 + 2 * n};
    String tok = probeToken(n);
    String session = uuid("probe-session", settings.seed(), n).toString();
    SplittableRandom r = rnd("probe", u.index(), n);
    String home = u.home().address(settings.seed() * 1_000_003L + u.index());
    String vps = Networks.DIGITALOCEAN_NL.address(settings.seed() + n);
    return List.of(
        signIn(u, day, seq, time, home, Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session, tok, true,
            "Mobile Apps and Desktop clients"),
        mailAccess(u, u.upn(), day, seq, time + 1000, vps, Apps.OUTLOOK_DESKTOP, null, "Client=MSExchangeRPC", "Bind",
            session, tok, time, "\\Inbox", 2, r, 0));
  }

  /** The UniqueTokenId of latency probe {@code n}. */
  public String probeToken(int n) {
    UUID x = uuid("probe-token", settings.seed(), n);
    ByteBuffer b = ByteBuffer.allocate(16).putLong(x.getMostSignificantBits()).putLong(x.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  // ---------------------------------------------------------------- record builders

  private Record mailAccess(User actor, String mailbox, int day, int[] seq, long time, String ip, String clientAppId,
      String clientAppName, String clientInfo, String accessType, String session, String token, long issuedAt,
      String folder, int items, SplittableRandom r, int logonType) {
    String id = recordId(actor, day, seq);
    ObjectNode o = mapper.createObjectNode();
    o.put("CreationTime", UAL_TIME.format(Instant.ofEpochMilli(time)));
    o.put("Id", id);
    o.put("Operation", "MailItemsAccessed");
    o.put("OrganizationId", tenantId);
    o.put("RecordType", 50);
    o.put("ResultStatus", "Succeeded");
    o.put("UserKey", "1003" + Long.toHexString(settings.seed() & 0xffff).toUpperCase() + String.format("%06X", actor.index()));
    o.put("UserType", 0);
    o.put("Version", 1);
    o.put("Workload", "Exchange");
    o.put("UserId", actor.upn());
    o.put("AppId", Apps.OUTLOOK_DESKTOP.equals(clientAppId) ? Apps.EXCHANGE_RESOURCE : Apps.GRAPH_API);
    o.put("ClientAppId", clientAppId);
    o.put("ClientIPAddress", ip);
    o.put("ClientInfoString", clientInfo);
    o.put("ExternalAccess", false);
    o.put("InternalLogonType", logonType);
    o.put("LogonType", logonType);
    o.put("LogonUserSid", actor.sid());
    o.put("MailboxGuid", mailbox.equals(actor.upn()) ? actor.mailboxGuid() : uuid("mbx-shared", settings.seed()).toString());
    o.put("MailboxOwnerSid", mailbox.equals(actor.upn()) ? actor.sid() : "S-1-5-21-shared-9999");
    o.put("MailboxOwnerUPN", mailbox);
    o.put("OrganizationName", DOMAIN);
    o.put("OriginatingServer", "SIMPR0" + (actor.index() % 9) + "MB" + (1000 + day % 97) + " (15.20.8000.000)\r\n");
    o.put("SessionId", uuid("exo-session", session).toString());
    o.put("TokenObjectId", actor.objectId());
    o.put("TokenTenantId", tenantId);
    ArrayNode props = o.putArray("OperationProperties");
    props.addObject().put("Name", "MailAccessType").put("Value", accessType);
    props.addObject().put("Name", "IsThrottled").put("Value", "False");
    ArrayNode folders = o.putArray("Folders");
    ObjectNode f = folders.addObject();
    f.put("Id", "LgAAAA" + Base64.getEncoder().withoutPadding().encodeToString(
        ByteBuffer.allocate(8).putLong(folder.hashCode() * 31L + actor.index()).array()));
    f.put("Path", folder);
    ArrayNode fi = f.putArray("FolderItems");
    int listed = "Sync".equals(accessType) ? 0 : items;
    for (int k = 0; k < listed; k++) {
      ObjectNode it = fi.addObject();
      it.put("InternetMessageId", "<" + Long.toHexString(r.nextLong()) + "@" + (r.nextBoolean() ? DOMAIN : "mail.example.net") + ">");
      it.put("SizeInBytes", 2000 + r.nextInt(80_000));
    }
    o.put("OperationCount", Math.max(1, items));
    ObjectNode ctx = o.putObject("AppAccessContext");
    ctx.put("AADSessionId", session);
    ctx.put("APIId", o.get("AppId").asText());
    ctx.put("ClientAppId", clientAppId);
    if (clientAppName != null) ctx.put("ClientAppName", clientAppName);
    ctx.put("CorrelationId", uuid("corr", id).toString());
    ctx.put("IssuedAtTime", UAL_TIME.format(Instant.ofEpochMilli(issuedAt)));
    ctx.put("UniqueTokenId", token);
    return new Record(time, Feed.AUDIT, id, o.toString());
  }

  private Record ualLogon(User u, int day, int[] seq, long time, String ip, String appId, String session) {
    String id = recordId(u, day, seq);
    ObjectNode o = mapper.createObjectNode();
    o.put("CreationTime", UAL_TIME.format(Instant.ofEpochMilli(time)));
    o.put("Id", id);
    o.put("Operation", "UserLoggedIn");
    o.put("OrganizationId", tenantId);
    o.put("RecordType", 15);
    o.put("ResultStatus", "Success");
    o.put("UserKey", u.objectId());
    o.put("UserType", 0);
    o.put("Version", 1);
    o.put("Workload", "AzureActiveDirectory");
    o.put("ClientIP", ip);
    o.put("ObjectId", Apps.EXCHANGE_RESOURCE);
    o.put("UserId", u.upn());
    o.put("AzureActiveDirectoryEventType", 1);
    ArrayNode ext = o.putArray("ExtendedProperties");
    ext.addObject().put("Name", "ResultStatusDetail").put("Value", "Success");
    ext.addObject().put("Name", "UserAgent").put("Value", Apps.OWA.equals(appId)
        ? "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
        : "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531; Pro)");
    ext.addObject().put("Name", "RequestType").put("Value", "OAuth2:Authorize");
    ext.addObject().put("Name", "UserAuthenticationMethod").put("Value", "1");
    o.putArray("ModifiedProperties");
    ArrayNode actor = o.putArray("Actor");
    actor.addObject().put("ID", u.objectId()).put("Type", 0);
    actor.addObject().put("ID", u.upn()).put("Type", 5);
    o.put("ActorContextId", tenantId);
    o.put("ActorIpAddress", ip);
    o.put("InterSystemsId", uuid("isi", id).toString());
    o.put("IntraSystemId", uuid("intra", id).toString());
    o.put("SupportTicketId", "");
    o.putArray("Target").addObject().put("ID", Apps.EXCHANGE_RESOURCE).put("Type", 0);
    o.put("TargetContextId", tenantId);
    o.put("ApplicationId", appId);
    ArrayNode dev = o.putArray("DeviceProperties");
    dev.addObject().put("Name", "OS").put("Value", "Windows10");
    dev.addObject().put("Name", "BrowserType").put("Value", Apps.OWA.equals(appId) ? "Edge" : "Other");
    dev.addObject().put("Name", "IsCompliantAndManaged").put("Value", "True");
    dev.addObject().put("Name", "SessionId").put("Value", session);
    o.put("ErrorNumber", "0");
    return new Record(time, Feed.AUDIT, id, o.toString());
  }

  private Record signIn(User u, int day, int[] seq, long time, String ip, String appId, String appName, String session,
      String token, boolean interactive, String clientAppUsed) {
    String id = uuid("signin", settings.seed(), u.index(), day, seq[0]++).toString();
    Networks.Net net = netOf(ip);
    ObjectNode o = mapper.createObjectNode();
    o.put("id", id);
    o.put("createdDateTime", Instant.ofEpochMilli(time).toString());
    o.put("userDisplayName", u.displayName());
    o.put("userPrincipalName", u.upn());
    o.put("userId", u.objectId());
    o.put("appId", appId);
    o.put("appDisplayName", appName);
    o.put("ipAddress", ip);
    o.put("clientAppUsed", clientAppUsed);
    o.put("isInteractive", interactive);
    o.put("resourceDisplayName", "Office 365 Exchange Online");
    o.put("resourceId", Apps.EXCHANGE_RESOURCE);
    o.put("resourceTenantId", tenantId);
    o.put("homeTenantId", tenantId);
    o.put("sessionId", session);
    o.put("uniqueTokenIdentifier", token);
    o.put("correlationId", uuid("signin-corr", id).toString());
    o.put("userAgent", "Microsoft Office/16.0");
    o.put("authenticationRequirement", interactive ? "multiFactorAuthentication" : "singleFactorAuthentication");
    if (net != null) o.put("autonomousSystemNumber", net.asn());
    ObjectNode status = o.putObject("status");
    status.put("errorCode", 0);
    status.putNull("failureReason");
    ObjectNode loc = o.putObject("location");
    loc.put("countryOrRegion", net != null ? net.country() : u.country());
    ObjectNode dev = o.putObject("deviceDetail");
    dev.put("operatingSystem", "Windows10");
    dev.put("isCompliant", true);
    return new Record(time, Feed.SIGNIN, id, o.toString());
  }

  private static Networks.Net netOf(String ip) {
    for (Networks.Net n : List.of(Networks.US_HOME, Networks.US_HOME_FAR, Networks.US_HOME_V6, Networks.DE_HOME, Networks.DE_HOME_V6,
        Networks.GB_HOME, Networks.FR_HOME, Networks.US_OFFICE, Networks.DE_OFFICE, Networks.GB_OFFICE,
        Networks.FR_OFFICE, Networks.MICROSOFT, Networks.MICROSOFT_AU, Networks.MICROSOFT_GB, Networks.MICROSOFT_HK,
        Networks.JP_HOTEL, Networks.DIGITALOCEAN_NL, Networks.VULTR_JP,
        Networks.M247_VPN, Networks.INTELSAT)) {
      if (ip.startsWith(n.prefix())) return n;
    }
    return null;
  }

  // ---------------------------------------------------------------- ids and randomness

  private String recordId(User u, int day, int[] seq) {
    return uuid("record", settings.seed(), u.index(), day, seq[0]++).toString();
  }

  /** The UniqueTokenId of a user's device token for an hour (base64 of 16 derived bytes, case-sensitive). */
  public String token(User u, int day, int hour, String device) {
    UUID x = uuid("token", settings.seed(), u.index(), day, hour, device);
    ByteBuffer b = ByteBuffer.allocate(16).putLong(x.getMostSignificantBits()).putLong(x.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  private SplittableRandom rnd(String what, int entity, int day) {
    UUID x = uuid(what, settings.seed(), entity, day);
    return new SplittableRandom(x.getMostSignificantBits() ^ x.getLeastSignificantBits());
  }

  static UUID uuid(Object... parts) {
    StringBuilder sb = new StringBuilder("ualwatch-sim");
    for (Object p : parts) sb.append('\u001f').append(p);
    return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
