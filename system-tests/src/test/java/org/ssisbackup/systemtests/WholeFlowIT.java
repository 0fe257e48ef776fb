package org.ssisbackup.systemtests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Topics;
import org.ssisbackup.storage.BlobStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.RepositoryReader;
import org.ssisbackup.testkit.infra.EmbeddedS3;
import org.ssisbackup.testkit.infra.SampleHost;
import org.ssisbackup.testkit.infra.TestKeys;
import org.ssisbackup.testkit.kafka.TopicProbe;
import org.ssisbackup.testkit.msdb.MsdbStandIn;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole product on real parts ({@link SystemStack}): POST /api/v1/backups on the orchestrator, commands over a real KRaft
 * broker to both agents of host sql01, package files and msdb packages (through mssql-jdbc to the msdb
 * stand-in) into s3proxy through the MinIO SDK, a restore point in PostgreSQL listing every item.
 */
class WholeFlowIT {
    static final String HOST = SystemStack.HOST;
    static final String API_KEY = SystemStack.API_KEY;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static SystemStack stack;
    static EmbeddedKafkaKraftBroker kafka;
    static EmbeddedS3 s3;
    static MsdbStandIn msdb;
    static Path hostRoot;
    static String orchestrator;
    static String catalog;

    @BeforeAll
    static void startEverything() throws Exception {
        // Policy drills are started within a second of their point being recorded (default: every 30 s).
        stack = new SystemStack(Map.of("ssisbackup.orchestrator.drill-tick", "1s"));
        kafka = stack.kafka;
        s3 = stack.s3;
        msdb = stack.msdb;
        hostRoot = stack.hostRoot;
        orchestrator = stack.orchestrator;
        catalog = stack.catalog;
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aBackupRequestEndsInACompleteRestorePointWhoseBytesAreTheSources() throws Exception {
        try (TopicProbe probe = new TopicProbe(kafka.getBrokersAsString(), Topics.deadLetter(Topics.EVENTS))) {
            // A malformed event first: dead-lettered with its reason, and every consumer keeps consuming.
            probe.send(Topics.EVENTS, HOST, "{\"type\":\"AgentJobFinished\"}".getBytes(UTF_8), Map.of());

            HttpResponse<String> created = post(
                    orchestrator + "/api/v1/backups",
                    "{\"hosts\":[\"" + HOST + "\"],\"scope\":[\"FILESYSTEM\",\"MSDB\"]}");
            assertThat(created.statusCode()).isEqualTo(202);
            String jobId = JSON.readTree(created.body()).get("jobId").asString();

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> get(orchestrator + "/api/v1/backups/" + jobId).get("finishedAt") != null
                            && !get(orchestrator + "/api/v1/backups/" + jobId)
                                    .get("finishedAt")
                                    .isNull());
            JsonNode job = get(orchestrator + "/api/v1/backups/" + jobId);
            assertThat(job.get("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.get("agents")).hasSize(2);
            job.get("agents").forEach(a -> assertThat(a.get("state").asString()).isEqualTo("SUCCEEDED"));
            // The sample's encrypted msdb package and its unset type-5 variable are warnings an admin can see.
            assertThat(job.get("agents").toString()).contains("encrypted").contains("SSIS_FINANCE_CONFIG");

            // This job's point (other tests of this class back the host up too).
            String thisPoint = job.get("agents").get(0).get("restorePointId").asString();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> sendGet(catalog + "/api/v1/restore-points/" + thisPoint) == 200);
            JsonNode point = get(catalog + "/api/v1/restore-points/" + thisPoint);
            assertThat(point.get("status").asString())
                    .as(point.get("reasons").toString())
                    .isEqualTo("COMPLETE");
            assertThat(point.get("jobId").asString()).isEqualTo(jobId);

            // The bytes, read the way a restore reads them: the agents' encrypted manifests, opened with the catalog's
            // escrow key, every chunk authenticated and the whole checked against the item's SHA-256.
            BlobStore store = BlobStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "ssis-backups");
            RepositoryReader reader =
                    new RepositoryReader(store.objects(), KeyMaterial.holder(TestKeys.CATALOG_PRIVATE));
            UUID pointId = UUID.fromString(point.get("id").asString());
            Map<String, Artifact> stored = new HashMap<>();
            for (AgentKind agent : AgentKind.values()) {
                Manifest m = reader.manifest(HOST, pointId, agent);
                assertThat(m.scope()).isEqualTo(HOST);
                m.artifacts().forEach(a -> stored.put(a.logicalPath(), a));
            }
            Map<String, JsonNode> byPath = new HashMap<>();
            for (JsonNode a : point.get("artifacts")) {
                byPath.put(a.get("logicalPath").asString(), a);
                Artifact item = stored.get(a.get("logicalPath").asString());
                assertThat(item).as("a manifest lists %s", a).isNotNull();
                assertThat(item.sha256()).isEqualTo(a.get("sha256").asString());
                assertThat(reader.bytes(HOST, item)).hasSize((int) a.get("size").asLong());
            }
            // Every file of the folders the ini lists, byte for byte.
            List<Path> files = new ArrayList<>();
            for (String folder : List.of("Program Files/Microsoft SQL Server/160/DTS/Packages", "ETL/Packages")) {
                try (Stream<Path> walk = Files.walk(hostRoot.resolve(folder))) {
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
            }
            files.add(hostRoot.resolve(SampleHost.SERVICE_CONFIG));
            // Outside every package folder, used by file-system and msdb packages alike (C:\ETL\Config\...).
            files.add(hostRoot.resolve("ETL/Config/Warehouse.dtsConfig"));
            List<byte[]> sources = new ArrayList<>();
            for (Path f : files) {
                // Recorded with the host's own path (C:\...), not where the agent found drive C.
                JsonNode a = byPath.get(hostPath(f));
                assertThat(a).as("restore point lists %s", hostPath(f)).isNotNull();
                assertThat(reader.bytes(HOST, stored.get(hostPath(f)))).isEqualTo(Files.readAllBytes(f));
                sources.add(Files.readAllBytes(f));
            }
            // Every msdb package, byte for byte.
            for (Map<String, Object> row : msdb.model().select("sysssispackages", r -> true)) {
                JsonNode a = point.get("artifacts")
                        .valueStream()
                        .filter(x -> x.get("kind").asString().equals("MSDB_PACKAGE")
                                && x.get("metadata")
                                        .get("id")
                                        .asString()
                                        .equals(row.get("id").toString()))
                        .findFirst()
                        .orElseThrow();
                byte[] packageData = (byte[]) row.get("packagedata");
                assertThat(reader.bytes(HOST, stored.get(a.get("logicalPath").asString())))
                        .isEqualTo(packageData);
                sources.add(packageData);
            }
            // Nothing readable at rest: read with a plain S3 client, no object holds a byte string of any package,
            // configuration file or MsDtsSrvr.ini.xml, and no object's name holds the plain SHA-256 of any of them.
            BucketContents.assertNothingReadable(
                    store.objects(),
                    sources,
                    byPath.values().stream()
                            .map(a -> a.get("sha256").asString())
                            .toList());
            assertThat(point.get("artifactCount").asLong())
                    .isEqualTo(point.get("artifacts").size());

            // Restore over REST: a deleted package comes back byte for byte; a point the catalog lacks is refused.
            Path monthEnd =
                    hostRoot.resolve("Program Files/Microsoft SQL Server/160/DTS/Packages/Finance/MonthEnd.dtsx");
            byte[] monthEndBytes = Files.readAllBytes(monthEnd);
            Files.delete(monthEnd);
            HttpResponse<String> restore = post(
                    orchestrator + "/api/v1/restores",
                    "{\"restorePointId\":\""
                            + point.get("id").asString()
                            + "\",\"include\":[\"**/MonthEnd.dtsx\"],\"overwrite\":\"never\","
                            + "\"scope\":[\"FILESYSTEM\"]}");
            assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
            String restoreId = JSON.readTree(restore.body()).get("restoreId").asString();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> !get(orchestrator + "/api/v1/restores/" + restoreId)
                            .get("finishedAt")
                            .isNull());
            JsonNode restored = get(orchestrator + "/api/v1/restores/" + restoreId);
            assertThat(restored.get("state").asString()).as(restored.toString()).isEqualTo("SUCCEEDED");
            assertThat(restored.get("agents")
                            .get(0)
                            .get("result")
                            .get("written")
                            .get(0)
                            .asString())
                    .isEqualTo(monthEnd.toString());
            // The API answers in its own types, never the agents' wire envelopes.
            assertThat(restored.get("agents").get(0).get("result").has("meta")).isFalse();
            assertThat(restored.get("agents").get(0).get("result").has("type")).isFalse();
            assertThat(Files.readAllBytes(monthEnd)).isEqualTo(monthEndBytes);
            assertThat(post(
                                    orchestrator + "/api/v1/restores",
                                    "{\"restorePointId\":\"" + java.util.UUID.randomUUID() + "\"}")
                            .statusCode())
                    .isEqualTo(404);

            // A pack tampered with in the bucket is refused at restore with a named error, and nothing is written:
            // a flipped byte, a truncated pack, another pack's bytes under its name.
            Artifact monthEndItem = stored.get(hostPath(monthEnd));
            String pack = monthEndItem.storedIn().get(0);
            byte[] original = read(store, pack);
            String otherPack = stored.values().stream()
                    .flatMap(a -> a.storedIn().stream())
                    .filter(k -> !k.equals(pack))
                    .findFirst()
                    .orElseThrow();
            byte[] flipped = original.clone();
            org.ssisbackup.contracts.ChunkRef chunk = monthEndItem.chunks().get(0);
            flipped[(int) chunk.offset() + chunk.length() / 2] ^= 0x01;
            Map<String, byte[]> tampered = new java.util.LinkedHashMap<>();
            tampered.put("a flipped byte", flipped);
            tampered.put("a truncated pack", java.util.Arrays.copyOf(original, (int) chunk.offset() + 10));
            tampered.put("another pack under its name", read(store, otherPack));
            for (Map.Entry<String, byte[]> t : tampered.entrySet()) {
                store.objects().put(pack, t.getValue());
                Files.deleteIfExists(monthEnd);
                JsonNode refused = restoreAndWait("{\"restorePointId\":\"" + pointId
                        + "\",\"include\":[\"**/MonthEnd.dtsx\"],\"scope\":[\"FILESYSTEM\"]}");
                assertThat(refused.get("state").asString()).as(t.getKey()).isNotEqualTo("SUCCEEDED");
                assertThat(refused.get("agents")
                                .get(0)
                                .get("result")
                                .get("failed")
                                .toString())
                        .as(t.getKey())
                        .contains("MonthEnd.dtsx");
                assertThat(monthEnd).as(t.getKey() + ": nothing written").doesNotExist();
                // Verification finds it too.
                JsonNode verified = catalogAdminPost("/api/v1/admin/verification?share=1");
                assertThat(verified.get("problems").toString())
                        .as(t.getKey())
                        .contains(pack)
                        .contains("CORRUPT");
            }
            store.objects().put(pack, original);

            // A manifest replaced by an older one (the point's own name, another point's bytes) is refused by name.
            String secondJob = JSON.readTree(post(
                                    orchestrator + "/api/v1/backups",
                                    "{\"hosts\":[\"" + HOST + "\"],\"scope\":[\"FILESYSTEM\"]}")
                            .body())
                    .get("jobId")
                    .asString();
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> !get(orchestrator + "/api/v1/backups/" + secondJob)
                            .get("finishedAt")
                            .isNull());
            String second = get(orchestrator + "/api/v1/backups/" + secondJob)
                    .get("agents")
                    .get(0)
                    .get("restorePointId")
                    .asString();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> sendGet(catalog + "/api/v1/restore-points/" + second) == 200);
            store.objects()
                    .put(
                            ObjectKeys.encryptedManifest(HOST, UUID.fromString(second), AgentKind.FILESYSTEM),
                            read(store, ObjectKeys.encryptedManifest(HOST, pointId, AgentKind.FILESYSTEM)));
            Files.deleteIfExists(monthEnd);
            JsonNode rolledBack = restoreAndWait("{\"restorePointId\":\"" + second
                    + "\",\"include\":[\"**/MonthEnd.dtsx\"],\"scope\":[\"FILESYSTEM\"]}");
            assertThat(rolledBack.get("state").asString()).isEqualTo("FAILED");
            assertThat(rolledBack
                            .get("agents")
                            .get(0)
                            .get("result")
                            .get("failed")
                            .toString())
                    .contains("does not authenticate");
            assertThat(monthEnd).doesNotExist();
            // The host is left as found: the other tests (run in any order) back up the sample as seeded.
            Files.write(monthEnd, monthEndBytes);

