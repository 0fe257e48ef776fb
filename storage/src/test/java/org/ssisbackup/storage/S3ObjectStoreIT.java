package org.ssisbackup.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.ssisbackup.testkit.infra.EmbeddedS3;

/** The object store contract against a real S3 server (s3proxy) through the MinIO SDK. */
class S3ObjectStoreIT extends ObjectStoreContract {
    static EmbeddedS3 s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.startInMemory("contract-access", "contract-secret-key");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    @Override
    ObjectStore newStore() {
        return S3ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "contract");
    }
}
