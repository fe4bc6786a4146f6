package io.ualwatch.testkit.emulator;

import java.time.Instant;
import java.util.List;

/**
 * The data a {@link M365Emulator} serves for one tenant. Implementations are free to generate on demand
 * (a deterministic simulator) or to hold a fixed list ({@link FixtureTenant}); the emulator only asks for time
 * ranges, applies the API's visibility rules (nothing created after the emulator's "now" is listed) and does
 * the paging.
 *
 * <p>Implementations must be thread-safe and must return the same blobs (same ids, same records) every time
 * the same range is asked for: a connector re-lists windows after a restart.
 */
public interface EmulatedTenant {
  /** The tenant GUID, as it appears in API URLs and in the token's {@code tid}. */
  String tenantId();

  /** Blobs of this content type with {@code fromInclusive <= contentCreated < toExclusive}, in any order. */
  List<ContentBlob> blobs(String contentType, Instant fromInclusive, Instant toExclusive);

  /** Sign-ins with {@code fromInclusive <= createdDateTime < toExclusive}, in any order. */
  List<SignInEvent> signIns(Instant fromInclusive, Instant toExclusive);
}
