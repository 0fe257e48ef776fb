package org.ssisbackup.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.testkit.infra.EmbeddedPostgresServer;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.SampleHost;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.msdb.DtsxSeed;
import org.ssisbackup.testkit.msdb.MsdbModel;
import org.ssisbackup.testkit.msdb.MsdbStandIn;
import org.ssisbackup.testkit.process.ServiceProcess;

/**
 * The whole product on real parts: a KRaft broker, s3proxy, PostgreSQL, the msdb stand-in and a sample SSIS host in this
 * JVM, and the four services each in a process of its own, started from the jars the build made, as operators start
 * them (settings as command-line arguments) for host {@value #HOST}. Each service listens on a free port.
 */
final class SystemStack implements AutoCloseable {
    static final String HOST = "sql01";
    static final String MSDB_PASSWORD = "Stand-in-only-pw1";
    static final String API_KEY = "system-test-operator-key";
    static final String VIEWER_KEY = "system-test-viewer-key";
    static final String CATALOG_ADMIN_KEY = "system-test-catalog-admin-key";

    /** The broker in this JVM; null when it runs as a process ({@link #kafkaProcess}). */
    final EmbeddedKafkaKraftBroker kafka;
    /** The broker as a process of its own, which a test can pause; null when it runs in this JVM. */
    final org.ssisbackup.testkit.process.KafkaBrokerProcess kafkaProcess;

    final EmbeddedS3 s3;
    /** The services' way to the bucket when a test can cut it; null when they reach s3proxy directly. */
    final org.ssisbackup.testkit.infra.FaultyLink s3Link;
    /** The test CA and every party's certificate when the stack is {@link Infrastructure#SECURED}; else null. */
    final org.ssisbackup.testkit.infra.TestCertificates certificates;

    /** What the services run on. */
    enum Infrastructure {
        /** The broker in this JVM, the services straight to s3proxy: the quickest. */
        EMBEDDED,
        /** The broker as a process that can be paused, the bucket behind a link that can be cut. */
        FAULTS,
        /**
         * As docker-compose runs it: the broker takes mutual TLS only and checks ACLs (each service and agent its own
         * certificate and rights), the bucket and every service's API answer over TLS only, trusting one private CA.
         */
        SECURED
    }

    /** The principals (certificate CNs) of the four services. */
    static final String ORCHESTRATOR_PRINCIPAL = "backup-orchestrator";

    static final String CATALOG_PRINCIPAL = "catalog-service";
    static final String FS_AGENT_PRINCIPAL = "fs-agent." + HOST;
    static final String MSDB_AGENT_PRINCIPAL = "msdb-agent." + HOST;

    final EmbeddedPostgresServer postgres;
    final MsdbStandIn msdb;
    final Path hostRoot;
    final Path keyFiles;
    private final List<String> jvmOptions;
    private final boolean quickSelfTest;
    final Path logs;
    final ServiceProcess orchestratorProcess;
    final ServiceProcess catalogProcess;
    final ServiceProcess fsAgentProcess;
    final ServiceProcess msdbAgentProcess;
    final String orchestrator;
    final String catalog;
    final String fsAgent;
    final String msdbAgent;

    /** @param extra settings for every service (each takes only its own) */
    SystemStack(Map<String, String> extra) throws Exception {
        this(extra, null, null, null);
    }

    /**
     * @param host       the SSIS host's file system (its MsDtsSrvr.ini.xml where the sample's is); null: the sample host
     * @param s3Dir      where s3proxy keeps the bucket; null: in memory
     * @param jvmOptions the services' JVM options ({@code {service}} stands for the service's name); null: the tests'
     *                   small ones (see {@link ServiceProcess})
     */
    SystemStack(Map<String, String> extra, Path host, Path s3Dir, List<String> jvmOptions) throws Exception {
        this(extra, host, s3Dir, jvmOptions, Infrastructure.EMBEDDED);
    }

