package org.ssisbackup.catalog;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The catalog: restore points and their artifacts, recorded from agent events. */
@SpringBootApplication
@org.springframework.boot.context.properties.ConfigurationPropertiesScan
@org.springframework.scheduling.annotation.EnableScheduling
public class CatalogApplication {
    /** Its configuration file is catalog-service.yml, so the four services can share one class path in system tests. */
    public static final String CONFIG_NAME = "spring.config.name=catalog-service";

    public static void main(String[] args) {
        new SpringApplicationBuilder(CatalogApplication.class).properties(CONFIG_NAME).run(args);
    }

    /** The agents' bucket: manifests for a rebuild, blobs to check. */
    @org.springframework.context.annotation.Bean
    org.ssisbackup.contracts.store.BlobStore blobStore(CatalogProperties properties) {
        CatalogProperties.S3 s3 = properties.s3();
        return org.ssisbackup.contracts.store.BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
    }
}
