package org.ssisbackup.msdbagent;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.ssisbackup.agent.AgentIdentity;
import org.ssisbackup.agent.AgentProperties;
import org.ssisbackup.agent.capture.Capture;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.BackupScope;
import org.ssisbackup.msdbagent.capture.MsdbCapture;
import org.ssisbackup.msdbagent.capture.MsdbPackageExporter;
import org.ssisbackup.msdbagent.capture.NativeMsdbBackup;
import org.ssisbackup.msdbagent.capture.SqlAgentJobExporter;
import org.ssisbackup.msdbagent.capture.SsisdbProjectExporter;
import org.ssisbackup.msdbagent.msdb.MsdbAgentProperties;
import org.ssisbackup.msdbagent.msdb.MsdbConnector;
import org.ssisbackup.msdbagent.msdb.MsdbMetrics;
import org.ssisbackup.msdbagent.restore.ManualRestoreAdvice;
import org.ssisbackup.msdbagent.restore.MsdbRestoreHandler;
import org.ssisbackup.msdbagent.restore.NativeBackupRestoreHandler;
import org.ssisbackup.msdbagent.restore.SqlAgentJobRestoreHandler;
import org.ssisbackup.msdbagent.restore.SsisdbProjectRestoreHandler;
import org.ssisbackup.storage.BlobStore;

/** What the msdb agent brings to the shared agent runtime: its captures and its restores. */
@Configuration(proxyBeanMethods = false)
class MsdbAgentConfiguration {

    @Bean
    AgentIdentity agentIdentity(AgentProperties agent, MsdbAgentProperties properties) {
        properties.requireNativeBackupBucket(agent.s3().bucket());
        return new AgentIdentity(
                AgentKind.MSDB,
                agent.hostId(),
                AgentIdentity.versionOf(MsdbAgentApplication.class),
                Set.of(BackupScope.MSDB, BackupScope.MSDB_NATIVE, BackupScope.SSISDB));
    }

    @Bean
    MsdbConnector msdbConnector(MsdbAgentProperties properties) {
        return new MsdbConnector(properties);
    }

    @Bean
    MsdbMetrics msdbMetrics(MeterRegistry registry, AgentIdentity identity) {
        return new MsdbMetrics(registry, identity.hostId());
    }

    @Bean
    Capture msdbCapture(
            AgentIdentity identity,
            MsdbAgentProperties properties,
            MsdbConnector connector,
            BlobStore store,
            MsdbMetrics metrics) {
        return new MsdbCapture(
                new MsdbPackageExporter(connector, metrics),
                new SqlAgentJobExporter(connector, metrics),
                new SsisdbProjectExporter(connector, metrics),
                new NativeMsdbBackup(identity.hostId(), connector, store, metrics, properties.nativeBackup()));
    }

    @Bean
    MsdbRestoreHandler msdbRestoreHandler(
            MsdbConnector connector, MsdbAgentProperties properties, MsdbMetrics metrics) {
        return new MsdbRestoreHandler(connector, drillConnector(connector, properties), metrics);
    }

    @Bean
    NativeBackupRestoreHandler nativeBackupRestoreHandler(MsdbConnector connector, MsdbAgentProperties properties) {
        return new NativeBackupRestoreHandler(
                drillConnector(connector, properties), properties.forDrills().nativeBackup());
    }

    /** The drill instance's connector when one is configured, else the agent's own. */
    private static MsdbConnector drillConnector(MsdbConnector connector, MsdbAgentProperties properties) {
        return properties.drillInstance().configured() ? new MsdbConnector(properties.forDrills()) : connector;
    }

    @Bean
    SsisdbProjectRestoreHandler ssisdbProjectRestoreHandler(MsdbConnector connector, MsdbMetrics metrics) {
        return new SsisdbProjectRestoreHandler(connector, metrics);
    }

    @Bean
    SqlAgentJobRestoreHandler sqlAgentJobRestoreHandler(MsdbConnector connector, MsdbMetrics metrics) {
        return new SqlAgentJobRestoreHandler(connector, metrics);
    }

    @Bean
    ManualRestoreAdvice manualRestoreAdvice() {
        return new ManualRestoreAdvice();
    }
}
