package org.ssisbackup.fsagent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The file-system agent: one per SSIS host. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FsAgentApplication {
    /** Its configuration file is fs-agent.yml, so the four services can share one class path in system tests. */
    public static final String CONFIG_NAME = "spring.config.name=fs-agent";

    public static void main(String[] args) {
        new SpringApplicationBuilder(FsAgentApplication.class).properties(CONFIG_NAME).run(args);
    }
}
