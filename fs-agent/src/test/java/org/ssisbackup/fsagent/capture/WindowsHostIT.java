package org.ssisbackup.fsagent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.capture.BackupReport;
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.contracts.AgentError;
import org.ssisbackup.contracts.AgentJobFinished;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.BackupCommand;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.MessageMeta;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.contracts.OverwritePolicy;
import org.ssisbackup.contracts.RestoreCommand;
import org.ssisbackup.contracts.RestoreFinished;
import org.ssisbackup.contracts.RestoreOptions;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.fsagent.protection.FileProtection;
import org.ssisbackup.fsagent.restore.FileRestoreHandler;
import org.ssisbackup.fsagent.restore.InPlaceRoots;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.RepositoryReader;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.TestKeys;

/**
 * Issue 15: the fs-agent on a Windows server, through a Windows-configured in-memory file system (Jimfs) and a real
 * S3 server. Drive letters, a UNC share, names in another case than the package writes them, a path over 260
 * characters, read-only and hidden files, NTFS ACLs and owners, and a file another process holds open without
 * sharing; then the host restored onto a new, empty server with its files, ACLs and attributes as they were, and a
 * point holding device names (CON, nul.txt) refused on Windows.
 */
class WindowsHostIT {
    static final String HOST = "win-sql01";
    static final String BINN = "C:\\Program Files\\Microsoft SQL Server\\160\\DTS\\Binn";
    static EmbeddedS3 s3;
    BlobStore store;
    FileSystem server;
    final List<VersionedMessage> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = EmbeddedS3.startInMemory("win-access", "win-secret-key");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    static FileSystem windowsServer() {
        return Jimfs.newFileSystem(Configuration.windows().toBuilder()
                .setRoots("C:\\", "D:\\", "\\\\files01\\ssis\\")
                .setWorkingDirectory("C:\\")
                .setAttributeViews("basic", "owner", "dos", "acl")
                .build());
    }

    static String dtsx(String name, String... configurations) {
        StringBuilder c = new StringBuilder();
        for (String conf : configurations) {
            c.append("<DTS:Configuration DTS:ConfigurationString=\"")
                    .append(conf)
                    .append("\" DTS:ConfigurationType=\"1\" DTS:ObjectName=\"c\"/>");
        }
        return "<?xml version=\"1.0\"?><DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\""
                + " DTS:ObjectName=\"" + name + "\" DTS:ProtectionLevel=\"0\"><DTS:Configurations>" + c
                + "</DTS:Configurations></DTS:Executable>";
    }

    Path longFolder;

    @BeforeEach
    void aWindowsSsisServer() throws IOException {
        store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "win-" + UUID.randomUUID());
        store.ensureBucket();
        server = windowsServer();
        Path binn = Files.createDirectories(server.getPath(BINN));
        Files.writeString(binn.resolve("MsDtsSrvr.ini.xml"), """
                <?xml version="1.0" encoding="utf-8"?>
                <DtsServiceConfiguration xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <TopLevelFolders>
                    <Folder xsi:type="FileSystemFolder"><Name>Packages</Name><StorePath>D:\\SSIS\\Packages</StorePath></Folder>
                  </TopLevelFolders>
                </DtsServiceConfiguration>""");
        Path packages = Files.createDirectories(server.getPath("D:\\SSIS\\Packages"));
        // The package names its configuration in another case than the file has, and one on a share.
        Files.writeString(
                packages.resolve("Load.dtsx"),
                dtsx("Load", "d:\\ssis\\CONFIG\\prod.DTSCONFIG", "\\\\files01\\ssis\\Config\\Shared.dtsConfig"));
        Files.writeString(packages.resolve("Locked.dtsx"), dtsx("Locked"));
        longFolder = packages;
        while (longFolder.toString().length() < 280) {
            longFolder = longFolder.resolve("Archive of the finance department's monthly loads");
        }
        Files.createDirectories(longFolder);
        Files.writeString(longFolder.resolve("Deep.dtsx"), dtsx("Deep"));

