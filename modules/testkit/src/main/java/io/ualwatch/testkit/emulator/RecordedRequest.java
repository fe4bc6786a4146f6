package io.ualwatch.testkit.emulator;

import java.time.Instant;

/**
 * One request the emulator answered (for assertions).
 *
 * @param kind which endpoint: token, subscriptions, listing, blob, graph, unknown
 * @param hadAuthorization whether an Authorization header was present
 * @param publisherIdentifier the PublisherIdentifier query parameter, or null
 * @param at the emulator clock's time
 */
public record RecordedRequest(String method, String path, String query, String kind, boolean hadAuthorization,
    String publisherIdentifier, int status, Instant at) {}
