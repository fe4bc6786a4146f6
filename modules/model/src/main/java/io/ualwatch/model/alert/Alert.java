package io.ualwatch.model.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one internal alert model; OCSF, ECS and CEF are renderings of it. Identity is deterministic:
 * {@link #id} is a hash of (rule, entity tuple, event-time bucket), so re-processing, replay, restarts and
 * at-least-once delivery converge on the same ids.
 */
public class Alert {
  /** Schema version written into every rendering; see docs/siem.md for the compatibility policy. */
  public static final String SCHEMA_VERSION = "1.0.0";

  public String id;
  public String ruleId;
  public String ruleName;
  public int revision;
  public AlertStatus status;
  public Severity severity;
  /** 0–100. */
  public int confidence;
  public String tenantId;
  /** Event time of the first record that made the condition true (ms since epoch). */
  public long time;
  public long firstSeen;
  public long lastSeen;
  /** The event-time bucket that is part of the id, e.g. 2025-03-04. */
  public String bucket;

  public String user;
  public String mailbox;
  public String appId;
  public String appName;
  public Boolean appFirstParty;
  public String tokenId;
  public String sessionId;

  /** The primary source endpoint. */
  public Endpoint source;
  /** Every endpoint involved (for multi-network and travel rules), in time order. */
  public List<Endpoint> endpoints = new ArrayList<>();

  /** One sentence: what happened and why it is unusual. */
  public String message;
  /** What the baseline held (the normal this broke). */
  public String baseline;
  public List<Evidence> evidence = new ArrayList<>();
  /** Total supporting records, including those not listed in {@link #evidence}. */
  public int evidenceCount;

  public String attackTechniqueId;
  public String attackTechniqueName;
  public String attackTacticId;
  public String attackTacticName;

  /** The entity tuple the id is derived from (name → value). */
  public Map<String, String> entities = new LinkedHashMap<>();
  /** Rule-specific facts. */
  public Map<String, String> facts = new LinkedHashMap<>();
  /** Version of the rule configuration the alert was raised under. */
  public String configVersion;
  /**
   * Internal to the detectors (never rendered): digest of the content of the last emitted revision, so
   * that an unchanged alert is not emitted again.
   */
  public int emittedDigest;

  public Alert() {}

  @Override
  public String toString() {
    return "Alert{" + ruleId + " " + status + " r" + revision + " " + severity + " id=" + id + " " + message + "}";
  }
}
