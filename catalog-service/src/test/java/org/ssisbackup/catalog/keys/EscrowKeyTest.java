package org.ssisbackup.catalog.keys;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.catalog.CatalogProperties;
import org.ssisbackup.storage.InMemoryObjectStore;
import org.ssisbackup.storage.repository.KeyMaterial;
import org.ssisbackup.storage.repository.Repository;
import org.ssisbackup.testkit.infra.TestKeys;

/** The catalog refuses to start without its escrow key, with a malformed one, or with one that opens no scope. */
class EscrowKeyTest {
    final InMemoryObjectStore bucket = new InMemoryObjectStore("b");

    @Test
    void aMissingKeySaysWhatToSet() {
        assertThatThrownBy(() -> EscrowKey.load(new CatalogProperties.Repository(null, " ")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CATALOG_ESCROW_KEY_FILE")
                .hasMessageContaining("CATALOG_PUBLIC_KEY");
    }

    @Test
    void aMalformedKeyOrAnUnreadableFileIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> EscrowKey.load(new CatalogProperties.Repository("bm90IGEga2V5", null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an escrow private key");
        assertThatThrownBy(() -> EscrowKey.load(new CatalogProperties.Repository(
                        null, dir.resolve("absent").toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read key file");
    }

    @Test
    void aKeyThatOpensNoScopeOfTheBucketStopsTheCatalog(@TempDir Path dir) throws Exception {
        assertThatCode(() -> EscrowKey.check(KeyMaterial.holder(TestKeys.CATALOG_PRIVATE), bucket))
                .as("an empty bucket: nothing to check yet")
                .doesNotThrowAnyException();
        Repository.open(
                        bucket,
                        "sql01",
                        KeyMaterial.secret(TestKeys.KEK),
                        List.of(KeyMaterial.recipient(TestKeys.CATALOG_PUBLIC)),
                        Duration.ZERO)
                .close();
        Path file = dir.resolve("escrow.key");
        Files.writeString(file, TestKeys.CATALOG_PRIVATE + "\n");
        assertThatCode(() -> EscrowKey.check(
                        EscrowKey.load(new CatalogProperties.Repository(null, file.toString())), bucket))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> EscrowKey.check(KeyMaterial.holder(TestKeys.RECOVERY_PRIVATE), bucket))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("opens none of the 1 scopes");
    }
}
