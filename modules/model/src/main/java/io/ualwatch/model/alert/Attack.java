package io.ualwatch.model.alert;

/**
 * An ATT&CK technique id and name split into technique and sub-technique, as OCSF ({@code technique},
 * {@code sub_technique}) and ECS ({@code threat.technique}, {@code threat.technique.subtechnique}) want them:
 * {@code T1114.002 "Email Collection: Remote Email Collection"} → {@code T1114 "Email Collection"} +
 * {@code T1114.002 "Remote Email Collection"}.
 */
public record Attack(String techniqueId, String techniqueName, String subTechniqueId, String subTechniqueName) {

  public static Attack of(String id, String name) {
    int dot = id.indexOf('.');
    if (dot < 0) return new Attack(id, name, null, null);
    String parent = null;
    String sub = name;
    if (name != null) {
      int colon = name.indexOf(": ");
      if (colon >= 0) {
        parent = name.substring(0, colon);
        sub = name.substring(colon + 2);
      }
    }
    return new Attack(id.substring(0, dot), parent, id, sub);
  }

  /** The MITRE page of a technique or sub-technique id (T1114.002 → …/techniques/T1114/002/). */
  public static String reference(String id) {
    return "https://attack.mitre.org/techniques/" + id.replace('.', '/') + "/";
  }

  /** The MITRE page of a tactic id. */
  public static String tacticReference(String id) {
    return "https://attack.mitre.org/tactics/" + id + "/";
  }
}
