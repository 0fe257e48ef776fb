package org.ssisbackup.ssis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssisbackup.ssis.DtexecCommandLine.Option;

/** The command lines of Microsoft's dtexec documentation, and what SQL Server Agent stores for its steps. */
class DtexecCommandLineTest {

    @Test
    void readsTheDocumentationsFileAndConfigurationExample() {
        DtexecCommandLine d = DtexecCommandLine.parse("dtexec /f \"c:\\pkgOne.dtsx\" /conf \"c:\\pkgOneConfig.cfg\"");
        assertThat(d.packageFile()).contains("c:\\pkgOne.dtsx");
        assertThat(d.configFiles()).containsExactly("c:\\pkgOneConfig.cfg");
    }

    @Test
    void readsMsdbPackagesOnANamedServer() {
        DtexecCommandLine d = DtexecCommandLine.parse("dtexec /sq pkgOne /ser productionServer");
        assertThat(d.msdbPackage()).contains("pkgOne");
        assertThat(d.server()).contains("productionServer");
        assertThat(d.packageFile()).isEmpty();
    }

    @Test
    void readsTheSsisPackageStoreAndTheCatalog() {
        assertThat(DtexecCommandLine.parse("dtexec /dts \"\\File System\\MyPackage\"")
                        .storePackage())
                .contains("\\File System\\MyPackage");
        DtexecCommandLine d = DtexecCommandLine.parse(
                "dtexec /ISSERVER \"\\SSISDB\\folderB\\Integration Services Project17\\Package.dtsx\" /SERVER \".\""
                        + " /Envreference 2 /Par \"$Project::ProjectParameter(Int32)\";1 /Par \"Parameter(Int32)\";21"
                        + " /Par \"$ServerOption::SYNCHRONIZED(Boolean)\";True");
        assertThat(d.catalogPackage()).contains("\\SSISDB\\folderB\\Integration Services Project17\\Package.dtsx");
        assertThat(d.server()).contains(".");
        assertThat(d.values(Option.PARAMETER))
                .containsExactly(
                        "$Project::ProjectParameter(Int32);1",
                        "Parameter(Int32);21",
                        "$ServerOption::SYNCHRONIZED(Boolean);True");
        assertThat(d.value(Option.ENV_REFERENCE)).contains("2");
    }

    @Test
    void readsAgentsDoublyQuotedStepCommands() {
        // What SSMS writes into sysjobsteps.command for a step of subsystem SSIS.
        DtexecCommandLine file = DtexecCommandLine.parse("/FILE \"\\\"D:\\ETL\\Load.dtsx\\\"\" /CONFIGFILE"
                + " \"\\\"D:\\Config\\x.dtsConfig\\\"\" /CHECKPOINTING OFF /REPORTING E");
        assertThat(file.packageFile()).contains("D:\\ETL\\Load.dtsx");
        assertThat(file.configFiles()).containsExactly("D:\\Config\\x.dtsConfig");
        assertThat(file.value(Option.CHECKPOINTING)).contains("OFF");
        assertThat(file.value(Option.REPORTING)).contains("E");

        DtexecCommandLine sql = DtexecCommandLine.parse(
                "/SQL \"\\\"\\ETL\\Load\\\"\" /SERVER \"\\\"SQL01\\INST\\\"\" /CHECKPOINTING OFF /REPORTING E");
        assertThat(sql.msdbPackage()).contains("\\ETL\\Load");
        assertThat(sql.server()).contains("SQL01\\INST");

        DtexecCommandLine catalog = DtexecCommandLine.parse("/ISSERVER \"\\\"\\SSISDB\\F\\P\\Pkg.dtsx\\\"\""
                + " /SERVER \"\\\"SQL01\\\"\" /Par \"\\\"$ServerOption::LOGGING_LEVEL(Int16)\\\"\";1");
        assertThat(catalog.catalogPackage()).contains("\\SSISDB\\F\\P\\Pkg.dtsx");
    }

