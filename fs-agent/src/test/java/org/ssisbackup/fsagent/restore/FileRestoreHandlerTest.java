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
}
