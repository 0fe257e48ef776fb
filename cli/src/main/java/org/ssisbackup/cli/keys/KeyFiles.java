package org.ssisbackup.cli.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ssisbackup.platform.files.OwnerOnlyFiles;

/**
 * Writes a key file only its owner can read: mode 600 where the file system has POSIX permissions, an ACL naming the
 * owner alone where it has ACLs (NTFS on a Windows server). An existing file is never overwritten.
 */
final class KeyFiles {
    private KeyFiles() {}

    static void writePrivate(Path file, String line) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            OwnerOnlyFiles.create(file);
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(file + " exists already: a key file is never overwritten", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
