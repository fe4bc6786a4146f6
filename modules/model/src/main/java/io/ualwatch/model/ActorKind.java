package io.ualwatch.model;

/** What kind of identity acted (record-schema.md §10: UserId is not always a UPN). */
public enum ActorKind {
  /** A user principal name (contains '@'). */
  USER,
  /** An application or service principal (app id GUID, UserType 5/6, app-only access). */
  APP,
  /** A system identity: NT AUTHORITY\SYSTEM, a SID, S-1-5-18, Microsoft datacenter (UserType 3/4). */
  SYSTEM,
  /** "Not Available", "Unknown", empty: excluded from per-user rules. */
  UNKNOWN
}
