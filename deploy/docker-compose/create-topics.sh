#!/usr/bin/env bash
# Creates ualwatch's topics on the single broker of docker-compose.yaml: names, partitions and configs as the
# embedded stack creates them (Stack.topics; DeployManifestsTest compares the `topic` lines below with it),
# replication factor 1 (one broker). Run by the one-shot service kafka-topics; safe to run again.
set -euo pipefail
BOOTSTRAP="${BOOTSTRAP:-kafka:29092}"
KAFKA_TOPICS="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"

# topic NAME PARTITIONS [CONFIG=VALUE ...]
topic() {
  local name="$1" partitions="$2"
  shift 2
  local args=()
  for c in "$@"; do args+=(--config "$c"); done
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
      --partitions "$partitions" --replication-factor 1 ${args[@]+"${args[@]}"}
}

topic ualwatch.audit.raw 4 retention.ms=-1 retention.bytes=4294967296 compression.type=lz4
topic ualwatch.signins.raw 2 retention.ms=-1 retention.bytes=4294967296 compression.type=lz4
topic ualwatch.alerts 2
topic ualwatch.deadletter 1 retention.ms=2592000000
topic ualwatch.connect.heartbeat 1 retention.ms=604800000
topic ualwatch.control 1 cleanup.policy=compact
topic ualwatch.acks 1 cleanup.policy=compact
