package org.ssisbackup.ssis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The SSIS service's MsDtsSrvr.ini.xml: its top-level folders. */
public record ServiceConfiguration(List<Folder> folders) {

    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    /** A top-level folder: a file-system store path (as written) or an msdb server, reported but not walked. */
    public record Folder(String type, String name, String storePath, String serverName) {
        public boolean isFileSystem() {
            return "FileSystemFolder".equals(type);
        }
    }

    public List<Folder> fileSystemFolders() {
        return folders.stream().filter(Folder::isFileSystem).toList();
    }

    /** Parses the file; DTDs and external entities are refused (the file comes from a host we do not control). */
    public static ServiceConfiguration read(Path file) throws IOException {
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            doc = SecureXml.newDocumentBuilder().parse(in);
        } catch (SAXException e) {
            throw new IOException("malformed XML in " + file.getFileName() + ": " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!"DtsServiceConfiguration".equals(root.getLocalName())) {
            throw new IOException(file.getFileName() + " is not an SSIS service configuration (root element "
                    + root.getLocalName() + ")");
        }
        List<Folder> folders = new ArrayList<>();
        NodeList nodes = root.getElementsByTagNameNS("*", "Folder");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element f = (Element) nodes.item(i);
            String type = f.getAttributeNS(XSI, "type");
            if (type.contains(":")) {
                type = type.substring(type.indexOf(':') + 1);
            }
            folders.add(new Folder(type, text(f, "Name"), text(f, "StorePath"), text(f, "ServerName")));
        }
        return new ServiceConfiguration(List.copyOf(folders));
    }

    private static String text(Element parent, String name) {
        NodeList n = parent.getElementsByTagNameNS("*", name);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().trim();
    }
}
