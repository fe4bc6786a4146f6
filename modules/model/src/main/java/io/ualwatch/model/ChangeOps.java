package io.ualwatch.model;

import java.util.Locale;

/**
 * Operation names of the changes the attack-chain rules follow: directory operations (consent, app role
 * assignments, service principal credentials, MFA and security-info changes, password resets, temporary access
 * passes) and mailbox forwarding (inbox rules, mailbox forwarding). UAL directory operations end with a period
 * ({@code Consent to application.}), Entra AuditLogs write the same names without it, some names carry an en dash
 * ({@code Update application – Certificates and secrets management}) and exports change case and spacing:
 * {@link #canonical} folds all of that, so compare canonical names only.
 */
public final class ChangeOps {
  private ChangeOps() {}

  /** Lower case, trailing periods dropped, dashes (en, em, minus) as '-', runs of white space as one space. */
  public static String canonical(String op) {
    if (op == null) return null;
    StringBuilder sb = new StringBuilder(op.length());
    boolean space = false;
    for (int i = 0; i < op.length(); i++) {
      char c = op.charAt(i);
      if (c == '\u2013' || c == '\u2014' || c == '\u2212' || c == '\u2010' || c == '\u2011') c = '-';
      if (Character.isWhitespace(c) || c == '\u00a0') {
        space = sb.length() > 0;
        continue;
      }
      if (space) sb.append(' ');
      space = false;
      sb.append(Character.toLowerCase(c));
    }
    while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '.') sb.setLength(sb.length() - 1);
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  // ---- app consent and credentials (attribute appChange)
  public static final String CONSENT = "consent to application";
  public static final String APP_ROLE_ASSIGNMENT = "add app role assignment to service principal";
  public static final String SP_CREDENTIALS = "add service principal credentials";
  public static final String APP_CREDENTIALS = "update application - certificates and secrets management";

  // ---- how a user authenticates (attribute securityChange)
  public static final String UPDATE_USER = "update user";
  public static final String DISABLE_MFA = "disable strong authentication";

  // ---- mail forwarding (attribute forwardTo)
  public static final String NEW_INBOX_RULE = "new-inboxrule";
  public static final String SET_INBOX_RULE = "set-inboxrule";
  public static final String UPDATE_INBOX_RULES = "updateinboxrules";
  public static final String SET_MAILBOX = "set-mailbox";

  /** Values of the {@code appChange} attribute. */
  public static final String APP_CHANGE_CONSENT = "consent";
  public static final String APP_CHANGE_ROLE = "app-role-assignment";
  public static final String APP_CHANGE_SP_CREDENTIALS = "sp-credentials";
  public static final String APP_CHANGE_APP_CREDENTIALS = "app-credentials";

  /** Values of the {@code securityChange} attribute. */
  public static final String SEC_MFA = "mfa";
  public static final String SEC_MFA_DISABLED = "mfa-disabled";
  public static final String SEC_SECURITY_INFO = "security-info";
  public static final String SEC_PASSWORD_RESET = "password-reset";
  public static final String SEC_TAP = "temporary-access-pass";

  /** The security-info operations (Entra names; the UAL adds a period). Self-service ones change the actor. */
  static final java.util.Set<String> SECURITY_INFO = java.util.Set.of(
      "user registered security info", "user changed default security info", "user deleted security info",
      "user registered all required security info", "admin registered security info",
      "admin updated security info", "admin deleted security info");

  static final java.util.Set<String> PASSWORD_RESET = java.util.Set.of(
      "reset user password", "reset password (by admin)", "reset password (self-service)");

  /** The securityChange kind of a canonical operation name, or null; {@code Update user} is decided by its properties. */
  public static String securityChangeOf(String canonicalOp) {
    if (canonicalOp == null) return null;
    if (canonicalOp.contains("temporary access pass")) return SEC_TAP;
    if (SECURITY_INFO.contains(canonicalOp)) return SEC_SECURITY_INFO;
    if (PASSWORD_RESET.contains(canonicalOp)) return SEC_PASSWORD_RESET;
    if (DISABLE_MFA.equals(canonicalOp)) return SEC_MFA_DISABLED;
    return null;
  }

  /** True for operations a user does on their own account (the target is the actor when the record names none). */
  public static boolean selfService(String canonicalOp) {
    return canonicalOp != null && (canonicalOp.startsWith("user ") || canonicalOp.endsWith("(self-service)"));
  }

  /** The appChange kind of a canonical operation name, or null. */
  public static String appChangeOf(String canonicalOp) {
    if (canonicalOp == null) return null;
    return switch (canonicalOp) {
      case CONSENT -> APP_CHANGE_CONSENT;
      case APP_ROLE_ASSIGNMENT -> APP_CHANGE_ROLE;
      case SP_CREDENTIALS -> APP_CHANGE_SP_CREDENTIALS;
      case APP_CREDENTIALS -> APP_CHANGE_APP_CREDENTIALS;
      default -> null;
    };
  }

  public static boolean forwardingOp(String canonicalOp) {
    return NEW_INBOX_RULE.equals(canonicalOp) || SET_INBOX_RULE.equals(canonicalOp)
        || UPDATE_INBOX_RULES.equals(canonicalOp) || SET_MAILBOX.equals(canonicalOp);
  }
}
