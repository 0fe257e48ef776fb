package org.ssisbackup.fsagent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostPathsTest {
    @Test
    void hostPathsResolveRelativeWindowsAndMappedDrives() {
        HostPaths paths = new HostPaths(Map.of("d:", Path.of("/mnt/d")));
        Path binn = Path.of("/srv/c/Program Files/Microsoft SQL Server/160/DTS/Binn");
        assertThat(paths.resolve("..\\Packages", binn))
                .contains(Path.of("/srv/c/Program Files/Microsoft SQL Server/160/DTS/Packages"));
        assertThat(paths.resolve("D:\\SSIS\\x.dtsConfig", binn)).contains(Path.of("/mnt/d/SSIS/x.dtsConfig"));
        assertThat(paths.resolve("E:\\nowhere", binn)).isEmpty();
        assertThat(paths.resolve("/opt/ssis", binn)).contains(Path.of("/opt/ssis"));
    }

    @Test
    void filesUnderAMappedDriveAreRecordedWithTheHostsPath() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("windows"));
        HostPaths paths = new HostPaths(Map.of("C", Path.of("/srv/host"), "d:", Path.of("/srv/host/d-drive")));
        assertThat(paths.hostPathOf(Path.of("/srv/host/ETL/Config/x.dtsConfig")))
                .isEqualTo("C:\\ETL\\Config\\x.dtsConfig");
        assertThat(paths.hostPathOf(Path.of("/srv/host/d-drive/SSIS/y.dtsx"))).isEqualTo("D:\\SSIS\\y.dtsx");
        assertThat(paths.hostPathOf(Path.of("/opt/other/z.dtsx"))).isEqualTo("/opt/other/z.dtsx");
        // and back again
        assertThat(paths.resolve(paths.hostPathOf(Path.of("/srv/host/ETL/x.dtsx")), Path.of("/")))
                .contains(Path.of("/srv/host/ETL/x.dtsx"));
    }

    @Test
    void aUncPathIsNeverPlacedUnderTheRootOffWindows() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("windows"));
        HostPaths paths = new HostPaths(Map.of());
        assertThat(paths.resolve("\\\\files01\\ssis\\x.dtsConfig", Path.of("/srv")))
                .isEmpty();
        assertThat(paths.resolve("//files01/ssis/x.dtsConfig", Path.of("/srv"))).isEmpty();
    }
}
