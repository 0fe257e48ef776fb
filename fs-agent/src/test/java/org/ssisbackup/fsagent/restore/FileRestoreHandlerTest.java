package org.ssisbackup.fsagent.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileRestoreHandlerTest {
    @Test
    void refusesPathsThatCouldLeaveTheirRoot() {
        Path root = Path.of("/restore");
        assertThat(FileRestoreHandler.refusal("/srv/a/../../etc/passwd", root))
                .hasValueSatisfying(r -> assertThat(r).contains(".."));
        assertThat(FileRestoreHandler.refusal("C:/ETL/./x", root)).isPresent();
        assertThat(FileRestoreHandler.refusal("relative/x.dtsx", null))
                .hasValueSatisfying(r -> assertThat(r).contains("not an absolute path"));
        assertThat(FileRestoreHandler.refusal("C:/ETL/Config/a.dtsConfig", null))
                .isEmpty();
        assertThat(FileRestoreHandler.refusal("/srv/ssis/a.dtsx", root)).isEmpty();
    }

    @Test
    void aSweepAfterAnInterruptedRestoreRemovesOnlyItsTemporaryFiles(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path sub = java.nio.file.Files.createDirectories(dir.resolve("C/ETL/Config"));
        java.nio.file.Files.writeString(sub.resolve(".ssis-restore-123.tmp"), "half a file");
        java.nio.file.Files.writeString(dir.resolve(".ssis-restore-9.tmp"), "another");
        java.nio.file.Files.writeString(sub.resolve("Warehouse.dtsConfig"), "a restored file");
        java.nio.file.Files.writeString(sub.resolve("notes.tmp"), "someone else's");
        assertThat(FileRestoreHandler.sweep(dir)).isEqualTo(2);
        try (java.util.stream.Stream<Path> left = java.nio.file.Files.walk(dir)) {
            assertThat(left.filter(java.nio.file.Files::isRegularFile)
                            .map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("Warehouse.dtsConfig", "notes.tmp");
        }
        assertThat(FileRestoreHandler.sweep(dir.resolve("missing"))).isZero();
    }
}
