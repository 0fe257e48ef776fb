package org.ssisbackup.msdbagent;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentProperties;
import org.ssisbackup.agent.AgentRepository;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.agent.metrics.AgentMetrics;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.msdbagent.restore.ManualRestoreAdvice;
import org.ssisbackup.msdbagent.restore.MsdbRestoreHandler;
import org.ssisbackup.msdbagent.restore.NativeBackupRestoreHandler;
import org.ssisbackup.msdbagent.restore.SsisdbProjectRestoreHandler;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.RepositoryReader;
import org.ssisbackup.testkit.infra.TestKeys;

/** The msdb agent of host {@value #HOST} as its Spring configuration wires it, driven synchronously by tests. */
final class MsdbTestAgent {
    static final String HOST = "msdb-it";
    static final AgentIdentity IDENTITY = new AgentIdentity(
            AgentKind.MSDB, HOST, "test", Set.of(BackupScope.MSDB, BackupScope.MSDB_NATIVE, BackupScope.SSISDB));

    /** Reads the bucket as the catalog does, with its escrow key. */
    static RepositoryReader reader(BlobStore store) {
        return new RepositoryReader(
                store.objects(), KeyMaterial.holder(TestKeys.CATALOG_PRIVATE, TestKeys.CATALOG_PUBLIC));
    }

    /** The manifest of this host's msdb agent for a point. */
    static Manifest manifest(BlobStore store, UUID point) {
        return reader(store).manifest(HOST, point, AgentKind.MSDB);
    }

    /** An item's bytes (an item of a manifest: it has its chunks), checked. */
    static byte[] bytes(BlobStore store, Artifact a) {
        return reader(store).bytes(HOST, a);
    }

    /** An agent with this capture and every msdb restore handler. */
    static CommandIntake of(
            BlobStore store,
            Consumer<VersionedMessage> events,
            MeterRegistry registry,
            Capture capture,
            MsdbConnector connector,
            MsdbMetrics metrics) {
        return of(
                store,
                events,
                registry,
                capture,
                connector,
                connector,
                new org.ssisbackup.msdbagent.msdb.MsdbAgentProperties.NativeBackup(null, null, null, null),
                metrics);
    }

    /** An agent whose drills run on {@code drillConnector}, staging native backups into {@code drillFolders}. */
    static CommandIntake of(
            BlobStore store,
            Consumer<VersionedMessage> events,
            MeterRegistry registry,
            Capture capture,
            MsdbConnector connector,
            MsdbConnector drillConnector,
            org.ssisbackup.msdbagent.msdb.MsdbAgentProperties.NativeBackup drillFolders,
            MsdbMetrics metrics) {
        return new CommandIntake(
                IDENTITY,
                new AgentRepository(
                        store.objects(),
                        HOST,
                        new AgentProperties.Repository(
                                null, TestKeys.KEK, null, null, TestKeys.CATALOG_PUBLIC, null, null, 0)),
                store,
                events,
                capture,
                List.of(
                        new MsdbRestoreHandler(connector, drillConnector, metrics),
                        new SsisdbProjectRestoreHandler(connector, metrics),
                        new NativeBackupRestoreHandler(drillConnector, drillFolders),
                        new org.ssisbackup.msdbagent.restore.SqlAgentJobRestoreHandler(connector, metrics),
                        new ManualRestoreAdvice()),
                new AgentMetrics(registry, HOST, "msdb"),
                new org.ssisbackup.agent.command.JobJournal(stateDir()),
                org.ssisbackup.platform.messaging.MessageSignature.publicKey(TestKeys.ORCHESTRATOR_SIGNING_PUBLIC),
                java.time.Duration.ofDays(7));
    }

    private static java.nio.file.Path stateDir() {
        try {
            return java.nio.file.Files.createTempDirectory("msdb-agent-state");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private MsdbTestAgent() {}
}
