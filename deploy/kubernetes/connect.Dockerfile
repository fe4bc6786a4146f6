# The Kafka Connect worker image for kafka-connect.yaml: the Strimzi Kafka image of your Strimzi release for
# Kafka 4.2.0 (its image name is listed in the operator's own configuration, STRIMZI_KAFKA_CONNECT_IMAGES or
# STRIMZI_KAFKA_IMAGES), plus the ualwatch connector plugin. Built from the repository root:
#
#   ./mvnw -B -ntp -pl modules/connector -am package -DskipTests
#   ./mvnw -B -ntp -pl modules/connector dependency:copy-dependencies -DincludeScope=runtime \
#       -DoutputDirectory=target/connect-plugin
#   cp modules/connector/target/ualwatch-connector-*.jar modules/connector/target/connect-plugin/
#   docker build -f deploy/kubernetes/connect.Dockerfile --build-arg STRIMZI_KAFKA_IMAGE=<that image> \
#       -t <your registry>/ualwatch-connect:0.1.0-SNAPSHOT .
#
# The plugin directory holds the connector jar and its runtime dependencies (ualwatch-model, Jackson,
# micrometer-core); the Connect API and slf4j are the worker's own.
ARG STRIMZI_KAFKA_IMAGE
FROM ${STRIMZI_KAFKA_IMAGE}
USER root:root
COPY modules/connector/target/connect-plugin/ /opt/kafka/plugins/ualwatch-connector/
USER 1001
