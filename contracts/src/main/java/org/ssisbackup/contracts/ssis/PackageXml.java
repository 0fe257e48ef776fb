package org.ssisbackup.contracts.ssis;

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

    /** @param protectionLevel DTS:ProtectionLevel, or -1 when the package does not say */
    public record PackageInfo(int protectionLevel, List<Configuration> configurations) {
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
        return new PackageInfo(level, List.copyOf(configs));
    }

    /** A property of an element: its DTS: attribute, or a direct DTS:Property child with that DTS:Name. */
    private static String property(Element e, String name) {
        if (e.hasAttributeNS(DTS, name)) {
            return e.getAttributeNS(DTS, name);
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child && "Property".equals(child.getLocalName())
                    && name.equals(child.getAttributeNS(DTS, "Name"))) {
                return child.getTextContent().trim();
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

    private PackageXml() {
    }
}
