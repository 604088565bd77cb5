package io.hivemind.bt.client.nat.core;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The part of a UPnP device description (UDA 1.1 §2.3) a port mapper needs: the WAN connection service to control
 * and its control URL. Parsed by {@link #parse} with {@link SafeXml} (no DTD, capped size and depth).
 *
 * <p>Service choice: {@code WANIPConnection:2} (it has {@code AddAnyPortMapping}), then {@code WANIPConnection:1},
 * then {@code WANPPPConnection:1}; among equals, the first in document order. The control URL is resolved against
 * {@code URLBase} if present, else the description's own URL, and must be plain http on the same host as the
 * description: a device cannot send our SOAP requests elsewhere.
 *
 * @param serviceType  the chosen service type, e.g. {@code urn:schemas-upnp-org:service:WANIPConnection:1}
 * @param controlUrl   where SOAP actions are posted
 * @param friendlyName the root device's friendly name (empty if none)
 */
public record IgdDescription(String serviceType, URI controlUrl, String friendlyName) {
    /** Largest description accepted. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final String WAN_IP = "urn:schemas-upnp-org:service:WANIPConnection:";
    private static final String WAN_PPP = "urn:schemas-upnp-org:service:WANPPPConnection:";

    /** The service version (1 or 2) from the service type. */
    public int version() {
        return serviceType.endsWith(":2") ? 2 : 1;
    }

    /** Parses the description fetched from {@code location}. */
    public static IgdDescription parse(byte[] xml, URI location) {
        Document doc = SafeXml.parse(xml, MAX_BYTES, "device description");
        Element root = doc.getDocumentElement();
        if (!"root".equals(SafeXml.localName(root))) {
            throw new NatException(Reason.MALFORMED_XML, "device description root element is <"
                    + SsdpMessages.clip(SafeXml.localName(root)) + ">, expected <root>");
        }
        String urlBase = SafeXml.childText(root, "URLBase");
        Element device = SafeXml.child(root, "device");
        String friendly = device == null ? "" : nonNull(SafeXml.childText(device, "friendlyName"));
        Element best = null;
        int bestRank = 0;
        List<Element> services = SafeXml.descendants(root, "service");
        for (Element s : services) {
            String type = SafeXml.childText(s, "serviceType");
            int rank = rank(type);
            if (rank > bestRank && SafeXml.childText(s, "controlURL") != null) {
                best = s;
                bestRank = rank;
            }
        }
        if (best == null) {
            throw new NatException(Reason.NO_IGD_SERVICE, "the device at " + SsdpMessages.clip(location.toString())
                    + " offers no WANIPConnection or WANPPPConnection service with a control URL");
        }
        String control = SafeXml.childText(best, "controlURL");
        URI base = location;
        if (urlBase != null && !urlBase.isEmpty()) {
            base = uri(urlBase, "URLBase");
            SsdpMessages.checkHttpUrl(base, "URLBase");
        }
        URI controlUrl;
        try {
            controlUrl = base.resolve(uri(control, "controlURL"));
        } catch (IllegalArgumentException e) {
            throw new NatException(Reason.BAD_URL, 0, "controlURL cannot be resolved: "
                    + SsdpMessages.clip(control), e);
        }
        SsdpMessages.checkHttpUrl(controlUrl, "controlURL");
        if (!sameHost(controlUrl, location)) {
            throw new NatException(Reason.BAD_URL, "controlURL " + SsdpMessages.clip(controlUrl.toString())
                    + " is on another host than the description " + SsdpMessages.clip(location.toString()));
        }
        return new IgdDescription(SafeXml.childText(best, "serviceType"), controlUrl, friendly);
    }

    private static int rank(String type) {
        if (type == null) {
            return 0;
        }
        if (type.equals(WAN_IP + "2")) {
            return 3;
        }
        if (type.equals(WAN_IP + "1")) {
            return 2;
        }
        if (type.equals(WAN_PPP + "1")) {
            return 1;
        }
        return 0;
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost());
    }

    private static URI uri(String s, String what) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new NatException(Reason.BAD_URL, 0, what + " is not a URL: " + SsdpMessages.clip(s), e);
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
