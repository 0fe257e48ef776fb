package org.ssisbackup.fsagent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
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
import org.ssisbackup.contracts.AgentEvent;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.ArtifactsStored;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.JobFileReference;
import org.ssisbackup.contracts.MessageCodec;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.Sha256;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.RepositoryReader;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.SampleHost;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.kafka.TopicProbe;

/** The fs-agent on a real KRaft broker and a real S3 server (s3proxy), backing up the sample host. */
@SpringBootTest(
        properties = {
            "spring.cloud.stream.kafka.binder.brokers=${spring.embedded.kafka.brokers}",
            "ssisbackup.agent.host-id=sql01",
            "server.port=0",
            "ssisbackup.agent.repository.key=" + TestKeys.KEK,
            "ssisbackup.agent.repository.catalog-public-key=" + TestKeys.CATALOG_PUBLIC,
            "ssisbackup.agent.repository.self-test-rounds=1",
            "ssisbackup.agent.orchestrator-public-key=" + TestKeys.ORCHESTRATOR_SIGNING_PUBLIC
        })
@EmbeddedKafka(partitions = 1)
class FsAgentIT {
    static final Path HOST;
    static final EmbeddedS3 S3;

    static {
        try {
            HOST = SampleHost.copyHostTo(Files.createTempDirectory("fs-agent-it"));
            S3 = EmbeddedS3.startInMemory("it-access", "it-secret-key");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        // The agent's job journal, its own for this test run.
        r.add("ssisbackup.agent.state-dir", () -> org.ssisbackup.testkit.infra.TestDirs.temp("agent-state"));
        r.add(
                "ssisbackup.fs.service-config",
                () -> HOST.resolve(SampleHost.SERVICE_CONFIG).toString());
        r.add("ssisbackup.fs.drive-roots.C", HOST::toString);
        r.add("ssisbackup.agent.s3.endpoint", S3::endpoint);
        r.add("ssisbackup.agent.s3.access-key", S3::accessKey);
        r.add("ssisbackup.agent.s3.secret-key", S3::secretKey);
        r.add("ssisbackup.agent.s3.bucket", () -> "it-bucket");
    }

    @AfterAll
    static void stopS3() throws Exception {
        S3.close();
    }

    @Autowired
    EmbeddedKafkaBroker broker;

    @Autowired
    BlobStore store;

    /** Reads the bucket as the catalog does, with its escrow key: every item checked. */
    RepositoryReader reader() {
        return new RepositoryReader(
                store.objects(), KeyMaterial.holder(TestKeys.CATALOG_PRIVATE, TestKeys.CATALOG_PUBLIC));
    }

    @Test
    void backsUpEveryFileOfTheListedFoldersAndSkipsOtherHostsAndDeadLettersGarbage() throws Exception {
        try (TopicProbe probe =
                new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS, Topics.deadLetter(Topics.COMMANDS))) {
            // Garbage first: it must go to the dead-letter topic with a reason, and not stop the consumer.
            probe.sendSignedCommand("sql01", "{\"type\":\"BackupCommand\",\"meta\":".getBytes(UTF_8), Map.of());
            // Another host's command: ignored.
            UUID otherJob = UUID.randomUUID();
            probe.sendSignedCommand("sql99", command(otherJob, "sql99"), Map.of());
            UUID job = UUID.randomUUID();
            probe.sendSignedCommand("sql01", command(job, "sql01"), Map.of());

            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            AgentJobFinished done = finished(probe, job);
            assertThat(done.outcome()).as("errors: %s", done.errors()).isEqualTo(Outcome.SUCCEEDED);

            List<Artifact> artifacts = events(probe).stream()
                    .filter(e ->
                            e instanceof ArtifactsStored s && s.meta().jobId().equals(job))
                    .flatMap(e -> ((ArtifactsStored) e).artifacts().stream())
                    .toList();
            assertThat(done.artifactCount()).isEqualTo(artifacts.size());
            // ini + 4 files under ..\Packages + 1 under ETL\Packages + C:\ETL\Config\Warehouse.dtsConfig, which
            // two packages use and which lives outside every package folder
            assertThat(artifacts).hasSize(7);
            assertThat(artifacts)
                    .filteredOn(a -> a.kind() == ArtifactKind.SERVICE_CONFIG)
                    .hasSize(1);
            assertThat(artifacts)
                    .filteredOn(a -> a.logicalPath().endsWith("Warehouse.dtsConfig"))
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.kind()).isEqualTo(ArtifactKind.CONFIG_FILE);
                        assertThat(a.metadata().get("referencedBy"))
                                .contains("LoadCustomers.dtsx")
                                .contains("LoadFacts.dtsx");
                    });
            // MonthEnd's type-5 configuration names a variable this host does not have: a warning, not a failure.
            assertThat(done.warnings()).anySatisfy(w -> assertThat(w.reason()).contains("SSIS_FINANCE_CONFIG"));
            assertThat(artifacts)
                    .filteredOn(a -> a.kind() == ArtifactKind.FS_PACKAGE)
                    .hasSize(3);
            org.ssisbackup.contracts.Manifest manifest = reader().manifest(done.manifestKey());
            assertThat(done.manifestKey()).endsWith(".m2");
            assertThat(manifest.scope()).isEqualTo("sql01");
            for (Artifact a : manifest.artifacts()) {
                // Items are recorded with the host's paths (C:\...), not where this agent found the drive.
                assertThat(a.logicalPath()).startsWith("C:\\");
                Path source = local(a.logicalPath());
                assertThat(a.sha256()).isEqualTo(Sha256.of(source).hex());
                assertThat(reader().bytes("sql01", a)).as(a.logicalPath()).isEqualTo(Files.readAllBytes(source));
            }
            // Events carry the items without their chunks; the encrypted manifest has them.
            assertThat(manifest.artifacts().stream()
                            .map(Artifact::withoutChunks)
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(artifacts);
            assertThat(events(probe)).noneMatch(e -> e.meta().jobId().equals(otherJob));

            List<TopicProbe.Seen> dead = probe.seen(Topics.deadLetter(Topics.COMMANDS));
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).headers().get("x-exception-message")).contains("not a valid AgentCommand");

            // Issue 12, item 7: a command sent with a plain Kafka client, unsigned or signed with another key, or
            // signed but a week old, is dead-lettered with the reason and never run.
            UUID unsigned = UUID.randomUUID();
            probe.send(Topics.COMMANDS, "sql01", command(unsigned, "sql01"), Map.of());
            UUID otherKey = UUID.randomUUID();
            byte[] forged = command(otherKey, "sql01");
            String[] stranger = org.ssisbackup.platform.messaging.MessageSignature.newKeyPair();
            probe.send(
                    Topics.COMMANDS,
                    "sql01",
                    forged,
                    Map.of(
                            org.ssisbackup.platform.messaging.MessageSignature.HEADER,
                            org.ssisbackup.platform.messaging.MessageSignature.sign(
                                    org.ssisbackup.platform.messaging.MessageSignature.privateKey(stranger[0]),
                                    forged)));
            UUID stale = UUID.randomUUID();
            probe.sendSignedCommand(
                    "sql01",
                    MessageCodec.encode(new BackupCommand(
                            new MessageMeta(
                                    MessageMeta.CURRENT_SCHEMA_VERSION,
                                    UUID.randomUUID(),
                                    stale,
                                    "sql01",
                                    java.time.Instant.now().minus(Duration.ofDays(8))),
                            AgentKind.FILESYSTEM,
                            UUID.randomUUID(),
                            Set.of(AgentKind.FILESYSTEM),
                            Set.of(BackupScope.FILESYSTEM))),
                    Map.of());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> probe.seen(Topics.deadLetter(Topics.COMMANDS)).size() == 4);
            assertThat(probe.seen(Topics.deadLetter(Topics.COMMANDS)).subList(1, 4))
                    .extracting(d -> d.headers().get("x-exception-message"))
                    .anySatisfy(m -> assertThat(m).contains("job " + unsigned + " is not signed by the orchestrator"))
                    .anySatisfy(m -> assertThat(m).contains("job " + otherKey + " is not signed by the orchestrator"))
                    .anySatisfy(m -> assertThat(m).contains("job " + stale).contains("outside the PT168H"));
            assertThat(events(probe))
                    .noneMatch(e ->
                            Set.of(unsigned, otherKey, stale).contains(e.meta().jobId()));

            // A second backup of the unchanged host uploads nothing but its manifest.
            UUID again = UUID.randomUUID();
            probe.sendSignedCommand("sql01", command(again, "sql01"), Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, again) != null);
            assertThat(finished(probe, again).bytesUploaded()).isZero();
            assertThat(finished(probe, again).bytesScanned()).isEqualTo(done.bytesScanned());
        }
    }

    @Test
    void capturesTheConfigurationFilesThatTheHostsMsdbPackagesUseInTheSameJob() throws Exception {
        Path extra = HOST.resolve("Shared/Extra.dtsConfig");
        Files.createDirectories(extra.getParent());
        Files.writeString(extra, "<DTSConfiguration/>");
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID job = UUID.randomUUID();
            UUID point = UUID.randomUUID();
            Set<AgentKind> both = Set.of(AgentKind.FILESYSTEM, AgentKind.MSDB);
            probe.sendSignedCommand(
                    "sql01",
                    MessageCodec.encode(new BackupCommand(
                            MessageMeta.create(job, "sql01"),
                            AgentKind.FILESYSTEM,
                            point,
                            both,
                            Set.of(BackupScope.FILESYSTEM, BackupScope.MSDB))),
                    Map.of());
            // What the msdb agent of this host reports for the job.
            probe.send(
                    Topics.EVENTS,
                    "sql01",
                    MessageCodec.encode(new org.ssisbackup.contracts.ConfigReferencesFound(
                            MessageMeta.create(job, "sql01"),
                            AgentKind.MSDB,
                            point,
                            List.of(
                                    new org.ssisbackup.contracts.ConfigReference(
                                            "\\ETL\\Nightly", 1, "C:\\Shared\\Extra.dtsConfig"),
                                    new org.ssisbackup.contracts.ConfigReference(
                                            "\\ETL\\Nightly", 1, "C:\\Shared\\Gone.dtsConfig"),
                                    new org.ssisbackup.contracts.ConfigReference(
                                            "\\ETL\\Nightly", 1, "relative.dtsConfig")))),
                    Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            AgentJobFinished done = finished(probe, job);
            assertThat(done.outcome()).isEqualTo(Outcome.SUCCEEDED);
            List<Artifact> artifacts = events(probe).stream()
                    .filter(e ->
                            e instanceof ArtifactsStored s && s.meta().jobId().equals(job))
                    .flatMap(e -> ((ArtifactsStored) e).artifacts().stream())
                    .toList();
            assertThat(artifacts)
                    .filteredOn(a -> a.logicalPath().equals(hostPath(extra)))
                    .singleElement()
                    .satisfies(a -> assertThat(a.metadata()).containsEntry("referencedBy", "\\ETL\\Nightly"));
            assertThat(done.warnings()).anySatisfy(w -> assertThat(w.reason()).contains("does not exist"));
            assertThat(done.warnings())
                    .anySatisfy(w -> assertThat(w.reason()).contains("relative path in an msdb package"));
        }
    }

    @Test
    void capturesTheFilesThatSqlAgentJobsRunOrLoadWhereverTheyAre() throws Exception {
        // A package outside every folder MsDtsSrvr.ini.xml lists, its own configuration file, and a job's /CONFIGFILE.
        Path stray = HOST.resolve("Jobs/Stray/Load.dtsx");
        Path strayConfig = HOST.resolve("Jobs/Stray/Load.dtsConfig");
        Path jobConfig = HOST.resolve("Jobs/Config/Prod.dtsConfig");
        Files.createDirectories(stray.getParent());
        Files.createDirectories(jobConfig.getParent());
        Files.writeString(stray, """
                <?xml version="1.0"?>
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="Microsoft.Package"
                    DTS:ObjectName="Load" DTS:ProtectionLevel="0">
                  <DTS:Configurations>
                    <DTS:Configuration DTS:ConfigurationType="1" DTS:ConfigurationString="C:\\Jobs\\Stray\\Load.dtsConfig"
                        DTS:ObjectName="Load config"/>
                  </DTS:Configurations>
                </DTS:Executable>
                """);
        Files.writeString(strayConfig, "<DTSConfiguration/>");
        Files.writeString(jobConfig, "<DTSConfiguration/>");
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID job = UUID.randomUUID();
            UUID point = UUID.randomUUID();
            probe.sendSignedCommand(
                    "sql01",
                    MessageCodec.encode(new BackupCommand(
                            MessageMeta.create(job, "sql01"),
                            AgentKind.FILESYSTEM,
                            point,
                            Set.of(AgentKind.FILESYSTEM, AgentKind.MSDB),
                            Set.of(BackupScope.FILESYSTEM, BackupScope.MSDB))),
                    Map.of());
            JobFileReference.Kind pkg = JobFileReference.Kind.PACKAGE;
            JobFileReference.Kind cfg = JobFileReference.Kind.CONFIG_FILE;
            probe.send(
                    Topics.EVENTS,
                    "sql01",
                    MessageCodec.encode(new org.ssisbackup.contracts.ConfigReferencesFound(
                            MessageMeta.create(job, "sql01"),
                            AgentKind.MSDB,
                            point,
                            List.of(),
                            List.of(
                                    new JobFileReference("Nightly", 1, "Load", pkg, "C:\\Jobs\\Stray\\Load.dtsx"),
                                    new JobFileReference("Nightly", 1, "Load", cfg, "C:\\Jobs\\Config\\Prod.dtsConfig"),
                                    new JobFileReference("Weekly", 2, "Load again", pkg, "C:\\Jobs\\Stray\\Load.dtsx"),
                                    new JobFileReference("Nightly", 2, "Gone", pkg, "C:\\Jobs\\Gone.dtsx"),
                                    new JobFileReference("Nightly", 3, "Relative", cfg, "Prod.dtsConfig")))),
                    Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            AgentJobFinished done = finished(probe, job);
            assertThat(done.outcome()).as("errors %s", done.errors()).isEqualTo(Outcome.SUCCEEDED);
            List<Artifact> artifacts = events(probe).stream()
                    .filter(e ->
                            e instanceof ArtifactsStored s && s.meta().jobId().equals(job))
                    .flatMap(e -> ((ArtifactsStored) e).artifacts().stream())
                    .toList();
            assertThat(artifacts)
                    .filteredOn(a -> a.logicalPath().equalsIgnoreCase(hostPath(stray)))
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.kind()).isEqualTo(ArtifactKind.FS_PACKAGE);
                        assertThat(a.metadata())
                                .containsEntry(
                                        "referencedBy", "job:Nightly step 1 (Load); job:Weekly step 2 (Load again)");
                    });
            // The job's package was read for its own configuration file, which came along too.
            assertThat(artifacts)
                    .filteredOn(a -> a.logicalPath().equals(hostPath(strayConfig)))
                    .singleElement()
                    .satisfies(a -> assertThat(a.kind()).isEqualTo(ArtifactKind.CONFIG_FILE));
            assertThat(artifacts)
                    .filteredOn(a -> a.logicalPath().equals(hostPath(jobConfig)))
                    .singleElement()
                    .satisfies(
                            a -> assertThat(a.metadata()).containsEntry("referencedBy", "job:Nightly step 1 (Load)"));
            assertThat(done.warnings())
                    .anySatisfy(w -> assertThat(w.reason())
                            .isEqualTo("package run by job:Nightly step 2 (Gone) does not exist"));
            assertThat(done.warnings()).anySatisfy(w -> {
                assertThat(w.path()).isEqualTo("job:Nightly step 3 (Relative)");
                assertThat(w.reason()).contains("cannot be located on this agent (relative path");
            });
        }
    }

    @Test
    void restoresDeletedFilesByteForByteWithTheirTimesAndRefusesWhatItMustNot() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            UUID job = UUID.randomUUID();
            UUID point = UUID.randomUUID();
            probe.sendSignedCommand(
                    "sql01",
                    MessageCodec.encode(new BackupCommand(
                            MessageMeta.create(job, "sql01"),
                            AgentKind.FILESYSTEM,
                            point,
                            Set.of(AgentKind.FILESYSTEM),
                            Set.of(BackupScope.FILESYSTEM))),
                    Map.of());
            await().atMost(Duration.ofSeconds(60)).until(() -> finished(probe, job) != null);
            assertThat(finished(probe, job).outcome()).isEqualTo(Outcome.SUCCEEDED);

            Path packages = HOST.resolve("Program Files/Microsoft SQL Server/160/DTS/Packages");
            Path monthEnd = packages.resolve("Finance/MonthEnd.dtsx");
            Path warehouse = HOST.resolve("ETL/Config/Warehouse.dtsConfig");
            byte[] monthEndBytes = Files.readAllBytes(monthEnd);
            byte[] warehouseBytes = Files.readAllBytes(warehouse);
            java.nio.file.attribute.FileTime monthEndTime = Files.getLastModifiedTime(monthEnd);
            Files.delete(monthEnd);
            Files.delete(warehouse);
            Files.writeString(packages.resolve("LoadCustomers.dtsx"), "changed since the backup");

            // Dry run: says what it would write, writes nothing.
            RestoreFinished dry = restore(probe, point, List.of(), null, OverwritePolicy.IF_CHANGED, true);
            assertThat(dry.written())
                    .contains(
                            monthEnd.toString(),
                            warehouse.toString(),
                            packages.resolve("LoadCustomers.dtsx").toString());
            assertThat(Files.exists(monthEnd)).isFalse();

            // To the original paths, never overwriting: the deleted files come back, the changed one stays.
            RestoreFinished r = restore(probe, point, List.of(), null, OverwritePolicy.NEVER, false);
            assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.SUCCEEDED);
            assertThat(r.written()).containsExactlyInAnyOrder(monthEnd.toString(), warehouse.toString());
            assertThat(Files.readAllBytes(monthEnd)).isEqualTo(monthEndBytes);
            assertThat(Files.readAllBytes(warehouse)).isEqualTo(warehouseBytes);
            assertThat(Files.getLastModifiedTime(monthEnd).toInstant()).isEqualTo(monthEndTime.toInstant());
            assertThat(r.skipped()).anySatisfy(s -> assertThat(s.path()).endsWith("LoadCustomers.dtsx"));
            assertThat(Files.readString(packages.resolve("LoadCustomers.dtsx"))).isEqualTo("changed since the backup");

            // A subset under another root, by glob.
            Path elsewhere = Files.createTempDirectory("restore-root");
            RestoreFinished sub = restore(
                    probe, point, List.of("**/*.dtsConfig"), elsewhere.toString(), OverwritePolicy.ALWAYS, false);
            assertThat(sub.written())
                    .hasSize(2)
                    .allSatisfy(w -> assertThat(Path.of(w)).startsWith(elsewhere));
            assertThat(Files.readAllBytes(Path.of(sub.written().stream()
                            .filter(w -> w.endsWith("Warehouse.dtsConfig"))
                            .findFirst()
                            .orElseThrow())))
                    .isEqualTo(warehouseBytes);

            // A corrupt blob is never written; a manifest path with '..' is refused.
            Artifact monthEndArtifact = reader().manifest(finished(probe, job).manifestKey()).artifacts().stream()
                    .filter(a -> a.logicalPath().equals(hostPath(monthEnd)))
                    .findFirst()
                    .orElseThrow();
            io.minio.MinioClient raw = io.minio.MinioClient.builder()
                    .endpoint(S3.endpoint())
                    .credentials(S3.accessKey(), S3.secretKey())
                    .build();
            byte[] pack;
            try (InputStream in = store.objects().get(monthEndArtifact.objectKey())) {
                pack = in.readAllBytes();
            }
            byte[] evil = pack.clone();
            evil[(int) monthEndArtifact.chunks().get(0).offset() + 60] ^= 1; // one flipped bit in the package's chunk
            raw.putObject(
                    io.minio.PutObjectArgs.builder().bucket("it-bucket").object(monthEndArtifact.objectKey()).stream(
                                    new java.io.ByteArrayInputStream(evil), (long) evil.length, -1L)
                            .build());
            UUID forged = UUID.randomUUID();
            putFormatOneManifest(
                    forged,
                    List.of(
                            monthEndArtifact,
                            new Artifact(
                                    "/srv/ok/../../etc/cron.d/evil",
                                    ArtifactKind.FS_FILE,
                                    monthEndArtifact.size(),
                                    monthEndArtifact.sha256(),
                                    monthEndArtifact.objectKey(),
                                    Map.of())));
            Path third = Files.createTempDirectory("restore-corrupt");
            // Anyone who can write to the bucket (every agent host can) may put a plaintext manifest there: it is
            // never read for a point the catalog recorded as encrypted.
            RestoreFinished forgedRead =
                    restore(probe, forged, List.of(), third.toString(), OverwritePolicy.ALWAYS, false);
            assertThat(forgedRead.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(forgedRead.failed())
                    .singleElement()
                    .satisfies(f -> assertThat(f.reason()).contains("encrypted manifest"));
            // Even where a format 1 manifest is expected, its items are checked: a corrupt chunk is not written, a
            // path with '..' is refused.
            RestoreFinished bad = restore(probe, forged, List.of(), third.toString(), OverwritePolicy.ALWAYS, false, 1);
            assertThat(bad.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(bad.written()).isEmpty();
            assertThat(bad.failed())
                    .singleElement()
                    .satisfies(f -> assertThat(f.reason()).contains("does not authenticate"));
            assertThat(bad.refused())
                    .singleElement()
                    .satisfies(f -> assertThat(f.reason()).contains(".."));
            try (java.util.stream.Stream<Path> files = Files.walk(third)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
            // Mend the pack: the other tests of this class share the bucket.
            raw.putObject(
                    io.minio.PutObjectArgs.builder().bucket("it-bucket").object(monthEndArtifact.objectKey()).stream(
                                    new java.io.ByteArrayInputStream(pack), (long) pack.length, -1L)
                            .build());

            // Issue 12, item 6. In place, only where this agent captures: a manifest naming a path outside its
            // package folders (a cron folder) or a UNC share is refused, and nothing is created for it.
            Path outside = Files.createTempDirectory("not-captured").resolve("cron.d");
            UUID stray = UUID.randomUUID();
            putFormatOneManifest(
                    stray,
                    List.of(
                            withPath(monthEndArtifact, outside.resolve("evil").toString(), ArtifactKind.FS_FILE),
                            withPath(monthEndArtifact, "\\\\files01\\share\\evil.dtsx", ArtifactKind.FS_PACKAGE)));
            RestoreFinished strayRead = restore(probe, stray, List.of(), null, OverwritePolicy.ALWAYS, false, 1);
            assertThat(strayRead.written()).isEmpty();
            assertThat(strayRead.refused())
                    .extracting(org.ssisbackup.contracts.AgentError::reason)
                    .anySatisfy(reason -> assertThat(reason).contains("only under the folders this agent captures"))
                    .anySatisfy(reason -> assertThat(reason).contains("not mapped on this agent"));
            assertThat(Files.exists(outside)).isFalse();

            // Under a target path, a symbolic link inside it that leads out is refused before any folder is made.
            Path fourth = Files.createTempDirectory("restore-link");
            Path away = Files.createTempDirectory("link-target");
            // The first folder under the target is the item's drive (or, off Windows, its first folder).
            String first = hostPath(warehouse)
                    .replace('\\', '/')
                    .replaceFirst("^([A-Za-z]):/", "$1/")
                    .replaceFirst("^/+", "")
                    .replaceFirst("/.*$", "");
            Files.createSymbolicLink(fourth.resolve(first), away);
            RestoreFinished linked =
                    restore(probe, point, List.of("**/*.dtsConfig"), fourth.toString(), OverwritePolicy.ALWAYS, false);
            assertThat(linked.written()).isEmpty();
            assertThat(linked.refused())
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f.reason()).contains("symbolic link"));
            try (java.util.stream.Stream<Path> made = Files.list(away)) {
                assertThat(made).as("nothing created through the link").isEmpty();
            }
        }
    }

    /** A file of the sample host as the host names it: drive C is mapped to {@link #HOST}. */
    static String hostPath(Path local) {
        return "C:\\" + HOST.relativize(local).toString().replace('/', '\\');
    }

    static Path local(String hostPath) {
        return HOST.resolve(hostPath.substring(3).replace('\\', '/'));
    }

    /** A plaintext (format 1) manifest of this host's fs-agent for a point, as versions before format 2 wrote them. */
    private void putFormatOneManifest(UUID point, List<Artifact> items) {
        store.putManifest(new org.ssisbackup.contracts.Manifest(
                1,
                "sql01",
                UUID.randomUUID(),
                point,
                AgentKind.FILESYSTEM,
                Outcome.SUCCEEDED,
                java.time.Instant.now(),
                items,
                List.of(),
                List.of(),
                null,
                null));
    }

    private static Artifact withPath(Artifact a, String path, ArtifactKind kind) {
        return new Artifact(path, kind, a.size(), a.sha256(), a.objectKey(), Map.of());
    }

    @Test
    void aFormatOnePointWrittenBeforeTheUpgradeStillRestores() throws Exception {
        try (TopicProbe probe = new TopicProbe(broker.getBrokersAsString(), Topics.EVENTS)) {
            store.ensureBucket();
            byte[] old = "<DTS:Executable>written by version 0.1, stored whole in plaintext</DTS:Executable>"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            BlobStore.StoredBlob blob = store.storeBytes(old);
            // In a package folder the agent captures: in place, only those take files.
            Path target = HOST.resolve("Program Files/Microsoft SQL Server/160/DTS/Packages/Legacy");
            String path = target.resolve("Legacy.dtsx").toString();
            UUID point = UUID.randomUUID();
            putFormatOneManifest(
                    point,
                    List.of(new Artifact(
                            path, ArtifactKind.FS_PACKAGE, blob.size(), blob.sha256(), blob.key(), Map.of())));
            RestoreFinished r = restore(probe, point, List.of(), null, OverwritePolicy.NEVER, false, 1);
            assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.SUCCEEDED);
            assertThat(Files.readAllBytes(Path.of(path))).isEqualTo(old);
        }
    }

    private static RestoreFinished restore(
            TopicProbe probe,
            UUID point,
            List<String> include,
            String target,
            OverwritePolicy overwrite,
            boolean dryRun)
            throws Exception {
        return restore(probe, point, include, target, overwrite, dryRun, 2);
    }

    /** A restore whose command says the point's manifest is of {@code manifestFormat} (as the catalog recorded it). */
    private static RestoreFinished restore(
            TopicProbe probe,
            UUID point,
            List<String> include,
            String target,
            OverwritePolicy overwrite,
            boolean dryRun,
            int manifestFormat)
            throws Exception {
        UUID job = UUID.randomUUID();
        probe.sendSignedCommand(
                "sql01",
                MessageCodec.encode(new RestoreCommand(
                        MessageMeta.create(job, "sql01"),
                        AgentKind.FILESYSTEM,
                        "sql01",
                        point,
                        new org.ssisbackup.contracts.RestoreOptions(
                                null, include, target, overwrite, dryRun, null, null),
                        manifestFormat)),
                Map.of());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> events(probe).stream()
                        .anyMatch(e -> e instanceof RestoreFinished f
                                && f.meta().jobId().equals(job)));
        return events(probe).stream()
                .filter(e -> e instanceof RestoreFinished f && f.meta().jobId().equals(job))
                .map(RestoreFinished.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static byte[] command(UUID job, String host) {
        return MessageCodec.encode(new BackupCommand(
                MessageMeta.create(job, host),
                AgentKind.FILESYSTEM,
                UUID.randomUUID(),
                Set.of(AgentKind.FILESYSTEM),
                Set.of(BackupScope.FILESYSTEM)));
    }

    private static List<AgentEvent> events(TopicProbe probe) {
        return probe.seen(Topics.EVENTS).stream()
                .map(s -> MessageCodec.decodeEvent(s.value()))
                .toList();
    }

    private static AgentJobFinished finished(TopicProbe probe, UUID job) {
        return events(probe).stream()
                .filter(e -> e instanceof AgentJobFinished f && f.meta().jobId().equals(job))
                .map(AgentJobFinished.class::cast)
                .findFirst()
                .orElse(null);
    }
}
