package org.ssisbackup.fsagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.SampleHost;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.kafka.TopicProbe;

/**
 * Issue 17: restore drills on the fs-agent, on a real broker and s3proxy. A drill restores a point into a scratch
 * folder of the agent, checks it there (every file hashed again, every package parsed and its configuration files
 * looked for in the point, every configuration file parsed) and removes it. A healthy point is proven; a point with an
 * unparseable package, a configuration file missing from it, a corrupted or a missing pack each fails with the reason;
 * nothing is left behind, and the host's own files are never touched.
 */
@SpringBootTest(
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.agent.host-id=drill01",
            "server.port=0",
            "ssisbackup.agent.repository.key=" + TestKeys.KEK,
            "ssisbackup.agent.repository.catalog-public-key=" + TestKeys.CATALOG_PUBLIC,
            "ssisbackup.agent.repository.self-test-rounds=1",
            "ssisbackup.agent.orchestrator-public-key=" + TestKeys.ORCHESTRATOR_SIGNING_PUBLIC
        })
@EmbeddedKafka(partitions = 1)
class FsAgentDrillIT {
    static final Path HOST;
    static final EmbeddedS3 S3;
    static final String HOST_ID = "drill01";

    static {
        try {
            HOST = SampleHost.copyHostTo(Files.createTempDirectory("fs-agent-drill"));
            S3 = EmbeddedS3.startInMemory("drill-access", "drill-secret-key");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("ssisbackup.agent.state-dir", () -> org.ssisbackup.testkit.infra.TestDirs.temp("drill-agent-state"));
        r.add(
                "ssisbackup.fs.service-config",
                () -> HOST.resolve(SampleHost.SERVICE_CONFIG).toString());
        r.add("ssisbackup.fs.drive-roots.C", HOST::toString);
        r.add("ssisbackup.agent.s3.endpoint", S3::endpoint);
        r.add("ssisbackup.agent.s3.access-key", S3::accessKey);
        r.add("ssisbackup.agent.s3.secret-key", S3::secretKey);
        r.add("ssisbackup.agent.s3.bucket", () -> "drill-bucket");
    }

    @AfterAll
    static void stopS3() throws Exception {
        S3.close();
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    BlobStore store;

    static final Path PACKAGES = HOST.resolve("Program Files/Microsoft SQL Server/160/DTS/Packages");

    @Test
    void aHealthyPointIsProvenAndTheDrillLeavesNothingBehind() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID point = backup(probe);
            long hostFiles = countFiles(HOST);
            RestoreFinished drill = drill(probe, point);
            assertThat(drill.outcome()).as("%s", drill).isEqualTo(Outcome.SUCCEEDED);
            assertThat(drill.failed()).isEmpty();
            assertThat(drill.drill().itemsChecked()).isGreaterThan(5);
            assertThat(drill.drill().documentsParsed()).isGreaterThan(3);
            assertThat(drill.drill().referencesChecked())
                    .as("packages' configuration files found")
                    .isPositive();
            assertThat(drill.drill().cleanedUp()).isTrue();
            assertThat(Path.of(drill.drill().scratch())).doesNotExist();
            assertThat(drill.written()).isEmpty();
            assertThat(countFiles(HOST)).as("the host's own files untouched").isEqualTo(hostFiles);
        }
    }

