package org.ssisbackup.ssis;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

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
     * What a package says about its protection and its configurations.
     *
     * @param protectionLevel DTS:ProtectionLevel, or -1 when the package does not say */
    public record PackageInfo(
            int protectionLevel, List<Configuration> configurations, List<ConnectionTarget> connections) {
        public PackageInfo(int protectionLevel, List<Configuration> configurations) {
            this(protectionLevel, configurations, List.of());
        }

        /** Levels 3 and 4 encrypt the whole package. */
        public boolean fullyEncrypted() {
            return protectionLevel == 3 || protectionLevel == 4;
        }
    }

    public static PackageInfo read(InputStream in) throws IOException {
        Document doc;
        try {
            doc = SecureXml.newDocumentBuilder().parse(in);
        } catch (SAXException e) {
            throw new IOException("malformed package XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!"Executable".equals(root.getLocalName()) || !DTS.equals(root.getNamespaceURI())) {
            throw new IOException("not an SSIS package: root element is " + root.getNodeName());
        }
        int level = parseInt(property(root, "ProtectionLevel"), -1);
        List<Configuration> configs = new ArrayList<>();
        NodeList nodes = root.getElementsByTagNameNS(DTS, "Configuration");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element c = (Element) nodes.item(i);
            int type = parseInt(property(c, "ConfigurationType"), -1);
            String string = property(c, "ConfigurationString");
            if (type >= 0 && string != null) {
                configs.add(new Configuration(type, string, property(c, "ObjectName")));
            }
        }
        List<ConnectionTarget> connections = new ArrayList<>();
        NodeList managers = root.getElementsByTagNameNS(DTS, "ConnectionManager");
        for (int i = 0; i < managers.getLength(); i++) {
            Element m = (Element) managers.item(i);
            String name = property(m, "ObjectName");
            if (name == null) {
                continue; // the inner ObjectData element: read through its outer manager
            }
            String connectionString = null;
            NodeList inner = m.getElementsByTagNameNS(DTS, "ConnectionManager");
            for (int k = 0; k < inner.getLength() && connectionString == null; k++) {
                connectionString = property((Element) inner.item(k), "ConnectionString");
            }
            if (connectionString == null) {
                connectionString = property(m, "ConnectionString");
            }
            if (connectionString != null) {
                connections.add(new ConnectionTarget(
                        name,
                        connectionPart(connectionString, "data source", "server"),
                        connectionPart(connectionString, "initial catalog", "database")));
            }
        }
        return new PackageInfo(level, List.copyOf(configs), List.copyOf(connections));
    }

    /** A property of an element: its DTS: attribute, or a direct DTS:Property child with that DTS:Name. */
    private static String property(Element e, String name) {
        if (e.hasAttributeNS(DTS, name)) {
            return e.getAttributeNS(DTS, name);
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child
                    && "Property".equals(child.getLocalName())
                    && name.equals(child.getAttributeNS(DTS, "Name"))) {
                return child.getTextContent().trim();
            }
        }
        return null;
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
