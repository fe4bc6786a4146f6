package io.ualwatch.connector.activity;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The source offset of one (tenant, content type), as Connect stores it (primitive values only):
 *
 * <ul>
 *   <li>{@code cursor}: every blob with contentCreated before it has been emitted completely;</li>
 *   <li>{@code end}: end of the window in progress (absent between windows);</li>
 *   <li>{@code done}: comma-joined {@link io.ualwatch.connector.common.IdHash fingerprints} of the blobs of
 *       the window in progress already emitted completely (or skipped as expired);</li>
 *   <li>{@code blob}, {@code next}: the blob being emitted and how many of its records were emitted.</li>
 * </ul>
 */
record FeedPosition(Instant cursor, Instant end, Set<String> done, String blob, int next) {
  static final String VERSION = "v";
  static final String CURSOR = "cursor";
  static final String END = "end";
  static final String DONE = "done";
  static final String BLOB = "blob";
  static final String NEXT = "next";

  static Map<String, Object> between(Instant cursor) {
    return Map.of(VERSION, 1, CURSOR, cursor.toString());
  }

  static Map<String, Object> inWindow(Instant cursor, Instant end, String doneJoined) {
    return Map.of(VERSION, 1, CURSOR, cursor.toString(), END, end.toString(), DONE, doneJoined);
  }

  static Map<String, Object> inBlob(Instant cursor, Instant end, String doneJoined, String blob, int next) {
    return Map.of(VERSION, 1, CURSOR, cursor.toString(), END, end.toString(), DONE, doneJoined, BLOB, blob,
        NEXT, next);
  }

  static String join(Collection<String> done) {
    return String.join(",", done);
  }

  static FeedPosition fromMap(Map<String, Object> m) {
    if (m == null || m.get(CURSOR) == null) return null;
    Instant cursor = Instant.parse(m.get(CURSOR).toString());
    Instant end = m.get(END) == null ? null : Instant.parse(m.get(END).toString());
    Set<String> done = new LinkedHashSet<>();
    Object d = m.get(DONE);
    if (d != null && !d.toString().isEmpty()) done.addAll(Arrays.asList(d.toString().split(",")));
    String blob = m.get(BLOB) == null ? null : m.get(BLOB).toString();
    int next = m.get(NEXT) instanceof Number n ? n.intValue() : 0;
    return new FeedPosition(cursor, end, done, blob, next);
  }
}
