package org.ssisbackup.fsagent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.ssisbackup.agent.wiring.AgentRuntimeConfiguration;

/** The file-system agent: one per SSIS host. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(AgentRuntimeConfiguration.class)
public class FsAgentApplication {
    public static void main(String[] args) {
        SpringApplication.run(FsAgentApplication.class, args);
    }
}