    /** @param infrastructure what the services run on */
    SystemStack(
            Map<String, String> extra, Path host, Path s3Dir, List<String> jvmOptions, Infrastructure infrastructure)
            throws Exception {
        boolean faults = infrastructure == Infrastructure.FAULTS;
        boolean secured = infrastructure == Infrastructure.SECURED;
        certificates = secured
                ? org.ssisbackup.testkit.infra.TestCertificates.create(
                        Files.createTempDirectory("certificates"),
                        List.of(
                                "kafka",
                                "s3",
                                ORCHESTRATOR_PRINCIPAL,
                                CATALOG_PRINCIPAL,
                                FS_AGENT_PRINCIPAL,
                                MSDB_AGENT_PRINCIPAL,
                                "intruder"))
                : null;
        if (faults || secured) {
            kafka = null;
            kafkaProcess = org.ssisbackup.testkit.process.KafkaBrokerProcess.start(
                    Files.createTempDirectory("kafka"), certificates);
            if (secured) {
                KafkaAcls.grant(kafkaProcess.internalBrokers(), HOST);
            }
        } else {
            kafka = new EmbeddedKafkaKraftBroker(1, 1, Topics.COMMANDS, Topics.EVENTS, Topics.CATALOG_EVENTS);
            kafka.afterPropertiesSet();
            kafkaProcess = null;
        }
        s3 = secured
                ? EmbeddedS3.startInMemoryOverTls(
                        "system-access",
                        "system-secret-key",
                        certificates.keyStore("s3"),
                        org.ssisbackup.testkit.infra.TestCertificates.PASSWORD)
                : s3Dir == null
                        ? EmbeddedS3.startInMemory("system-access", "system-secret-key")
                        : EmbeddedS3.startOnDisk(s3Dir, 0, "system-access", "system-secret-key");
        s3Link = faults ? new org.ssisbackup.testkit.infra.FaultyLink(s3.port()) : null;
        this.jvmOptions = secured ? trusting(jvmOptions) : jvmOptions;
        this.quickSelfTest = jvmOptions == null;
        postgres = EmbeddedPostgresServer.start();
        MsdbModel model = new MsdbModel();
        DtsxSeed.load(SampleHost.copyMsdbSeedTo(Files.createTempDirectory("seed")), model);
        msdb = new MsdbStandIn(model)
                .addAccount("ssis_backup", MSDB_PASSWORD, "db_ssisadmin", "SQLAgentOperatorRole")
                .start(0);
        hostRoot = host != null ? host : SampleHost.copyHostTo(Files.createTempDirectory("host"));
        logs = Files.createDirectories(Path.of(System.getProperty("ssisbackup.logs", "target/service-logs"))
                .resolve(Long.toString(System.currentTimeMillis())));

        Map<String, String> common = new HashMap<>();
        common.put("spring.cloud.stream.kafka.binder.brokers", kafka != null ? brokers() : kafkaProcess.brokers());
        common.putAll(extra);
        Map<String, String> s3Props = Map.of(
                "endpoint",
                s3Link == null ? s3.endpoint() : "http://127.0.0.1:" + s3Link.port(),
                "access-key",
                s3.accessKey(),
                "secret-key",
                s3.secretKey(),
                "bucket",
                "ssis-backups");

        // Repository keys as operators keep them: secrets in files (never on a command line), public keys inline.
        keyFiles = Files.createTempDirectory("keys");
        Path kek = Files.writeString(keyFiles.resolve("repository.key"), TestKeys.KEK + "\n");
        Path escrow = Files.writeString(keyFiles.resolve("catalog-escrow.key"), TestKeys.CATALOG_PRIVATE + "\n");
        Path signing = Files.writeString(
                keyFiles.resolve("orchestrator-signing.key"), TestKeys.ORCHESTRATOR_SIGNING_PRIVATE + "\n");

        Map<String, String> cat = new HashMap<>(common);
        cat.put("ssisbackup.catalog.repository.escrow-key-file", escrow.toString());
        cat.put("ssisbackup.catalog.trust.orchestrator-public-key", TestKeys.ORCHESTRATOR_SIGNING_PUBLIC);
        cat.put("spring.datasource.url", postgres.createDatabase("catalog"));
        cat.put("spring.datasource.username", postgres.user());
        s3Props.forEach((k, v) -> cat.put("ssisbackup.catalog.s3." + k, v));
        keys(cat, new String[][] {{"admin", CATALOG_ADMIN_KEY, "admin"}, {"reader", VIEWER_KEY, "viewer"}});

        Map<String, String> orch = new HashMap<>(common);
        orch.put("spring.datasource.url", postgres.createDatabase("orchestrator"));
        orch.put("spring.datasource.username", postgres.user());
        orch.put("ssisbackup.orchestrator.catalog-api-key", VIEWER_KEY);
        orch.put("ssisbackup.orchestrator.signing-key-file", signing.toString());
        keys(orch, new String[][] {{"system-test", API_KEY, "operator"}, {"system-test-viewer", VIEWER_KEY, "viewer"}});

        Map<String, String> fs = new HashMap<>(common);
        fs.put("ssisbackup.agent.host-id", HOST);
        fs.put("ssisbackup.agent.state-dir", org.ssisbackup.testkit.infra.TestDirs.temp("agent-state"));
        fs.put(
                "ssisbackup.fs.service-config",
                hostRoot.resolve(SampleHost.SERVICE_CONFIG).toString());
        fs.put("ssisbackup.fs.drive-roots.C", hostRoot.toString());
        s3Props.forEach((k, v) -> fs.put("ssisbackup.agent.s3." + k, v));
        repositoryKeys(fs, kek);
        selfTest(fs);

        Map<String, String> md = new HashMap<>(common);
        md.put("ssisbackup.agent.host-id", HOST);
        md.put("ssisbackup.agent.state-dir", fs.get("ssisbackup.agent.state-dir"));
        md.put("ssisbackup.msdb.jdbc-url", msdb.jdbcUrl());
        md.put("ssisbackup.msdb.username", "ssis_backup");
        md.put("ssisbackup.msdb.password", MSDB_PASSWORD);
        s3Props.forEach((k, v) -> md.put("ssisbackup.agent.s3." + k, v));
        repositoryKeys(md, kek);
        selfTest(md);

        if (secured) {
            secure("catalog-service", CATALOG_PRINCIPAL);
            secure("backup-orchestrator", ORCHESTRATOR_PRINCIPAL);
            secure("fs-agent", FS_AGENT_PRINCIPAL);
            secure("msdb-agent", MSDB_AGENT_PRINCIPAL);
        }
        // The catalog first (the orchestrator asks it about restore points), then the other three side by side.
        catalogProcess = start("catalog-service", cat).call();
        catalog = catalogProcess.url();
        orch.put("ssisbackup.orchestrator.catalog-url", catalog);
        ExecutorService starting = Executors.newFixedThreadPool(3);
        try {
            Future<ServiceProcess> o = starting.submit(start("backup-orchestrator", orch));
            Future<ServiceProcess> f = starting.submit(start("fs-agent", fs));
            Future<ServiceProcess> m = starting.submit(start("msdb-agent", md));
            orchestratorProcess = o.get();
            fsAgentProcess = f.get();
            msdbAgentProcess = m.get();
        } finally {
            starting.shutdown();
        }
        orchestrator = orchestratorProcess.url();
        fsAgent = fsAgentProcess.url();
        msdbAgent = msdbAgentProcess.url();
    }

