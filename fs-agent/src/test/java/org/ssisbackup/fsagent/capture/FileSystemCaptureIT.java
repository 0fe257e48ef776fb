package org.ssisbackup.fsagent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentProperties;
import org.ssisbackup.agent.AgentRepository;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.capture.BackupRun;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.InMemoryObjectStore;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.TestKeys;

/**
 * The capture's fault cases against a real S3 server: a file that vanishes, changes while read or cannot be read,
 * an S3 outage, and files that are not regular files. Each ends with the path and the reason, and never stops the
 * other files.
 */
class FileSystemCaptureIT {
    static EmbeddedS3 s3;

    @TempDir
    Path host;

    BlobStore store;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.startInMemory("cap-access", "cap-secret-key");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @BeforeEach
    void hostWithThreePackages() throws IOException {
        Path pkgs = Files.createDirectories(host.resolve("Packages"));
        Files.writeString(host.resolve("MsDtsSrvr.ini.xml"), """
                <?xml version="1.0" encoding="utf-8"?>
                <DtsServiceConfiguration xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <TopLevelFolders>
                    <Folder xsi:type="FileSystemFolder"><Name>File System</Name><StorePath>Packages</StorePath></Folder>
                  </TopLevelFolders>
                </DtsServiceConfiguration>""");
        for (String name : List.of("A", "B", "C")) {
            Files.writeString(
                    pkgs.resolve(name + ".dtsx"),
                    "<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\" " + "DTS:ObjectName=\"" + name
                            + "\" DTS:ProtectionLevel=\"0\"/>");
        }
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "cap-" + UUID.randomUUID());
        store.ensureBucket();
    }

    private BackupReport backup(BlobStore target, FileSystemCapture.ReadHook beforeRead) {
        FileSystemCapture capture = new FileSystemCapture(properties(), new MsdbReferences("cap-host"), beforeRead);
        return backup(target, capture);
    }

    static AgentRepository repository(org.ssisbackup.storage.ObjectStore objects) {
        return repository(objects, "cap-host");
    }

    static AgentRepository repository(org.ssisbackup.storage.ObjectStore objects, String host) {
        return new AgentRepository(
                objects,
                host,
                new AgentProperties.Repository(null, TestKeys.KEK, null, null, TestKeys.CATALOG_PUBLIC, null, null, 0));
    }

    private BackupReport backup(BlobStore target, FileSystemCapture capture) {
        return backup(repository(target.objects()), capture);
    }

    private BackupReport backup(AgentRepository target, FileSystemCapture capture) {
        BackupRun runner = new BackupRun(
                new AgentIdentity(AgentKind.FILESYSTEM, "cap-host", "test", Set.of(BackupScope.FILESYSTEM)),
                target,
                m -> {},
                capture);
        UUID job = UUID.randomUUID();
        return runner.run(new BackupCommand(
                MessageMeta.create(job, "cap-host"),
                AgentKind.FILESYSTEM,
                job,
                Set.of(AgentKind.FILESYSTEM),
                Set.of(BackupScope.FILESYSTEM)));
    }

    private FsAgentProperties properties() {
        return new FsAgentProperties(
                host.resolve("MsDtsSrvr.ini.xml"),
                List.of(),
                Map.of(),
                Map.of(),
                Duration.ofSeconds(1),
                2,
                List.of(),
                List.of("*.tmp"),
                List.of());
    }

    private static List<String> reasons(BackupReport report) {
        return report.errors().stream().map(e -> e.path() + ": " + e.reason()).toList();
    }

    @Test
    void discoveryWarnsOfPackagesAndConfigurationsOutsideEveryCapturedFolder() throws IOException {
        Path old = Files.createDirectories(host.resolve("Old/ETL"));
        Path stray = Files.writeString(old.resolve("Forgotten.DTSX"), "<x/>");
        Path strayConfig = Files.writeString(old.resolve("Forgotten.dtsConfig"), "<DTSConfiguration/>");
        Files.writeString(old.resolve("readme.txt"), "not a package");
        FsAgentProperties p = properties();
        FsAgentProperties withDiscovery = new FsAgentProperties(
                p.serviceConfig(),
                p.extraFolders(),
                p.driveRoots(),
                p.environment(),
                p.msdbReferencesTimeout(),
                p.uploadParallelism(),
                p.include(),
                p.exclude(),
                List.of(host));
        StrayPackageScan scan = new StrayPackageScan(withDiscovery.discoveryRoots());
        List<org.ssisbackup.contracts.AgentError> warnings =
                warningsOf(new FileSystemCapture(withDiscovery, new MsdbReferences("cap-host"), scan));
        // The captured packages (Packages\A.dtsx, ...) are not warned of; the two strays are, the text file is not.
        assertThat(warnings)
                .extracting(w -> w.path() + ": " + w.reason())
                .containsExactlyInAnyOrder(
                        stray + ": package outside any captured folder: not backed up (add its folder to"
                                + " MsDtsSrvr.ini.xml or ssisbackup.fs.extra-folders)",
                        strayConfig + ": configuration file outside any captured folder: not backed up (add its"
                                + " folder to MsDtsSrvr.ini.xml or ssisbackup.fs.extra-folders)");
        assertThat(scan.lastFound()).hasValue(2);

        // A scan is bounded: a huge drive stops it with a warning, not a backup that runs for hours.
        StrayPackageScan bounded = new StrayPackageScan(List.of(host), 3);
        assertThat(warningsOf(new FileSystemCapture(withDiscovery, new MsdbReferences("cap-host"), bounded)))
                .extracting(org.ssisbackup.contracts.AgentError::reason)
                .contains("discovery stopped after 3 entries: narrow ssisbackup.fs.discovery-roots");
    }

    /** The warnings a backup with this capture ends with. */
    private List<org.ssisbackup.contracts.AgentError> warningsOf(FileSystemCapture capture) {
        List<org.ssisbackup.contracts.VersionedMessage> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackupRun runner = new BackupRun(
                new AgentIdentity(AgentKind.FILESYSTEM, "cap-host", "test", Set.of(BackupScope.FILESYSTEM)),
                repository(store.objects()),
                events::add,
                capture);
        UUID job = UUID.randomUUID();
        BackupReport report = runner.run(new BackupCommand(
                MessageMeta.create(job, "cap-host"),
                AgentKind.FILESYSTEM,
                job,
                Set.of(AgentKind.FILESYSTEM),
                Set.of(BackupScope.FILESYSTEM)));
        assertThat(report.outcome()).as("errors %s", report.errors()).isEqualTo(Outcome.SUCCEEDED);
        return events.stream()
                .filter(e -> e instanceof org.ssisbackup.contracts.AgentJobFinished)
                .flatMap(e -> ((org.ssisbackup.contracts.AgentJobFinished) e).warnings().stream())
                .toList();
    }

    @Test
    void aFileThatVanishesBeforeItIsReadFailsAloneWithItsPath() {
        Path b = host.resolve("Packages/B.dtsx");
        BackupReport report = backup(store, file -> {
            if (file.equals(b)) {
                delete(file);
            }
        });
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(reasons(report)).containsExactly(b + ": vanished before it could be read");
        assertThat(report.artifacts()).isEqualTo(3); // the ini file, A and C
    }

    @Test
    void aFileThatChangesWhileItIsReadIsNotRecordedAsCaptured() throws IOException {
        Path c = host.resolve("Packages/C.dtsx");
        Path large = host.resolve("Packages/extract.raw"); // many chunks: the change lands after some are stored
        Files.write(large, new byte[9 * 1024 * 1024]);
        BackupReport report = backup(store, file -> {
            if (file.equals(c) || file.equals(large)) {
                append(file);
            }
        });
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(report.errors())
                .extracting(AgentError::path)
                .containsExactlyInAnyOrder(c.toString(), large.toString());
        assertThat(report.errors()).extracting(AgentError::reason).containsOnly("changed while it was read");
        assertThat(report.artifacts()).isEqualTo(3);
    }

    @Test
    void anUnreadableFileFailsAloneWithItsPath() throws IOException {
        assumeFalse(
                "root".equals(System.getProperty("user.name")), "root reads every file: chmod cannot simulate this");
        Path a = host.resolve("Packages/A.dtsx");
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("---------"));
        BackupReport report = backup(store, file -> {});
        assertThat(report.outcome()).isEqualTo(Outcome.PARTIALLY_FAILED);
        assertThat(reasons(report)).containsExactly(a + ": unreadable: access denied");
    }

    @Test
    void pipesAreWarnedAboutAndNeverOpenedAndExcludedFilesAreLeftOut() throws Exception {
        Files.writeString(host.resolve("Packages/scratch.tmp"), "excluded by *.tmp");
        Path fifo = host.resolve("Packages/feed.pipe");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(p.waitFor()).isZero();
        BackupReport report = backup(store, file -> {});
        assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(report.artifacts()).isEqualTo(4);
    }

    @Test
    void anS3OutageFailsTheJobWithTheReasonForEveryFile() throws Exception {
        BlobStore unreachable;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            unreachable = BlobStore.connect(
                    "http://127.0.0.1:" + free.getLocalPort(), "cap-access", "cap-secret-key", "gone");
        }
        BackupReport report = backup(unreachable, file -> {});
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        // The scope cannot even be opened: the job fails at once with the reason, nothing is claimed.
        assertThat(report.errors()).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("(job)");
            assertThat(e.reason()).contains("Connection refused").doesNotContain("cap-secret-key");
        });
        assertThat(report.artifacts()).isZero();
    }

    @Test
    void anS3OutageInTheMiddleOfAJobFailsItWithoutAManifest() throws Exception {
        InMemoryObjectStore memory = new InMemoryObjectStore("flaky");
        boolean[] down = {false};
        org.ssisbackup.storage.ObjectStore flaky = new ForwardingObjectStore(memory) {
            @Override
            public void put(String key, java.io.InputStream in, long size) {
                if (down[0]) {
                    throw new org.ssisbackup.storage.StoreException(
                            "cannot upload " + key + ": ConnectException: Connection refused");
                }
                super.put(key, in, size);
            }
        };
        AgentRepository repository = repository(flaky); // opened while the bucket answered
        down[0] = true;
        BackupReport report =
                backup(repository, new FileSystemCapture(properties(), new MsdbReferences("cap-host"), f -> {}));
        assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(report.errors())
                .extracting(AgentError::reason)
                .anySatisfy(r -> assertThat(r).contains("Connection refused"));
        assertThat(memory.list("manifests/")).isEmpty();
    }

    @Test
    void anUnchangedHostIsNeitherReadNorUploadedAgain() throws IOException {
        List<Path> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
        FileSystemCapture capture = new FileSystemCapture(properties(), new MsdbReferences("cap-host"), reads::add);
        assertThat(backup(store, capture).artifactsUploaded()).isEqualTo(4);
        assertThat(reads).hasSize(4);

        reads.clear();
        BackupReport again = backup(store, capture);
        assertThat(again.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(again.artifacts()).isEqualTo(4);
        assertThat(again.artifactsUploaded()).isZero();
        assertThat(again.bytesUploaded()).isZero();
        assertThat(reads).isEmpty();

        // A capture that has never seen the host reads it all, and finds every blob already stored.
        assertThat(backup(store, file -> {}).artifactsUploaded()).isZero();

        Files.writeString(host.resolve("Packages/A.dtsx"), " ", StandardOpenOption.APPEND);
        assertThat(backup(store, capture).artifactsUploaded()).isEqualTo(1);
        assertThat(reads).containsExactly(host.resolve("Packages/A.dtsx"));
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(Path file) {
        try {
            Files.write(file, new byte[] {' '}, StandardOpenOption.APPEND);
            // Some file systems keep a coarse modification time; the size changes either way.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
