package org.ssisbackup.testkit.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.ssisbackup.testkit.msdb.DtsxSeed;
import org.ssisbackup.testkit.msdb.MsdbModel;
import org.ssisbackup.testkit.msdb.MsdbStandIn;
import org.ssisbackup.testkit.msdb.SsisdbCatalog;

/**
 * The local stack's infrastructure in one process: s3proxy (objects on disk), embedded PostgreSQL (data on
 * disk, a database per service) and the msdb STAND-IN seeded from the sample .dtsx folder. The Kafka broker
 * runs as its own process. Settings come from system properties; secrets from environment variables.
 * Writes {@code ready.properties} into the state folder once everything listens.
 */
public final class LocalInfrastructure {
    private static final Logger log = LoggerFactory.getLogger(LocalInfrastructure.class);

    public static void main(String[] args) throws Exception {
        Path state = Path.of(System.getProperty("stack.state", ".local-stack"));
        int s3Port = Integer.getInteger("stack.s3.port", 9000);
        int pgPort = Integer.getInteger("stack.postgres.port", 15432);
        int msdbPort = Integer.getInteger("stack.msdb.port", 14330);
        String s3Access = requiredEnv("S3_ACCESS_KEY");
        String s3Secret = requiredEnv("S3_SECRET_KEY");
        String msdbUser = System.getProperty("stack.msdb.user", "ssis_backup");
        String msdbPassword = requiredEnv("MSDB_PASSWORD");
        Path seed = Path.of(
                System.getProperty("stack.msdb.seed", state.resolve("msdb-seed").toString()));

        List<AutoCloseable> running = new ArrayList<>();
        EmbeddedS3 s3 = EmbeddedS3.startOnDisk(state.resolve("s3"), s3Port, s3Access, s3Secret);
        running.add(s3);
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(state.resolve("postgres"), pgPort);
        running.add(pg);
        for (String db : List.of("orchestrator", "catalog")) {
            pg.createDatabase(db);
        }
        MsdbModel model = new MsdbModel();
        int packages = Files.isDirectory(seed) ? DtsxSeed.load(seed, model) : 0;
        // The local SQL Server can also take a native msdb backup (into the stack's state) and has an SSISDB catalog
        // with one sample project, so every backup scope can be tried locally.
        Path backups = Files.createDirectories(state.resolve("msdb-backups").toAbsolutePath());
        model.nativeBackups().defaultDirectory(backups);
        SsisdbCatalog ssisdb = model.enableSsisdb();
        ssisdb.createFolder("Samples", "sample projects of the local stack");
        long project = ssisdb.deployProject("Samples", "Warehouse", sampleIspac());
        ssisdb.setObjectParameterValue(project, 20, "Warehouse", "BatchSize", "Int32", false, "5000", null);
        MsdbStandIn msdb = new MsdbStandIn(model)
                .addAccount(
                        msdbUser,
                        msdbPassword,
                        "db_ssisadmin",
                        "db_backupoperator",
                        "ssis_admin",
                        "SQLAgentOperatorRole")
                .start(msdbPort);
        running.add(msdb);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception e) {
                    log.warn("stopping {} failed: {}", running.get(i).getClass().getSimpleName(), e.toString());
                }
            }
        }));

        Properties ready = new Properties();
        ready.setProperty("s3.endpoint", s3.endpoint());
        ready.setProperty("postgres.port", String.valueOf(pg.port()));
        ready.setProperty("msdb.jdbc-url", msdb.jdbcUrl());
        ready.setProperty("msdb.packages", String.valueOf(packages));
        writeAtomically(state.resolve("ready.properties"), ready);
        log.info(
                "infrastructure ready: s3 {} postgres 127.0.0.1:{} msdb stand-in {} ({} packages)",
                s3.endpoint(),
                pg.port(),
                msdb.jdbcUrl(),
                packages);
        Thread.currentThread().join();
    }

    /** A small .ispac (a zip with a project manifest and one package). */
    private static byte[] sampleIspac() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("@Project.manifest"));
            zip.write(
                    "<SSIS:Project xmlns:SSIS=\"www.microsoft.com/SqlServer/SSIS\"><SSIS:Name>Warehouse</SSIS:Name></SSIS:Project>"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.putNextEntry(new java.util.zip.ZipEntry("Load.dtsx"));
            zip.write(("<?xml version=\"1.0\"?><DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\""
                            + " DTS:ExecutableType=\"Microsoft.Package\" DTS:ObjectName=\"Load\" DTS:ProtectionLevel=\"0\"/>")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String requiredEnv(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + name + " must be set");
        }
        return v;
    }

    private static void writeAtomically(Path file, Properties props) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            props.store(out, "local stack infrastructure");
        }
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private LocalInfrastructure() {}
}
