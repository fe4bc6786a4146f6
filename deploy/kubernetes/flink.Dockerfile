# The Flink image for flink-deployment.yaml: the official Flink image of the project's Flink version (root
# pom.xml, flink.version) with the job jar in usrlib and the S3 file system plugin enabled. From the repository
# root:
#
#   ./mvnw -B -ntp -pl modules/detector -am package -DskipTests
#   bin/ualwatch geo fetch          # the pinned geo/ASN data, into ~/.cache/ualwatch/geo
#   docker build -f deploy/kubernetes/flink.Dockerfile --build-context geo="$HOME/.cache/ualwatch/geo" \
#       -t <your registry>/ualwatch-flink:0.1.0-SNAPSHOT .
#
# (--build-context needs BuildKit.) The geo data is baked in at the pinned versions, so every task manager
# enriches with the same data (geo.dir in the job's configuration, flink-deployment.yaml).
# The job jar (ualwatch-detector-*-job.jar) shades the Kafka connector and clients, Jackson, the MaxMind reader
# and Micrometer; Flink, RocksDB and log4j come from this image.
FROM flink:2.2.1-java17
# checkpoints, savepoints and HA metadata on S3-compatible storage (s3:// URIs in flink-deployment.yaml)
RUN mkdir -p /opt/flink/plugins/s3-fs-presto \
    && cp /opt/flink/opt/flink-s3-fs-presto-*.jar /opt/flink/plugins/s3-fs-presto/ \
    && ls /opt/flink/plugins/metrics-prometheus/flink-metrics-prometheus-*.jar
# (the ls fails the build if the distribution no longer ships the Prometheus reporter as a plugin)
COPY --from=geo --chown=flink:flink . /opt/ualwatch/geo/
COPY --chown=flink:flink modules/detector/target/ualwatch-detector-*-job.jar /opt/flink/usrlib/ualwatch-detector-job.jar
