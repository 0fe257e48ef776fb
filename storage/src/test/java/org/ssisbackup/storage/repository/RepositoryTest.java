package org.ssisbackup.storage.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ssisbackup.contracts.AgentKind;
import org.ssisbackup.contracts.Artifact;
import org.ssisbackup.contracts.ArtifactKind;
import org.ssisbackup.contracts.Manifest;
import org.ssisbackup.contracts.ObjectKeys;
import org.ssisbackup.contracts.Outcome;
import org.ssisbackup.storage.CorruptBlobException;
import org.ssisbackup.storage.InMemoryObjectStore;
import org.ssisbackup.storage.crypto.Escrow;
import org.ssisbackup.storage.crypto.MissingKeyException;
import org.ssisbackup.storage.crypto.TamperedObjectException;

/** The repository format on the in-memory bucket: what it writes, what it refuses to read. */
class RepositoryTest {
    static final String SECRET_VALUE = "Password=Sup3r-Secret-Prod!";
    final InMemoryObjectStore bucket = new InMemoryObjectStore("unit");
    final WrappingKey.Secret kek = new WrappingKey.Secret(bytes(32, 1));
    final KeyPair catalog = Escrow.newKeyPair();
    final Repository repo = Repository.open(
            bucket, "sql01", kek, List.of(new WrappingKey.Recipient(catalog.getPublic())), Duration.ofHours(6));

