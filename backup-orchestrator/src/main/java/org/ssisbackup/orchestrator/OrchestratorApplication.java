package org.ssisbackup.orchestrator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.ssisbackup.restapi.RestApiConfiguration;

/** The fleet's control plane: takes backup requests, dispatches commands, follows jobs to their end. */
@SpringBootApplication
@Import(RestApiConfiguration.class)
@ConfigurationPropertiesScan
@EnableScheduling
public class OrchestratorApplication {
    public static void main(String[] args) {
        SpringApplication.run(OrchestratorApplication.class, args);
    }
}
