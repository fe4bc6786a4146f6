package io.ualwatch.model.parse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A deterministic id for a record that has none: the same text always gets the same id, so de-duplication still works. */
final class SyntheticIds {
  private SyntheticIds() {}

  static String of(String raw) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] h = md.digest((raw == null ? "" : raw).getBytes(StandardCharsets.UTF_8));
      return "synthetic-" + HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
