package io.hivemind.bt.client.nat.core;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The JDK's DOM parser locked down for documents from the LAN (device descriptions, SOAP replies): no DTD at all
 * (so no entity expansion and no XXE), no external entities, DTDs or schemas, no XInclude, secure processing on,
 * element depth capped, and the input size checked before parsing. Namespace-aware; callers match elements by local
 * name, since routers disagree on prefixes.
 *
 * <p>Thread-safe: each call makes its own {@link DocumentBuilder} from a shared, fully configured factory.
 */
public final class SafeXml {
    /** Deepest element nesting accepted; real descriptions use about 8. */
    public static final int MAX_DEPTH = 32;
    private static final DocumentBuilderFactory FACTORY = factory();

    private SafeXml() {
    }

    private static DocumentBuilderFactory factory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser does not support the hardening features", e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setAttribute("jdk.xml.maxElementDepth", String.valueOf(MAX_DEPTH));
        f.setAttribute("jdk.xml.entityExpansionLimit", "0");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(true);
        f.setValidating(false);
        f.setIgnoringComments(true);
        return f;
    }

    /** Parses {@code xml} (at most {@code maxBytes}); {@code what} names the document in error messages. */
    public static Document parse(byte[] xml, int maxBytes, String what) {
        if (xml.length > maxBytes) {
            throw new NatException(Reason.TOO_LARGE, what + " of " + xml.length + " bytes exceeds " + maxBytes);
        }
        if (xml.length == 0) {
            throw new NatException(Reason.MALFORMED_XML, what + " is empty");
        }
        try {
            DocumentBuilder b = FACTORY.newDocumentBuilder();
            b.setErrorHandler(SILENT);
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity " + systemId + " refused");
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            throw new NatException(Reason.MALFORMED_XML, 0, what + " is not acceptable XML: "
                    + SsdpMessages.clip(String.valueOf(e.getMessage())), e);
        } catch (IOException | ParserConfigurationException e) {
            throw new NatException(Reason.MALFORMED_XML, 0, what + " could not be read: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) { // the parser's own internal errors on odd input
            throw new NatException(Reason.MALFORMED_XML, 0, what + " could not be parsed: " + e, null);
        }
    }

    /** Elements named {@code localName} anywhere below {@code root}, in document order. */
    public static List<Element> descendants(Element root, String localName) {
        List<Element> out = new ArrayList<>();
        collect(root, localName, out, 0);
        return out;
    }

    private static void collect(Node n, String localName, List<Element> out, int depth) {
        if (depth > MAX_DEPTH + 1) {
            return;
        }
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e) {
                if (localName.equals(localName(e))) {
                    out.add(e);
                }
                collect(e, localName, out, depth + 1);
            }
        }
    }

    /** The first direct child element named {@code localName}, or null. */
    public static Element child(Element parent, String localName) {
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && localName.equals(localName(e))) {
                return e;
            }
        }
        return null;
    }

    /** The trimmed text of the first direct child named {@code localName}, or null. */
    public static String childText(Element parent, String localName) {
        Element c = child(parent, localName);
        return c == null ? null : c.getTextContent().trim();
    }

    static String localName(Element e) {
        String n = e.getLocalName();
        if (n == null) {
            n = e.getTagName();
            int colon = n.indexOf(':');
            if (colon >= 0) {
                n = n.substring(colon + 1);
            }
        }
        return n;
    }

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
