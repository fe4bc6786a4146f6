package io.ualwatch.model.parse;

/** Thrown by normalizers for a record they cannot understand; carries the reason code. */
public class RejectException extends Exception {
  private final RejectReason reason;

  public RejectException(RejectReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
