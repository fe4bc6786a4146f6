package io.ualwatch.connector.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Short stable fingerprints (64 bits of SHA-256, base64url, 11 characters) of content ids and record ids, so
 * that offsets stay small: Connect offsets hold primitive values only, so sets are stored as comma-joined text.
 */
public final class IdHash {
  private IdHash() {}

  public static String of(String id) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
