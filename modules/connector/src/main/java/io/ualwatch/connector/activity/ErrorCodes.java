package io.ualwatch.connector.activity;

import io.ualwatch.connector.common.ApiException;
import io.ualwatch.connector.common.Response;

/** What to tell the operator for each Management Activity API error code (the doc's error table). */
final class ErrorCodes {
  private ErrorCodes() {}

  static String advice(String code, String tenant, String contentType) {
    return switch (code) {
      case "AF10001" -> "the token lacks the ActivityFeed.Read permission: add Office 365 Management APIs > "
          + "ActivityFeed.Read (Application) to the app registration and grant admin consent in tenant " + tenant
          + ("DLP.All".equals(contentType) ? " (if the message names ActivityFeed.ReadDlp, DLP.All needs that one "
              + "too: grant it the same way, or drop DLP.All from content.types)" : "");
      case "AF20010" -> "the tenant in the URL does not match the token's tenant (tid): check tenant.ids and "
          + "auth.authority, and that the app is consented in tenant " + tenant;
      case "AF20011", "AF20012", "AF20013" -> "tenant " + tenant + " is unknown, misconfigured or not a GUID: "
          + "check tenant.ids, and that unified audit logging is turned on for the tenant (takes up to 60 min)";
      case "AF20020" -> "content type " + contentType + " is not valid: fix content.types";
      case "AF20022" -> "there is no subscription for " + contentType + ": start it (POST subscriptions/start) or "
          + "set subscriptions.start=true";
      case "AF20023" -> "the subscription for " + contentType + " was disabled by an administrator: find out why, "
          + "then re-enable it (POST subscriptions/start)";
      case "AF20001", "AF20002" -> "the API rejected a request parameter; this is a connector bug, please report it";
      case "AF20003" -> "a webhook expiration is in the past; this connector does not use webhooks";
      case "AF20030", "AF20055" -> "the API rejected the listing window (start within 7 days, at most 24 h wide, "
          + "start before end); check the host clock and window.size.ms";
      default -> "unexpected API error; see the message";
    };
  }

  static ApiException fatal(Response r, String what, String tenant, String contentType) {
    String code = r.errorCode();
    return new ApiException(r.status(), code, what + " for tenant " + tenant + " failed with HTTP " + r.status()
        + (code.isEmpty() ? "" : " " + code) + " (" + r.errorMessage() + "): " + advice(code, tenant, contentType) + ".");
  }
}
