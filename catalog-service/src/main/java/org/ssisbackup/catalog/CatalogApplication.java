package org.ssisbackup.catalog;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.ssisbackup.restapi.RestApiConfiguration;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.S3ObjectStore;

/** The catalog: restore points and their artifacts, recorded from agent events. */
@SpringBootApplication
@Import(RestApiConfiguration.class)
@org.springframework.boot.context.properties.ConfigurationPropertiesScan
@org.springframework.scheduling.annotation.EnableScheduling
public class CatalogApplication {
    public static void main(String[] args) {
        SpringApplication.run(CatalogApplication.class, args);
    }

    /** Time, replaceable in tests (grace periods, retention calendars). */
    @org.springframework.context.annotation.Bean
    java.time.Clock clock() {
        return java.time.Clock.systemUTC();
    }

    /**
     * The agents' bucket: manifests for a rebuild, blobs to check. Without keys, requests go anonymous: recording and
     * queries need no bucket; rebuild, verification and blob deletion then end with the bucket's refusal, said in their
     * reports.
     */
    @org.springframework.context.annotation.Bean
    BlobStore blobStore(CatalogProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        CatalogProperties.S3 s3 = properties.s3();
        return new BlobStore(S3ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket())
                .countingRequests(registry));
    }
}
