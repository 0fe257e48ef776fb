package org.ssisbackup.fsagent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ssisbackup.storage.repository.Repository;

class HashCacheTest {
    @TempDir
    Path dir;

    private static Repository.StoredContent content(String sha) {
        return new Repository.StoredContent("s", sha, 3, java.util.List.of(), false);
    }

    private BasicFileAttributes attrs(Path f) throws Exception {
        return Files.readAttributes(f, BasicFileAttributes.class);
    }

    @Test
    void whereAFileWentHoldsOnlyWhileSizeTimeAndFileAreUnchanged() throws Exception {
        HashCache cache = new HashCache();
        Path f = Files.writeString(dir.resolve("a.dtsx"), "one");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-02-29T10:00:00Z")));
        cache.remember(f, attrs(f), content("h1"));
        assertThat(cache.lookup(f, attrs(f)))
                .map(Repository.StoredContent::sha256)
                .contains("h1");

        Files.writeString(f, "two"); // same size, new time
        assertThat(cache.lookup(f, attrs(f))).isEmpty();

        cache.remember(f, attrs(f), content("h2"));
        FileTime t = Files.getLastModifiedTime(f);
        Files.writeString(f, "three"); // new size, time put back
        Files.setLastModifiedTime(f, t);
        assertThat(cache.lookup(f, attrs(f))).isEmpty();

        cache.remember(f, attrs(f), content("h3"));
        Path replaced = Files.writeString(dir.resolve("tmp"), "three");
        Files.setLastModifiedTime(replaced, Files.getLastModifiedTime(f));
        Files.move(replaced, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // another inode
        assertThat(cache.lookup(f, attrs(f))).isEmpty();
        assertThat(cache.lookup(dir.resolve("never-seen"), attrs(f))).isEmpty();
    }
}
