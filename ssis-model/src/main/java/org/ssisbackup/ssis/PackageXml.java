package org.ssisbackup.ssis;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What the agents read inside a .dtsx: its protection level and its configurations, from either the 2012+
 * attribute form ({@code DTS:ConfigurationType="1"}) or the 2005/2008 property-element form
 * ({@code <DTS:Property DTS:Name="ConfigurationType">1</DTS:Property>}). Never reads an encrypted package.
 */
public final class PackageXml {
    static final String DTS = "www.microsoft.com/SqlServer/Dts";
    /** Configuration type 7: values in a SQL Server table ("connection";"table";"filter"). */
    public static final int SQL_SERVER_CONFIGURATION = 7;

    /** One DTS:Configuration: its type number and string (a path, a variable name, a connection/table/filter). */
    public record Configuration(int type, String string, String name) {
        /** Type 1: the string is a configuration file path. */
        public boolean isConfigFile() {
            return type == 1;
        }

        /** Type 5: the string names an environment variable that holds the configuration file path. */
        public boolean isIndirectConfigFile() {
            return type == 5;
        }
    }

    /**
     * A connection manager's name and where it points. Only the server and database are kept: the rest of a
     * connection string may hold a password.
     */
    public record ConnectionTarget(String name, String server, String database) {}

    /**
     * The package's own description of itself (the root element's DTS attributes, or its DTS:Property children in the
     * 2005/2008 form): what msdb's {@code sysssispackages} columns hold when dtutil copies a file into msdb. Values
     * are as written (null when absent); numbers are -1 when absent or not numbers.
     *
     * @param executableType {@code Microsoft.Package} (2016 and later), {@code SSIS.Package.3} (2012),
     *                       {@code SSIS.Package.2} (2008), {@code MSDTS.Package.1} (2005)
     * @param formatVersion the PackageFormatVersion property: 2 (2005), 3 (2008), 6 (2012), 8 (2016 and later)
     */
    public record Header(
            String objectName,
            String dtsId,
            String versionGuid,
            int versionMajor,
            int versionMinor,
            int versionBuild,
            String versionComments,
            String description,
            String creationDate,
            int packageType,
            String executableType,
            int formatVersion) {
        static final Header NONE = new Header(null, null, null, -1, -1, -1, null, null, null, -1, null, -1);

        static Header of(Map<String, String> p) {
            return new Header(
                    p.get("ObjectName"),
                    p.get("DTSID"),
                    p.get("VersionGUID"),
                    parseInt(p.get("VersionMajor"), -1),
                    parseInt(p.get("VersionMinor"), -1),
                    parseInt(p.get("VersionBuild"), -1),
                    p.get("VersionComments"),
                    p.get("Description"),
                    p.get("CreationDate"),
                    parseInt(p.get("PackageType"), -1),
                    p.get("ExecutableType"),
                    parseInt(p.get("PackageFormatVersion"), -1));
        }

        /** msdb's packageformat: 2 for a SQL Server 2005 package, 3 for 2008 and later. */
        public int msdbPackageFormat() {
            if (formatVersion >= 0) {
                return formatVersion <= 2 ? 2 : 3;
            }
            return "MSDTS.Package.1".equalsIgnoreCase(executableType) ? 2 : 3;
        }
    }

    /**
     * What a package says about its protection and its configurations.
     *
     * @param protectionLevel DTS:ProtectionLevel, or -1 when the package does not say */
    public record PackageInfo(
            int protectionLevel,
            List<Configuration> configurations,
            List<ConnectionTarget> connections,
            Header header) {
        public PackageInfo(int protectionLevel, List<Configuration> configurations) {
            this(protectionLevel, configurations, List.of(), Header.NONE);
        }

        /** Levels 3 and 4 encrypt the whole package. */
        public boolean fullyEncrypted() {
            return protectionLevel == 3 || protectionLevel == 4;
        }
    }

    /**
     * Reads a package in one streaming pass (StAX): no DOM is built of the task XML that is most of a package's bytes
     * (building it was half of a first backup's time). The whole package is read: a package malformed anywhere, even
     * cut off at its end, is reported as malformed.
     */
    public static PackageInfo read(InputStream in) throws IOException {
        XMLStreamReader x;
        try {
            x = SecureXml.newStreamReader(in);
        } catch (XMLStreamException e) {
            throw new IOException("malformed package XML: " + e.getMessage(), e);
        }
        try {
            return read(x);
        } catch (XMLStreamException e) {
            throw new IOException("malformed package XML: " + e.getMessage(), e);
        } finally {
            try {
                x.close();
            } catch (XMLStreamException e) {
                // closing a reader that already failed
            }
        }
    }

