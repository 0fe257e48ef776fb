package org.ssisbackup.catalog;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The catalog: restore points and their artifacts, recorded from agent events. */
@SpringBootApplication
@org.springframework.scheduling.annotation.EnableScheduling
public class CatalogApplication {
    /** Its configuration file is catalog-service.yml, so the four services can share one class path in system tests. */
    public static final String CONFIG_NAME = "spring.config.name=catalog-service";

    public static void main(String[] args) {
        new SpringApplicationBuilder(CatalogApplication.class).properties(CONFIG_NAME).run(args);
    }
}
