package org.ssisbackup.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.ssisbackup.catalog.CatalogApplication;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.fsagent.FsAgentApplication;
import org.ssisbackup.msdbagent.MsdbAgentApplication;
import org.ssisbackup.orchestrator.OrchestratorApplication;
import org.ssisbackup.testsupport.infra.EmbeddedPostgresServer;
import org.ssisbackup.testsupport.infra.EmbeddedS3;
import org.ssisbackup.testsupport.infra.SampleHost;
import org.ssisbackup.testsupport.msdb.DtsxSeed;
import org.ssisbackup.testsupport.msdb.MsdbModel;
import org.ssisbackup.testsupport.msdb.MsdbStandIn;

/**
 * The whole product on real parts, in one JVM: a KRaft broker, s3proxy, PostgreSQL, the msdb stand-in and a sample SSIS
 * host, with the four services started as their operators would start them (settings as command-line arguments) for
 * host {@value #HOST}. Each service listens on a free port.
 */
final class SystemStack implements AutoCloseable {
    static final String HOST = "sql01";
    static final String MSDB_PASSWORD = "Stand-in-only-pw1";
    static final String API_KEY = "system-test-operator-key";
    static final String VIEWER_KEY = "system-test-viewer-key";
    static final String CATALOG_ADMIN_KEY = "system-test-catalog-admin-key";

    final EmbeddedKafkaKraftBroker kafka;
    final EmbeddedS3 s3;
    final EmbeddedPostgresServer postgres;
    final MsdbStandIn msdb;
    final Path hostRoot;
    final String orchestrator;
    final String catalog;
    final String fsAgent;
    final String msdbAgent;
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();

    /** @param extra settings for every service (each takes only its own) */
    SystemStack(Map<String, Object> extra) throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1, Topics.COMMANDS, Topics.EVENTS, Topics.CATALOG_EVENTS);
        kafka.afterPropertiesSet();
        s3 = EmbeddedS3.startInMemory("system-access", "system-secret-key");
        postgres = EmbeddedPostgresServer.start();
        MsdbModel model = new MsdbModel();
        DtsxSeed.load(SampleHost.copyMsdbSeedTo(Files.createTempDirectory("seed")), model);
        msdb = new MsdbStandIn(model).addAccount("ssis_backup", MSDB_PASSWORD, "db_ssisadmin").start(0);
        hostRoot = SampleHost.copyHostTo(Files.createTempDirectory("host"));

        Map<String, Object> common = new HashMap<>();
        common.put("spring.cloud.stream.kafka.binder.brokers", kafka.getBrokersAsString());
        common.put("server.port", "0");
        common.putAll(extra);
        Map<String, Object> s3Props = Map.of("endpoint", s3.endpoint(), "access-key", s3.accessKey(),
                "secret-key", s3.secretKey(), "bucket", "ssis-backups");

        Map<String, Object> cat = new HashMap<>(common);
        cat.put("spring.datasource.url", postgres.createDatabase("catalog"));
        cat.put("spring.datasource.username", postgres.user());
        s3Props.forEach((k, v) -> cat.put("ssisbackup.catalog.s3." + k, v));
        cat.put("ssisbackup.catalog.admin-api-key", CATALOG_ADMIN_KEY);
        cat.put("ssisbackup.catalog.read-api-key", VIEWER_KEY); // as the local stack: the viewer key reads the catalog
        catalog = url(start(CatalogApplication.class, CatalogApplication.CONFIG_NAME, cat));

        Map<String, Object> orch = new HashMap<>(common);
        orch.put("spring.datasource.url", postgres.createDatabase("orchestrator"));
        orch.put("spring.datasource.username", postgres.user());
        orch.put("ssisbackup.orchestrator.catalog-url", catalog);
        orch.put("ssisbackup.orchestrator.catalog-api-key", VIEWER_KEY);
        orch.put("ssisbackup.orchestrator.security.api-keys[0].name", "system-test");
        orch.put("ssisbackup.orchestrator.security.api-keys[0].key", API_KEY);
        orch.put("ssisbackup.orchestrator.security.api-keys[0].role", "operator");
        orch.put("ssisbackup.orchestrator.security.api-keys[1].name", "system-test-viewer");
        orch.put("ssisbackup.orchestrator.security.api-keys[1].key", VIEWER_KEY);
        orch.put("ssisbackup.orchestrator.security.api-keys[1].role", "viewer");
        orchestrator = url(start(OrchestratorApplication.class, OrchestratorApplication.CONFIG_NAME, orch));

        Map<String, Object> fs = new HashMap<>(common);
        fs.put("ssisbackup.fs.host-id", HOST);
        fs.put("ssisbackup.fs.service-config", hostRoot.resolve(SampleHost.SERVICE_CONFIG).toString());
        fs.put("ssisbackup.fs.drive-roots.C", hostRoot.toString());
        s3Props.forEach((k, v) -> fs.put("ssisbackup.fs.s3." + k, v));
        fsAgent = url(start(FsAgentApplication.class, FsAgentApplication.CONFIG_NAME, fs));

        Map<String, Object> md = new HashMap<>(common);
        md.put("ssisbackup.msdb.host-id", HOST);
        md.put("ssisbackup.msdb.jdbc-url", msdb.jdbcUrl());
        md.put("ssisbackup.msdb.username", "ssis_backup");
        md.put("ssisbackup.msdb.password", MSDB_PASSWORD);
        s3Props.forEach((k, v) -> md.put("ssisbackup.msdb.s3." + k, v));
        msdbAgent = url(start(MsdbAgentApplication.class, MsdbAgentApplication.CONFIG_NAME, md));
    }

    private ConfigurableApplicationContext start(Class<?> app, String configName, Map<String, Object> props) {
        // As command-line arguments: they outrank the service's own yml, as an operator's flags would.
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(app).properties(configName).run(args);
        apps.add(ctx);
        return ctx;
    }

    private static String url(ConfigurableApplicationContext ctx) {
        return "http://127.0.0.1:" + ctx.getEnvironment().getProperty("local.server.port");
    }

    /** The four services' base URLs, orchestrator first. */
    List<String> services() {
        return List.of(orchestrator, catalog, fsAgent, msdbAgent);
    }

    @Override
    public void close() throws Exception {
        for (int i = apps.size() - 1; i >= 0; i--) {
            apps.get(i).close();
        }
        if (msdb != null) msdb.close();
        if (postgres != null) postgres.close();
        if (s3 != null) s3.close();
        if (kafka != null) kafka.destroy();
    }
}
