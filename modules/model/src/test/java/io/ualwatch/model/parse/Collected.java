package io.ualwatch.model.parse;

import io.ualwatch.model.AuditEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** A listener that keeps everything a reader reports. */
final class Collected implements ParseListener {
  final List<AuditEvent> events = new ArrayList<>();
  final List<Rejection> rejections = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  InputFormat format;

  @Override public void onEvent(AuditEvent e) { events.add(e); }
  @Override public void onReject(Rejection r) { rejections.add(r); }
  @Override public void onWarning(String origin, String message) { warnings.add(message); }
  @Override public void onFormat(String origin, InputFormat f) { format = f; }

  int total() {
    return events.size() + rejections.size();
  }

  long count(RejectReason reason) {
    return rejections.stream().filter(r -> r.reason() == reason).count();
  }

  static Collected read(ParseLimits limits, InputStream in, String name) {
    Collected c = new Collected();
    InputFormat f = new InputReader(limits).read(in, name, c);
    c.format = f;
    return c;
  }

  static Collected read(byte[] bytes) {
    return read(ParseLimits.DEFAULT, new ByteArrayInputStream(bytes), "test");
  }

  static Collected read(String text) {
    return read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