    @AfterEach
    void close() {
        repo.close();
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A package like a real .dtsx: XML that compresses, with a connection string somewhere in it. */
    static byte[] dtsx(int kib, String value) {
        StringBuilder sb = new StringBuilder(
                "<?xml version=\"1.0\"?><DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\">");
        Random r = new Random(kib);
        int i = 0;
        while (sb.length() < kib * 1024) {
            sb.append("<DTS:Property DTS:Name=\"Task")
                    .append(i++)
                    .append("\" DTS:DTSID=\"{")
                    .append(new UUID(r.nextLong(), r.nextLong()))
                    .append("}\">SELECT col")
                    .append(r.nextInt(1000))
                    .append(" FROM dbo.Orders WHERE region = 'EU'</DTS:Property>\n");
            if (i == 500) {
                sb.append("<DTS:ConnectionManager ConnectionString=\"Data Source=dw;")
                        .append(value)
                        .append("\"/>\n");
            }
        }
        return sb.append("</DTS:Executable>").toString().getBytes(UTF_8);
    }

    private String restore(Repository r, Repository.StoredContent c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String sha = r.restore(c.chunks(), out);
        assertThat(out.toByteArray()).hasSize((int) c.size());
        return sha;
    }

    @Test
    void storesEncryptedCompressedAndRestoresByteForByte() throws Exception {
        byte[] pkg = dtsx(2048, SECRET_VALUE);
        byte[] binary = bytes(3 * 1024 * 1024, 7);
        Repository.Session s = repo.session();
        Repository.StoredContent a = s.store(pkg);
        Repository.StoredContent b = s.store(binary);
        Repository.Stats stats = s.finish();
        assertThat(restore(repo, a)).isEqualTo(a.sha256()).isEqualTo(sha(pkg));
        assertThat(restore(repo, b)).isEqualTo(sha(binary));
        assertThat(a.chunks()).hasSizeGreaterThan(1); // 2 MiB of XML: content-defined chunks
        assertThat(stats.bytesAfterCompression()).isLessThan(stats.bytesRead() / 2 + binary.length); // the XML shrank
        assertThat(stats.chunksNew()).isEqualTo(a.chunks().size() + b.chunks().size());

        // Nothing readable at rest: no object holds the value, no name holds a plain SHA-256.
        for (String key : bucket.list("")) {
            byte[] object;
            try (InputStream in = bucket.get(key)) {
                object = in.readAllBytes();
            }
            assertThat(new String(object, UTF_8))
                    .as(key)
                    .doesNotContain(SECRET_VALUE)
                    .doesNotContain("DTS:Executable");
            assertThat(key).doesNotContain(sha(pkg)).doesNotContain(sha(binary));
        }
    }

    @Test
    void aChangedValueInALargePackageStoresAboutOneChunk() throws Exception {
        byte[] v1 = dtsx(5 * 1024, "Password=one");
        byte[] v2 = dtsx(5 * 1024, "Password=two");
        Repository.Session first = repo.session();
        Repository.StoredContent c1 = first.store(v1);
        first.finish();
        Repository.Session second = repo.session();
        Repository.StoredContent c2 = second.store(v2);
        Repository.Stats stats = second.finish();
        assertThat(stats.chunksNew()).isBetween(1L, 2L);
        assertThat(stats.chunksDeduplicated()).isEqualTo(c2.chunks().size() - stats.chunksNew());
        assertThat(c1.chunks().size()).isGreaterThan(10);
        assertThat(restore(repo, c2)).isEqualTo(sha(v2));
    }

    @Test
    void anUnchangedItemIsNotStoredAgainEvenAfterARestart() throws Exception {
        byte[] pkg = dtsx(300, "x");
        Repository.Session s = repo.session();
        s.store(pkg);
        s.finish();
        try (Repository again = Repository.open(bucket, "sql01", kek, List.of(), Duration.ofHours(6))) {
            Repository.Session s2 = again.session();
            Repository.StoredContent c = s2.store(pkg);
            Repository.Stats stats = s2.finish();
            assertThat(c.anythingNew()).isFalse();
            assertThat(stats.bytesUploaded()).isZero();
            assertThat(restore(again, c)).isEqualTo(sha(pkg));
        }
    }

    @Test
    void aFlippedByteATruncatedPackAndASwappedPackAreRefusedByName() throws Exception {
        Repository.Session s = repo.session();
        Repository.StoredContent a = s.store(dtsx(64, "a"));
        s.finish();
        Repository.Session s2 = repo.session();
        Repository.StoredContent b = s2.store(dtsx(65, "b"));
        s2.finish();
        String packA = a.packs().get(0);
        String packB = b.packs().get(0);
        byte[] original = read(packA);

        byte[] flipped = original.clone();
        flipped[(int) a.chunks().get(0).offset() + 40] ^= 1;
        bucket.overwrite(packA, flipped);
        assertThatThrownBy(() -> restore(repo, a))
                .isInstanceOf(TamperedObjectException.class)
                .hasMessageContaining("does not authenticate");
        assertThatThrownBy(() -> repo.verifyPack(packA)).isInstanceOf(TamperedObjectException.class);

        bucket.overwrite(packA, java.util.Arrays.copyOf(original, original.length / 2));
        assertThatThrownBy(() -> repo.verifyPack(packA)).isInstanceOf(TamperedObjectException.class);

        bucket.overwrite(packA, read(packB)); // a pack moved to another's name
        assertThatThrownBy(() -> repo.verifyPack(packA)).isInstanceOf(TamperedObjectException.class);
        assertThatThrownBy(() -> restore(repo, a))
                .isInstanceOfAny(
                        TamperedObjectException.class,
                        CorruptBlobException.class,
                        org.ssisbackup.storage.StoreException.class);

        bucket.overwrite(packA, original);
        assertThat(repo.verifyPack(packA)).isEqualTo(a.chunks().size());
    }

    @Test
    void aManifestReplacedByAnotherPointsManifestIsRefused() {
        Repository.Session s = repo.session();
        UUID p1 = UUID.randomUUID();
        UUID p2 = UUID.randomUUID();
        String k1 = s.writeManifest(manifest(p1));
        String k2 = s.writeManifest(manifest(p2));
        assertThat(repo.readManifest(k2).restorePointId()).isEqualTo(p2);
        bucket.overwrite(k2, read(k1)); // an older manifest put in the newer one's place
        assertThatThrownBy(() -> repo.readManifest(k2)).isInstanceOf(TamperedObjectException.class);
        assertThat(k1).startsWith("manifests/sql01/").endsWith(".m2");
    }

    @Test
    void rotationKeepsEveryOldItemReadableAndRetiringNeedsAnotherActiveKey() throws Exception {
        Repository.Session s = repo.session();
        Repository.StoredContent old = s.store(dtsx(100, "old"));
        UUID oldKey = s.finish().keyId();
        ScopeKeyring.rotate(bucket, "sql01", kek);
        Repository.Session s2 = repo.session();
        Repository.StoredContent fresh = s2.store(dtsx(101, "new"));
        UUID newKey = s2.finish().keyId();
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(restore(repo, old)).isEqualTo(old.sha256());
        assertThat(restore(repo, fresh)).isEqualTo(fresh.sha256());
        assertThatThrownBy(() -> ScopeKeyring.retire(bucket, "sql01", kek, newKey))
                .hasMessageContaining("rotate first");
    }

    @Test
    void aRestoreFetchesEachPackOnceAndLeavesNothingBehind(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        Repository.Session s = repo.session();
        List<Repository.StoredContent> items = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            items.add(s.store(dtsx(8 + i, "v" + i)));
        }
        s.finish();
        List<org.ssisbackup.contracts.ChunkRef> all =
                items.stream().flatMap(c -> c.chunks().stream()).toList();
        try (PackCache cache = PackCache.fetch(bucket, "sql01", all, tmp)) {
            for (Repository.StoredContent c : items) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(repo.restore(c.chunks(), out, cache)).isEqualTo(c.sha256());
            }
            // Fetched whole, the pack is read locally: a pack cut off in the bucket now does not matter ...
            String pack = items.get(0).packs().get(0);
            bucket.put(pack, new byte[10]);
            assertThat(repo.restore(items.get(0).chunks(), new ByteArrayOutputStream(), cache))
                    .isEqualTo(items.get(0).sha256());
        }
        try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(tmp)) {
            assertThat(left).as("nothing left behind").isEmpty();
        }
        // ... and a pack cut off before the restore fetched it fails by name.
        try (PackCache cache = PackCache.fetch(bucket, "sql01", all, tmp)) {
            assertThatThrownBy(() -> repo.restore(items.get(0).chunks(), new ByteArrayOutputStream(), cache))
                    .isInstanceOf(org.ssisbackup.storage.StoreException.class);
        }
    }

    @Test
    void theTwoAgentsOfAHostStartingTogetherCreateOneScope() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 40; i++) {
                String scope = "race" + i;
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Callable<ScopeKeys> agent = () -> {
                    go.await();
                    return ScopeKeyring.openOrCreate(
                            bucket, scope, kek, List.of(new WrappingKey.Recipient(catalog.getPublic())));
                };
                var fs = pool.submit(agent);
                var msdb = pool.submit(agent);
                go.countDown();
                UUID a = fs.get().activeKeyId();
                assertThat(msdb.get().activeKeyId()).isEqualTo(a);
                assertThat(ScopeKeyring.open(bucket, scope, kek).activeKeyId()).isEqualTo(a);
                assertThat(ScopeKeyring.open(
                                        bucket,
                                        scope,
                                        new WrappingKey.Holder(catalog.getPrivate(), catalog.getPublic()))
                                .activeKeyId())
                        .isEqualTo(a);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoRotationsAtOnceNeverLoseADataKey() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<ScopeKeys>> rotations = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                rotations.add(pool.submit(() -> ScopeKeyring.rotate(bucket, "sql01", kek)));
            }
            java.util.Set<UUID> made = new java.util.HashSet<>();
            for (var r : rotations) {
                try {
                    made.add(r.get().activeKeyId());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).hasMessageContaining("changed while this change was made");
                }
            }
            assertThat(made).isNotEmpty();
            assertThat(ScopeKeyring.open(bucket, "sql01", kek).dataKeys()).containsKeys(made.toArray(UUID[]::new));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDataKeyIsRetiredOnlyOnceNothingIsWrittenWithIt() throws Exception {
        Repository.Session s = repo.session();
        s.store(dtsx(100, "old"));
        UUID oldKey = s.finish().keyId();
        s.writeManifest(new org.ssisbackup.contracts.Manifest(
                1,
                "sql01",
                UUID.randomUUID(),
                UUID.randomUUID(),
                org.ssisbackup.contracts.AgentKind.FILESYSTEM,
                org.ssisbackup.contracts.Outcome.SUCCEEDED,
                java.time.Instant.now(),
                List.of(),
                List.of(),
                List.of(),
                null,
                null,
                "sql01"));
        ScopeKeyring.rotate(bucket, "sql01", kek);
        KeyOperations.ScopeDescription d = KeyOperations.describe(bucket, "sql01", kek);
        assertThat(d.dataKeys())
                .filteredOn(k -> k.id().equals(oldKey))
                .singleElement()
                .satisfies(k -> {
                    assertThat(k.active()).isFalse();
                    assertThat(k.objects()).isEqualTo(3); // its pack, the job's index, the manifest
                });
        assertThatThrownBy(() -> KeyOperations.retire(bucket, "sql01", kek, oldKey))
                .hasMessageContaining("still reads 3 objects");
        // Retention deleted them all: now it goes, and the scope still opens.
        for (String prefix : List.of("packs/", "index/", "manifests/")) {
            bucket.list(prefix).forEach(bucket::delete);
        }
        KeyOperations.retire(bucket, "sql01", kek, oldKey);
        assertThat(ScopeKeyring.open(bucket, "sql01", kek).dataKeys()).doesNotContainKey(oldKey);
        // The last copy a key file opens is never removed; escrow copies may be.
        assertThatThrownBy(() -> KeyOperations.removeCopy(bucket, "sql01", kek.objectName()))
                .hasMessageContaining("the last one");
        KeyOperations.removeCopy(bucket, "sql01", new WrappingKey.Recipient(catalog.getPublic()).objectName());
        assertThat(ScopeKeyring.wrappings(bucket, "sql01")).containsExactly(kek.objectName());
    }

    @Test
    void aWrongKeyAndAMissingKeyFailClearly() {
        WrappingKey.Secret wrong = new WrappingKey.Secret(bytes(32, 2));
        assertThatThrownBy(() -> ScopeKeyring.open(bucket, "sql01", wrong))
                .isInstanceOf(MissingKeyException.class)
                .hasMessageContaining("no key copy of scope sql01 opens with the given key");
        assertThatThrownBy(() -> ScopeKeyring.open(bucket, "sql02", kek))
                .isInstanceOf(MissingKeyException.class)
                .hasMessageContaining("has no keys");
    }

    @Test
    void theCatalogsEscrowKeyARecoveryKeyAndAPassphraseOpenTheScope() {
        ScopeKeys viaCatalog =
                ScopeKeyring.open(bucket, "sql01", new WrappingKey.Holder(catalog.getPrivate(), catalog.getPublic()));
        assertThat(viaCatalog.activeKeyId()).isEqualTo(repo.keys().activeKeyId());
        KeyPair recovery = Escrow.newKeyPair();
        ScopeKeyring.addWrapping(bucket, "sql01", kek, new WrappingKey.Recipient(recovery.getPublic()));
        ScopeKeys viaRecovery =
                ScopeKeyring.open(bucket, "sql01", new WrappingKey.Holder(recovery.getPrivate(), recovery.getPublic()));
        WrappingKey.Phrase phrase = new WrappingKey.Phrase("correct horse battery staple".toCharArray());
        ScopeKeyring.addWrapping(
                bucket, "sql01", new WrappingKey.Holder(recovery.getPrivate(), recovery.getPublic()), phrase);
        assertThat(ScopeKeyring.open(bucket, "sql01", phrase).activeKeyId()).isEqualTo(viaRecovery.activeKeyId());
        assertThatThrownBy(() ->
                        ScopeKeyring.open(bucket, "sql01", new WrappingKey.Phrase("not the passphrase".toCharArray())))
                .isInstanceOf(MissingKeyException.class);
        // An agent of another scope cannot open this one.
        assertThatThrownBy(() -> ScopeKeyring.open(
                        bucket,
                        "sql01",
                        new WrappingKey.Holder(
                                Escrow.newKeyPair().getPrivate(),
                                Escrow.newKeyPair().getPublic())))
                .isInstanceOf(MissingKeyException.class);
    }

    @Test
    void anEscrowPrivateKeyAloneOpensTheScope() {
        String privateKey = java.util.Base64.getEncoder()
                .encodeToString(catalog.getPrivate().getEncoded());
        WrappingKey.Holder holder = KeyMaterial.holder(privateKey);
        assertThat(holder.publicKey().getEncoded())
                .isEqualTo(catalog.getPublic().getEncoded());
        assertThat(ScopeKeyring.open(bucket, "sql01", holder).activeKeyId())
                .isEqualTo(repo.keys().activeKeyId());
        assertThatThrownBy(() -> KeyMaterial.holder("bm90IGEga2V5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an escrow private key");
    }

    @Test
    void anotherScopesAgentCanNeitherReadNorNameItsBlobs() throws Exception {
        Repository.Session s = repo.session();
        Repository.StoredContent a = s.store(dtsx(64, SECRET_VALUE));
        s.finish();
        try (Repository other = Repository.open(
                bucket, "sql02", new WrappingKey.Secret(bytes(32, 3)), List.of(), Duration.ofHours(6))) {
            assertThat(other.keys().blobId(dtsx(64, SECRET_VALUE), 0, dtsx(64, SECRET_VALUE).length))
                    .isNotEqualTo(a.chunks().get(0).blob());
            Repository reading = Repository.of(bucket, other.keys());
            assertThatThrownBy(() -> reading.readBlob(a.chunks().get(0)))
                    .isInstanceOf(org.ssisbackup.storage.StoreException.class);
        }
    }

    private Manifest manifest(UUID point) {
        return new Manifest(
                2,
                "sql01",
                UUID.randomUUID(),
                point,
                AgentKind.FILESYSTEM,
                Outcome.SUCCEEDED,
                Instant.now(),
                List.of(new Artifact(
                        "C:\\x.dtsx",
                        ArtifactKind.FS_PACKAGE,
                        1,
                        "ab".repeat(32),
                        ObjectKeys.pack("sql01", "cd".repeat(32)),
                        null)),
                List.of(),
                List.of(),
                null,
                null,
                "sql01");
    }

    private byte[] read(String key) {
        try (InputStream in = bucket.get(key)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
