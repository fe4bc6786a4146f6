package io.ualwatch.testkit.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One content blob of the Management Activity API: what {@code /subscriptions/content} lists and what its
 * {@code contentUri} returns (a JSON array of the raw records, in the order given here).
 *
 * @param contentType e.g. {@code Audit.Exchange}
 * @param contentId opaque id, unique within the tenant
 * @param contentCreated when the blob became available; listing windows select on this
 * @param records raw UAL records, each one JSON object as text, served byte for byte
 */
public record ContentBlob(String contentType, String contentId, Instant contentCreated, List<String> records) {
  public ContentBlob {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(contentId, "contentId");
    Objects.requireNonNull(contentCreated, "contentCreated");
    records = List.copyOf(records);
  }

  /** A blob whose id is derived from its content type, creation time and records (stable across runs). */
  public static ContentBlob of(String contentType, Instant contentCreated, List<String> records) {
    return new ContentBlob(contentType, deriveId(contentType, contentCreated, records), contentCreated, records);
  }

  /** When fetching the blob starts failing with AF20051: seven days after it became available. */
  public Instant contentExpiration() {
    return contentCreated.plus(java.time.Duration.ofDays(7));
  }

  static String deriveId(String contentType, Instant created, List<String> records) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(contentType.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(created.toString().getBytes(StandardCharsets.UTF_8));
      for (String r : records) {
        d.update((byte) 0);
        d.update(r.getBytes(StandardCharsets.UTF_8));
      }
      String hex = HexFormat.of().formatHex(d.digest(), 0, 12);
      String ts = Long.toString(created.toEpochMilli());
      // Shaped like the real ids: "<time>$<time>$audit_exchange$Audit_Exchange$<region>", made unique by the hash.
      String lower = contentType.toLowerCase(java.util.Locale.ROOT).replace('.', '_');
      return ts + hex + "$" + ts + "$" + lower + "$" + contentType.replace('.', '_') + "$emu";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
