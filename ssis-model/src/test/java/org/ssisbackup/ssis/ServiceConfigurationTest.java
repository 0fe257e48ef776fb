package org.ssisbackup.ssis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void listsFileSystemFoldersAndReportsSqlServerFolders() throws IOException {
        Path ini = dir.resolve("MsDtsSrvr.ini.xml");
        Files.writeString(ini, """
                <?xml version="1.0" encoding="utf-8"?>
                <DtsServiceConfiguration xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
                  <StopExecutingPackagesOnShutdown>true</StopExecutingPackagesOnShutdown>
                  <TopLevelFolders>
                    <Folder xsi:type="SqlServerFolder"><Name>MSDB</Name><ServerName>.</ServerName></Folder>
                    <Folder xsi:type="FileSystemFolder"><Name>File System</Name><StorePath>..\\Packages</StorePath></Folder>
                    <Folder xsi:type="FileSystemFolder"><Name>D drive</Name><StorePath>D:\\SSIS</StorePath></Folder>
                  </TopLevelFolders>
                </DtsServiceConfiguration>""");
        ServiceConfiguration c = ServiceConfiguration.read(ini);
        assertThat(c.folders()).hasSize(3);
        assertThat(c.folders().get(0)).isEqualTo(new ServiceConfiguration.Folder("SqlServerFolder", "MSDB", null, "."));
        assertThat(c.fileSystemFolders())
                .extracting(ServiceConfiguration.Folder::storePath)
                .containsExactly("..\\Packages", "D:\\SSIS");
    }

    @Test
    void malformedXmlIsAClearError() throws IOException {
        Path ini = dir.resolve("bad.xml");
        Files.writeString(ini, "<DtsServiceConfiguration><TopLevelFolders>");
        assertThatThrownBy(() -> ServiceConfiguration.read(ini))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("malformed XML");
        Files.writeString(ini, "<Something/>");
        assertThatThrownBy(() -> ServiceConfiguration.read(ini))
                .hasMessageContaining("not an SSIS service configuration");
    }
}
