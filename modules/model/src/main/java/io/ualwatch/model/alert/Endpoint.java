package io.ualwatch.model.alert;

/** A network location involved in an alert (the source of an access, or one end of a travel pair). */
public class Endpoint {
  public String ip;
  public String country;
  public String city;
  public Double latitude;
  public Double longitude;
  public Long asn;
  public String asOrg;
  public String network;
  public long time;

  public Endpoint() {}

  /** A copy of this endpoint with another time. */
  public Endpoint at(long time) {
    Endpoint c = new Endpoint();
    c.ip = ip;
    c.country = country;
    c.city = city;
    c.latitude = latitude;
    c.longitude = longitude;
    c.asn = asn;
    c.asOrg = asOrg;
    c.network = network;
    c.time = time;
    return c;
  }
}
