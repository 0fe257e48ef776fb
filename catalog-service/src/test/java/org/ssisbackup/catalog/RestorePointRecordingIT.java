package org.ssisbackup.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.catalog.record.RestorePointRecorder;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.testkit.infra.TestDatabases;

/** The catalog's recording rules on real PostgreSQL: never COMPLETE with a missing artifact; idempotent. */
@SpringBootTest(
        properties = {"server.port=0", "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}"})
@EmbeddedKafka(partitions = 1)
class RestorePointRecordingIT {
    @DynamicPropertySource
    static void db(DynamicPropertyRegistry r) throws Exception {
        TestDatabases.register(r, "catalog");
    }

    @Autowired
    RestorePointRecorder recorder;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    org.ssisbackup.catalog.drill.DrillRecorder drills;

    @Autowired
    org.ssisbackup.catalog.query.CatalogQueries queries;

    private static final Set<AgentKind> BOTH = Set.of(AgentKind.MSDB, AgentKind.FILESYSTEM);

    @Test
    void completeOnlyWhenEveryAgentFinishedWellAndEveryArtifactArrived_andRedeliveryChangesNothing() {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        ArtifactsStored fs = stored(job, point, AgentKind.FILESYSTEM, "C:/a.dtsx", "C:/b.dtsConfig");
        ArtifactsStored msdb = stored(job, point, AgentKind.MSDB, "\\ETL\\Load");
        recorder.on(fs);
        recorder.on(fs); // redelivered
        recorder.on(finished(job, point, AgentKind.FILESYSTEM, Outcome.SUCCEEDED, 2, List.of()));
        assertThat(StoredPoints.status(jdbc, point))
                .as("one agent still at work")
                .isNull();
        recorder.on(msdb);
        AgentJobFinished last = finished(job, point, AgentKind.MSDB, Outcome.SUCCEEDED, 1, List.of());
        recorder.on(last);
        recorder.on(last); // redelivered
        assertThat(StoredPoints.status(jdbc, point)).isEqualTo("COMPLETE");
        assertThat(jdbc.sql("SELECT count(*) FROM artifact WHERE restore_point_id = ?")
                        .param(point)
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
        assertThat(jdbc.sql("SELECT count(*) FROM restore_point WHERE id = ?")
                        .param(point)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aMissingArtifactMakesThePointPartialWithTheReason() {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        recorder.on(stored(job, point, AgentKind.FILESYSTEM, "C:/a.dtsx"));
        // The agent says it stored 2, the catalog saw 1 (a lost batch): never COMPLETE.
        recorder.on(finished(
                job, point, AgentKind.FILESYSTEM, Outcome.SUCCEEDED, 2, List.of(), Set.of(AgentKind.FILESYSTEM)));
        assertThat(StoredPoints.status(jdbc, point)).isEqualTo("PARTIAL");
        assertThat(reasons(point)).contains("FILESYSTEM announced 2 artifacts but the catalog holds 1");
    }

    @Test
    void failedAgentsGivePartialOrFailedWithTheirReasons() {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        recorder.on(stored(job, point, AgentKind.FILESYSTEM, "C:/a.dtsx"));
        recorder.on(finished(job, point, AgentKind.FILESYSTEM, Outcome.SUCCEEDED, 1, List.of()));
        recorder.on(finished(
                job,
                point,
                AgentKind.MSDB,
                Outcome.FAILED,
                0,
                List.of(new AgentError("(job)", "cannot connect to msdb: Login failed for user 'x'."))));
        assertThat(StoredPoints.status(jdbc, point)).isEqualTo("PARTIAL");
        assertThat(reasons(point)).contains("Login failed");

        UUID point2 = UUID.randomUUID();
        recorder.on(finished(
                job,
                point2,
                AgentKind.MSDB,
                Outcome.FAILED,
                0,
                List.of(new AgentError("(job)", "down")),
                Set.of(AgentKind.MSDB)));
        assertThat(StoredPoints.status(jdbc, point2)).isEqualTo("FAILED");
    }

    /**
     * Issue 12, item 4: an agent that ran a finished command again after a restart sent the point's events a second
     * time with other artifacts; the catalog listed 2,013 artifacts on a point whose count was 15. A recorded point
     * does not change, and an agent whose part has ended adds nothing more.
     */
    @Test
    void aRecordedPointNeverChangesAndAFinishedAgentAddsNothing() {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        recorder.on(stored(job, point, AgentKind.FILESYSTEM, "C:/a.dtsx"));
        recorder.on(finished(job, point, AgentKind.FILESYSTEM, Outcome.SUCCEEDED, 1, List.of()));
        recorder.on(stored(job, point, AgentKind.FILESYSTEM, "C:/late-1.dtsx", "C:/late-2.dtsx"));
        recorder.on(stored(job, point, AgentKind.MSDB, "\\ETL\\Load"));
        recorder.on(finished(job, point, AgentKind.MSDB, Outcome.SUCCEEDED, 1, List.of()));
        assertThat(StoredPoints.status(jdbc, point)).isEqualTo("COMPLETE");

        // The replay: the same point again, with more artifacts and another outcome.
        recorder.on(stored(job, point, AgentKind.MSDB, "\\ETL\\Other", "\\ETL\\Third"));
        recorder.on(finished(job, point, AgentKind.MSDB, Outcome.FAILED, 3, List.of(new AgentError("x", "y"))));
        assertThat(StoredPoints.status(jdbc, point)).isEqualTo("COMPLETE");
        assertThat(jdbc.sql("SELECT count(*) FROM artifact WHERE restore_point_id = ?")
                        .param(point)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
        assertThat(jdbc.sql("SELECT artifact_count FROM restore_point WHERE id = ?")
                        .param(point)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    private org.ssisbackup.catalog.query.CatalogQueries.HostProof proofOf(String host) {
        return queries.fleetProofs().stream()
                .filter(p -> p.hostId().equals(host))
                .findFirst()
                .orElseThrow();
    }

    private String reasons(UUID point) {
        return jdbc.sql("SELECT reasons::text FROM restore_point WHERE id = ?")
                .param(point)
                .query(String.class)
                .single();
    }

    /**
     * Issue 17: a drill proves a point once every agent holding its items reported it clean; a later drill that found
     * problems shows them instead; a report redelivered changes nothing.
     */
    @Test
    void aDrillsVerdictIsRecordedOnItsPoint() {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        recorder.on(stored(job, point, AgentKind.FILESYSTEM, "C:/a.dtsx"));
        recorder.on(finished(
                job, point, AgentKind.FILESYSTEM, Outcome.SUCCEEDED, 1, List.of(), Set.of(AgentKind.FILESYSTEM)));
        assertThat(StoredPoints.status(jdbc, point)).isEqualTo("COMPLETE");

        UUID first = UUID.randomUUID();
        drills.on(drillReport(first, point, Outcome.SUCCEEDED, List.of()));
        var view = queries.restorePoint(point).orElseThrow();
        assertThat(view.proven()).isNotNull();
        assertThat(view.proven().drillId()).isEqualTo(first);
        assertThat(view.drillFailure()).isNull();
        assertThat(proofOf("sql01").proven().drillId()).isEqualTo(first);
        assertThat(proofOf("sql01").failure()).isNull();

        UUID second = UUID.randomUUID();
        RestoreFinished bad = drillReport(
                second,
                point,
                Outcome.PARTIALLY_FAILED,
                List.of(new AgentError("C:\\a.dtsx", "malformed package XML: unexpected end")));
        drills.on(bad);
        drills.on(bad); // redelivered
        view = queries.restorePoint(point).orElseThrow();
        assertThat(view.proven()).isNull();
        assertThat(view.drillFailure().drillId()).isEqualTo(second);
        assertThat(view.drillFailure().reasons()).singleElement().asString().contains("malformed package XML");
        // The host's latest drill failed: the fleet's proofs say so, with the reasons (the status page shows them).
        assertThat(proofOf("sql01").failure().drillId()).isEqualTo(second);
        assertThat(proofOf("sql01").failedPointId()).isEqualTo(point);
        assertThat(proofOf("sql01").proven())
                .as("its only proven point is proven no more")
                .isNull();
        assertThat(jdbc.sql("SELECT count(*) FROM drill_result WHERE restore_point_id = ?")
                        .param(point)
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    private static RestoreFinished drillReport(UUID drill, UUID point, Outcome outcome, List<AgentError> failed) {
        return new RestoreFinished(
                MessageMeta.create(UUID.randomUUID(), "sql01"),
                AgentKind.FILESYSTEM,
                point,
                outcome,
                false,
                List.of(),
                List.of(),
                List.of(),
                failed,
                new org.ssisbackup.contracts.DrillReport(drill, 1, 1, 0, true, "/tmp/.ssis-drill-x"));
    }

    private static ArtifactsStored stored(UUID job, UUID point, AgentKind agent, String... paths) {
        String sha = "cd".repeat(32);
        return new ArtifactsStored(
                MessageMeta.create(job, "sql01"),
                agent,
                point,
                java.util.Arrays.stream(paths)
                        .map(p -> new Artifact(p, ArtifactKind.FS_PACKAGE, 10, sha, ObjectKeys.blob(sha), Map.of()))
                        .toList());
    }

    private static AgentJobFinished finished(
            UUID job, UUID point, AgentKind agent, Outcome outcome, long count, List<AgentError> errors) {
        return finished(job, point, agent, outcome, count, errors, BOTH);
    }

    private static AgentJobFinished finished(
            UUID job,
            UUID point,
            AgentKind agent,
            Outcome outcome,
            long count,
            List<AgentError> errors,
            Set<AgentKind> agents) {
        return new AgentJobFinished(
                MessageMeta.create(job, "sql01"),
                agent,
                point,
                agents,
                outcome,
                count,
                100,
                10,
                "manifests/sql01/" + point + "/x.json",
                errors);
    }
}
