package org.ssisbackup.msdbagent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.ssisbackup.agent.wiring.AgentRuntimeConfiguration;

/** The msdb agent: one per SQL Server instance, talking to msdb through mssql-jdbc. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(AgentRuntimeConfiguration.class)
public class MsdbAgentApplication {
    public static void main(String[] args) {
        SpringApplication.run(MsdbAgentApplication.class, args);
    }
}