    @Test
    void readsCmdExecStepsThatCallDtexecByPathWithShortOptions() {
        String command = "\"C:\\Program Files\\Microsoft SQL Server\\150\\DTS\\Binn\\DTExec.exe\""
                + " /F \"D:\\ETL Jobs\\Load.dtsx\" /CONF D:\\Config\\a.dtsConfig -Conf \"D:\\Config\\b.dtsConfig\""
                + " /DE s3cret /SET \\Package.Variables[User::Pw].Value;hunter2 /U etl /P pw2";
        assertThat(DtexecCommandLine.runsDtexec(command)).isTrue();
        DtexecCommandLine d = DtexecCommandLine.parse(command);
        assertThat(d.packageFile()).contains("D:\\ETL Jobs\\Load.dtsx");
        assertThat(d.configFiles()).containsExactly("D:\\Config\\a.dtsConfig", "D:\\Config\\b.dtsConfig");
        assertThat(d.value(Option.DECRYPT)).contains("s3cret");
        assertThat(d.value(Option.USER)).contains("etl");
        assertThat(d.value(Option.PASSWORD)).contains("pw2");
        String redacted = d.redacted();
        assertThat(redacted)
                .doesNotContain("s3cret", "hunter2", "pw2")
                .contains("/File \"D:\\ETL Jobs\\Load.dtsx\"", "/Decrypt ********", "/Set ********", "/User etl");

        assertThat(DtexecCommandLine.runsDtexec("dtexec.exe /f x.dtsx")).isTrue();
        assertThat(DtexecCommandLine.runsDtexec("C:\\tools\\DTEXEC /f x.dtsx")).isTrue();
        assertThat(DtexecCommandLine.runsDtexec("robocopy D:\\a D:\\b")).isFalse();
        assertThat(DtexecCommandLine.runsDtexec("\"unclosed")).isFalse();
    }

    @Test
    void abbreviationsFollowTheDocumentedShortestForms() {
        assertThat(options("/P x /Pack y /Par z;1 /Proj w.ispac"))
                .containsExactly(Option.PASSWORD, Option.PACKAGE, Option.PARAMETER, Option.PROJECT);
        assertThat(options("/De x /D y /Dump 0xC020801C /DumpOnError /Dts z"))
                .containsExactly(Option.DECRYPT, Option.DTS, Option.DUMP, Option.DUMP_ON_ERROR, Option.DTS);
        assertThat(options("/Conf a /Conn b;c /Cons /Config d /ConfigFile e"))
                .containsExactly(
                        Option.CONFIG_FILE,
                        Option.CONNECTION,
                        Option.CONSOLE_LOG,
                        Option.CONFIG_FILE,
                        Option.CONFIG_FILE);
        assertThat(options("/Checkpointing /CheckFile c.chk /Res force /Rep EW /Rem a-comment /Sum /Va /W /X86"))
                .containsExactly(
                        Option.CHECKPOINTING,
                        Option.CHECK_FILE,
                        Option.RESTART,
                        Option.REPORTING,
                        Option.REM,
                        Option.SUM,
                        Option.VALIDATE,
                        Option.WARN_AS_ERROR,
                        Option.X86);
        assertThat(options("/VerifyB 1;0;12 /VerifyP {a} /VerifyS /VerifyV {b} /VLog v.log /M 4 /L p;c"))
                .containsExactly(
                        Option.VERIFY_BUILD,
                        Option.VERIFY_PACKAGE_ID,
                        Option.VERIFY_SIGNED,
                        Option.VERIFY_VERSION_ID,
                        Option.VLOG,
                        Option.MAX_CONCURRENT,
                        Option.LOGGER);
    }

    @Test
    void splitsAsTheCRuntimeDoes() {
        assertThat(DtexecCommandLine.split("a\\\\\"b c\" d")).containsExactly("a\\b c", "d");
        assertThat(DtexecCommandLine.split("\\\\server\\share\\x.dtsx  \"\""))
                .containsExactly("\\\\server\\share\\x.dtsx", "");
        assertThat(DtexecCommandLine.split("a\\\\\\\"b")).containsExactly("a\\\"b");
        assertThat(DtexecCommandLine.split("\tx\n y ")).containsExactly("x", "y");
    }

    @Test
    void refusesWhatDtexecRefusesWithoutEchoingSecrets() {
        assertThatThrownBy(() -> DtexecCommandLine.parse("/F \"D:\\x.dtsx /DE s3cret"))
                .hasMessage("a quote is not closed");
        assertThatThrownBy(() -> DtexecCommandLine.parse("/F")).hasMessage("/File needs a value");
        assertThatThrownBy(() -> DtexecCommandLine.parse("/Q x")).hasMessageContaining("no option /Q");
        assertThatThrownBy(() -> DtexecCommandLine.parse("/F x.dtsx s3cret"))
                .hasMessage("argument 3 is not a dtexec option")
                .message()
                .doesNotContain("s3cret");
        assertThatThrownBy(() -> DtexecCommandLine.parse("/C x")).hasMessageContaining("no option");
        assertThatThrownBy(() -> DtexecCommandLine.parse("/F " + "x".repeat(DtexecCommandLine.MAX_LENGTH)))
                .hasMessageContaining("at most");
    }

    private static List<Option> options(String line) {
        return DtexecCommandLine.parse(line).arguments().stream()
                .map(DtexecCommandLine.Argument::option)
                .toList();
    }
}
