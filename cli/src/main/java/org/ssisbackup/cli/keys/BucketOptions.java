package org.ssisbackup.cli.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.S3ObjectStore;
import picocli.CommandLine.Option;

/** The bucket the repository is in; by default from the environment the services read (S3_*). */
public final class BucketOptions {
    @Option(
            names = "--s3-endpoint",
            defaultValue = "${env:S3_ENDPOINT:-http://127.0.0.1:9000}",
            description = "S3 endpoint (S3_ENDPOINT; default: ${DEFAULT-VALUE})")
    String endpoint;

    @Option(
            names = "--s3-bucket",
            defaultValue = "${env:S3_BUCKET:-ssis-backups}",
            description = "bucket (S3_BUCKET; default: ${DEFAULT-VALUE})")
    String bucket;

    @Option(
            names = "--s3-credentials-file",
            description =
                    "a file of S3_ACCESS_KEY=... and S3_SECRET_KEY=... lines (else the environment's S3_ACCESS_KEY"
                            + " and S3_SECRET_KEY; never on the command line, which every user of the host can read)")
    Path credentials;

    ObjectStore open() {
        Map<String, String> keys = new HashMap<>();
        if (credentials != null) {
            try {
                for (String line : Files.readAllLines(credentials, StandardCharsets.UTF_8)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && !line.startsWith("#")) {
                        keys.put(
                                line.substring(0, eq).trim(),
                                line.substring(eq + 1).trim());
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + credentials + ": " + e.getMessage(), e);
            }
        }
        return S3ObjectStore.connect(
                endpoint,
                keys.getOrDefault("S3_ACCESS_KEY", System.getenv("S3_ACCESS_KEY")),
                keys.getOrDefault("S3_SECRET_KEY", System.getenv("S3_SECRET_KEY")),
                bucket);
    }
}
