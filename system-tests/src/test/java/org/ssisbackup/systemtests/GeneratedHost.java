package org.ssisbackup.systemtests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.ssisbackup.testkit.infra.SampleHost;

/**
 * An SSIS host's file system shaped like a real one, for benchmarks: packages of XML that compresses as real
 * {@code .dtsx} does (repeated element names, GUIDs, SQL, expressions), each with its configuration file holding a
 * connection string and a password, a few scripts, and one large binary (a component installer). Deterministic for
 * a seed. The service configuration is the sample host's, so the packages live in its folders.
 */
final class GeneratedHost {
    static final String PACKAGES = "Program Files/Microsoft SQL Server/160/DTS/Packages";
    private static final String[] WORDS = {
        "Customer",
        "Order",
        "Invoice",
        "Ledger",
        "Warehouse",
        "Stage",
        "Dim",
        "Fact",
        "Product",
        "Region",
        "Sales",
        "Account",
        "Budget",
        "Payroll",
        "Vendor",
        "Shipment",
        "Return",
        "Currency",
        "Calendar",
        "Employee"
    };

    final Path root;
    final List<Path> packages = new ArrayList<>();
    long bytes;
    int files;

    private GeneratedHost(Path root) {
        this.root = root;
    }

    /** {@code packages} packages and as many configuration files, 8 scripts, a {@code largeMiB} binary. */
    static GeneratedHost generate(Path root, int packages, int largeMiB, long seed) throws IOException {
        GeneratedHost h = new GeneratedHost(root);
        Path ini = root.resolve(SampleHost.SERVICE_CONFIG);
        Files.createDirectories(ini.getParent());
        try (var in = GeneratedHost.class.getResourceAsStream("/sample-host/" + SampleHost.SERVICE_CONFIG)) {
            h.write(ini, in.readAllBytes());
        }
        Files.createDirectories(root.resolve("ETL/Packages")); // the sample configuration's second folder
        Random r = new Random(seed);
        for (int i = 0; i < packages; i++) {
            String project = WORDS[i % WORDS.length] + "Load";
            Path dir = root.resolve(PACKAGES).resolve(project);
            String name = WORDS[r.nextInt(WORDS.length)] + WORDS[r.nextInt(WORDS.length)] + i;
            Path config = dir.resolve(name + ".dtsConfig");
            int kib = packageSize(r);
            Path pkg = dir.resolve(name + ".dtsx");
            // As the package names it on the server: C:\Program Files\... (the agent maps drive C to the root).
            String configOnServer = "C:\\" + root.relativize(config).toString().replace('/', '\\');
            h.write(pkg, dtsx(r, name, configOnServer, kib));
            h.write(config, dtsConfig(r, name));
            h.packages.add(pkg);
        }
        for (int i = 0; i < 8; i++) {
            h.write(
                    root.resolve(PACKAGES).resolve("Scripts/run-" + i + ".ps1"),
                    ("# nightly run " + i + "\n& dtexec /FILE \"D:\\SSIS\\Load" + i + ".dtsx\" /REPORTING E\n")
                            .repeat(20)
                            .getBytes(UTF_8));
        }
        Path big = root.resolve(PACKAGES).resolve("Tools/CustomComponents.msi");
        Files.createDirectories(big.getParent());
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(big)) {
            for (int i = 0; i < largeMiB; i++) {
                r.nextBytes(block);
                out.write(block);
            }
        }
        h.bytes += (long) largeMiB * block.length;
        h.files++;
        return h;
    }

    /** Sizes as seen on real servers: most packages 20-100 KiB, some to 400 KiB, a few of 0.5-2 MiB. */
    private static int packageSize(Random r) {
        double p = r.nextDouble();
        return p < 0.65 ? 20 + r.nextInt(80) : p < 0.95 ? 100 + r.nextInt(300) : 512 + r.nextInt(1536);
    }

    private void write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        bytes += content.length;
        files++;
    }

    static byte[] dtsx(Random r, String name, String configPath, int kib) {
        StringBuilder x = new StringBuilder(kib * 1024 + 4096);
        x.append("<?xml version=\"1.0\"?>\n<DTS:Executable xmlns:DTS=\"www.microsoft.com/SqlServer/Dts\"\n")
                .append(
                        "  DTS:refId=\"Package\" DTS:CreationDate=\"3/14/2019 9:41:07 AM\" DTS:CreatorName=\"CORP\\etl\"")
                .append(" DTS:DTSID=\"{")
                .append(guid(r))
                .append("}\" DTS:ExecutableType=\"Microsoft.Package\" DTS:ObjectName=\"")
                .append(name)
                .append("\" DTS:VersionBuild=\"")
                .append(r.nextInt(90))
                .append("\">\n  <DTS:Property DTS:Name=\"PackageFormatVersion\">8</DTS:Property>\n")
                .append(
                        "  <DTS:Configurations>\n    <DTS:Configuration DTS:ConfigurationType=\"1\" DTS:ConfigurationString=\"")
                .append(configPath)
                .append("\" DTS:ObjectName=\"")
                .append(name)
                .append("Config\" DTS:DTSID=\"{")
                .append(guid(r))
                .append("}\" />\n  </DTS:Configurations>\n  <DTS:Executables>\n");
        int task = 0;
        while (x.length() < kib * 1024) {
            String table = WORDS[r.nextInt(WORDS.length)] + WORDS[r.nextInt(WORDS.length)];
            x.append("    <DTS:Executable DTS:refId=\"Package\\Load ")
                    .append(table)
                    .append(' ')
                    .append(task++)
                    .append("\" DTS:CreationName=\"Microsoft.ExecuteSQLTask\" DTS:DTSID=\"{")
                    .append(guid(r))
                    .append(
                            "}\" DTS:ExecutableType=\"Microsoft.ExecuteSQLTask\" DTS:LocaleID=\"-1\" DTS:ObjectName=\"Load ")
                    .append(table)
                    .append("\">\n      <DTS:ObjectData><SQLTask:SqlTaskData SQLTask:Connection=\"{")
                    .append(guid(r))
                    .append("}\" SQLTask:SqlStatementSource=\"INSERT INTO dw.")
                    .append(table)
                    .append(" (Id, Name, Amount, LoadedAt) SELECT s.Id, s.Name, s.Amount * ")
                    .append(r.nextInt(100))
                    .append(", GETDATE() FROM stage.")
                    .append(table)
                    .append(" s WHERE s.Batch = ? AND s.Region = '")
                    .append(WORDS[r.nextInt(WORDS.length)])
                    .append("'\" xmlns:SQLTask=\"www.microsoft.com/sqlserver/dts/tasks/sqltask\">\n")
                    .append(
                            "        <SQLTask:ParameterBinding SQLTask:ParameterName=\"0\" SQLTask:DtsVariableName=\"User::Batch")
                    .append(r.nextInt(10))
                    .append(
                            "\" SQLTask:ParameterDirection=\"Input\" SQLTask:DataType=\"3\" SQLTask:ParameterSize=\"-1\" />\n")
                    .append("      </SQLTask:SqlTaskData></DTS:ObjectData>\n    </DTS:Executable>\n");
        }
        return x.append("  </DTS:Executables>\n</DTS:Executable>\n").toString().getBytes(UTF_8);
    }

    static byte[] dtsConfig(Random r, String name) {
        return ("<?xml version=\"1.0\"?>\n<DTSConfiguration>\n  <DTSConfigurationHeading><DTSConfigurationFileInfo"
                        + " GeneratedBy=\"CORP\\etl\" GeneratedFromPackageName=\"" + name
                        + "\" GeneratedFromPackageID=\"{"
                        + guid(r) + "}\" GeneratedDate=\"3/14/2019\"/></DTSConfigurationHeading>\n"
                        + "  <Configuration ConfiguredType=\"Property\" Path=\"\\Package.Connections[Warehouse].Properties"
                        + "[ConnectionString]\" ValueType=\"String\">\n    <ConfiguredValue>Data Source=sql"
                        + r.nextInt(40) + ".corp.local;Initial Catalog=DW;User ID=etl_" + name + ";Password=P@ss-"
                        + Long.toHexString(r.nextLong())
                        + ";Provider=SQLNCLI11.1;</ConfiguredValue>\n  </Configuration>\n"
                        + "</DTSConfiguration>\n")
                .getBytes(UTF_8);
    }

    /** Changes one value in a package (a server name in its SQL), as an admin editing it would. */
    static void editOneValue(Path pkg) throws IOException {
        String xml = Files.readString(pkg, UTF_8);
        int at = xml.indexOf("s.Amount * ", xml.length() / 2);
        if (at < 0) {
            at = xml.indexOf("s.Amount * ");
        }
        Files.writeString(pkg, xml.substring(0, at) + "s.Amount * 1.19 * " + xml.substring(at + 11), UTF_8);
    }

    private static String guid(Random r) {
        return new UUID(r.nextLong(), r.nextLong()).toString().toUpperCase(java.util.Locale.ROOT);
    }
}
