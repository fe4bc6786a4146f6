package io.ualwatch.connector.common;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** application/x-www-form-urlencoded and query parameter encoding. */
public final class FormEncoding {
  private FormEncoding() {}

  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** For query strings: spaces as %20, which every server reads. */
  public static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
