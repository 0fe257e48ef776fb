package org.ssisbackup.fsagent.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileRestorerTest {
    @Test
    void refusesPathsThatCouldLeaveTheirRoot() {
        Path root = Path.of("/restore");
        assertThat(FileRestorer.refusal("/srv/a/../../etc/passwd", root)).hasValueSatisfying(r -> assertThat(r).contains(".."));
        assertThat(FileRestorer.refusal("C:/ETL/./x", root)).isPresent();
        assertThat(FileRestorer.refusal("relative/x.dtsx", null)).hasValueSatisfying(r -> assertThat(r).contains("not an absolute path"));
        assertThat(FileRestorer.refusal("C:/ETL/Config/a.dtsConfig", null)).isEmpty();
        assertThat(FileRestorer.refusal("/srv/ssis/a.dtsx", root)).isEmpty();
    }
}