        Path config =
                Files.createDirectories(server.getPath("D:\\SSIS\\Config")).resolve("Prod.dtsConfig");
        Files.writeString(config, "<DTSConfiguration><Configuration/></DTSConfiguration>");
        UserPrincipalLookupService users = server.getUserPrincipalLookupService();
        Files.setOwner(config, users.lookupPrincipalByName("CORP\\svc-ssis"));
        Files.getFileAttributeView(config, AclFileAttributeView.class)
                .setAcl(List.of(
                        entry(AclEntryType.DENY, users, "CORP\\Interns", AclEntryPermission.READ_DATA),
                        entry(
                                AclEntryType.ALLOW,
                                users,
                                "CORP\\svc-ssis",
                                AclEntryPermission.READ_DATA,
                                AclEntryPermission.READ_ATTRIBUTES),
                        entry(AclEntryType.ALLOW, users, "BUILTIN\\Administrators", AclEntryPermission.values())));
        Files.setAttribute(config, "dos:readonly", true);
        Files.setAttribute(config, "dos:hidden", true);
        Path share = Files.createDirectories(server.getPath("\\\\files01\\ssis\\Config"));
        Files.writeString(share.resolve("Shared.dtsConfig"), "<DTSConfiguration/>");
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    static AclEntry entry(AclEntryType type, UserPrincipalLookupService users, String who, AclEntryPermission... perms)
            throws IOException {
        return AclEntry.newBuilder()
                .setType(type)
                .setPrincipal(users.lookupPrincipalByName(who))
                .setPermissions(EnumSet.of(perms[0], perms))
                .build();
    }

    private CommandIntake agent(FileSystem fs, FileSystemCapture.ReadHook hook) throws IOException {
        return agent(fs, fs.getPath(BINN, "MsDtsSrvr.ini.xml"), hook);
    }

    private CommandIntake agent(FileSystem fs, Path serviceConfig, FileSystemCapture.ReadHook hook) throws IOException {
        HostPaths paths = new HostPaths(fs, Map.of());
        FsAgentProperties properties = new FsAgentProperties(
                serviceConfig,
                List.of(),
                Map.of(),
                Map.of(),
                Duration.ofSeconds(1),
                2,
                List.of(),
                List.of(),
                List.of());
        return new CommandIntake(
                new AgentIdentity(AgentKind.FILESYSTEM, HOST, "test", Set.of(BackupScope.FILESYSTEM)),
                FileSystemCaptureIT.repository(store.objects(), HOST),
                store,
                events::add,
                new FileSystemCapture(properties, new MsdbReferences(HOST), paths, hook),
                List.of(new FileRestoreHandler(paths, 4, new InPlaceRoots(properties, paths))),
                new org.ssisbackup.agent.metrics.AgentMetrics(new SimpleMeterRegistry(), HOST, "filesystem"),
                new org.ssisbackup.agent.command.JobJournal(Files.createTempDirectory("win-agent")),
                org.ssisbackup.platform.messaging.MessageSignature.publicKey(TestKeys.ORCHESTRATOR_SIGNING_PUBLIC),
                Duration.ofDays(7));
    }

    private UUID backup(CommandIntake agent) {
        UUID job = UUID.randomUUID();
        BackupReport report = agent.runBackup(new BackupCommand(
                MessageMeta.create(job, HOST),
                AgentKind.FILESYSTEM,
                job,
                Set.of(AgentKind.FILESYSTEM),
                Set.of(BackupScope.FILESYSTEM)));
        assertThat(report.outcome()).as("%s", report.errors()).isNotEqualTo(Outcome.FAILED);
        return events.stream()
                .filter(e -> e instanceof AgentJobFinished f && f.meta().jobId().equals(job))
                .map(e -> ((AgentJobFinished) e).restorePointId())
                .findFirst()
                .orElseThrow();
    }

    private Manifest manifest(UUID point) {
        return new RepositoryReader(
                        store.objects(), KeyMaterial.holder(TestKeys.CATALOG_PRIVATE, TestKeys.CATALOG_PUBLIC))
                .manifest(HOST, point, AgentKind.FILESYSTEM);
    }

    private static RestoreFinished restore(CommandIntake agent, UUID point, RestoreOptions options) {
        return agent.runRestore(new RestoreCommand(
                        MessageMeta.create(UUID.randomUUID(), HOST), AgentKind.FILESYSTEM, HOST, point, options))
                .finished();
    }

