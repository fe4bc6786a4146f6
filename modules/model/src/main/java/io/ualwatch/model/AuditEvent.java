package io.ualwatch.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One normalized audit fact: a unified audit log (UAL) record, an Entra sign-in, or a record from an
 * export of either. Every input format maps into this one shape; detectors never see raw field names.
 *
 * <p>A plain mutable class with public fields and a public no-arg constructor so that Flink serializes it
 * with its POJO serializer (no Kryo). Every field but {@link #eventTime}, {@link #recordId} and
 * {@link #source} is optional: Microsoft omits blocks freely (record-schema.md §10).
 */
public class AuditEvent {

  /** Where the record came from (UAL record or an Entra sign-in feed). */
  public EventSource source;
  /** The input format it was parsed from, e.g. {@code ual-json}, {@code purview-csv}; see {@code InputFormat}. */
  public String format;
  /**
   * The record shape inside the format: {@code ual}, {@code graph-auditlogrecord}, {@code graph-signin},
   * {@code diagnostic-signin}, {@code sentinel-officeactivity}, {@code sentinel-signin},
   * {@code defender-cloudappevents}, {@code flattened-ual}; see docs/input-formats.md.
   */
  public String shape;
  /** Tenant id (OrganizationId / tenantId), lower-cased GUID; "unknown" when the record has none. */
  public String tenantId;
  /** Event time in UTC: UAL {@code CreationTime}, sign-in {@code createdDateTime}. Never ingestion time. */
  public Instant eventTime;
  /** Record id (UAL {@code Id}, sign-in {@code id}); the de-duplication key. */
  public String recordId;
  /** UAL RecordType number (null for sign-ins and unknown names). */
  public Integer recordType;
  /** Operation with one trailing period stripped ({@code Consent to application.} becomes {@code Consent to application}). */
  public String operation;
  /** Workload, e.g. Exchange, AzureActiveDirectory. */
  public String workload;
  /** ResultStatus as written in the record. */
  public String resultStatus;
  /** Outcome derived from Operation, ResultStatus and error codes. */
  public Outcome outcome;

  /** Acting identity: lower-cased UPN when the record has one, else the id as written. */
  public String actor;
  /** What kind of identity {@link #actor} is. */
  public ActorKind actorKind;
  /** UAL UserType enum value. */
  public Integer userType;
  /** Entra object id of the acting user (UserKey on Entra records, TokenObjectId, sign-in userId). */
  public String actorObjectId;

  /** Mailbox accessed (MailboxOwnerUPN), lower-cased; null when the record is not about a mailbox. */
  public String mailboxOwner;
  /** MailboxGuid. */
  public String mailboxGuid;
  /** LogonType (0 Owner, 1 Admin, 2 Delegated, ...). */
  public Integer logonType;
  /** ExternalAccess flag on mailbox records. */
  public Boolean externalAccess;

  /** Normalized client IP (brackets and port stripped, IPv4-mapped unmapped, IPv6 lower-case RFC 5952), or null. */
  public String clientIp;
  /** The client IP exactly as written in the record (null when absent). */
  public String clientIpRaw;

  /** Executing app / API id (record-level AppId, AppAccessContext.APIId). */
  public String appId;
  /** The OAuth client that asked: ClientAppId, AppAccessContext.ClientAppId, ApplicationId, sign-in appId. */
  public String clientAppId;
  /** Display name of the client app when the record names it. */
  public String clientAppName;
  /** ClientInfoString (mailbox records) or clientAppUsed (sign-ins). */
  public String clientInfo;
  /** User agent (sign-ins; UAL logon ExtendedProperties). */
  public String userAgent;

  /** Exchange session id (mailbox SessionId). Exchange-internal: never joined to Entra. */
  public String exchangeSessionId;
  /** Entra session id: AppAccessContext.AADSessionId, UAL logon DeviceProperties.SessionId, sign-in sessionId. */
  public String aadSessionId;
  /** Per-token id: AppAccessContext.UniqueTokenId, sign-in uniqueTokenIdentifier. Case-sensitive. */
  public String uniqueTokenId;
  /** When the token was issued (AppAccessContext.IssuedAtTime). */
  public Instant tokenIssuedAt;
  /** Tenant that issued the token (TokenTenantId). */
  public String tokenTenantId;

  /** MailItemsAccessed access type: Bind or Sync. */
  public String mailAccessType;
  /** MailItemsAccessed IsThrottled. */
  public Boolean isThrottled;
  /** Number of items/operations folded into this record; 1 when absent. */
  public int operationCount = 1;
  /** Item ids the record names (InternetMessageId, else item Id), capped by the parser. */
  public List<String> itemIds;
  /** Folder paths the record names. */
  public List<String> folders;

  /** AADSTS error code for logons and sign-ins; 0 is success. */
  public Integer errorCode;
  /** Sign-in: interactive or not. */
  public Boolean interactive;
  /** Sign-in target resource id / UAL logon ObjectId. */
  public String resourceId;
  /** UAL logon RequestType (OAuth2:Authorize, Cmsi:Cmsi, ...). */
  public String requestType;

  /**
   * Operation-specific facts extracted by name from name/value arrays and nested blocks (inbox-rule
   * parameters, consent permissions, target app ids, sign-in location hints, ...). Keys are stable
   * lower-camel names documented in docs/record-schema.md of this project.
   */
  public Map<String, String> attributes;

  /** Enrichment: geo and network of {@link #clientIp}; set by the enricher, null before. */
  public Geo geo;

  /** The original record text, untouched. */
  public String raw;
  /** Where the record was read: {@code file:line}, {@code topic/partition@offset}. */
  public String origin;

  public AuditEvent() {}

  /** True when this event is a read of mailbox content (MailItemsAccessed and kin). */
  public boolean isMailAccess() {
    return MailOps.isMailAccess(operation);
  }

  /** True for a sign-in (Entra sign-in record or UAL UserLoggedIn/UserLoginFailed). */
  public boolean isSignIn() {
    return source == EventSource.ENTRA_SIGNIN
        || "UserLoggedIn".equals(operation) || "UserLoginFailed".equals(operation);
  }

  /** The client app that acted: ClientAppId, else AppId. */
  public String effectiveClientApp() {
    return clientAppId != null ? clientAppId : appId;
  }

  public String attribute(String name) {
    return attributes == null ? null : attributes.get(name);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof AuditEvent e)) return false;
    return operationCount == e.operationCount
        && source == e.source && Objects.equals(format, e.format) && Objects.equals(shape, e.shape)
        && Objects.equals(tenantId, e.tenantId)
        && Objects.equals(eventTime, e.eventTime) && Objects.equals(recordId, e.recordId)
        && Objects.equals(recordType, e.recordType) && Objects.equals(operation, e.operation)
        && Objects.equals(workload, e.workload) && Objects.equals(resultStatus, e.resultStatus)
        && outcome == e.outcome && Objects.equals(actor, e.actor) && actorKind == e.actorKind
        && Objects.equals(userType, e.userType) && Objects.equals(actorObjectId, e.actorObjectId)
        && Objects.equals(mailboxOwner, e.mailboxOwner) && Objects.equals(mailboxGuid, e.mailboxGuid)
        && Objects.equals(logonType, e.logonType) && Objects.equals(externalAccess, e.externalAccess)
        && Objects.equals(clientIp, e.clientIp) && Objects.equals(clientIpRaw, e.clientIpRaw)
        && Objects.equals(appId, e.appId) && Objects.equals(clientAppId, e.clientAppId)
        && Objects.equals(clientAppName, e.clientAppName) && Objects.equals(clientInfo, e.clientInfo)
        && Objects.equals(userAgent, e.userAgent) && Objects.equals(exchangeSessionId, e.exchangeSessionId)
        && Objects.equals(aadSessionId, e.aadSessionId) && Objects.equals(uniqueTokenId, e.uniqueTokenId)
        && Objects.equals(tokenIssuedAt, e.tokenIssuedAt) && Objects.equals(tokenTenantId, e.tokenTenantId)
        && Objects.equals(mailAccessType, e.mailAccessType) && Objects.equals(isThrottled, e.isThrottled)
        && Objects.equals(itemIds, e.itemIds) && Objects.equals(folders, e.folders)
        && Objects.equals(errorCode, e.errorCode) && Objects.equals(interactive, e.interactive)
        && Objects.equals(resourceId, e.resourceId) && Objects.equals(requestType, e.requestType)
        && Objects.equals(attributes, e.attributes) && Objects.equals(geo, e.geo)
        && Objects.equals(raw, e.raw) && Objects.equals(origin, e.origin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tenantId, recordId, eventTime, operation);
  }

  @Override
  public String toString() {
    return "AuditEvent{" + source + " " + eventTime + " " + operation + " id=" + recordId
        + " actor=" + actor + (mailboxOwner != null ? " mailbox=" + mailboxOwner : "")
        + (clientIp != null ? " ip=" + clientIp : "") + "}";
  }
}
