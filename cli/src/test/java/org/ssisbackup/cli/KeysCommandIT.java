package org.ssisbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.storage.ObjectStore;
import org.ssisbackup.storage.S3ObjectStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.Repository;
import org.ssisbackup.storage.repository.ScopeKeyring;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import picocli.CommandLine;

/**
 * The key commands against a real S3 server (s3proxy), as an operator runs them: make keys, create a scope, add a
 * second key, rotate, refuse to retire a data key that objects need, recover with the recovery key, and the exit codes
 * of a wrong key, a missing option and an unreachable bucket.
 */
class KeysCommandIT {
    static EmbeddedS3 s3;

    @TempDir
    static Path dir;

    static Path credentials;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.startInMemory("cli-access", "cli-secret");
        credentials = Files.writeString(
                dir.resolve("s3.env"), "S3_ACCESS_KEY=" + s3.accessKey() + "\nS3_SECRET_KEY=" + s3.secretKey() + "\n");
        S3ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "keys-bucket")
                .ensureBucket();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SsisBackupCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String[] bucket(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--s3-endpoint",
                s3.endpoint(),
                "--s3-bucket",
                "keys-bucket",
                "--s3-credentials-file",
                credentials.toString()));
        return all.toArray(String[]::new);
    }

    ObjectStore store() {
        return S3ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "keys-bucket");
    }

    @Test
    void anOperatorsKeyLifeCycle() throws Exception {
        Path kek = dir.resolve("sql01.key");
        Path second = dir.resolve("second.key");
        Path recovery = dir.resolve("recovery.key");
        assertThat(run("keys", "new-secret", "--out", kek.toString()).exit()).isZero();
        assertThat(run("keys", "new-secret", "--out", second.toString()).exit()).isZero();
        assertThat(run("keys", "new-secret", "--out", kek.toString()).err())
                .as("never overwritten")
                .contains("exists already");
        if (kek.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(kek)))
                    .isEqualTo("rw-------");
        }
        Run escrow = run("keys", "new-escrow", "--private-out", recovery.toString());
        String recoveryPublic = escrow.out().trim();
        assertThat(run("keys", "public-key", "--escrow-key-file", recovery.toString())
                        .out()
                        .trim())
                .isEqualTo(recoveryPublic);
        // The orchestrator's command signing pair: the public half printed, and printed again from the file.
        Path signing = recovery.resolveSibling("orchestrator-signing.key");
        String signingPublic = run("keys", "new-signing", "--private-out", signing.toString())
                .out()
                .trim();
        assertThat(run("keys", "public-key", "--signing-key-file", signing.toString())
                        .out()
                        .trim())
                .isEqualTo(signingPublic)
                .startsWith("MCowBQYDK2Vw");

        Run init = run(bucket(
                "keys", "init", "--scope", "sql01", "--key-file", kek.toString(), "--recipient", recoveryPublic));
        assertThat(init.exit()).as(init.err()).isZero();
        UUID firstKey = UUID.fromString(find(init.out(), "data key ([0-9a-f-]{36})"));

        // An agent writes with the first data key.
        try (Repository repo = Repository.open(
                store(), "sql01", KeyMaterial.secret(KeyMaterial.read(kek)), List.of(), Duration.ZERO)) {
            Repository.Session s = repo.session();
            s.store("<DTS:Executable/>".repeat(1000).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            s.finish();
        }

        assertThat(run(bucket(
                                "keys",
                                "add",
                                "--scope",
                                "sql01",
                                "--key-file",
                                kek.toString(),
                                "--new-key-file",
                                second.toString()))
                        .exit())
                .isZero();
        Run rotated = run(bucket("keys", "rotate", "--scope", "sql01", "--key-file", second.toString()));
        assertThat(rotated.exit()).isZero();
        UUID secondKey = UUID.fromString(find(rotated.out(), "data key ([0-9a-f-]{36})"));
        assertThat(secondKey).isNotEqualTo(firstKey);

        Run listed = run(bucket("keys", "list", "--scope", "sql01", "--key-file", kek.toString()));
        assertThat(listed.out())
                .contains("data key " + firstKey + ", made")
                .contains("reads 2 objects") // its pack and the job's index
                .contains("data key " + secondKey + " (active)")
                .contains("copy escrow-");
        Run refused = run(bucket(
                "keys", "retire", "--scope", "sql01", "--key-id", firstKey.toString(), "--key-file", kek.toString()));
        assertThat(refused.exit()).isEqualTo(SsisBackupCli.FAILED);
        assertThat(refused.err()).contains("still reads 2 objects");

        // Recovery: the agent's key files are lost; the offline recovery key opens the scope and adds a new one.
        Path fresh = dir.resolve("fresh.key");
        run("keys", "new-secret", "--out", fresh.toString());
        Run recovered = run(bucket(
                "keys",
                "add",
                "--scope",
                "sql01",
                "--escrow-key-file",
                recovery.toString(),
                "--new-key-file",
                fresh.toString()));
        assertThat(recovered.exit()).as(recovered.err()).isZero();
        assertThat(ScopeKeyring.open(store(), "sql01", KeyMaterial.secret(KeyMaterial.read(fresh)))
                        .activeKeyId())
                .isEqualTo(secondKey);

        // A key that opens nothing is refused (4); a missing option is a usage error (3); no bucket, unreachable (5).
        Path stranger = dir.resolve("stranger.key");
        run("keys", "new-secret", "--out", stranger.toString());
        assertThat(run(bucket("keys", "rotate", "--scope", "sql01", "--key-file", stranger.toString()))
                        .exit())
                .isEqualTo(SsisBackupCli.REFUSED);
        assertThat(run(bucket("keys", "rotate", "--key-file", kek.toString())).exit())
                .isEqualTo(SsisBackupCli.USAGE);
        assertThat(run(
                                "keys",
                                "list",
                                "--s3-endpoint",
                                "http://127.0.0.1:1",
                                "--s3-credentials-file",
                                credentials.toString())
                        .exit())
                .isEqualTo(SsisBackupCli.UNREACHABLE);
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }
}
