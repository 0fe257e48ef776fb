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

    /** Time, replaceable in tests (grace periods, retention calendars). */
    @org.springframework.context.annotation.Bean
    java.time.Clock clock() {
        return java.time.Clock.systemUTC();
    }

    /** The agents' bucket: manifests for a rebuild, blobs to check. */
    @org.springframework.context.annotation.Bean
    org.ssisbackup.contracts.store.BlobStore blobStore(CatalogProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        CatalogProperties.S3 s3 = properties.s3();
        if (s3.accessKey() == null || s3.accessKey().isBlank()) {
            // No keys: anonymous requests. Recording and queries need no bucket; rebuild, verification and blob deletion
            // then end with the bucket's refusal, said in their reports.
            return new org.ssisbackup.contracts.store.BlobStore(io.minio.MinioClient.builder().endpoint(s3.endpoint()).build(), s3.bucket())
                    .countingRequests(registry);
        }
        return org.ssisbackup.contracts.store.BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket())
                .countingRequests(registry);
    }
}
