package io.ualwatch.model;

/** The feed a normalized event came from. */
public enum EventSource {
  /** A unified audit log record (Management Activity API, Purview/cmdlet export, Graph audit query, Defender RawEventData). */
  UAL,
  /** An Entra ID sign-in (Graph signIn, diagnostic-settings envelope, Log Analytics export). */
  ENTRA_SIGNIN
}
