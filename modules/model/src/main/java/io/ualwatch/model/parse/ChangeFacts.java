package io.ualwatch.model.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ualwatch.model.ActorKind;
import io.ualwatch.model.AuditEvent;
import io.ualwatch.model.ChangeOps;
import io.ualwatch.model.util.CiObject;
import io.ualwatch.model.util.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts of a change record that the attack-chain rules read, extracted by name (never by position) into
 * {@link AuditEvent#attributes}:
 *
 * <ul>
 *   <li>{@code appChange} ({@code consent}, {@code app-role-assignment}, {@code sp-credentials},
 *       {@code app-credentials}), {@code targetAppId} (the client app the change is about), {@code targetAppName}, {@code
 *       grantedPermissions} (space-separated scope or app role values), {@code adminConsent};
 *   <li>{@code securityChange} ({@code mfa}, {@code mfa-disabled}, {@code security-info}, {@code password-reset},
 *       {@code temporary-access-pass}) and {@code targetUser} (the user whose sign-in methods changed);
 *   <li>{@code forwardTo} (addresses mail is forwarded or redirected to, lower-case, ';'-joined), {@code
 *       forwardUnresolved} (recipients written without an address), {@code forwardHides} (the rule deletes the
 *       message, or the mailbox keeps no copy), {@code ruleName}, {@code ruleMailbox}, {@code organizationName}.
 * </ul>
 *
 * <p>Where the fields are: app role assignments name the client in {@code ServicePrincipal.AppId} and the
 * resource (Graph, Exchange) in {@code TargetId.ServicePrincipalNames}; consents and credential changes name the
 * client in {@code TargetId.ServicePrincipalNames} (first GUID) or a Target entry of type SPN. Consent scopes
 * are the {@code Scope:} parts of {@code ConsentAction.Permissions}. Client-side rules ({@code UpdateInboxRules})
 * have empty {@code Parameters}: their actions are the JSON in {@code OperationProperties[RuleActions]}.
 */
final class ChangeFacts {
  private ChangeFacts() {}

  private static final Pattern GUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern ADDRESS = Pattern.compile(
      "[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final Pattern SCOPE = Pattern.compile("Scope:\\s*([^,\\]\\[]*)");
  /** Target entry type of a UPN (the schema's order: Claim, Name, Other, PUID, SPN, UPN). */
  private static final int TYPE_NAME = 1;
  private static final int TYPE_SPN = 4;
  private static final int TYPE_UPN = 5;
  private static final int MAX_ADDRESSES = 16;

  static void extract(CiObject r, AuditEvent e, ObjectMapper mapper) {
    String op = ChangeOps.canonical(e.operation);
    if (op == null || op.isEmpty()) return;
    String app = ChangeOps.appChangeOf(op);
    if (app != null) {
      appChange(r, e, op, app, mapper);
      return;
    }
    String sec = ChangeOps.securityChangeOf(op);
    if (sec == null && ChangeOps.UPDATE_USER.equals(op)) sec = mfaUpdate(r, mapper);
    if (sec != null) {
      JsonNode modified = Json.reparse(r.get("modifiedproperties"), mapper);
      if (!ChangeOps.SEC_TAP.equals(sec) && hasPropertyStarting(modified, "TemporaryAccessPass")) sec = ChangeOps.SEC_TAP;
      UalNormalizer.putAttr(e, "securityChange", sec);
      String target = targetUpn(r, mapper);
      if (target == null && ChangeOps.selfService(op) && e.actorKind == ActorKind.USER) target = e.actor;
      if (target != null) UalNormalizer.putAttr(e, "targetUser", target);
      return;
    }
    if (ChangeOps.forwardingOp(op)) forwarding(r, e, op, mapper);
  }

  // ---------------------------------------------------------------- apps

  private static void appChange(CiObject r, AuditEvent e, String op, String kind, ObjectMapper mapper) {
    UalNormalizer.putAttr(e, "appChange", kind);
    JsonNode modified = Json.reparse(r.get("modifiedproperties"), mapper);
    String appId;
    if (ChangeOps.APP_ROLE_ASSIGNMENT.equals(op)) {
      // the client that received the role; TargetId.ServicePrincipalNames is the resource (Graph, Exchange) here
      appId = firstGuid(property(modified, "ServicePrincipal.AppId"));
      String role = unquote(property(modified, "AppRole.Value"));
      if (role != null) UalNormalizer.putAttr(e, "grantedPermissions", role);
      String resource = firstGuid(property(modified, "TargetId.ServicePrincipalNames"));
      if (resource != null) UalNormalizer.putAttr(e, "resourceAppId", resource);
    } else {
      appId = firstGuid(property(modified, "TargetId.ServicePrincipalNames"));
      if (appId == null) appId = firstGuid(property(modified, "AppId"));
      if (appId == null) appId = targetOfType(r, TYPE_SPN, true, mapper);
      if (ChangeOps.CONSENT.equals(op)) {
        String perms = property(modified, "ConsentAction.Permissions");
        Set<String> scopes = new LinkedHashSet<>();
        if (perms != null) {
          Matcher m = SCOPE.matcher(perms);
          while (m.find()) {
            for (String s : m.group(1).strip().split("\\s+")) {
              String t = unquote(s);
              if (t != null && !t.isEmpty()) scopes.add(t);
            }
          }
        }
        if (!scopes.isEmpty()) UalNormalizer.putAttr(e, "grantedPermissions", String.join(" ", scopes));
        Boolean admin = Json.bool(unquote(property(modified, "ConsentContext.IsAdminConsent")));
        if (admin != null) UalNormalizer.putAttr(e, "adminConsent", admin.toString());
      }
    }
    if (appId != null) UalNormalizer.putAttr(e, "targetAppId", appId.toLowerCase(Locale.ROOT));
    // the app's display name: the client's name on app role assignments, else a Target entry of type 1 (Name)
    String name = ChangeOps.APP_ROLE_ASSIGNMENT.equals(op) ? unquote(property(modified, "ServicePrincipal.DisplayName"))
        : targetName(r, mapper);
    if (name != null) UalNormalizer.putAttr(e, "targetAppName", name);
  }

  private static String targetName(CiObject r, ObjectMapper mapper) {
    JsonNode target = Json.reparse(r.get("target"), mapper);
    if (target == null || !target.isArray()) return null;
    for (JsonNode t : target) {
      Integer ty = Json.intValue(Json.get(t, "Type"));
      String id = Json.text(Json.get(t, "ID"));
      if (ty != null && ty == TYPE_NAME && id != null && !id.isBlank()) return id.strip();
    }
    return null;
  }

  // ---------------------------------------------------------------- users

  /** {@code Update user} counts when it changed a StrongAuthentication* property (MFA methods or requirement). */
  private static String mfaUpdate(CiObject r, ObjectMapper mapper) {
    JsonNode modified = Json.reparse(r.get("modifiedproperties"), mapper);
    if (hasPropertyStarting(modified, "StrongAuthentication")) return ChangeOps.SEC_MFA;
    String included = property(modified, "Included Updated Properties");
    return included != null && included.toLowerCase(Locale.ROOT).contains("strongauthentication") ? ChangeOps.SEC_MFA
        : null;
  }

  /** The user a directory operation changed: a Target entry of type UPN, else an ObjectId that is a UPN. */
  private static String targetUpn(CiObject r, ObjectMapper mapper) {
    String upn = targetOfType(r, TYPE_UPN, false, mapper);
    if (upn == null) {
      String objectId = r.text("objectid");
      if (objectId != null && ADDRESS.matcher(objectId.strip()).matches()) upn = objectId.strip();
    }
    return upn == null ? null : upn.toLowerCase(Locale.ROOT);
  }

  /** The first Target ID of the given type (a GUID when {@code guid}, else an address). */
  private static String targetOfType(CiObject r, int type, boolean guid, ObjectMapper mapper) {
    JsonNode target = Json.reparse(r.get("target"), mapper);
    if (target == null || !target.isArray()) return null;
    for (JsonNode t : target) {
      Integer ty = Json.intValue(Json.get(t, "Type"));
      String id = Json.text(Json.get(t, "ID"));
      if (ty == null || ty != type || id == null) continue;
      id = id.strip();
      if (guid ? GUID.matcher(id).matches() : ADDRESS.matcher(id).matches()) return id;
    }
    return null;
  }

  // ---------------------------------------------------------------- forwarding

  private static void forwarding(CiObject r, AuditEvent e, String op, ObjectMapper mapper) {
    Set<String> to = new LinkedHashSet<>();
    List<String> unresolved = new ArrayList<>();
    boolean hides = false;
    String ruleName = null;
    String mailbox = null;
    if (ChangeOps.UPDATE_INBOX_RULES.equals(op)) {
      // client-side rules: Parameters is empty; the rule is in OperationProperties, its actions as JSON text
      JsonNode props = Json.reparse(r.get("operationproperties"), mapper);
      String ruleOp = Json.nameValue(props, "RuleOperation");
      if (ruleOp != null) UalNormalizer.putAttr(e, "ruleOperation", ruleOp);
      if (ruleOp != null && ruleOp.toLowerCase(Locale.ROOT).startsWith("remove")) return;
      ruleName = Json.nameValue(props, "RuleName");
      JsonNode actionsNode = Json.nameValueNode(props, "RuleActions");
      JsonNode actions = Json.reparse(actionsNode, mapper);
      if (actions != null) {
        for (JsonNode a : actions.isArray() ? actions : List.of(actions)) {
          String type = Json.text(Json.get(a, "ActionType"));
          String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
          if (t.contains("forward") || t.contains("redirect")) collect(a, to, unresolved);
          if (t.contains("delete")) hides = true;
        }
      } else {
        String text = Json.text(actionsNode);
        if (text != null) {
          String low = text.toLowerCase(Locale.ROOT);
          if (low.contains("forward") || low.contains("redirect")) addresses(text, to);
          if (low.contains("delete")) hides = true;
        }
      }
      mailbox = e.mailboxOwner;
    } else {
      JsonNode params = Json.reparse(r.get("parameters"), mapper);
      String[] names = ChangeOps.SET_MAILBOX.equals(op)
          ? new String[] {"ForwardingSmtpAddress", "ForwardingAddress"}
          : new String[] {"ForwardTo", "ForwardAsAttachmentTo", "RedirectTo"};
      for (String n : names) {
        String v = Json.nameValue(params, n);
        if (v == null || v.isBlank()) continue;
        int before = to.size();
        addresses(v, to);
        if (to.size() == before && !v.strip().equals("$null")) unresolved.add(v.strip());
      }
      if (ChangeOps.SET_MAILBOX.equals(op)) {
        Boolean keep = Json.bool(Json.nameValue(params, "DeliverToMailboxAndForward"));
        if (Boolean.FALSE.equals(keep) && (!to.isEmpty() || !unresolved.isEmpty())) hides = true;
        mailbox = Json.nameValue(params, "Identity");
        if (mailbox == null) mailbox = r.text("objectid");
      } else {
        hides = Boolean.TRUE.equals(Json.bool(Json.nameValue(params, "DeleteMessage")));
        ruleName = Json.nameValue(params, "Name");
        mailbox = Json.nameValue(params, "Mailbox");
      }
    }
    if (to.isEmpty() && unresolved.isEmpty()) return;
    if (!to.isEmpty()) UalNormalizer.putAttr(e, "forwardTo", String.join(";", to));
    if (!unresolved.isEmpty()) UalNormalizer.putAttr(e, "forwardUnresolved", String.join(";", unresolved));
    if (hides) UalNormalizer.putAttr(e, "forwardHides", "true");
    if (ruleName != null) UalNormalizer.putAttr(e, "ruleName", ruleName);
    if (mailbox != null && !mailbox.isBlank()) UalNormalizer.putAttr(e, "ruleMailbox", mailbox.strip().toLowerCase(Locale.ROOT));
    String org = r.text("organizationname");
    if (org != null && !org.isBlank()) UalNormalizer.putAttr(e, "organizationName", org.strip().toLowerCase(Locale.ROOT));
  }

  /** Every address in the text values of a node (recipients of a forward or redirect action). */
  private static void collect(JsonNode n, Set<String> to, List<String> unresolved) {
    if (n == null) return;
    if (n.isContainerNode()) {
      for (JsonNode c : n) collect(c, to, unresolved);
      return;
    }
    String t = Json.text(n);
    if (t != null) addresses(t, to);
  }

  private static void addresses(String text, Set<String> to) {
    Matcher m = ADDRESS.matcher(text);
    while (m.find() && to.size() < MAX_ADDRESSES) to.add(m.group().toLowerCase(Locale.ROOT));
  }

  // ---------------------------------------------------------------- name/value helpers

  /** NewValue of a ModifiedProperties entry by name, as text (JSON containers as their JSON text). */
  private static String property(JsonNode modified, String name) {
    return Json.nameValue(modified, name);
  }

  private static boolean hasPropertyStarting(JsonNode modified, String prefix) {
    if (modified == null || !modified.isArray()) return false;
    String p = prefix.toLowerCase(Locale.ROOT);
    for (JsonNode entry : modified) {
      String n = Json.text(Json.get(entry, "Name"));
      if (n != null && n.toLowerCase(Locale.ROOT).startsWith(p)) return true;
    }
    return false;
  }

  private static String firstGuid(String s) {
    if (s == null) return null;
    Matcher m = GUID.matcher(s);
    return m.find() ? m.group().toLowerCase(Locale.ROOT) : null;
  }

  /** Strips the quotes and brackets Entra puts around values ({@code "\"Mail.Read\""}, {@code ["True"]}). */
  private static String unquote(String s) {
    if (s == null) return null;
    String t = s.strip();
    while (t.length() > 0 && (t.charAt(0) == '"' || t.charAt(0) == '[' || t.charAt(0) == '\'')) t = t.substring(1);
    while (t.length() > 0 && (t.endsWith("\"") || t.endsWith("]") || t.endsWith("'") || t.endsWith(";"))) {
      t = t.substring(0, t.length() - 1);
    }
    t = t.strip();
    return t.isEmpty() ? null : t;
  }
}
