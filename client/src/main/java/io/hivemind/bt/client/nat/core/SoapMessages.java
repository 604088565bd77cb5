package io.hivemind.bt.client.nat.core;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.Protocol;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * SOAP 1.1 for the UPnP IGD WAN connection services (WANIPConnection:1/2, WANPPPConnection:1): request bodies for
 * {@code GetExternalIPAddress}, {@code AddPortMapping}, {@code AddAnyPortMapping} (v2 only) and
 * {@code DeletePortMapping}, and the reply parser, which turns a {@code UPnPError} fault into a
 * {@link Reason#SOAP_FAULT} carrying the UPnP error code and its name ({@link #errorName}).
 *
 * <p>Reply bodies are parsed with {@link SafeXml} and capped at {@link #MAX_REPLY_BYTES}. Pure; thread-safe.
 */
public final class SoapMessages {
    public static final int MAX_REPLY_BYTES = 16 * 1024;
    /** Longest port mapping description we send (routers truncate or reject longer ones). */
    public static final int MAX_DESCRIPTION = 64;

    private SoapMessages() {
    }

    /** A SOAP request: the action (for the {@code SOAPAction} header) and the UTF-8 envelope. */
    public record Request(String serviceType, String action, byte[] body) {
        /** The {@code SOAPAction} header value, quoted as the UPnP spec requires. */
        public String soapActionHeader() {
            return "\"" + serviceType + "#" + action + "\"";
        }
    }

    public static Request getExternalIpAddress(String serviceType) {
        return request(serviceType, "GetExternalIPAddress", List.of());
    }

    /**
     * {@code AddPortMapping} for any remote host. {@code leaseSeconds} 0 asks for a permanent mapping (some v1
     * routers only accept that: error 725).
     */
    public static Request addPortMapping(String serviceType, Protocol protocol, int externalPort,
                                         InetAddress internalClient, int internalPort, String description,
                                         long leaseSeconds) {
        return request(serviceType, "AddPortMapping", mappingArgs(protocol, externalPort, internalClient,
                internalPort, description, leaseSeconds));
    }

    /** {@code AddAnyPortMapping} (WANIPConnection:2): the router picks a free external port if ours is taken. */
    public static Request addAnyPortMapping(String serviceType, Protocol protocol, int externalPort,
                                            InetAddress internalClient, int internalPort, String description,
                                            long leaseSeconds) {
        return request(serviceType, "AddAnyPortMapping", mappingArgs(protocol, externalPort, internalClient,
                internalPort, description, leaseSeconds));
    }

    public static Request deletePortMapping(String serviceType, Protocol protocol, int externalPort) {
        checkPort(externalPort);
        return request(serviceType, "DeletePortMapping", List.of(
                new String[] {"NewRemoteHost", ""},
                new String[] {"NewExternalPort", Integer.toString(externalPort)},
                new String[] {"NewProtocol", protocol.name()}));
    }

    private static List<String[]> mappingArgs(Protocol protocol, int externalPort, InetAddress internalClient,
                                              int internalPort, String description, long leaseSeconds) {
        checkPort(externalPort);
        checkPort(internalPort);
        if (leaseSeconds < 0 || leaseSeconds > 604_800) {
            throw new IllegalArgumentException("lease must be 0..604800 s (IGD v2 maximum): " + leaseSeconds);
        }
        String d = description.length() > MAX_DESCRIPTION ? description.substring(0, MAX_DESCRIPTION) : description;
        return List.of(
                new String[] {"NewRemoteHost", ""},
                new String[] {"NewExternalPort", Integer.toString(externalPort)},
                new String[] {"NewProtocol", protocol.name()},
                new String[] {"NewInternalPort", Integer.toString(internalPort)},
                new String[] {"NewInternalClient", internalClient.getHostAddress()},
                new String[] {"NewEnabled", "1"},
                new String[] {"NewPortMappingDescription", d},
                new String[] {"NewLeaseDuration", Long.toString(leaseSeconds)});
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
    }

    private static Request request(String serviceType, String action, List<String[]> args) {
        if (!serviceType.matches("urn:[A-Za-z0-9:.\\-]+")) {
            throw new IllegalArgumentException("not a service type: " + serviceType);
        }
        StringBuilder sb = new StringBuilder(512);
        sb.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n")
                .append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
                .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">")
                .append("<s:Body><u:").append(action).append(" xmlns:u=\"").append(serviceType).append("\">");
        for (String[] a : args) {
            sb.append('<').append(a[0]).append('>').append(escape(a[1])).append("</").append(a[0]).append('>');
        }
        sb.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n");
        return new Request(serviceType, action, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** XML text escaping; control characters other than tab/CR/LF are dropped (they are illegal in XML 1.0). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * Checks the reply to {@code action}: returns the {@code <actionResponse>} element, or throws
     * {@link Reason#SOAP_FAULT} (with the UPnP error code) for a fault, {@link Reason#HTTP_STATUS} for a non-200
     * reply without one, {@link Reason#MALFORMED_SOAP} or {@link Reason#MALFORMED_XML} for a body we cannot read.
     */
    public static Element parseReply(String action, int httpStatus, byte[] body) {
        Document doc;
        try {
            doc = SafeXml.parse(body, MAX_REPLY_BYTES, action + " reply");
        } catch (NatException e) {
            if (httpStatus != 200 && e.reason() != Reason.TOO_LARGE) {
                throw new NatException(Reason.HTTP_STATUS, httpStatus, action + " failed with HTTP status "
                        + httpStatus + " and no readable SOAP fault");
            }
            throw e;
        }
        Element envelope = doc.getDocumentElement();
        Element soapBody = "Envelope".equals(SafeXml.localName(envelope)) ? SafeXml.child(envelope, "Body") : null;
        if (soapBody == null) {
            if (httpStatus != 200) {
                throw new NatException(Reason.HTTP_STATUS, httpStatus, action + " failed with HTTP status "
                        + httpStatus + " and no SOAP fault");
            }
            throw new NatException(Reason.MALFORMED_SOAP, action + " reply is not a SOAP envelope with a Body");
        }
        Element fault = SafeXml.child(soapBody, "Fault");
        if (fault != null) {
            List<Element> errors = SafeXml.descendants(fault, "UPnPError");
            int code = 0;
            String description = "";
            if (!errors.isEmpty()) {
                String codeText = SafeXml.childText(errors.get(0), "errorCode");
                description = nonNull(SafeXml.childText(errors.get(0), "errorDescription"));
                code = parseCode(codeText);
            }
            String faultString = nonNull(SafeXml.childText(fault, "faultstring"));
            String name = errorName(code);
            throw new NatException(Reason.SOAP_FAULT, code, "router refused " + action + ": "
                    + (code != 0 ? "UPnP error " + code + (name.isEmpty() ? "" : " " + name) : "SOAP fault")
                    + (description.isEmpty() ? (faultString.isEmpty() ? "" : " (" + SsdpMessages.clip(faultString) + ")")
                    : " (" + SsdpMessages.clip(description) + ")"));
        }
        if (httpStatus != 200) {
            throw new NatException(Reason.HTTP_STATUS, httpStatus, action + " failed with HTTP status " + httpStatus);
        }
        Element response = SafeXml.child(soapBody, action + "Response");
        if (response == null) {
            throw new NatException(Reason.MALFORMED_SOAP, action + " reply has no <" + action + "Response>");
        }
        return response;
    }

    /** The external address from a {@code GetExternalIPAddress} reply. */
    public static InetAddress parseExternalIp(int httpStatus, byte[] body) {
        Element r = parseReply("GetExternalIPAddress", httpStatus, body);
        String ip = SafeXml.childText(r, "NewExternalIPAddress");
        InetAddress a = IpLiteral.parse(ip);
        if (a == null) {
            throw new NatException(Reason.MALFORMED_SOAP, "GetExternalIPAddress returned no IP address: "
                    + (ip == null ? "nothing" : "'" + SsdpMessages.clip(ip) + "'"));
        }
        return a;
    }

    /** The external port an {@code AddAnyPortMapping} reply reserved. */
    public static int parseReservedPort(int httpStatus, byte[] body) {
        Element r = parseReply("AddAnyPortMapping", httpStatus, body);
        String p = SafeXml.childText(r, "NewReservedPort");
        int port = parseCode(p);
        if (port < 1 || port > 65535) {
            throw new NatException(Reason.MALFORMED_SOAP, "AddAnyPortMapping returned no valid port: "
                    + (p == null ? "nothing" : "'" + SsdpMessages.clip(p) + "'"));
        }
        return port;
    }

    private static int parseCode(String s) {
        if (s == null || !s.matches("\\d{1,5}")) {
            return 0;
        }
        return Integer.parseInt(s);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** The name the IGD specifications give a UPnP error code, or an empty string. */
    public static String errorName(int code) {
        return switch (code) {
            case 401 -> "InvalidAction";
            case 402 -> "InvalidArgs";
            case 501 -> "ActionFailed";
            case 606 -> "ActionNotAuthorized";
            case 714 -> "NoSuchEntryInArray";
            case 715 -> "WildCardNotPermittedInSrcIP";
            case 716 -> "WildCardNotPermittedInExtPort";
            case 718 -> "ConflictInMappingEntry";
            case 724 -> "SamePortValuesRequired";
            case 725 -> "OnlyPermanentLeasesSupported";
            case 726 -> "RemoteHostOnlySupportsWildcard";
            case 727 -> "ExternalPortOnlySupportsWildcard";
            case 728 -> "NoPortMapsAvailable";
            case 729 -> "ConflictWithOtherMechanisms";
            case 732 -> "WildCardNotPermittedInIntPort";
            default -> "";
        };
    }
}
