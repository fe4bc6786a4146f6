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
    for (Attack a : settings.attacks()) {
      if (ROUTINES.contains(a.kind()) && dayIndex >= a.day()) routine(a, dayIndex, date, out);
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
      if (a.victim() == u.index() && (a.kind().equals("benign-trip") || a.kind().equals("benign-business-trip"))
          && a.day() + 1 == day) return true;
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
      case "benign-business-trip" -> {
        // A business trip abroad that signs in afresh on every network: after the working day at home, Outlook on
        // the in-flight Wi-Fi (fixed US geolocation); the next morning, fourteen hours after take-off, the hotel's
        // Wi-Fi (a consumer ISP of the country); an hour and a half later the company's office there (its
        // business line, which the colleagues there use every day). Each network its own interactive sign-in,
        // session and token; the flight makes the distances possible.
        boolean toUs = "GB".equals(u.country());
        Networks.Net hotel = toUs ? Networks.US_FAR_ISP : Networks.GB_FAR_ISP;
        Networks.Net office = toUs ? Networks.US_OFFICE : Networks.GB_OFFICE;
        long takeOff = p.startUtc() + (p.hours() + 3) * 3_600_000L;
        Object[][] legs = {
            {Networks.INTELSAT.address(settings.seed() + 0xB7L + a.day()), takeOff + 40 * 60_000L, "flight"},
            {hotel.address(settings.seed() + 0xB8L + a.day()), takeOff + 14 * 3_600_000L, "hotel"},
            {office.address(settings.seed() * 31 + (toUs ? "US" : "GB").hashCode()), takeOff + 15 * 3_600_000L
                + 30 * 60_000L, "office-abroad"}};
        for (int k = 0; k < legs.length; k++) {
          String ip = (String) legs[k][0];
          long t0 = (Long) legs[k][1];
          String session = uuid("business-trip-" + legs[k][2], settings.seed(), u.index(), a.day()).toString();
          String tok = token(u, a.day(), 611 + k, "business-trip-" + legs[k][2]);
          out.add(signIn(u, a.day(), seq, t0, ip, Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session, tok, true,
              "Mobile Apps and Desktop clients"));
          for (int m = 0; m < 3; m++) {
            out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + (2 + 9L * m) * 60_000L, ip, Apps.OUTLOOK_DESKTOP, null,
                "Client=MSExchangeRPC", "Bind", session, tok, t0, "\\Inbox", 2, r, 0));
          }
        }
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
      case "consent-mail" -> {
        // OAuth consent phishing: the user consents to a third-party app asking for Mail.Read; 35 minutes later
        // the app reads the mailbox with the user's token (from the user's own network, so that only the chain
        // and the new client app stand out).
        long t0 = p.startUtc() + 2 * 3_600_000L + r.nextInt(1800) * 1000L;
        out.add(directory(u.upn(), u.objectId(), a.day(), seq, t0, p.ip(), "Consent to application.",
            uuid("sp", settings.seed(), Apps.CONSENTED_APP).toString(), consentProps(Apps.CONSENTED_APP,
                "Mail.Read Mail.ReadWrite offline_access User.Read", false), spTargets(Apps.CONSENTED_APP,
                Apps.CONSENTED_APP_NAME)));
        String session = uuid("consent-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 608, "consent");
        long t1 = t0 + 35 * 60_000L;
        out.add(signIn(u, a.day(), seq, t1, p.ip(), Apps.CONSENTED_APP, Apps.CONSENTED_APP_NAME, session, tok, false,
            "Mobile Apps and Desktop clients"));
        for (int k = 0; k < 3; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t1 + (1 + 6L * k) * 60_000L, p.ip(), Apps.CONSENTED_APP,
              Apps.CONSENTED_APP_NAME, "Client=REST;Client=RESTSystem;;", "Bind", session, tok, t1, "\\Inbox",
              4 + r.nextInt(6), r, 0));
        }
      }
      case "benign-consent-first-party" -> {
        // An admin consents for the whole tenant to a Microsoft first-party client the users already use (Outlook),
        // then everyone goes on as before.
        long t0 = p.startUtc() + 30 * 60_000L;
        out.add(directory(u.upn(), u.objectId(), a.day(), seq, t0, p.ip(), "Consent to application.",
            uuid("sp", settings.seed(), Apps.OUTLOOK_DESKTOP).toString(), consentProps(Apps.OUTLOOK_DESKTOP,
                "EWS.AccessAsUser.All Mail.ReadWrite offline_access", true), spTargets(Apps.OUTLOOK_DESKTOP,
                "Microsoft Outlook")));
      }
      case "mfa-reset-vpn" -> {
        // The Lapsus$ help-desk pattern: in the evening the help desk resets the victim's password and MFA method
        // for a caller; 25 minutes later the caller signs in through a commercial VPN and reads mail.
        long t0 = p.startUtc() + (p.hours() + 5) * 3_600_000L + r.nextInt(600) * 1000L;
        String helpdesk = "helpdesk.agent@" + DOMAIN;
        String helpdeskOid = uuid("oid-helpdesk", settings.seed()).toString();
        String ip = Networks.US_OFFICE.address(settings.seed() * 31 + 7);
        out.add(directory(helpdesk, helpdeskOid, a.day(), seq, t0, ip, "Reset user password.", u.upn(),
            mapper.createArrayNode(), userTargets(u)));
        out.add(directory(helpdesk, helpdeskOid, a.day(), seq, t0 + 90_000L, ip, "Update user.", u.upn(),
            mfaProps(), userTargets(u)));
        String vpn = Networks.M247_VPN.address(settings.seed() + 0x4E5EL + a.day());
        String session = uuid("helpdesk-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 609, "helpdesk");
        long t1 = t0 + 25 * 60_000L;
        out.add(signIn(u, a.day(), seq, t1, vpn, Apps.OWA, "Outlook Web App Office 365", session, tok, true, "Browser"));
        for (int k = 0; k < 2; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t1 + (2 + 3L * k) * 60_000L, vpn, Apps.OWA, null,
              "Client=OWA;Action=ViaProxy", "Bind", session, tok, t1, "\\Inbox", 3 + r.nextInt(4), r, 0));
        }
      }
      case "benign-mfa-reregister" -> {
        // A new phone: before work the user registers the authenticator app again (self-service), then works as
        // every day from home or the office.
        long t0 = p.startUtc() - 20 * 60_000L;
        out.add(directory(u.upn(), u.objectId(), a.day(), seq, t0, p.ip(), "User registered security info",
            u.upn(), securityInfoProps(), mapper.createArrayNode()));
      }
      case "forward-external" -> {
        // Business email compromise persistence: an inbox rule (OWA / PowerShell) forwarding invoices to an
        // outside address and deleting them from the mailbox.
        long t0 = p.startUtc() + 3 * 3_600_000L + r.nextInt(1800) * 1000L;
        out.add(exchangeAdmin(u, a.day(), seq, t0, p.ip(), "New-InboxRule", u.displayName() + "\\.",
            params("Name", ".", "SubjectOrBodyContainsWords", "invoice;payment;wire", "ForwardTo",
                "\"Records\" [SMTP:records@secure-docs.example]", "DeleteMessage", "True", "StopProcessingRules", "True")));
      }
      case "forward-client-rule" -> {
        // A sign-in through a commercial VPN in the evening, then a client-side rule made in Outlook
        // (UpdateInboxRules, empty Parameters) that forwards everything to an outside address.
        long t0 = p.startUtc() + (p.hours() + 4) * 3_600_000L;
        String vpn = Networks.M247_VPN.address(settings.seed() + 0xF0DL + a.day());
        String session = uuid("rule-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 610, "rule");
        out.add(signIn(u, a.day(), seq, t0, vpn, Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session, tok, true,
            "Mobile Apps and Desktop clients"));
        out.add(updateInboxRules(u, a.day(), seq, t0 + 20 * 60_000L, vpn, session, "Archive",
            "[{\"ActionType\":\"Forward\",\"Recipients\":[\"SMTP:ops-archive@relay-mail.example\"],"
                + "\"FlavorFlags\":\"0\"}]"));
      }
      case "benign-forward-internal" -> {
        // An inbox rule forwarding project mail to a colleague in the same tenant.
        User colleague = users.get((u.index() + 1) % users.size());
        long t0 = p.startUtc() + 60 * 60_000L + r.nextInt(1800) * 1000L;
        out.add(exchangeAdmin(u, a.day(), seq, t0, p.ip(), "New-InboxRule", u.displayName() + "\\Projects",
            params("Name", "Projects", "SubjectContainsWords", "project", "ForwardTo", colleague.upn(),
                "StopProcessingRules", "False")));
      }
      case "sync-new-network" -> {
        // The victim's password in an attacker's hands: late at night they add the mailbox to Outlook desktop on their
        // own machine, behind a residential proxy in the victim's country but hundreds of kilometres away, on an ISP
        // the victim never uses. An interactive sign-in, then Outlook downloads every folder (one Sync per folder).
        String ip = Networks.farIspFor(u.country()).address(settings.seed() + 0x5C7L);
        String session = uuid("sync-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 608, "sync");
        long t0 = p.startUtc() + (p.hours() + 8) * 3_600_000L + r.nextInt(1800) * 1000L;
        out.add(signIn(u, a.day(), seq, t0, ip, Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session, tok, true,
            "Mobile Apps and Desktop clients"));
        out.add(ualLogon(u, a.day(), seq, t0 + 2000, ip, Apps.OUTLOOK_DESKTOP, session));
        for (int k = 0; k < FOLDERS.length; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + 60_000L + k * 9_000L, ip, Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Sync", session, tok, t0, FOLDERS[k], 0, r, 0));
        }
      }
      case "mailbox-throttle" -> {
        // An infostealer on the victim's laptop drives the signed-in Outlook to open every message, one at a time,
        // through the working day: more than 1,000 MailItemsAccessed records from the victim's own network, client
        // and session, never many items in one hour. Exchange throttles the mailbox's audit and says so on the last
        // record (IsThrottled=True). Use a working day (the reads are spread over the day's hours).
        int n = 1040;
        long span = p.hours() * 3_600_000L - 20 * 60_000L;
        for (int k = 0; k < n; k++) {
          long t = p.startUtc() + 10 * 60_000L + span * k / n;
          int h = (int) ((t - p.startUtc()) / 3_600_000L);
          out.add(mailAccess(u, u.upn(), a.day(), seq, t, p.ip(), Apps.OUTLOOK_DESKTOP, null, "Client=MSExchangeRPC",
              "Bind", p.desktopSession(), token(u, a.day(), h, "desktop"), p.startUtc() + h * 3_600_000L,
              FOLDERS[k % FOLDERS.length], 1, r, 0, k == n - 1));
        }
      }
      case "bulk-read" -> {
        // Malware with the victim's live Outlook session downloads 640 messages in 40 minutes (80 records of 8
        // items) from the victim's own network and client: only the volume stands out.
        int h = Math.max(0, Math.min(3, p.hours() - 2));
        long t0 = nextHour(p.startUtc() + h * 3_600_000L) + 5 * 60_000L;
        for (int k = 0; k < 80; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + k * 30_000L, p.ip(), Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Bind", p.desktopSession(), token(u, a.day(), h, "desktop"),
              p.startUtc() + h * 3_600_000L, FOLDERS[k % 3], 8, r, 0));
        }
      }
      case "app-fanout" -> {
        // The CRM integration's client secret leaks: at night someone uses it from a VPS to read eight mailboxes
        // (fewer in a smaller tenant) within six minutes, app-only. The integration normally reads two
        // (benign-crm-app).
        String ip = Networks.DIGITALOCEAN_NL.address(settings.seed() + 0xFA40L);
        long t0 = date.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() + 3 * 3_600_000L
            + r.nextInt(1800) * 1000L;
        for (int k = 0; k < Math.min(8, users.size()); k++) {
          User m = users.get((u.index() + k) % users.size());
          out.add(appMailAccess(Apps.CRM_CONNECTOR, Apps.CRM_CONNECTOR_NAME, m.upn(), a.day(), "crm-leak", seq,
              t0 + k * 45_000L + r.nextInt(20) * 1000L, ip, 3 + r.nextInt(8), r));
        }
      }
      case "mailbox-snoop" -> {
        // A colleague who was given FullAccess long ago and never used it opens the victim's mailbox in their own
        // Outlook and reads a few messages: a delegate logon from the colleague's own network and session.
        User reader = users.get((u.index() + 1) % users.size());
        DayPlan rp = plan(reader, a.day(), date);
        int[] rseq = {520_000};
        String session = uuid("snoop-session", settings.seed(), reader.index(), a.day()).toString();
        String tok = token(reader, a.day(), 609, "snoop");
        long t0 = p.startUtc() + 4 * 3_600_000L + r.nextInt(1800) * 1000L;
        out.add(signIn(reader, a.day(), rseq, t0 - 60_000L, rp.ip(), Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session,
            tok, true, "Mobile Apps and Desktop clients"));
        for (int k = 0; k < 4; k++) {
          out.add(mailAccess(reader, u.upn(), a.day(), rseq, t0 + k * 180_000L, rp.ip(), Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Bind", session, tok, t0 - 60_000L, "\\Inbox", 1 + r.nextInt(3), r, 2));
        }
      }
      case "benign-new-laptop" -> {
        // The user sets up Outlook on a new laptop in the evening, on the network they worked from that day: an
        // interactive sign-in on a new session, then a first Sync of every folder. Same app, same place: silent.
        String session = uuid("laptop-session", settings.seed(), u.index(), a.day()).toString();
        String tok = token(u, a.day(), 610, "laptop");
        long t0 = p.startUtc() + (p.hours() + 1) * 3_600_000L + r.nextInt(1800) * 1000L;
        out.add(signIn(u, a.day(), seq, t0, p.ip(), Apps.OUTLOOK_DESKTOP, "Microsoft Outlook", session, tok, true,
            "Mobile Apps and Desktop clients"));
        out.add(ualLogon(u, a.day(), seq, t0 + 2000, p.ip(), Apps.OUTLOOK_DESKTOP, session));
        for (int k = 0; k < FOLDERS.length; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + 60_000L + k * 6_000L, p.ip(), Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Sync", session, tok, t0, FOLDERS[k], 0, r, 0));
        }
      }
      case "benign-catch-up" -> {
        // Back from leave, a support agent (benign-power-user) works through the team's backlog: about 430 messages
        // read in one hour with their own Outlook, network and session. Loud, but within five times the agent's
        // usual busy hour. Use a working day.
        int h = Math.max(0, Math.min(2, p.hours() - 2));
        long t0 = nextHour(p.startUtc() + h * 3_600_000L) + 2 * 60_000L;
        for (int k = 0; k < 45; k++) {
          out.add(mailAccess(u, u.upn(), a.day(), seq, t0 + k * 70_000L, p.ip(), Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Bind", p.desktopSession(), token(u, a.day(), h, "desktop"),
              p.startUtc() + h * 3_600_000L, FOLDERS[k % 3], 9 + r.nextInt(2), r, 0));
        }
      }
      case "benign-crm-app", "benign-backup-app", "benign-power-user", "benign-assistant" -> {
        // routines: generated every day from their start day by routine()
      }
      default -> throw new IllegalArgumentException("unknown attack kind " + a.kind() + "; known: " + ATTACK_KINDS
          + ", " + BENIGN_KINDS);
    }
  }

  /** Attack kinds that a rule must alert on (one or more per rule), for help texts and benchmarks. */
  public static final String ATTACK_KINDS = "token-replay, new-app, token-no-signin, impossible-travel, new-country, "
      + "hosting-access, consent-mail, mfa-reset-vpn, forward-external, forward-client-rule, sync-new-network, "
      + "mailbox-throttle, bulk-read, app-fanout, mailbox-snoop";

  /** Benign look-alikes that must stay silent (routines among them run every day from their day on). */
  public static final String BENIGN_KINDS = "benign-trip, benign-business-trip, benign-inflight, benign-dualstack, benign-ms-global, "
      + "benign-consent-first-party, benign-mfa-reregister, benign-forward-internal, benign-new-laptop, "
      + "benign-catch-up, benign-crm-app, benign-backup-app, benign-power-user, benign-assistant";

  // ---------------------------------------------------------------- routines (benign behaviour from a start day on)

  /** Kinds that describe a routine from their day on rather than an event on that day. */
  static final java.util.Set<String> ROUTINES = java.util.Set.of("benign-crm-app", "benign-backup-app",
      "benign-power-user", "benign-assistant");

  /** Whether {@code kind} is a routine: benign behaviour generated every day from its day on. */
  public static boolean isRoutine(String kind) {
    return ROUTINES.contains(kind);
  }

  private void routine(Attack a, int day, LocalDate date, List<Record> out) {
    User u = users.get(a.victim() % users.size());
    SplittableRandom r = rnd("routine-" + a.kind(), u.index(), day);
    int[] seq = {600_000};
    long midnight = date.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
    switch (a.kind()) {
      case "benign-crm-app" -> {
        // A CRM integration (app-only, from its cloud host) reads the mailboxes of two salespeople every working day.
        if (weekend) return;
        String ip = Networks.AWS_OREGON.address(settings.seed() + 0xC4AL);
        long t0 = midnight + 15 * 3_600_000L + r.nextInt(1800) * 1000L;
        for (int k = 0; k < Math.min(2, users.size()); k++) {
          User m = users.get((u.index() + k) % users.size());
          out.add(appMailAccess(Apps.CRM_CONNECTOR, Apps.CRM_CONNECTOR_NAME, m.upn(), day, "crm", seq,
              t0 + k * 120_000L, ip, 1 + r.nextInt(4), r));
        }
      }
      case "benign-backup-app" -> {
        // A cloud backup service (app-only) reads every mailbox, the shared one included, each night at 02:00 UTC,
        // one mailbox every 40 seconds.
        String ip = Networks.AWS_OREGON.address(settings.seed() + 0xBAC0L);
        long t0 = midnight + 2 * 3_600_000L + r.nextInt(300) * 1000L;
        List<String> all = new ArrayList<>();
        for (User m : users) all.add(m.upn());
        all.add(sharedMailbox);
        for (int k = 0; k < all.size(); k++) {
          out.add(appMailAccess(Apps.BACKUP_SERVICE, Apps.BACKUP_SERVICE_NAME, all.get(k), day, "backup", seq,
              t0 + k * 40_000L, ip, 2 + r.nextInt(20), r));
        }
      }
      case "benign-power-user" -> {
        // A support agent works the team queue in Outlook for an hour every working day: about 100 messages read.
        DayPlan p = plan(u, day, date);
        if (weekend || !p.active() || p.hours() < 3) return;
        long t0 = nextHour(p.startUtc() + 3_600_000L) + 3 * 60_000L;
        for (int k = 0; k < 10; k++) {
          out.add(mailAccess(u, u.upn(), day, seq, t0 + k * 300_000L, p.ip(), Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Bind", p.desktopSession(), token(u, day, 1, "desktop"),
              p.startUtc() + 3_600_000L, FOLDERS[k % 3], 9 + r.nextInt(3), r, 0));
        }
      }
      case "benign-assistant" -> {
        // The next user is the victim's assistant: every working day they read the victim's mailbox in their own
        // Outlook (delegate logon), from their own network and session.
        if (weekend || users.size() < 2) return;
        User assistant = users.get((u.index() + 1) % users.size());
        DayPlan ap = plan(assistant, day, date);
        if (!ap.active() || ap.hours() < 4) return;
        long t0 = ap.startUtc() + 3 * 3_600_000L + r.nextInt(1800) * 1000L;
        for (int k = 0; k < 2; k++) {
          out.add(mailAccess(assistant, u.upn(), day, seq, t0 + k * 600_000L, ap.ip(), Apps.OUTLOOK_DESKTOP, null,
              "Client=MSExchangeRPC", "Bind", ap.desktopSession(), token(assistant, day, 3, "desktop"),
              ap.startUtc() + 3 * 3_600_000L, "\\Inbox", 1 + r.nextInt(4), r, 2));
        }
      }
      default -> throw new IllegalStateException(a.kind());
    }
  }

  /** The start of the UTC hour after {@code t}. */
  private static long nextHour(long t) {
    return Math.floorDiv(t, 3_600_000L) * 3_600_000L + 3_600_000L;
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

  /** The tenant's initial domain, as Exchange records write it in OrganizationName. */
  private static final String INITIAL_DOMAIN = "contososim.onmicrosoft.com";

  /** A directory operation (RecordType 8) as the UAL writes it: trailing period, Actor/Target lists, properties. */
  private Record directory(String actorUpn, String actorOid, int day, int[] seq, long time, String ip, String op,
      String objectId, ArrayNode modified, ArrayNode target) {
    String id = uuid("dir-record", settings.seed(), actorUpn, day, seq[0]++).toString();
    ObjectNode o = mapper.createObjectNode();
    o.put("CreationTime", UAL_TIME.format(Instant.ofEpochMilli(time)));
    o.put("Id", id);
    o.put("Operation", op);
    o.put("OrganizationId", tenantId);
    o.put("RecordType", 8);
    o.put("ResultStatus", "Success");
    o.put("UserKey", actorOid);
    o.put("UserType", 0);
    o.put("Version", 1);
    o.put("Workload", "AzureActiveDirectory");
    o.put("ClientIP", ip);
    o.put("ObjectId", objectId);
    o.put("UserId", actorUpn);
    o.put("AzureActiveDirectoryEventType", 1);
    ArrayNode ext = o.putArray("ExtendedProperties");
    ext.addObject().put("Name", "additionalDetails").put("Value", "{}");
    ext.addObject().put("Name", "extendedAuditEventCategory").put("Value", op.startsWith("Consent") ? "ServicePrincipal"
        : "User");
    o.set("ModifiedProperties", modified);
    ArrayNode actor = o.putArray("Actor");
    actor.addObject().put("ID", actorUpn).put("Type", 5);
    actor.addObject().put("ID", actorOid).put("Type", 0);
    o.put("ActorContextId", tenantId);
    o.put("ActorIpAddress", ip);
    o.put("InterSystemsId", uuid("isi", id).toString());
    o.put("IntraSystemId", uuid("intra", id).toString());
    o.put("SupportTicketId", "");
    o.set("Target", target);
    o.put("TargetContextId", tenantId);
    return new Record(time, Feed.AUDIT, id, o.toString());
  }

  private ArrayNode consentProps(String appId, String scopes, boolean admin) {
    ArrayNode m = mapper.createArrayNode();
    String sp = uuid("sp", settings.seed(), appId).toString();
    m.addObject().put("Name", "ConsentContext.IsAdminConsent").put("NewValue", admin ? "True" : "False").put("OldValue", "");
    m.addObject().put("Name", "ConsentContext.IsAppOnly").put("NewValue", "False").put("OldValue", "");
    m.addObject().put("Name", "ConsentContext.OnBehalfOfAll").put("NewValue", admin ? "True" : "False").put("OldValue", "");
    m.addObject().put("Name", "ConsentContext.Tags").put("NewValue", "WindowsAzureActiveDirectoryIntegratedApp")
        .put("OldValue", "");
    m.addObject().put("Name", "ConsentAction.Permissions").put("NewValue", "[] => [[Id: "
        + uuid("grant", appId, settings.seed()).toString().substring(0, 8) + ", ClientId: " + sp
        + ", PrincipalId: , ResourceId: " + uuid("sp", settings.seed(), Apps.GRAPH_API) + ", ConsentType: "
        + (admin ? "AllPrincipals" : "Principal") + ", Scope:  " + scopes
        + ", CreatedDateTime: , LastModifiedDateTime ]]; ").put("OldValue", "");
    m.addObject().put("Name", "TargetId.ServicePrincipalNames").put("NewValue", appId).put("OldValue", "");
    return m;
  }

  private ArrayNode spTargets(String appId, String name) {
    ArrayNode t = mapper.createArrayNode();
    String sp = uuid("sp", settings.seed(), appId).toString();
    t.addObject().put("ID", "ServicePrincipal_" + sp).put("Type", 2);
    t.addObject().put("ID", sp).put("Type", 2);
    t.addObject().put("ID", "ServicePrincipal").put("Type", 2);
    t.addObject().put("ID", name).put("Type", 1);
    t.addObject().put("ID", appId).put("Type", 2);
    t.addObject().put("ID", appId).put("Type", 4);
    return t;
  }

  private ArrayNode userTargets(User u) {
    ArrayNode t = mapper.createArrayNode();
    t.addObject().put("ID", "User_" + u.objectId()).put("Type", 2);
    t.addObject().put("ID", u.objectId()).put("Type", 2);
    t.addObject().put("ID", "User").put("Type", 2);
    t.addObject().put("ID", u.upn()).put("Type", 5);
    return t;
  }

  private ArrayNode mfaProps() {
    ArrayNode m = mapper.createArrayNode();
    m.addObject().put("Name", "StrongAuthenticationMethod")
        .put("NewValue", "[{\"MethodType\":6,\"Default\":true}]").put("OldValue", "[{\"MethodType\":7,\"Default\":true}]");
    m.addObject().put("Name", "Included Updated Properties").put("NewValue", "StrongAuthenticationMethod")
        .put("OldValue", "");
    return m;
  }

  private ArrayNode securityInfoProps() {
    ArrayNode m = mapper.createArrayNode();
    m.addObject().put("Name", "Method").put("NewValue", "Microsoft Authenticator").put("OldValue", "");
    return m;
  }

  private ArrayNode params(String... nameValues) {
    ArrayNode a = mapper.createArrayNode();
    for (int i = 0; i < nameValues.length; i += 2) a.addObject().put("Name", nameValues[i]).put("Value", nameValues[i + 1]);
    return a;
  }

  /** An Exchange admin cmdlet record (RecordType 1), e.g. New-InboxRule run from OWA or PowerShell. */
  private Record exchangeAdmin(User u, int day, int[] seq, long time, String ip, String op, String objectId,
      ArrayNode parameters) {
    String id = recordId(u, day, seq);
    ObjectNode o = mapper.createObjectNode();
    o.put("CreationTime", UAL_TIME.format(Instant.ofEpochMilli(time)));
    o.put("Id", id);
    o.put("Operation", op);
    o.put("OrganizationId", tenantId);
    o.put("RecordType", 1);
    o.put("ResultStatus", "True");
    o.put("UserKey", "1003" + Long.toHexString(settings.seed() & 0xffff).toUpperCase() + String.format("%06X", u.index()));
    o.put("UserType", 0);
    o.put("Version", 1);
    o.put("Workload", "Exchange");
    o.put("ClientIP", ip + ":" + (49152 + Math.floorMod(id.hashCode(), 16000)));
    o.put("ObjectId", "SIMPR0" + (u.index() % 9) + "A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/"
        + INITIAL_DOMAIN + "/" + objectId);
    o.put("UserId", u.upn());
    o.put("AppId", "");
    o.put("ClientAppId", "");
    o.put("ExternalAccess", false);
    o.put("OrganizationName", INITIAL_DOMAIN);
    o.put("OriginatingServer", "SIMPR0" + (u.index() % 9) + "MB" + (1000 + day % 97) + " (15.20.8000.000)\r\n");
    o.set("Parameters", parameters);
    o.put("SessionId", uuid("admin-session", settings.seed(), u.index(), day).toString());
    return new Record(time, Feed.AUDIT, id, o.toString());
  }

  /** A client-side rule saved by Outlook (RecordType 2 UpdateInboxRules): empty Parameters, the rule in OperationProperties. */
  private Record updateInboxRules(User u, int day, int[] seq, long time, String ip, String session, String ruleName,
      String ruleActionsJson) {
    String id = recordId(u, day, seq);
    ObjectNode o = mapper.createObjectNode();
    o.put("CreationTime", UAL_TIME.format(Instant.ofEpochMilli(time)));
    o.put("Id", id);
    o.put("Operation", "UpdateInboxRules");
    o.put("OrganizationId", tenantId);
    o.put("RecordType", 2);
    o.put("ResultStatus", "Succeeded");
    o.put("UserKey", "1003" + Long.toHexString(settings.seed() & 0xffff).toUpperCase() + String.format("%06X", u.index()));
    o.put("UserType", 0);
    o.put("Version", 1);
    o.put("Workload", "Exchange");
    o.put("UserId", u.upn());
    o.put("ClientIPAddress", ip);
    o.put("ClientInfoString", "Client=MSExchangeRPC");
    o.put("ClientProcessName", "OUTLOOK.EXE");
    o.put("ClientVersion", "16.0.17531.20140");
    o.put("ExternalAccess", false);
    o.put("InternalLogonType", 0);
    o.put("LogonType", 0);
    o.put("LogonUserSid", u.sid());
    o.put("MailboxGuid", u.mailboxGuid());
    o.put("MailboxOwnerSid", u.sid());
    o.put("MailboxOwnerUPN", u.upn());
    o.put("OrganizationName", INITIAL_DOMAIN);
    o.put("OriginatingServer", "SIMPR0" + (u.index() % 9) + "MB" + (1000 + day % 97) + " (15.20.8000.000)\r\n");
    o.put("SessionId", uuid("exo-session", session).toString());
    o.putArray("Parameters");
    ArrayNode props = o.putArray("OperationProperties");
    props.addObject().put("Name", "RuleOperation").put("Value", "AddMailboxRule");
    props.addObject().put("Name", "RuleId").put("Value", "0");
    props.addObject().put("Name", "RuleState").put("Value", "Enabled");
    props.addObject().put("Name", "RuleCondition").put("Value", "{}");
    props.addObject().put("Name", "RuleName").put("Value", ruleName);
    props.addObject().put("Name", "RuleProvider").put("Value", "RuleOrganizer");
    props.addObject().put("Name", "RuleActions").put("Value", ruleActionsJson);
    ObjectNode item = o.putObject("Item");
    item.put("Id", "RgAAAA" + Base64.getEncoder().withoutPadding().encodeToString(
        ByteBuffer.allocate(8).putLong(id.hashCode() * 31L).array()));
    ObjectNode parent = item.putObject("ParentFolder");
    parent.put("Id", "LgAAAAInbox" + u.index());
    parent.put("Name", "Inbox");
    parent.put("Path", "\\Inbox");
    return new Record(time, Feed.AUDIT, id, o.toString());
  }

  private Record mailAccess(User actor, String mailbox, int day, int[] seq, long time, String ip, String clientAppId,
      String clientAppName, String clientInfo, String accessType, String session, String token, long issuedAt,
      String folder, int items, SplittableRandom r, int logonType) {
    return mailAccess(actor, mailbox, day, seq, time, ip, clientAppId, clientAppName, clientInfo, accessType, session,
        token, issuedAt, folder, items, r, logonType, false);
  }

  private Record mailAccess(User actor, String mailbox, int day, int[] seq, long time, String ip, String clientAppId,
      String clientAppName, String clientInfo, String accessType, String session, String token, long issuedAt,
      String folder, int items, SplittableRandom r, int logonType, boolean throttled) {
    String id = recordId(actor, day, seq);
    User owner = mailbox.equals(actor.upn()) ? actor : userByUpn(mailbox);
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
    o.put("MailboxGuid", owner != null ? owner.mailboxGuid() : uuid("mbx-shared", settings.seed()).toString());
    o.put("MailboxOwnerSid", owner != null ? owner.sid() : "S-1-5-21-shared-9999");
    o.put("MailboxOwnerUPN", mailbox);
    o.put("OrganizationName", DOMAIN);
    o.put("OriginatingServer", "SIMPR0" + (actor.index() % 9) + "MB" + (1000 + day % 97) + " (15.20.8000.000)\r\n");
    o.put("SessionId", uuid("exo-session", session).toString());
    o.put("TokenObjectId", actor.objectId());
    o.put("TokenTenantId", tenantId);
    ArrayNode props = o.putArray("OperationProperties");
    props.addObject().put("Name", "MailAccessType").put("Value", accessType);
    props.addObject().put("Name", "IsThrottled").put("Value", throttled ? "True" : "False");
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

  private User userByUpn(String upn) {
    for (User u : users) if (u.upn().equals(upn)) return u;
    return null;
  }

  /**
   * An app-only MailItemsAccessed (client credentials: the service principal reads through Graph with an
   * application permission). No Entra session and, since the simulated sign-in feed has no service-principal
   * sign-ins, no UniqueTokenId.
   */
  private Record appMailAccess(String appId, String appName, String mailbox, int day, String what, int[] seq,
      long time, String ip, int items, SplittableRandom r) {
    String id = uuid("app-record", settings.seed(), appId, what, day, seq[0]++).toString();
    User owner = userByUpn(mailbox);
    ObjectNode o = mapper.createObjectNode();
    o.put("CreationTime", UAL_TIME.format(Instant.ofEpochMilli(time)));
    o.put("Id", id);
    o.put("Operation", "MailItemsAccessed");
    o.put("OrganizationId", tenantId);
    o.put("RecordType", 50);
    o.put("ResultStatus", "Succeeded");
    o.put("UserKey", appId);
    o.put("UserType", 5);
    o.put("Version", 1);
    o.put("Workload", "Exchange");
    o.put("UserId", appId);
    o.put("AppId", appId);
    o.put("ClientAppId", appId);
    o.put("ClientIPAddress", ip);
    o.put("ClientInfoString", "Client=REST;Client=RESTSystem;;");
    o.put("ExternalAccess", false);
    o.put("MailboxGuid", owner != null ? owner.mailboxGuid() : uuid("mbx-shared", settings.seed()).toString());
    o.put("MailboxOwnerSid", owner != null ? owner.sid() : "S-1-5-21-shared-9999");
    o.put("MailboxOwnerUPN", mailbox);
    o.put("OrganizationName", DOMAIN);
    o.put("OriginatingServer", "SIMPR0" + Math.floorMod(mailbox.hashCode(), 9) + "MB" + (1000 + day % 97)
        + " (15.20.8000.000)\r\n");
    o.put("TokenTenantId", tenantId);
    ArrayNode props = o.putArray("OperationProperties");
    props.addObject().put("Name", "MailAccessType").put("Value", "Bind");
    props.addObject().put("Name", "IsThrottled").put("Value", "False");
    ArrayNode folders = o.putArray("Folders");
    ObjectNode f = folders.addObject();
    f.put("Id", "LgAAAA" + Base64.getEncoder().withoutPadding().encodeToString(
        ByteBuffer.allocate(8).putLong(mailbox.hashCode() * 31L).array()));
    f.put("Path", "\\Inbox");
    ArrayNode fi = f.putArray("FolderItems");
    for (int k = 0; k < items; k++) {
      ObjectNode it = fi.addObject();
      it.put("InternetMessageId", "<" + Long.toHexString(r.nextLong()) + "@" + (r.nextBoolean() ? DOMAIN : "mail.example.net") + ">");
      it.put("SizeInBytes", 2000 + r.nextInt(80_000));
    }
    o.put("OperationCount", Math.max(1, items));
    ObjectNode ctx = o.putObject("AppAccessContext");
    ctx.put("APIId", Apps.GRAPH_API);
    ctx.put("ClientAppId", appId);
    ctx.put("ClientAppName", appName);
    ctx.put("CorrelationId", uuid("corr", id).toString());
    ctx.put("IssuedAtTime", UAL_TIME.format(Instant.ofEpochMilli(time - 600_000L)));
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
        Networks.M247_VPN, Networks.INTELSAT, Networks.US_FAR_ISP, Networks.DE_FAR_ISP, Networks.GB_FAR_ISP,
        Networks.FR_FAR_ISP, Networks.AWS_OREGON)) {
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
