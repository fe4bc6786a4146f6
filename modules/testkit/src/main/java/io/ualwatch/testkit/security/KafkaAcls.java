package io.ualwatch.testkit.security;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The least Kafka privileges of each ualwatch component, declared once: the secure embedded stack
 * ({@code up --secure}) creates exactly these, the security tests check that each component works with them
 * and is refused beyond them, and {@code deploy/kafka/acls.sh} is generated from {@link #script} (a test keeps it
 * in step).
 */
public final class KafkaAcls {
  private KafkaAcls() {}

  /** Principals (SCRAM user names or certificate CNs) of the components. */
  public static final String JOB = "ualwatch-job";
  public static final String CONNECT = "ualwatch-connect";
  public static final String CONSOLE = "ualwatch-console";
  public static final String CLI = "ualwatch-cli";
  public static final List<String> PRINCIPALS = List.of(JOB, CONNECT, CONSOLE, CLI);
  /** Consumer groups of the CLI's alert watchers (never the job's group, whose offsets it must not move). */
  public static final String WATCH_GROUP_PREFIX = "ualwatch-watch-";

  /**
   * Topic and group names the grants refer to.
   *
   * @param alertTopics the alerts topic and any ECS/CEF alert topics
   * @param jobGroup the job's consumer group (kafka.group-id; the control source uses it + "-control")
   * @param transactionalIdPrefix the job's job.transactional-id-prefix
   */
  public record Names(String auditTopic, String signinsTopic, List<String> alertTopics, String deadletterTopic,
      String controlTopic, String acksTopic, String heartbeatTopic, String jobGroup, String transactionalIdPrefix) {
    /** ualwatch's default names (a test in the CLI checks them against the job's option defaults). */
    public static Names defaults() {
      return new Names("ualwatch.audit.raw", "ualwatch.signins.raw", List.of("ualwatch.alerts"), "ualwatch.deadletter",
          "ualwatch.control", "ualwatch.acks", "ualwatch.connect.heartbeat", "ualwatch-detector", "ualwatch");
    }
  }

  /** One grant: principal, operation, resource type, name, and whether the name is a prefix. */
  public record Grant(String principal, AclOperation operation, ResourceType type, String name, boolean prefixed) {
    public AclBinding binding() {
      return new AclBinding(new ResourcePattern(type, name, prefixed ? PatternType.PREFIXED : PatternType.LITERAL),
          new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
    }
  }