            // A point written before the upgrade (format 1: a plaintext manifest and a whole blob) is still restored:
            // the catalog learns it from its manifest (rebuild), records it as format 1, and the orchestrator tells the
            // agent so; only then does the agent read a plaintext manifest.
            byte[] legacyBytes = "<DTS:Executable>captured by version 0.1</DTS:Executable>".getBytes(UTF_8);
            BlobStore.StoredBlob legacyBlob = store.storeBytes(legacyBytes);
            Path legacy = hostRoot.resolve("ETL/Packages/Legacy.dtsx");
            UUID legacyPoint = UUID.randomUUID();
            store.putManifest(new Manifest(
                    1,
                    HOST,
                    UUID.randomUUID(),
                    legacyPoint,
                    AgentKind.FILESYSTEM,
                    org.ssisbackup.contracts.Outcome.SUCCEEDED,
                    java.time.Instant.parse("2026-11-01T02:00:00Z"),
                    List.of(new Artifact(
                            legacy.toString(),
                            org.ssisbackup.contracts.ArtifactKind.FS_PACKAGE,
                            legacyBlob.size(),
                            legacyBlob.sha256(),
                            legacyBlob.key(),
                            Map.of())),
                    List.of(),
                    List.of(),
                    java.util.Set.of(AgentKind.FILESYSTEM),
                    null));
            assertThat(catalogAdminPost("/api/v1/admin/rebuild")
                            .get("restorePointsAdded")
                            .toString())
                    .contains(legacyPoint.toString());
            JsonNode legacyRestore = restoreAndWait("{\"restorePointId\":\"" + legacyPoint + "\"}");
            assertThat(legacyRestore.get("state").asString())
                    .as(legacyRestore.toString())
                    .isEqualTo("SUCCEEDED");
            assertThat(Files.readAllBytes(legacy)).isEqualTo(legacyBytes);
            Files.delete(legacy); // not a package the sample has; the other tests back the sample up as seeded

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> probe.seen(Topics.deadLetter(Topics.EVENTS)).size() >= 2);
            assertThat(probe.seen(Topics.deadLetter(Topics.EVENTS)))
                    .allSatisfy(d ->
                            assertThat(d.headers().get("x-exception-message")).contains("not a valid AgentEvent"));
        }
    }

    @Test
    void aCrossStoreCopyWritesMsdbPackagesAsFilesAndFilePackagesIntoMsdb() throws Exception {
        HttpResponse<String> created = post(
                orchestrator + "/api/v1/backups", "{\"hosts\":[\"" + HOST + "\"],\"scope\":[\"FILESYSTEM\",\"MSDB\"]}");
        assertThat(created.statusCode()).isEqualTo(202);
        String jobId = JSON.readTree(created.body()).get("jobId").asString();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !get(orchestrator + "/api/v1/backups/" + jobId)
                        .get("finishedAt")
                        .isNull());
        String point = get(orchestrator + "/api/v1/backups/" + jobId)
                .get("agents")
                .get(0)
                .get("restorePointId")
                .asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> sendGet(catalog + "/api/v1/restore-points/" + point) == 200);

        // msdb -> files (dtutil /COPY FILE): the host's fs-agent writes the msdb packages under the folder, their msdb
        // folders as subfolders. A package msdb encrypted, or protected by msdb's roles, cannot be a file.
        JsonNode toFiles = restoreAndWait("{\"restorePointId\":\"" + point + "\",\"copyTo\":\"FILE;C:\\\\Copied\"}");
        assertThat(toFiles.get("agents"))
                .singleElement()
                .satisfies(a -> assertThat(a.get("agent").asString()).isEqualTo("FILESYSTEM"));
        JsonNode filesResult = toFiles.get("agents").get(0).get("result");
        assertThat(toFiles.get("state").asString()).as(toFiles.toString()).isEqualTo("PARTIALLY_FAILED");
        Path stageOrders = hostRoot.resolve("Copied/ETL/Staging/StageOrders.dtsx");
        assertThat(stageOrders).exists();
        assertThat(Files.readAllBytes(stageOrders))
                .isEqualTo(Files.readAllBytes(SampleHost.copyMsdbSeedTo(Files.createTempDirectory("seed"))
                        .resolve("ETL/Staging/StageOrders.dtsx")));
        assertThat(hostRoot.resolve("Copied/Cleanup.dtsx")).exists();
        assertThat(filesResult.get("refused").toString())
                .contains("\\\\ETL\\\\NightlyLoad")
                .contains("ServerStorage")
                .contains("\\\\Reports\\\\BuildCube")
                .contains("encrypted by msdb");
        assertThat(hostRoot.resolve("Copied/ETL/NightlyLoad.dtsx")).doesNotExist();

        // files -> msdb (dtutil /COPY SQL): the msdb agent puts the file-system packages into an msdb folder, their
        // subfolders as msdb folders, id and version fields from the package XML.
        // A dry run lists what the copy would put and puts nothing.
        JsonNode planned = restoreAndWait(
                "{\"restorePointId\":\"" + point + "\",\"copyTo\":\"SQL;\\\\FromFiles\",\"dryRun\":true}");
        assertThat(planned.get("agents").get(0).get("result").get("written").toString())
                .contains("\\\\FromFiles\\\\Finance\\\\MonthEnd");
        assertThat(msdb.model().getFolder(org.ssisbackup.testkit.msdb.MsdbModel.ROOT_FOLDER, "FromFiles"))
                .isNull();
        JsonNode toMsdb = restoreAndWait("{\"restorePointId\":\"" + point + "\",\"copyTo\":\"SQL;\\\\FromFiles\"}");
        assertThat(toMsdb.get("state").asString()).as(toMsdb.toString()).isEqualTo("SUCCEEDED");
        assertThat(toMsdb.get("agents").get(0).get("agent").asString()).isEqualTo("MSDB");
        var model = msdb.model();
        java.util.UUID fromFiles = model.getFolder(org.ssisbackup.testkit.msdb.MsdbModel.ROOT_FOLDER, "FromFiles");
        assertThat(fromFiles).isNotNull();
        java.util.UUID finance = model.getFolder(fromFiles, "Finance");
        Map<String, Object> monthEnd = model.findPackage("MonthEnd", finance);
        Path monthEndFile =
                hostRoot.resolve("Program Files/Microsoft SQL Server/160/DTS/Packages/Finance/MonthEnd.dtsx");
        assertThat((byte[]) monthEnd.get("packagedata")).isEqualTo(Files.readAllBytes(monthEndFile));
        assertThat(monthEnd.get("packageformat")).isEqualTo(3);
        assertThat(model.findPackage("LoadCustomers", fromFiles)).isNotNull();
        assertThat(model.findPackage("LoadFacts", model.getFolder(fromFiles, "Warehouse")))
                .isNotNull();
        // The same copy again: never overwrites, says so.
        JsonNode again = restoreAndWait("{\"restorePointId\":\"" + point + "\",\"copyTo\":\"SQL;\\\\FromFiles\"}");
        assertThat(again.get("agents").get(0).get("result").get("skipped").toString())
                .contains("exists; overwrite is NEVER");
    }

    @Test
    void badRequestsAreRefusedWithAReason() throws Exception {
        HttpResponse<String> r = post(orchestrator + "/api/v1/backups", "{\"hosts\":[\"../etc\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = post(orchestrator + "/api/v1/backups", "{\"hosts\":[\"sql01\"],\"scope\":[\"TAPE\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        // A cross-store copy names a store dtutil knows and a folder that stays where it says.
        String point = java.util.UUID.randomUUID().toString();
        for (String copyTo : List.of("TAPE;D:\\\\x", "FILE;relative", "FILE;D:\\\\a\\\\..\\\\..\\\\Windows", "SQL;")) {
            r = post(
                    orchestrator + "/api/v1/restores",
                    "{\"restorePointId\":\"" + point + "\",\"copyTo\":\"" + copyTo + "\"}");
            assertThat(r.statusCode()).as(copyTo).isEqualTo(400);
            assertThat(r.body()).contains("copyTo");
        }
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(URI.create(
                                                orchestrator + "/api/v1/backups/" + java.util.UUID.randomUUID()))
                                        .header("X-API-Key", API_KEY)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(404);
        // Without a key the API answers nothing but 401; so do the catalog's queries once it has a read key (the
        // orchestrator sends its own when it checks a restore point: the whole-flow test's restore passes that check).
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(URI.create(orchestrator + "/api/v1/backups?host=x"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
        for (String key : new String[] {null, API_KEY}) {
            HttpRequest.Builder ask =
                    HttpRequest.newBuilder(URI.create(catalog + "/api/v1/restore-points?host=" + HOST));
            HttpResponse<String> refused = HTTP.send(
                    (key == null ? ask : ask.header("X-API-Key", key)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).doesNotContain("\"items\"");
        }
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(URI.create(catalog + "/api/v1/fleet/newest"))
                                        .header("X-API-Key", SystemStack.CATALOG_ADMIN_KEY)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("the admin key reads too")
                .isEqualTo(200);
    }

    @Test
    void everyServiceExposesPrometheusMetrics() throws Exception {
        for (String service : stack.services()) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(service + "/actuator/prometheus"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("jvm_memory_used_bytes");
        }
    }

    /** Starts a restore and waits for its end. */
    /**
     * Issue 17: a drill of the host restores its newest COMPLETE point into scratch places (a temporary folder of the
     * fs-agent, the msdb folder \__drill\<point>), checks it there and removes it: SUCCEEDED per agent with what was
     * checked, the point shows "proven" in the catalog, the host's proven age becomes finite, and neither the host's
     * files nor msdb keep anything of the drill.
     */
    @Test
    void aDrillProvesTheHostsNewestPointAndLeavesNothingBehind() throws Exception {
        HttpResponse<String> backup = post(
                orchestrator + "/api/v1/backups", "{\"hosts\":[\"" + HOST + "\"],\"scope\":[\"FILESYSTEM\",\"MSDB\"]}");
        assertThat(backup.statusCode()).as(backup.body()).isEqualTo(202);
        String jobId = JSON.readTree(backup.body()).get("jobId").asString();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !get(orchestrator + "/api/v1/backups/" + jobId)
                        .get("finishedAt")
                        .isNull());
        String point = get(orchestrator + "/api/v1/backups/" + jobId)
                .get("agents")
                .get(0)
                .get("restorePointId")
                .asString();
        await().atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .until(() -> "COMPLETE"
                        .equals(get(catalog + "/api/v1/restore-points/" + point)
                                .get("status")
                                .asString()));
        int folders = msdb.model().folderCount();
        int packages = msdb.model().packageCount();
        long files;
        try (var all = java.nio.file.Files.walk(hostRoot)) {
            files = all.count();
        }

        HttpResponse<String> started = post(orchestrator + "/api/v1/drills", "{\"restorePointId\":\"" + point + "\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String drillId = JSON.readTree(started.body()).get("drillId").asString();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !get(orchestrator + "/api/v1/drills/" + drillId)
                        .get("finishedAt")
                        .isNull());
        JsonNode drill = get(orchestrator + "/api/v1/drills/" + drillId);
        assertThat(drill.get("state").asString()).as(drill.toString()).isEqualTo("SUCCEEDED");
        for (JsonNode agent : drill.get("hosts").get(0).get("agents")) {
            assertThat(agent.get("itemsChecked").asLong()).as(agent.toString()).isPositive();
            assertThat(agent.get("cleanedUp").asBoolean()).isTrue();
            assertThat(agent.get("problems")).isEmpty();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get(catalog + "/api/v1/restore-points/" + point).hasNonNull("proven"));
        assertThat(get(catalog + "/api/v1/restore-points/" + point)
                        .get("proven")
                        .get("drillId")
                        .asString())
                .isEqualTo(drillId);
        assertThat(msdb.model().folderCount())
                .as("the drill's msdb folders removed")
                .isEqualTo(folders);
        assertThat(msdb.model().packageCount()).isEqualTo(packages);
        try (var all = java.nio.file.Files.walk(hostRoot)) {
            assertThat(all.count()).as("the host's files untouched").isEqualTo(files);
        }

        // A policy that asks for a drill after every backup: its backup's point ends up proven by itself.
        HttpResponse<String> policy = post(
                orchestrator + "/api/v1/policies",
                "{\"name\":\"drilled\",\"scope\":[\"FILESYSTEM\"],\"retention\":{\"keepLast\":5},\"drillEvery\":1}");
        assertThat(policy.statusCode()).as(policy.body()).isIn(200, 201);
        assertThat(post(
                                orchestrator + "/api/v1/policies",
                                "{\"name\":\"bad-drill\",\"retention\":{\"keepLast\":5},\"drillEvery\":0}")
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> underPolicy =
                post(orchestrator + "/api/v1/backups", "{\"hosts\":[\"" + HOST + "\"],\"policy\":\"drilled\"}");
        assertThat(underPolicy.statusCode()).as(underPolicy.body()).isEqualTo(202);
        String policyJob = JSON.readTree(underPolicy.body()).get("jobId").asString();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !get(orchestrator + "/api/v1/backups/" + policyJob)
                        .get("finishedAt")
                        .isNull());
        String policyPoint = get(orchestrator + "/api/v1/backups/" + policyJob)
                .get("agents")
                .get(0)
                .get("restorePointId")
                .asString();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() ->
                        get(catalog + "/api/v1/restore-points/" + policyPoint).hasNonNull("proven"));

        // By host: the newest COMPLETE point; unknown hosts and empty requests are refused.
        HttpResponse<String> byHost = post(orchestrator + "/api/v1/drills", "{\"hosts\":[\"" + HOST + "\"]}");
        assertThat(byHost.statusCode()).as(byHost.body()).isEqualTo(202);
        assertThat(post(orchestrator + "/api/v1/drills", "{\"hosts\":[\"no-such-host\"]}")
                        .statusCode())
                .isEqualTo(422);
        assertThat(post(orchestrator + "/api/v1/drills", "{}").statusCode()).isEqualTo(400);

        // A policy with a drill schedule of its own (every 5 seconds here) drills its hosts' newest COMPLETE points.
        tools.jackson.databind.node.ObjectNode labels = JSON.createObjectNode();
        labels.set("labels", get(orchestrator + "/api/v1/hosts/" + HOST).get("labels"));
        ((tools.jackson.databind.node.ObjectNode) labels.get("labels")).put("drills", "cron");
        assertThat(send("PUT", orchestrator + "/api/v1/hosts/" + HOST + "/labels", labels.toString())
                        .statusCode())
                .isEqualTo(200);
        assertThat(post(
                                orchestrator + "/api/v1/policies",
                                "{\"name\":\"bad-cron\",\"retention\":{\"keepLast\":5},\"drillSchedule\":\"sundays\"}")
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> cron = post(
                orchestrator + "/api/v1/policies",
                "{\"name\":\"drill-cron\",\"selector\":\"drills=cron\",\"retention\":{\"keepLast\":5},"
                        + "\"drillSchedule\":\"*/5 * * * * *\"}");
        assertThat(cron.statusCode()).as(cron.body()).isIn(200, 201);
        assertThat(JSON.readTree(cron.body()).hasNonNull("nextDrillAt")).isTrue();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode drills = get(orchestrator + "/api/v1/drills?requestedBy=policy:drill-cron&limit=5");
                    return drills.size() > 0
                            && drills.get(drills.size() - 1)
                                    .get("state")
                                    .asString()
                                    .equals("SUCCEEDED");
                });
        JsonNode scheduled = get(orchestrator + "/api/v1/drills?requestedBy=policy:drill-cron&limit=5");
        JsonNode first = scheduled.get(scheduled.size() - 1);
        assertThat(first.get("hosts")).hasSize(1);
        assertThat(first.get("hosts").get(0).get("hostId").asString()).isEqualTo(HOST);
        assertThat(send("DELETE", orchestrator + "/api/v1/policies/drill-cron", null)
                        .statusCode())
                .isIn(200, 204);
    }

    private static JsonNode restoreAndWait(String body) throws Exception {
        HttpResponse<String> r = post(orchestrator + "/api/v1/restores", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = JSON.readTree(r.body()).get("restoreId").asString();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> !get(orchestrator + "/api/v1/restores/" + id)
                        .get("finishedAt")
                        .isNull());
        return get(orchestrator + "/api/v1/restores/" + id);
    }

    private static JsonNode catalogAdminPost(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(catalog + path))
                        .header("X-API-Key", SystemStack.CATALOG_ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static byte[] read(BlobStore store, String key) throws Exception {
        try (java.io.InputStream in = store.objects().get(key)) {
            return in.readAllBytes();
        }
    }

    /** A file of the sample host as the host names it: drive C is mapped to the host's folder. */
    static String hostPath(Path local) {
        return "C:\\" + hostRoot.relativize(local).toString().replace('/', '\\');
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("X-API-Key", API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("X-API-Key", API_KEY)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int sendGet(String url) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("X-API-Key", SystemStack.VIEWER_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** A GET with the key of the service asked: the operator key for the orchestrator, the read key for the catalog. */
    private static JsonNode get(String url) throws Exception {
        String key = url.startsWith(catalog) ? SystemStack.VIEWER_KEY : API_KEY;
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
