package org.ssisbackup.fsagent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileSelectionTest {
    @Test
    void everythingWithoutGlobs() {
        assertThat(new FileSelection(List.of(), List.of()).selects(Path.of("Finance/MonthEnd.dtsx")))
                .isTrue();
    }

    @Test
    void aGlobWithoutSlashMatchesTheNameAnywhere() {
        FileSelection s = new FileSelection(List.of(), List.of("*.tmp", "archive/**"));
        assertThat(s.selects(Path.of("x.tmp"))).isFalse();
        assertThat(s.selects(Path.of("Finance/deep/x.tmp"))).isFalse();
        assertThat(s.selects(Path.of("archive/2019/Old.dtsx"))).isFalse();
        assertThat(s.selects(Path.of("Finance/archive.dtsx"))).isTrue();
        assertThat(s.selects(Path.of("Finance/MonthEnd.dtsx"))).isTrue();
    }

    @Test
    void includeNarrowsAndExcludeWins() {
        FileSelection s = new FileSelection(List.of("*.dtsx", "*.dtsConfig", "Finance\\*.bat"), List.of("Draft*.dtsx"));
        assertThat(s.selects(Path.of("LoadCustomers.dtsx"))).isTrue();
        assertThat(s.selects(Path.of("Finance/MonthEnd.dtsConfig"))).isTrue();
        assertThat(s.selects(Path.of("Finance/run-monthend.bat"))).isTrue();
        assertThat(s.selects(Path.of("run.bat"))).isFalse();
        assertThat(s.selects(Path.of("Finance/DraftLoad.dtsx"))).isFalse();
        assertThat(s.selects(Path.of("readme.txt"))).isFalse();
    }
}
