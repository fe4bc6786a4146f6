package io.ualwatch.model.alert;

import java.util.Locale;

/** The renderings of an {@link Alert}: one per SIEM convention, all from the same model. */
public enum AlertFormat {
  /** OCSF 1.3 Detection Finding JSON (the default on {@code ualwatch.alerts}). */
  OCSF("application/json"),
  /** Elastic Common Schema JSON document. */
  ECS("application/json"),
  /** ArcSight Common Event Format line. */
  CEF("text/plain");

  private final String contentType;

  AlertFormat(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  /** One line: JSON without line breaks, or a CEF line (CEF escapes line breaks). */
  public String render(Alert a) {
    return switch (this) {
      case OCSF -> OcsfFormatter.toJsonString(a);
      case ECS -> EcsFormatter.toJsonString(a);
      case CEF -> CefFormatter.format(a);
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AlertFormat parse(String s) {
    return valueOf(s.strip().toUpperCase(Locale.ROOT));
  }
}