    @Test
    void anUnparseablePackageAndAConfigurationFileMissingFromThePointFailTheDrillWithTheirReasons() throws Exception {
        Path broken = PACKAGES.resolve("Broken.dtsx");
        Path orphan = PACKAGES.resolve("Orphan.dtsx");
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            Files.writeString(broken, "<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\"><unclosed>");
            String loadFacts =
                    Files.readString(HOST.resolve("ETL/Packages/Warehouse/LoadFacts.dtsx"), StandardCharsets.UTF_8);
            Files.writeString(
                    orphan,
                    loadFacts.replace("C:\\ETL\\Config\\Warehouse.dtsConfig", "C:\\ETL\\Config\\Gone.dtsConfig"));
            UUID point = backup(probe);
            RestoreFinished drill = drill(probe, point);
            assertThat(drill.outcome()).as("%s", drill).isEqualTo(Outcome.PARTIALLY_FAILED);
            assertThat(drill.failed())
                    .anySatisfy(f -> {
                        assertThat(f.path()).endsWith("Broken.dtsx");
                        assertThat(f.reason()).contains("malformed");
                    })
                    .anySatisfy(f -> {
                        assertThat(f.path()).endsWith("Orphan.dtsx");
                        assertThat(f.reason()).contains("Gone.dtsConfig").contains("not in the restore point");
                    });
            assertThat(Path.of(drill.drill().scratch())).doesNotExist();
        } finally {
            Files.deleteIfExists(broken);
            Files.deleteIfExists(orphan);
        }
    }

    @Test
    void aCorruptedOrMissingPackFailsTheDrillAndNothingIsLeftBehind() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            Files.writeString(
                    PACKAGES.resolve("Fresh.dtsx"),
                    "<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\" " + "DTS:ObjectName=\"Fresh-"
                            + UUID.randomUUID() + "\"/>");
            UUID point = backup(probe);
            List<String> packs = store.objects().list("packs/" + HOST_ID + "/");
            assertThat(packs).isNotEmpty();
            Map<String, byte[]> originals = new java.util.HashMap<>();
            for (String pack : packs) {
                try (java.io.InputStream in = store.objects().get(pack)) {
                    originals.put(pack, in.readAllBytes());
                }
            }

            // One bit flipped in every pack of the host: authentication fails, nothing is proven.
            originals.forEach((pack, bytes) -> {
                byte[] flipped = bytes.clone();
                flipped[flipped.length / 2] ^= 1;
                store.objects().put(pack, flipped);
            });
            RestoreFinished corrupted = drill(probe, point);
            assertThat(corrupted.outcome()).isNotEqualTo(Outcome.SUCCEEDED);
            assertThat(corrupted.failed()).extracting(AgentError::reason).isNotEmpty();
            assertThat(Path.of(corrupted.drill().scratch())).doesNotExist();

            // The packs gone.
            packs.forEach(store.objects()::delete);
            RestoreFinished missing = drill(probe, point);
            assertThat(missing.outcome()).isNotEqualTo(Outcome.SUCCEEDED);
            assertThat(missing.failed()).extracting(AgentError::reason).isNotEmpty();
            assertThat(Path.of(missing.drill().scratch())).doesNotExist();

            originals.forEach(store.objects()::put);
            assertThat(drill(probe, point).outcome()).isEqualTo(Outcome.SUCCEEDED);
        } finally {
            Files.deleteIfExists(PACKAGES.resolve("Fresh.dtsx"));
        }
    }

    private UUID backup(TopicProbe probe) throws Exception {
        UUID job = UUID.randomUUID();
        UUID point = UUID.randomUUID();
        probe.sendSignedCommand(
                HOST_ID,
                MessageCodec.encode(new BackupCommand(
                        MessageMeta.create(job, HOST_ID),
                        AgentKind.FILESYSTEM,
                        point,
                        Set.of(AgentKind.FILESYSTEM),
                        Set.of(BackupScope.FILESYSTEM))),
                Map.of());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> probe.seen(Topics.EVENTS).stream()
                        .map(s -> MessageCodec.decodeEvent(s.value()))
                        .anyMatch(e -> e instanceof AgentJobFinished f
                                && f.meta().jobId().equals(job)));
        return point;
    }

    private RestoreFinished drill(TopicProbe probe, UUID point) throws Exception {
        UUID job = UUID.randomUUID();
        probe.sendSignedCommand(
                HOST_ID,
                MessageCodec.encode(new RestoreCommand(
                        MessageMeta.create(job, HOST_ID),
                        AgentKind.FILESYSTEM,
                        HOST_ID,
                        point,
                        RestoreOptions.drillOf(UUID.randomUUID(), Set.of()))),
                Map.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> finishedRestore(probe, job) != null);
        return finishedRestore(probe, job);
    }

    private static RestoreFinished finishedRestore(TopicProbe probe, UUID job) {
        return probe.seen(Topics.EVENTS).stream()
                .map(s -> MessageCodec.decodeEvent(s.value()))
                .filter(e -> e instanceof RestoreFinished f && f.meta().jobId().equals(job))
                .map(RestoreFinished.class::cast)
                .findFirst()
                .orElse(null);
    }

    private static long countFiles(Path root) throws Exception {
        try (var all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).count();
        }
    }
}
