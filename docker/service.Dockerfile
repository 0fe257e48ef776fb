# One image recipe for every service, built from the Maven output (./mvnw -DskipTests package), with the
# service's folder as build context: docker build -f docker/service.Dockerfile --build-arg SERVICE=fs-agent fs-agent
FROM eclipse-temurin:17-jre
ARG SERVICE
RUN useradd --system --uid 10001 ssisbackup
COPY target/${SERVICE}-*-exec.jar /opt/ssis-backup/service.jar
USER 10001
ENV BIND_ADDRESS=0.0.0.0
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/ssis-backup/service.jar"]
