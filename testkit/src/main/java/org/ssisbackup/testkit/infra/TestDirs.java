package org.ssisbackup.testkit.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Folders a test owns (a fresh one per call), as text for a property. */
public final class TestDirs {
    private TestDirs() {}

    public static String temp(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
