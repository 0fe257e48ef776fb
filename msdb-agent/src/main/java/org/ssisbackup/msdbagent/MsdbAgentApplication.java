package org.ssisbackup.msdbagent;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The msdb agent: one per SQL Server instance, talking to msdb through mssql-jdbc. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class MsdbAgentApplication {
    /** Its configuration file is msdb-agent.yml, so the four services can share one class path in system tests. */
    public static final String CONFIG_NAME = "spring.config.name=msdb-agent";

    public static void main(String[] args) {
        new SpringApplicationBuilder(MsdbAgentApplication.class).properties(CONFIG_NAME).run(args);
    }
}
