package org.ssisbackup.msdbagent;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.agent.command.CommandIntake;
import org.ssisbackup.agent.metrics.AgentMetrics;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.contracts.VersionedMessage;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.msdbagent.restore.ManualRestoreAdvice;
import org.ssisbackup.msdbagent.restore.MsdbRestoreHandler;
import org.ssisbackup.msdbagent.restore.SsisdbProjectRestoreHandler;
import org.ssisbackup.storage.BlobStore;

/** The msdb agent of host {@value #HOST} as its Spring configuration wires it, driven synchronously by tests. */
final class MsdbTestAgent {
    static final String HOST = "msdb-it";
    static final AgentIdentity IDENTITY = new AgentIdentity(
            AgentKind.MSDB, HOST, "test", Set.of(BackupScope.MSDB, BackupScope.MSDB_NATIVE, BackupScope.SSISDB));

    /** An agent with this capture and every msdb restore handler. */
    static CommandIntake of(
            BlobStore store,
            Consumer<VersionedMessage> events,
            MeterRegistry registry,
            Capture capture,
            MsdbConnector connector,
            MsdbMetrics metrics) {
        return new CommandIntake(
                IDENTITY,
                store,
                events,
                capture,
                List.of(
                        new MsdbRestoreHandler(store, connector, metrics),
                        new SsisdbProjectRestoreHandler(store, connector, metrics),
                        new ManualRestoreAdvice()),
                new AgentMetrics(registry, HOST, "msdb"));
    }

    private MsdbTestAgent() {}
}
