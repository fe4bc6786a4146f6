package io.ualwatch.detect;

import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.EventSource;
import io.ualwatch.model.Geo;
import io.ualwatch.model.NetworkClass;
import io.ualwatch.model.Outcome;
import java.time.Instant;

/** Small builders for hand-made events in detector tests. */
public final class Events {
  public static final String TENANT = "11111111-2222-3333-4444-555555555555";
  public static final long DAY = 86_400_000L;
  public static final long T0 = Instant.parse("2025-06-02T00:00:00Z").toEpochMilli();
  private static int seq;

  private Events() {}

  public static Geo geo(String country, long asn, String org, NetworkClass network) {
    Geo g = new Geo();
    g.country = country;
    g.city = "City of " + country;
    g.latitude = 10.0;
    g.longitude = 20.0;
    g.asn = asn;
    g.asOrg = org;
    g.network = network;
    g.located = true;
    return g;
  }

  public static final Geo COMCAST_US = geo("US", 7922, "Comcast", NetworkClass.OTHER);
  public static final Geo DIGITALOCEAN_NL = geo("NL", 14061, "DigitalOcean", NetworkClass.HOSTING);
  public static final Geo TELEKOM_DE = geo("DE", 3320, "Deutsche Telekom", NetworkClass.OTHER);
  public static final Geo MICROSOFT_US = geo("US", 8075, "Microsoft", NetworkClass.MICROSOFT);

  /** A successful MailItemsAccessed on {@code mailbox} by {@code app} at T0 + offset. */
  public static AuditEvent mail(String mailbox, String app, long offsetMs, String ip, Geo geo) {
    AuditEvent e = new AuditEvent();
    e.source = EventSource.UAL;
    e.format = "test";
    e.tenantId = TENANT;
    e.eventTime = Instant.ofEpochMilli(T0 + offsetMs);
    e.recordId = "rec-" + (++seq);
    e.recordType = 50;
    e.operation = "MailItemsAccessed";
    e.outcome = Outcome.SUCCESS;
    e.actor = mailbox;
    e.actorKind = ActorKind.USER;
    e.mailboxOwner = mailbox;
    e.clientAppId = app;
    e.clientIp = ip;
    e.geo = geo;
    e.mailAccessType = "Bind";
    e.operationCount = 2;
    return e;
  }

  /** A successful interactive Entra sign-in. */
  public static AuditEvent signIn(String user, long offsetMs, String ip, Geo geo, String session, String token) {
    AuditEvent e = new AuditEvent();
    e.source = EventSource.ENTRA_SIGNIN;
    e.format = "test";
    e.tenantId = TENANT;
    e.eventTime = Instant.ofEpochMilli(T0 + offsetMs);
    e.recordId = "signin-" + (++seq);
    e.operation = "SignIn";
    e.outcome = Outcome.SUCCESS;
    e.actor = user;
    e.actorKind = ActorKind.USER;
    e.clientIp = ip;
    e.geo = geo;
    e.aadSessionId = session;
    e.uniqueTokenId = token;
    e.clientAppId = "5d661950-3475-41cd-a2c3-d671a3162bc1";
    return e;
  }
}