  /** Every grant, component by component. */
  public static List<Grant> grants(Names n) {
    List<Grant> g = new ArrayList<>();
    // the detection job: reads the raw and control topics, writes alerts and dead letters in transactions
    for (String t : List.of(n.auditTopic(), n.signinsTopic(), n.controlTopic())) {
      topic(g, JOB, t, AclOperation.READ, AclOperation.DESCRIBE);
    }
    g.add(new Grant(JOB, AclOperation.READ, ResourceType.GROUP, n.jobGroup(), true));
    for (String t : n.alertTopics()) topic(g, JOB, t, AclOperation.WRITE, AclOperation.DESCRIBE);
    topic(g, JOB, n.deadletterTopic(), AclOperation.WRITE, AclOperation.DESCRIBE);
    g.add(new Grant(JOB, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, n.transactionalIdPrefix(), true));
    g.add(new Grant(JOB, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, n.transactionalIdPrefix(), true));
    // the Connect worker (its source connectors' producers): writes the raw topics and heartbeats
    for (String t : List.of(n.auditTopic(), n.signinsTopic(), n.heartbeatTopic())) {
      topic(g, CONNECT, t, AclOperation.WRITE, AclOperation.DESCRIBE);
    }
    g.add(new Grant(CONNECT, AclOperation.DESCRIBE, ResourceType.CLUSTER, "kafka-cluster", false));
    // the console: reads alerts, acknowledgements and (for the evidence view) the raw topics; writes acknowledgements
    for (String t : n.alertTopics()) topic(g, CONSOLE, t, AclOperation.READ, AclOperation.DESCRIBE);
    for (String t : List.of(n.auditTopic(), n.signinsTopic())) topic(g, CONSOLE, t, AclOperation.READ, AclOperation.DESCRIBE);
    topic(g, CONSOLE, n.acksTopic(), AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
    // the CLI: replay writes the raw topics, watch reads alerts and dead letters, rules writes the control topic
    for (String t : List.of(n.auditTopic(), n.signinsTopic(), n.controlTopic())) {
      topic(g, CLI, t, AclOperation.WRITE, AclOperation.DESCRIBE);
    }
    for (String t : n.alertTopics()) topic(g, CLI, t, AclOperation.READ, AclOperation.DESCRIBE);
    topic(g, CLI, n.deadletterTopic(), AclOperation.READ, AclOperation.DESCRIBE);
    topic(g, CLI, n.controlTopic(), AclOperation.READ);
    g.add(new Grant(CLI, AclOperation.READ, ResourceType.GROUP, WATCH_GROUP_PREFIX, true));
    return List.copyOf(g);
  }

  public static List<AclBinding> bindings(Names n) {
    return grants(n).stream().map(Grant::binding).toList();
  }

  private static void topic(List<Grant> g, String principal, String topic, AclOperation... ops) {
    if (topic == null || topic.isBlank()) return;
    for (AclOperation o : ops) g.add(new Grant(principal, o, ResourceType.TOPIC, topic, false));
  }

  /** The grants as a {@code kafka-acls.sh} script (deploy/kafka/acls.sh is this for the default names). */
  public static String script(Names n) {
    StringBuilder b = new StringBuilder();
    b.append("#!/usr/bin/env bash\n")
        .append("# Least-privilege Kafka ACLs for ualwatch's components (generated from KafkaAcls.java by\n")
        .append("# SecureBrokerSecurityITCase with -Ddocs.update=true; do not edit by hand).\n")
        .append("# Usage: BOOTSTRAP=broker:9093 ADMIN_CONFIG=admin.properties deploy/kafka/acls.sh\n")
        .append("# (admin.properties: security.protocol, sasl.* and ssl.* of a user allowed to alter ACLs)\n")
        .append("set -euo pipefail\n")
        .append(": \"${BOOTSTRAP:?set BOOTSTRAP=host:port}\"\n")
        .append(": \"${ADMIN_CONFIG:?set ADMIN_CONFIG=admin client properties file}\"\n")
        .append("KAFKA_ACLS=\"${KAFKA_ACLS:-kafka-acls.sh}\"\n")
        .append("acl() { \"$KAFKA_ACLS\" --bootstrap-server \"$BOOTSTRAP\" --command-config \"$ADMIN_CONFIG\" --add \"$@\"; }\n");
    String last = null;
    for (Grant g : grants(n)) {
      if (!g.principal().equals(last)) {
        b.append("\n# ").append(g.principal()).append('\n');
        last = g.principal();
      }
      b.append("acl --allow-principal 'User:").append(g.principal()).append("' --operation ")
          .append(camel(g.operation().name())).append(' ');
      switch (g.type()) {
        case TOPIC -> b.append("--topic '").append(g.name()).append('\'');
        case GROUP -> b.append("--group '").append(g.name()).append('\'');
        case TRANSACTIONAL_ID -> b.append("--transactional-id '").append(g.name()).append('\'');
        case CLUSTER -> b.append("--cluster");
        default -> throw new IllegalStateException(g.type().name());
      }
      if (g.prefixed()) b.append(" --resource-pattern-type prefixed");
      b.append('\n');
    }
    return b.toString();
  }

  private static String camel(String op) {
    StringBuilder b = new StringBuilder();
    for (String p : op.split("_")) b.append(p.charAt(0)).append(p.substring(1).toLowerCase(java.util.Locale.ROOT));
    return b.toString();
  }
}
