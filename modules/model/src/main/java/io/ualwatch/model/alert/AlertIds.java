package io.ualwatch.model.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic alert ids: the same (rule, entity tuple, bucket) always gives the same id. */
public final class AlertIds {
  private AlertIds() {}

  /** One digest per thread: MessageDigest.getInstance looks up the provider on every call (2 % of hunt). */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private static final HexFormat HEX = HexFormat.of();

  /** {@code ualw-} plus 32 hex digits of SHA-256 over the parts joined by U+001F. */
  public static String of(String ruleId, String... parts) {
    MessageDigest md = SHA256.get();
    md.reset();
    md.update(ruleId.getBytes(StandardCharsets.UTF_8));
    for (String p : parts) {
      md.update((byte) 0x1f);
      md.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
    }
    return "ualw-" + HEX.formatHex(md.digest(), 0, 16);
  }
}