    @Test
    void aWindowsServerIsCapturedAndRestoredOntoANewOneWithItsAclsAndAttributes() throws Exception {
        CommandIntake agent = agent(server, file -> {
            if (file.getFileName().toString().equals("Locked.dtsx")) {
                throw new FileSystemException(
                        file.toString(),
                        null,
                        "The process cannot access the file because it is being used by another process");
            }
        });
        UUID point = backup(agent);
        Manifest m = manifest(point);
        List<String> paths = m.artifacts().stream().map(Artifact::logicalPath).toList();

        assertThat(paths)
                .contains(
                        BINN + "\\MsDtsSrvr.ini.xml",
                        "D:\\SSIS\\Packages\\Load.dtsx",
                        "D:\\SSIS\\Config\\Prod.dtsConfig", // found though the package wrote
                        // d:\ssis\CONFIG\prod.DTSCONFIG
                        "\\\\files01\\ssis\\Config\\Shared.dtsConfig",
                        longFolder.resolve("Deep.dtsx").toString())
                .doesNotContain("D:\\SSIS\\Packages\\Locked.dtsx");
        assertThat(longFolder.resolve("Deep.dtsx").toString()).hasSizeGreaterThan(260);
        // The file held open failed alone, with the reason; everything else was stored.
        List<AgentError> errors = events.stream()
                .filter(e -> e instanceof AgentJobFinished)
                .flatMap(e -> ((AgentJobFinished) e).errors().stream())
                .toList();
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("D:\\SSIS\\Packages\\Locked.dtsx");
            assertThat(e.reason()).contains("in use by another process that opened it without sharing");
        });
        Artifact config = m.artifacts().stream()
                .filter(a -> a.logicalPath().equals("D:\\SSIS\\Config\\Prod.dtsConfig"))
                .findFirst()
                .orElseThrow();
        assertThat(config.metadata())
                .containsEntry(FileProtection.OWNER, "CORP\\svc-ssis")
                .containsEntry(FileProtection.DOS, "readonly,hidden");
        assertThat(config.metadata().get(FileProtection.ACL))
                .startsWith("DENY:CORP\\Interns:READ_DATA:")
                .contains("ALLOW:CORP\\svc-ssis:READ_ATTRIBUTES/READ_DATA:");

        // A new, empty server: the host restored in place, every file where it was, protected as it was.
        FileSystem replacement = windowsServer();
        Files.createDirectories(replacement.getPath(BINN));
        Files.copy(server.getPath(BINN, "MsDtsSrvr.ini.xml"), replacement.getPath(BINN, "MsDtsSrvr.ini.xml"));
        RestoreFinished restored = restore(
                agent(replacement, f -> {}),
                point,
                new RestoreOptions(null, null, null, OverwritePolicy.ALWAYS, false, null, null));
        assertThat(restored.outcome()).as("%s", restored).isEqualTo(Outcome.SUCCEEDED);
        Path prod = replacement.getPath("d:\\SSIS\\config\\PROD.dtsconfig"); // any case finds it
        assertThat(Files.readString(prod)).isEqualTo("<DTSConfiguration><Configuration/></DTSConfiguration>");
        assertThat(Files.getOwner(prod).getName()).isEqualTo("CORP\\svc-ssis");
        assertThat(Files.getFileAttributeView(prod, AclFileAttributeView.class).getAcl())
                .isEqualTo(Files.getFileAttributeView(
                                server.getPath("D:\\SSIS\\Config\\Prod.dtsConfig"), AclFileAttributeView.class)
                        .getAcl());
        DosFileAttributes dos = Files.readAttributes(prod, DosFileAttributes.class);
        assertThat(dos.isReadOnly()).isTrue();
        assertThat(dos.isHidden()).isTrue();
        assertThat(Files.readString(replacement.getPath("\\\\files01\\ssis\\Config\\Shared.dtsConfig")))
                .isEqualTo("<DTSConfiguration/>");
        Path deep = replacement.getPath(longFolder.resolve("Deep.dtsx").toString());
        assertThat(Files.readString(deep)).isEqualTo(dtsx("Deep"));
        try (var left = Files.walk(replacement.getPath("D:\\"))) {
            assertThat(left.map(
                            p -> p.getFileName() == null ? "" : p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".ssis-restore-"));
        }
        replacement.close();

        // Asked not to: the files land with their owner's (the agent's) access alone and no attributes.
        FileSystem plain = windowsServer();
        Files.createDirectories(plain.getPath(BINN));
        Files.copy(server.getPath(BINN, "MsDtsSrvr.ini.xml"), plain.getPath(BINN, "MsDtsSrvr.ini.xml"));
        RestoreFinished unprotected = restore(
                agent(plain, f -> {}),
                point,
                new RestoreOptions(null, null, null, OverwritePolicy.ALWAYS, false, null, null, null, false));
        assertThat(unprotected.outcome()).as("%s", unprotected).isEqualTo(Outcome.SUCCEEDED);
        Path bare = plain.getPath("D:\\SSIS\\Config\\Prod.dtsConfig");
        List<AclEntry> acl =
                Files.getFileAttributeView(bare, AclFileAttributeView.class).getAcl();
        assertThat(acl).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(AclEntryType.ALLOW);
            assertThat(e.principal()).isEqualTo(Files.getOwner(bare));
        });
        assertThat(Files.getOwner(bare).getName()).isNotEqualTo("CORP\\svc-ssis");
        assertThat(Files.readAttributes(bare, DosFileAttributes.class).isReadOnly())
                .isFalse();
        plain.close();
    }

    @Test
    void deviceNamesAreNeverWrittenOnWindows() throws Exception {
        // A point captured on Linux may hold names Windows takes for devices or would change: restored onto
        // Windows, they are refused with the reason; the rest is written.
        FileSystem linux = Jimfs.newFileSystem(Configuration.unix());
        Path ini = Files.createDirectories(linux.getPath("/srv/ssis/Binn")).resolve("MsDtsSrvr.ini.xml");
        Files.writeString(ini, """
                <?xml version="1.0" encoding="utf-8"?>
                <DtsServiceConfiguration xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <TopLevelFolders>
                    <Folder xsi:type="FileSystemFolder"><Name>Packages</Name><StorePath>/srv/ssis/Packages</StorePath></Folder>
                  </TopLevelFolders>
                </DtsServiceConfiguration>""");
        Path packages = Files.createDirectories(linux.getPath("/srv/ssis/Packages"));
        Files.writeString(packages.resolve("CON.dtsx"), dtsx("CON"));
        Files.writeString(packages.resolve("nul.txt"), "a note");
        Files.writeString(packages.resolve("notes. "), "a trailing space");
        Files.writeString(packages.resolve("Load.dtsx"), dtsx("Load"));
        UUID point = backup(agent(linux, ini, f -> {}));

        RestoreFinished r = restore(
                agent(server, f -> {}),
                point,
                new RestoreOptions(null, null, "C:\\Restored", OverwritePolicy.ALWAYS, false, null, null));
        assertThat(r.refused())
                .as("%s", r)
                .extracting(AgentError::path)
                .containsExactlyInAnyOrder(
                        "/srv/ssis/Packages/CON.dtsx", "/srv/ssis/Packages/nul.txt", "/srv/ssis/Packages/notes. ");
        assertThat(r.refused()).anySatisfy(e -> assertThat(e.reason()).contains("device name on Windows"));
        assertThat(r.refused()).anySatisfy(e -> assertThat(e.reason()).contains("ends in a dot or a space"));
        assertThat(r.written()).contains("C:\\Restored\\srv\\ssis\\Packages\\Load.dtsx");
        assertThat(Files.readString(server.getPath("C:\\Restored\\srv\\ssis\\Packages\\Load.dtsx")))
                .isEqualTo(dtsx("Load"));
        assertThat(FileRestoreHandler.windowsRefusal("C:/Restored/console.dtsx"))
                .isEmpty();
        assertThat(FileRestoreHandler.windowsRefusal("C:/Restored/LPT1.log")).isPresent();
        assertThat(FileRestoreHandler.windowsRefusal("//files01/ssis/aux")).isPresent();
        linux.close();
    }
}
