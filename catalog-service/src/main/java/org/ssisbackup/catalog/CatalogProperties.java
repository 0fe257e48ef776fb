package org.ssisbackup.catalog;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** @param s3 the bucket the agents write to: the catalog reads manifests from it (rebuild) and checks blobs */
@ConfigurationProperties("ssisbackup.catalog")
public record CatalogProperties(S3 s3) {
    public CatalogProperties {
        s3 = s3 == null ? new S3(null, null, null, null) : s3;
    }

    public record S3(String endpoint, String accessKey, String secretKey, String bucket) {
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + "]";
        }
    }
}
