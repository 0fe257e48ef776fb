package org.ssisbackup.ssis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackageXmlTest {
    private static PackageXml.PackageInfo read(String xml) throws IOException {
        return PackageXml.read(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsThePackagesHeaderInBothForms() throws IOException {
        PackageXml.Header h2012 = read("""
                <?xml version="1.0"?>
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="Microsoft.Package"
                  DTS:ObjectName="Load" DTS:DTSID="{0B8F5A2E-31C7-4D0E-A5B2-6A1C9E4F7D21}" DTS:VersionMajor="2"
                  DTS:VersionMinor="1" DTS:VersionBuild="42" DTS:VersionGUID="{11111111-2222-3333-4444-555555555555}"
                  DTS:VersionComments="nightly" DTS:Description="Loads" DTS:CreationDate="3/4/2021 5:06:07 AM"
                  DTS:PackageType="5" DTS:ProtectionLevel="0"><DTS:Property DTS:Name="PackageFormatVersion">8</DTS:Property>
                </DTS:Executable>""").header();
        assertThat(h2012.objectName()).isEqualTo("Load");
        assertThat(h2012.dtsId()).isEqualTo("{0B8F5A2E-31C7-4D0E-A5B2-6A1C9E4F7D21}");
        assertThat(h2012.versionGuid()).isEqualTo("{11111111-2222-3333-4444-555555555555}");
        assertThat(List.of(h2012.versionMajor(), h2012.versionMinor(), h2012.versionBuild(), h2012.packageType()))
                .containsExactly(2, 1, 42, 5);
        assertThat(h2012.versionComments()).isEqualTo("nightly");
        assertThat(h2012.description()).isEqualTo("Loads");
        assertThat(h2012.creationDate()).isEqualTo("3/4/2021 5:06:07 AM");
        assertThat(h2012.formatVersion()).isEqualTo(8);
        assertThat(h2012.msdbPackageFormat()).isEqualTo(3);

        PackageXml.Header h2005 = read("""
                <?xml version="1.0"?>
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="MSDTS.Package.1">
                  <DTS:Property DTS:Name="PackageFormatVersion">2</DTS:Property>
                  <DTS:Property DTS:Name="ObjectName">Old</DTS:Property>
                  <DTS:Property DTS:Name="VersionBuild">7</DTS:Property>
                  <DTS:Executable DTS:ExecutableType="STOCK:SEQUENCE"><DTS:Property DTS:Name="VersionBuild">99</DTS:Property></DTS:Executable>
                </DTS:Executable>""").header();
        assertThat(h2005.objectName()).isEqualTo("Old");
        assertThat(h2005.versionBuild()).isEqualTo(7);
        assertThat(h2005.versionMajor()).isEqualTo(-1);
        assertThat(h2005.msdbPackageFormat()).isEqualTo(2);
        // 2008 kept the 2005 form with ExecutableType SSIS.Package.2 and format version 3: msdb calls that 3.
        PackageXml.Header h2008 = read("""
                <?xml version="1.0"?>
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="SSIS.Package.2">
                  <DTS:Property DTS:Name="PackageFormatVersion">3</DTS:Property>
                </DTS:Executable>""").header();
        assertThat(h2008.msdbPackageFormat()).isEqualTo(3);
    }

    @Test
    void readsThe2012AttributeForm() throws IOException {
        PackageXml.PackageInfo info = read("""
                <?xml version="1.0"?>
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="Microsoft.Package" DTS:ProtectionLevel="2">
                  <DTS:Configurations>
                    <DTS:Configuration DTS:ConfigurationString="C:\\ETL\\a.dtsConfig" DTS:ConfigurationType="1" DTS:ObjectName="A"/>
                    <DTS:Configuration DTS:ConfigurationString="&quot;Cfg&quot;;&quot;[dbo].[SSIS Configurations]&quot;;&quot;F&quot;;" DTS:ConfigurationType="7"/>
                  </DTS:Configurations>
                </DTS:Executable>""");
        assertThat(info.protectionLevel()).isEqualTo(2);
        assertThat(info.fullyEncrypted()).isFalse();
        assertThat(info.configurations())
                .containsExactly(
                        new PackageXml.Configuration(1, "C:\\ETL\\a.dtsConfig", "A"),
                        new PackageXml.Configuration(7, "\"Cfg\";\"[dbo].[SSIS Configurations]\";\"F\";", null));
    }

    @Test
    void readsThe2005And2008PropertyElementForm() throws IOException {
        PackageXml.PackageInfo info = read("""
                <?xml version="1.0"?>
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="SSIS.Package.2">
                <DTS:Property DTS:Name="ProtectionLevel">1</DTS:Property>
                <DTS:Configuration>
                <DTS:Property DTS:Name="ConfigurationType">5</DTS:Property>
                <DTS:Property DTS:Name="ConfigurationString">SSIS_CFG</DTS:Property>
                <DTS:Property DTS:Name="ObjectName">Env</DTS:Property>
                </DTS:Configuration>
                </DTS:Executable>""");
        assertThat(info.protectionLevel()).isEqualTo(1);
        assertThat(info.configurations()).containsExactly(new PackageXml.Configuration(5, "SSIS_CFG", "Env"));
        assertThat(info.configurations().get(0).isIndirectConfigFile()).isTrue();
    }

    @Test
    void connectionManagersGiveServerAndDatabaseButNeverTheirSecrets() throws IOException {
        PackageXml.PackageInfo modern = read("""
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ProtectionLevel="0">
                  <DTS:ConnectionManagers>
                    <DTS:ConnectionManager DTS:ObjectName="Cfg" DTS:CreationName="OLEDB">
                      <DTS:ObjectData>
                        <DTS:ConnectionManager DTS:ConnectionString="Data Source=.;Initial Catalog=SSISConfig;Provider=SQLNCLI11.1;User ID=etl;Password=Secret-1;"/>
                      </DTS:ObjectData>
                    </DTS:ConnectionManager>
                  </DTS:ConnectionManagers>
                </DTS:Executable>""");
        assertThat(modern.connections()).containsExactly(new PackageXml.ConnectionTarget("Cfg", ".", "SSISConfig"));
        assertThat(modern.toString()).doesNotContain("Secret-1");

        PackageXml.PackageInfo legacy = read("""
                <DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts" DTS:ExecutableType="SSIS.Package.2">
                <DTS:ConnectionManager>
                <DTS:Property DTS:Name="ObjectName">Warehouse</DTS:Property>
                <DTS:ObjectData><DTS:ConnectionManager>
                <DTS:Property DTS:Name="ConnectionString">Server=dw01\\PROD;Database=DW;Integrated Security=SSPI;</DTS:Property>
                </DTS:ConnectionManager></DTS:ObjectData>
                </DTS:ConnectionManager>
                </DTS:Executable>""");
        assertThat(legacy.connections())
                .containsExactly(new PackageXml.ConnectionTarget("Warehouse", "dw01\\PROD", "DW"));
    }

    @Test
    void encryptedMalformedAndHostileInputs() throws IOException {
        assertThat(read("<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\" DTS:ProtectionLevel=\"3\"/>")
                        .fullyEncrypted())
                .isTrue();
        assertThatThrownBy(() -> read("<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\">"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> read("<Other/>"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not an SSIS package");
        // External entities are refused, never resolved.
        assertThatThrownBy(() -> read("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                        + "<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\">&e;</DTS:Executable>"))
                .isInstanceOf(IOException.class);
    }
}
