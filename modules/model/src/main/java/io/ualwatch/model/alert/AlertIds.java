package io.ualwatch.model.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic alert ids: the same (rule, entity tuple, bucket) always gives the same id. */
public final class AlertIds {
  private AlertIds() {}

  /** {@code ualw-} plus 32 hex digits of SHA-256 over the parts joined by U+001F. */
  public static String of(String ruleId, String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(ruleId.getBytes(StandardCharsets.UTF_8));
      for (String p : parts) {
        md.update((byte) 0x1f);
        md.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
      }
      return "ualw-" + HexFormat.of().formatHex(md.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
