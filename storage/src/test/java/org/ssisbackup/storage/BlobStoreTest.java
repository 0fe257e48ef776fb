package org.ssisbackup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.contracts.ObjectKeys;

/** The blob layer on the in-memory bucket: what it stores is what it vouches for. */
class BlobStoreTest {
    final InMemoryObjectStore bucket = new InMemoryObjectStore("unit");
    final BlobStore store = new BlobStore(bucket);

    @TempDir
    Path dir;

    @Test
    void storesOnceUnderItsHashAndDownloadsWhatItStored() throws Exception {
        BlobStore.StoredBlob first = store.storeBytes("<DTS:Executable/>".getBytes(StandardCharsets.UTF_8));
        BlobStore.StoredBlob again = store.storeBytes("<DTS:Executable/>".getBytes(StandardCharsets.UTF_8));
        assertThat(first.uploaded()).isTrue();
        assertThat(again.uploaded()).isFalse();
        Path out = dir.resolve("out");
        assertThat(store.download(first.sha256(), out).hex()).isEqualTo(first.sha256());
        assertThat(Files.readString(out)).isEqualTo("<DTS:Executable/>");
    }

    @Test
    void aBlobWhoseBytesChangedInTheBucketIsRefusedAtDownload() {
        BlobStore.StoredBlob blob = store.storeBytes("original".getBytes(StandardCharsets.UTF_8));
        bucket.overwrite(ObjectKeys.blob(blob.sha256()), "tampered".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> store.download(blob.sha256(), dir.resolve("x")))
                .isInstanceOf(CorruptBlobException.class)
                .hasMessageContaining("do not match");
    }

    @Test
    void aStagedObjectIsAdoptedUnderItsHashAndRemoved() throws Exception {
        bucket.put("staging/h/p/msdb.bak", "backup bytes".getBytes(StandardCharsets.UTF_8));
        BlobStore.StoredBlob adopted = store.adopt("staging/h/p/msdb.bak");
        assertThat(adopted.uploaded()).isTrue();
        assertThat(bucket.stat("staging/h/p/msdb.bak")).isEmpty();
        assertThat(store.hasBlob(adopted.sha256())).isTrue();
    }
}
