package org.ssisbackup.fsagent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCacheTest {
    @TempDir
    Path dir;

    private BasicFileAttributes attrs(Path f) throws Exception {
        return Files.readAttributes(f, BasicFileAttributes.class);
    }

    @Test
    void aHashHoldsOnlyWhileSizeTimeAndFileAreUnchanged() throws Exception {
        HashCache cache = new HashCache();
        Path f = Files.writeString(dir.resolve("a.dtsx"), "one");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-02-29T10:00:00Z")));
        cache.remember(f, attrs(f), "h1", Instant.EPOCH);
        assertThat(cache.lookup(f, attrs(f))).map(HashCache.Known::sha256).contains("h1");

        assertThat(cache.lookup(f, attrs(f))
                        .orElseThrow()
                        .seenWithin(java.time.Duration.ofHours(6), Instant.EPOCH.plusSeconds(3600)))
                .isTrue();
        assertThat(cache.lookup(f, attrs(f))
                        .orElseThrow()
                        .seenWithin(java.time.Duration.ofHours(6), Instant.EPOCH.plusSeconds(7 * 3600)))
                .isFalse();

        Files.writeString(f, "two"); // same size, new time
        assertThat(cache.lookup(f, attrs(f))).isEmpty();

        cache.remember(f, attrs(f), "h2", Instant.EPOCH);
        FileTime t = Files.getLastModifiedTime(f);
        Files.writeString(f, "three"); // new size, time put back
        Files.setLastModifiedTime(f, t);
        assertThat(cache.lookup(f, attrs(f))).isEmpty();

        cache.remember(f, attrs(f), "h3", Instant.EPOCH);
        Path replaced = Files.writeString(dir.resolve("tmp"), "three");
        Files.setLastModifiedTime(replaced, Files.getLastModifiedTime(f));
        Files.move(replaced, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // another inode
        assertThat(cache.lookup(f, attrs(f))).isEmpty();
        assertThat(cache.lookup(dir.resolve("never-seen"), attrs(f))).isEmpty();
    }
}
