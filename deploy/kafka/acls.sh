#!/usr/bin/env bash
# Least-privilege Kafka ACLs for ualwatch's components (generated from KafkaAcls.java by
# SecureBrokerSecurityITCase with -Ddocs.update=true; do not edit by hand).
# Usage: BOOTSTRAP=broker:9093 ADMIN_CONFIG=admin.properties deploy/kafka/acls.sh
# (admin.properties: security.protocol, sasl.* and ssl.* of a user allowed to alter ACLs)
set -euo pipefail
: "${BOOTSTRAP:?set BOOTSTRAP=host:port}"
: "${ADMIN_CONFIG:?set ADMIN_CONFIG=admin client properties file}"
KAFKA_ACLS="${KAFKA_ACLS:-kafka-acls.sh}"
acl() { "$KAFKA_ACLS" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add "$@"; }

# ualwatch-job
acl --allow-principal 'User:ualwatch-job' --operation Read --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-job' --operation Describe --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-job' --operation Read --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-job' --operation Describe --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-job' --operation Read --topic 'ualwatch.control'
acl --allow-principal 'User:ualwatch-job' --operation Describe --topic 'ualwatch.control'
acl --allow-principal 'User:ualwatch-job' --operation Read --group 'ualwatch-detector' --resource-pattern-type prefixed
acl --allow-principal 'User:ualwatch-job' --operation Write --topic 'ualwatch.alerts'
acl --allow-principal 'User:ualwatch-job' --operation Describe --topic 'ualwatch.alerts'
acl --allow-principal 'User:ualwatch-job' --operation Write --topic 'ualwatch.deadletter'
acl --allow-principal 'User:ualwatch-job' --operation Describe --topic 'ualwatch.deadletter'
acl --allow-principal 'User:ualwatch-job' --operation Write --transactional-id 'ualwatch' --resource-pattern-type prefixed
acl --allow-principal 'User:ualwatch-job' --operation Describe --transactional-id 'ualwatch' --resource-pattern-type prefixed

# ualwatch-connect
acl --allow-principal 'User:ualwatch-connect' --operation Write --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-connect' --operation Describe --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-connect' --operation Write --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-connect' --operation Describe --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-connect' --operation Write --topic 'ualwatch.connect.heartbeat'
acl --allow-principal 'User:ualwatch-connect' --operation Describe --topic 'ualwatch.connect.heartbeat'
acl --allow-principal 'User:ualwatch-connect' --operation Describe --cluster

# ualwatch-console
acl --allow-principal 'User:ualwatch-console' --operation Read --topic 'ualwatch.alerts'
acl --allow-principal 'User:ualwatch-console' --operation Describe --topic 'ualwatch.alerts'
acl --allow-principal 'User:ualwatch-console' --operation Read --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-console' --operation Describe --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-console' --operation Read --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-console' --operation Describe --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-console' --operation Read --topic 'ualwatch.acks'
acl --allow-principal 'User:ualwatch-console' --operation Write --topic 'ualwatch.acks'
acl --allow-principal 'User:ualwatch-console' --operation Describe --topic 'ualwatch.acks'

# ualwatch-cli
acl --allow-principal 'User:ualwatch-cli' --operation Write --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-cli' --operation Describe --topic 'ualwatch.audit.raw'
acl --allow-principal 'User:ualwatch-cli' --operation Write --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-cli' --operation Describe --topic 'ualwatch.signins.raw'
acl --allow-principal 'User:ualwatch-cli' --operation Write --topic 'ualwatch.control'
acl --allow-principal 'User:ualwatch-cli' --operation Describe --topic 'ualwatch.control'
acl --allow-principal 'User:ualwatch-cli' --operation Read --topic 'ualwatch.alerts'
acl --allow-principal 'User:ualwatch-cli' --operation Describe --topic 'ualwatch.alerts'
acl --allow-principal 'User:ualwatch-cli' --operation Read --topic 'ualwatch.deadletter'
acl --allow-principal 'User:ualwatch-cli' --operation Describe --topic 'ualwatch.deadletter'
acl --allow-principal 'User:ualwatch-cli' --operation Read --topic 'ualwatch.control'
acl --allow-principal 'User:ualwatch-cli' --operation Read --group 'ualwatch-watch-' --resource-pattern-type prefixed
