package org.ssisbackup.orchestrator;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The fleet's control plane: takes backup requests, dispatches commands, follows jobs to their end. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class OrchestratorApplication {
    /** Its configuration file is backup-orchestrator.yml, so the four services can share one class path in system tests. */
    public static final String CONFIG_NAME = "spring.config.name=backup-orchestrator";

    public static void main(String[] args) {
        new SpringApplicationBuilder(OrchestratorApplication.class).properties(CONFIG_NAME).run(args);
    }
}
