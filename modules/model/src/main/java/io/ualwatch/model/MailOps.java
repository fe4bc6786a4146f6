package io.ualwatch.model;

import java.util.Set;

/** Names of mailbox operations that detectors care about. */
public final class MailOps {
  private MailOps() {}

  /** Operations that read mailbox content. */
  public static final Set<String> MAIL_ACCESS = Set.of(
      "MailItemsAccessed", "MessageBind", "AttachmentAccess", "MailboxLogin", "SearchQueryInitiated",
      "AdminMailAccess");

  public static boolean isMailAccess(String operation) {
    return operation != null && MAIL_ACCESS.contains(operation);
  }
}