    private Callable<ServiceProcess> start(String module, Map<String, String> settings) {
        return () -> jvmOptions == null
                ? ServiceProcess.start(module, module, settings, logs)
                : ServiceProcess.start(
                        module,
                        module,
                        settings,
                        logs,
                        jvmOptions.stream()
                                .map(o -> o.replace("{service}", module))
                                .toList(),
                        certificates == null ? null : certificates.context(null),
                        environments.getOrDefault(module, Map.of()));
    }

    /** The JVM options with the test CA as the trust store: the bucket and the catalog's API are HTTPS. */
    private List<String> trusting(List<String> options) {
        List<String> all = new ArrayList<>(options == null ? ServiceProcess.TEST_JVM_OPTIONS : options);
        all.add("-Djavax.net.ssl.trustStore=" + certificates.trustStore());
        all.add("-Djavax.net.ssl.trustStorePassword=" + org.ssisbackup.testkit.infra.TestCertificates.PASSWORD);
        all.add("-Djavax.net.ssl.trustStoreType=PKCS12");
        return all;
    }

    /**
     * A service's settings as docker-compose gives them: Kafka over mutual TLS with its own certificate (its principal
     * in the broker's ACLs), its API over TLS with the same certificate.
     */
    private void secure(String module, String principal) {
        String password = org.ssisbackup.testkit.infra.TestCertificates.PASSWORD;
        String keyStore = certificates.keyStore(principal).toString();
        // Environment variables, exactly as docker-compose.yml gives them (and as docs/security.md lists them).
        String kafkaClient = "SPRING_CLOUD_STREAM_KAFKA_BINDER_CONFIGURATION_";
        Map<String, String> env = new HashMap<>();
        env.put(kafkaClient + "SECURITY_PROTOCOL", "SSL");
        env.put(kafkaClient + "SSL_KEYSTORE_TYPE", "PKCS12");
        env.put(kafkaClient + "SSL_KEYSTORE_LOCATION", keyStore);
        env.put(kafkaClient + "SSL_KEYSTORE_PASSWORD", password);
        env.put(kafkaClient + "SSL_KEY_PASSWORD", password);
        env.put(kafkaClient + "SSL_TRUSTSTORE_TYPE", "PKCS12");
        env.put(
                kafkaClient + "SSL_TRUSTSTORE_LOCATION",
                certificates.trustStore().toString());
        env.put(kafkaClient + "SSL_TRUSTSTORE_PASSWORD", password);
        env.put("SERVER_SSL_ENABLED", "true");
        env.put("SERVER_SSL_KEY_STORE", keyStore);
        env.put("SERVER_SSL_KEY_STORE_TYPE", "PKCS12");
        env.put("SERVER_SSL_KEY_STORE_PASSWORD", password);
        environments.put(module, env);
    }