    /** An open element the reader tracks: the root, a configuration, a connection manager or a property. */
    private static final class Frame {
        final String kind; // Executable (root), Configuration, ConnectionManager, Property, or null (anything else)
        final Map<String, String> properties = new HashMap<>();
        String propertyName; // for a DTS:Property
        StringBuilder text;
        String innerConnectionString; // for an outer connection manager: the first inner one's

        Frame(String kind) {
            this.kind = kind;
        }

        String property(String name) {
            return properties.get(name);
        }
    }

    private static PackageInfo read(XMLStreamReader x) throws XMLStreamException, IOException {
        Deque<Frame> open = new ArrayDeque<>();
        int level = -1;
        boolean rootSeen = false;
        List<Configuration> configs = new ArrayList<>();
        List<ConnectionTarget> connections = new ArrayList<>();
        Header header = Header.NONE;
        while (x.hasNext()) {
            int event = x.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                boolean dts = DTS.equals(x.getNamespaceURI());
                String local = x.getLocalName();

                if (!rootSeen) {
                    rootSeen = true;
                    if (!dts || !"Executable".equals(local)) {
                        throw new IOException("not an SSIS package: root element is " + x.getName());
                    }
                }
                String kind = dts && open.isEmpty()
                        ? "Executable"
                        : dts
                                        && ("Configuration".equals(local)
                                                || "ConnectionManager".equals(local)
                                                || "Property".equals(local))
                                ? local
                                : null;
                Frame f = new Frame(kind);
                if (kind != null) {
                    for (int i = 0; i < x.getAttributeCount(); i++) {
                        if (DTS.equals(x.getAttributeNamespace(i))) {
                            f.properties.put(x.getAttributeLocalName(i), x.getAttributeValue(i));
                        }
                    }
                    if ("Property".equals(kind)) {
                        f.propertyName = f.property("Name");
                        f.text = new StringBuilder();
                    }
                }
                open.push(f);
            } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                Frame f = open.peek();
                if (f != null && f.text != null && f.text.length() < 64 * 1024) {
                    f.text.append(x.getText());
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                Frame f = open.pop();
                Frame parent = open.peek();
                if ("Property".equals(f.kind)) {
                    // A direct DTS:Property child names a property of its element (the 2005/2008 form), unless the
                    // element has that property as an attribute already.
                    if (parent != null && parent.kind != null && f.propertyName != null) {
                        parent.properties.putIfAbsent(
                                f.propertyName, f.text.toString().trim());
                    }
                } else if ("Configuration".equals(f.kind)) {
                    int type = parseInt(f.property("ConfigurationType"), -1);
                    String string = f.property("ConfigurationString");
                    if (type >= 0 && string != null) {
                        configs.add(new Configuration(type, string, f.property("ObjectName")));
                    }
                } else if ("ConnectionManager".equals(f.kind)) {
                    String name = f.property("ObjectName");
                    if (name == null) { // the inner ObjectData element: its string belongs to its outer manager
                        String cs = f.property("ConnectionString");
                        for (Frame outer : open) { // nearest first
                            if ("ConnectionManager".equals(outer.kind)) {
                                if (outer.innerConnectionString == null && cs != null) {
                                    outer.innerConnectionString = cs;
                                }
                                break;
                            }
                        }
                    } else {
                        String cs = f.innerConnectionString != null
                                ? f.innerConnectionString
                                : f.property("ConnectionString");
                        if (cs != null) {
                            connections.add(new ConnectionTarget(
                                    name,
                                    connectionPart(cs, "data source", "server"),
                                    connectionPart(cs, "initial catalog", "database")));
                        }
                    }
                } else if ("Executable".equals(f.kind)) {
                    level = parseInt(f.property("ProtectionLevel"), -1);
                    header = Header.of(f.properties);
                }
            }
        }
        if (!rootSeen) {
            throw new IOException("malformed package XML: no root element");
        }
        return new PackageInfo(level, List.copyOf(configs), List.copyOf(connections), header);
    }

    /** One value of an OLE DB / ADO.NET connection string, by any of its key names; null when absent. */
    static String connectionPart(String connectionString, String... keys) {
        for (String part : connectionString.split(";", -1)) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                String key = part.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
                for (String k : keys) {
                    if (key.equals(k)) {
                        return part.substring(eq + 1).trim();
                    }
                }
            }
        }
        return null;
    }

    private static int parseInt(String s, int fallback) {
        try {
            return s == null ? fallback : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private PackageXml() {}
}
