package io.ualwatch.connector.common;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Scheme, host and port of an API root. The bearer token is only ever sent to URIs of the same origin: a
 * NextPageUri, contentUri or @odata.nextLink pointing anywhere else is refused.
 */
public record ApiOrigin(String scheme, String host, int port) {
  public static ApiOrigin of(URI uri) {
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("not an absolute http(s) URL: " + uri);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("not an http(s) URL: " + uri);
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return new ApiOrigin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port);
  }

  public static ApiOrigin of(String url) {
    return of(URI.create(url));
  }

  public boolean matches(URI uri) {
    try {
      return of(uri).equals(this);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Plain http is only accepted for loopback hosts (the emulator); anything real must be https. */
  public boolean secureOrLoopback() {
    if (scheme.equals("https")) return true;
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equals("localhost")) return true;
    if (!h.matches("[0-9.]+") && !h.contains(":")) return false; // literal addresses only, no DNS look-up
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port;
  }
}