    /** Per module, the environment variables of its process. */
    private final Map<String, Map<String, String>> environments = new HashMap<>();

    /** Tests run the agents' self-test once (C1 only: warming the JIT up buys them nothing); a benchmark in full. */
    private void selfTest(Map<String, String> agent) {
        if (quickSelfTest) {
            agent.put("ssisbackup.agent.repository.self-test-rounds", "1");
        }
    }

    private static void repositoryKeys(Map<String, String> agent, Path kek) {
        agent.put("ssisbackup.agent.repository.key-file", kek.toString());
        agent.put("ssisbackup.agent.repository.catalog-public-key", TestKeys.CATALOG_PUBLIC);
        agent.put("ssisbackup.agent.repository.recovery-public-key", TestKeys.RECOVERY_PUBLIC);
        agent.put("ssisbackup.agent.orchestrator-public-key", TestKeys.ORCHESTRATOR_SIGNING_PUBLIC);
    }

    private static void keys(Map<String, String> settings, String[][] keys) {
        for (int i = 0; i < keys.length; i++) {
            settings.put("ssisbackup.security.api-keys[" + i + "].name", keys[i][0]);
            settings.put("ssisbackup.security.api-keys[" + i + "].key", keys[i][1]);
            settings.put("ssisbackup.security.api-keys[" + i + "].role", keys[i][2]);
        }
    }

    /** Where the test's own Kafka clients connect. */
    String brokers() {
        // A secured broker's plaintext listener: the test's probes act as a super user there.
        return kafka != null ? kafka.getBrokersAsString() : kafkaProcess.internalBrokers();
    }

    /** The four services' base URLs, orchestrator first. */
    List<String> services() {
        return List.of(orchestrator, catalog, fsAgent, msdbAgent);
    }

    List<ServiceProcess> processes() {
        return List.of(orchestratorProcess, catalogProcess, fsAgentProcess, msdbAgentProcess);
    }

    @Override
    public void close() throws Exception {
        List<ServiceProcess> all =
                new ArrayList<>(List.of(fsAgentProcess, msdbAgentProcess, orchestratorProcess, catalogProcess));
        for (ServiceProcess p : all) {
            if (p != null) {
                p.stop();
            }
        }
        if (msdb != null) msdb.close();
        if (postgres != null) postgres.close();
        if (s3Link != null) s3Link.close();
        if (s3 != null) s3.close();
        if (kafka != null) kafka.destroy();
        if (kafkaProcess != null) kafkaProcess.close();
    }
}
