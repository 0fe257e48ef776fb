# One image recipe for every service, built from the Maven output (./mvnw -DskipTests package), with the
# service's folder as build context: docker build -f docker/service.Dockerfile --build-arg SERVICE=fs-agent fs-agent
FROM eclipse-temurin:17-jre
ARG SERVICE
RUN useradd --system --uid 10001 ssisbackup
COPY target/${SERVICE}-*-exec.jar /opt/ssis-backup/service.jar
USER 10001
ENV BIND_ADDRESS=0.0.0.0
# Out of heap: end (and be restarted by compose) rather than run on with a dead consumer thread.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/ssis-backup/service.jar"]
