package org.ssisbackup.ssis;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A namespace-aware DOM parser for XML from hosts we do not control (.dtsx, .dtsConfig, MsDtsSrvr.ini.xml):
 * DTDs and external entities are refused, and problems surface as exceptions, not as text on stderr.
 */
public final class SecureXml {
    public static DocumentBuilder newDocumentBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler());
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A streaming (StAX) reader with the same refusals: a DOCTYPE is an error, no entity is resolved. For packages,
     * whose few facts the agents need are spread through megabytes of XML that a DOM would build in full.
     */
    public static javax.xml.stream.XMLStreamReader newStreamReader(java.io.InputStream in)
            throws javax.xml.stream.XMLStreamException {
        return STREAMS.createXMLStreamReader(in);
    }

    /** Configured once (finding the implementation is a service lookup); creating readers from it is thread-safe. */
    private static final javax.xml.stream.XMLInputFactory STREAMS = streams();

    private static javax.xml.stream.XMLInputFactory streams() {
        javax.xml.stream.XMLInputFactory f = javax.xml.stream.XMLInputFactory.newFactory();
        f.setProperty(javax.xml.stream.XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(javax.xml.stream.XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(javax.xml.stream.XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(javax.xml.stream.XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    private SecureXml() {}
}
