package io.ualwatch.testkit.emulator;

import java.time.Instant;
import java.util.Objects;

/**
 * One Entra sign-in as Graph {@code /auditLogs/signIns} returns it.
 *
 * @param id the sign-in id
 * @param createdDateTime what {@code $filter=createdDateTime ...} selects on
 * @param eventType {@code interactiveUser}, {@code nonInteractiveUser}, {@code servicePrincipal} or {@code managedIdentity}
 * @param json the Graph {@code signIn} object as JSON text, served byte for byte
 */
public record SignInEvent(String id, Instant createdDateTime, String eventType, String json) {
  public SignInEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(createdDateTime, "createdDateTime");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(json, "json");
  }
}
