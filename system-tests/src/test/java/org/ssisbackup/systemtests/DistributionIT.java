package org.ssisbackup.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 15: what {@code ./mvnw package} builds for admins. Each agent's Windows distribution holds its jar, a
 * configuration template that is valid YAML naming the settings the agent reads, a WinSW service definition whose
 * service runs that jar from that folder, install and uninstall scripts for PowerShell (CRLF, every placeholder
 * filled), and a systemd unit; the client's distribution holds its jar and both launchers. The scripts themselves
 * run on Windows only (not on this machine): what is checked here is what they are made of.
 */
class DistributionIT {
    static final String VERSION = "0.1.0-SNAPSHOT";

    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                if (!e.isDirectory()) {
                    String name = e.getName().substring(e.getName().indexOf('/') + 1);
                    out.put(
                            name,
                            e.getSize() > 1 << 20
                                    ? new byte[0]
                                    : z.getInputStream(e).readAllBytes());
                }
            }
        }
        return out;
    }

    static String text(Map<String, byte[]> zip, String name) {
        assertThat(zip).containsKey(name);
        return new String(zip.get(name), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fs-agent", "msdb-agent"})
    void eachAgentHasAWindowsDistribution(String agent) throws Exception {
        Path zip = Path.of("..", agent, "target", agent + "-" + VERSION + "-windows.zip");
        assertThat(zip).exists();
        Map<String, byte[]> files = entries(zip);
        assertThat(files.keySet())
                .containsExactlyInAnyOrder(
                        agent + ".jar",
                        "config/application.yml.template",
                        "service.xml",
                        "install-service.ps1",
                        "uninstall-service.ps1",
                        "README.md",
                        "linux/ssis-backup-" + agent + ".service");
        for (String name : files.keySet()) {
            if (!name.endsWith(".jar")) {
                assertThat(text(files, name))
                        .as(name + ": every placeholder filled")
                        .doesNotContain("${");
            }
        }

        Document service = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(new ByteArrayInputStream(files.get("service.xml")));
        assertThat(service.getElementsByTagName("id").item(0).getTextContent()).isEqualTo("ssis-backup-" + agent);
        assertThat(service.getElementsByTagName("arguments").item(0).getTextContent())
                .contains("-jar \"%BASE%\\" + agent + ".jar\"", "-XX:+UseSerialGC", "-Xms16m");
        assertThat(service.getElementsByTagName("onfailure").getLength()).isEqualTo(3);
        assertThat(service.getElementsByTagName("logpath").item(0).getTextContent())
                .isEqualTo("%ProgramData%\\ssis-backup\\" + agent + "\\logs");

        for (String script : new String[] {"install-service.ps1", "uninstall-service.ps1"}) {
            String ps1 = text(files, script);
            assertThat(ps1).as(script + " has Windows line ends").contains("\r\n");
            assertThat(ps1.replace("\r\n", "")).as(script + ": no bare LF").doesNotContain("\n");
            assertThat(ps1).contains("$id = 'ssis-backup-" + agent + "'");
        }
        String install = text(files, "install-service.ps1");
        assertThat(install).contains("sc.exe failure $id", "SetAccessRuleProtection($true", "obj= $Account");

        Map<String, Object> template = new Yaml().load(text(files, "config/application.yml.template"));
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = (Map<String, Object>) template.get("ssisbackup");
        assertThat(settings).containsKey("agent").containsKey(agent.equals("fs-agent") ? "fs" : "msdb");

        Properties unit = new Properties();
        String systemd = text(files, "linux/ssis-backup-" + agent + ".service");
        unit.load(new java.io.StringReader(systemd.replaceAll("(?m)^\\[.*]$", "")));
        assertThat(unit.getProperty("ExecStart")).endsWith("-jar /opt/ssis-backup/" + agent + ".jar");
        assertThat(unit.getProperty("Environment")).isNotNull();
        assertThat(systemd).contains("Environment=MALLOC_ARENA_MAX=2", "UMask=0077", "Restart=on-failure");
        // The service and the unit run the agent as the local stack and bench/footprint.sh do.
        List<String> options =
                FootprintBenchmark.jvmOptions(Path.of("..", "agent-runtime", "src", "dist", "jvm.options"));
        assertThat(options).contains("-XX:+UseSerialGC");
        assertThat(List.of(service.getElementsByTagName("arguments")
                        .item(0)
                        .getTextContent()
                        .split(" ", -1)))
                .containsAll(options);
        assertThat(List.of(unit.getProperty("ExecStart").split(" ", -1))).containsAll(options);
    }

    @org.junit.jupiter.api.Test
    void theClientHasADistributionWithBothLaunchers() throws IOException {
        Map<String, byte[]> files = entries(Path.of("..", "cli", "target", "ssis-backup-cli-" + VERSION + "-dist.zip"));
        assertThat(files.keySet())
                .containsExactlyInAnyOrder(
                        "ssis-backup-cli.jar", "ssis-backup", "ssis-backup.cmd", "config.example.yml");
        assertThat(text(files, "ssis-backup.cmd")).contains("\r\n", "-jar \"%~dp0ssis-backup-cli.jar\" %*");
        assertThat(text(files, "ssis-backup")).startsWith("#!/usr/bin/env sh").contains("ssis-backup-cli.jar\" \"$@\"");
        Map<String, Object> example = new Yaml().load(text(files, "config.example.yml"));
        assertThat(example).containsKey("contexts").containsEntry("current-context", "prod");
        assertThat(Files.exists(Path.of("..", "ssis-backup.cmd"))).isTrue();
    }
}
