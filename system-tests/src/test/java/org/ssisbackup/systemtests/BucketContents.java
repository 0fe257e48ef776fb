package org.ssisbackup.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ssisbackup.storage.ObjectStore;

/** The bucket as anyone with read access sees it: every object's name and bytes. */
final class BucketContents {
    /** Bytes taken from each source at several places: any of them found in an object means plaintext at rest. */
    static final int NEEDLE = 32;

    private BucketContents() {}

    /**
     * No object holds a {@value #NEEDLE}-byte string of any source (at its start, middle, end and between), and no
     * object's name holds any of the given plain SHA-256s.
     */
    static void assertNothingReadable(ObjectStore bucket, List<byte[]> sources, List<String> plainShas) {
        List<byte[]> needles = new ArrayList<>();
        for (byte[] source : sources) {
            if (source.length < NEEDLE) {
                if (source.length >= 16) { // shorter strings turn up in random bytes by chance
                    needles.add(source);
                }
                continue;
            }
            for (int k = 0; k <= 4; k++) {
                int at = (int) ((long) (source.length - NEEDLE) * k / 4);
                needles.add(Arrays.copyOfRange(source, at, at + NEEDLE));
            }
        }
        List<String> keys = bucket.list("");
        assertThat(keys).as("the bucket holds the backup").isNotEmpty();
        for (String key : keys) {
            for (String sha : plainShas) {
                assertThat(key).as("an object's name reveals a file's SHA-256").doesNotContain(sha);
            }
            byte[] object;
            try (InputStream in = bucket.get(key)) {
                object = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (byte[] needle : needles) {
                assertThat(indexOf(object, needle))
                        .as(
                                "%s holds plaintext of a captured item: %s",
                                key, new String(needle, java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo(-1);
            }
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
