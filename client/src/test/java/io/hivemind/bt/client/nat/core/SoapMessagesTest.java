package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.Protocol;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** SOAP requests and replies of the IGD WANIPConnection service (actions and error codes of WANIPConnection:2 §2.4, §2.5). */
class SoapMessagesTest {
    static final String V1 = "urn:schemas-upnp-org:service:WANIPConnection:1";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String envelope(String body) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>" + body
                + "</s:Body></s:Envelope>";
    }

    static String fault(int code, String description) {
        return envelope("<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + code + "</errorCode>"
                + "<errorDescription>" + description + "</errorDescription></UPnPError></detail></s:Fault>");
    }

    @Test
    void addPortMappingRequestCarriesEveryArgumentEscaped() throws Exception {
        SoapMessages.Request r = SoapMessages.addPortMapping(V1, Protocol.UDP, 7000,
                InetAddress.getByName("10.99.0.2"), 6881, "hive<bt> & \"co\"\u0001", 3600);
        assertEquals("\"" + V1 + "#AddPortMapping\"", r.soapActionHeader());
        Element request = (Element) SafeXml.parse(r.body(), 4096, "request").getDocumentElement()
                .getElementsByTagNameNS(V1, "AddPortMapping").item(0);
        assertEquals("7000", SafeXml.childText(request, "NewExternalPort"));
        assertEquals("UDP", SafeXml.childText(request, "NewProtocol"));
        assertEquals("6881", SafeXml.childText(request, "NewInternalPort"));
        assertEquals("10.99.0.2", SafeXml.childText(request, "NewInternalClient"));
        assertEquals("1", SafeXml.childText(request, "NewEnabled"));
        assertEquals("hive<bt> & \"co\"", SafeXml.childText(request, "NewPortMappingDescription"));
        assertEquals("3600", SafeXml.childText(request, "NewLeaseDuration"));
        assertEquals("", SafeXml.childText(request, "NewRemoteHost"));
    }

    @Test
    void requestArgumentsAreChecked() throws Exception {
        InetAddress a = InetAddress.getByName("10.0.0.2");
        assertThrows(IllegalArgumentException.class, () -> SoapMessages.addPortMapping(V1, Protocol.TCP, 0, a, 1, "", 0));
        assertThrows(IllegalArgumentException.class, () -> SoapMessages.addPortMapping(V1, Protocol.TCP, 1, a, 1, "", -1));
        assertThrows(IllegalArgumentException.class, () -> SoapMessages.getExternalIpAddress("urn:x\"><evil/>"));
    }

    @Test
    void deleteRequest() {
        String body = new String(SoapMessages.deletePortMapping(V1, Protocol.TCP, 6881).body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("<u:DeletePortMapping xmlns:u=\"" + V1 + "\">"), body);
        assertTrue(body.contains("<NewExternalPort>6881</NewExternalPort><NewProtocol>TCP</NewProtocol>"), body);
    }

    @Test
    void externalIpReply() throws Exception {
        byte[] ok = b(envelope("<u:GetExternalIPAddressResponse xmlns:u=\"" + V1 + "\">"
                + "<NewExternalIPAddress>11.0.0.1</NewExternalIPAddress></u:GetExternalIPAddressResponse>"));
        assertEquals(InetAddress.getByName("11.0.0.1"), SoapMessages.parseExternalIp(200, ok));
        byte[] empty = b(envelope("<u:GetExternalIPAddressResponse xmlns:u=\"" + V1 + "\">"
                + "<NewExternalIPAddress></NewExternalIPAddress></u:GetExternalIPAddressResponse>"));
        assertEquals(Reason.MALFORMED_SOAP, assertThrows(NatException.class,
                () -> SoapMessages.parseExternalIp(200, empty)).reason());
        byte[] name = b(envelope("<u:GetExternalIPAddressResponse xmlns:u=\"" + V1 + "\">"
                + "<NewExternalIPAddress>evil.example</NewExternalIPAddress></u:GetExternalIPAddressResponse>"));
        assertEquals(Reason.MALFORMED_SOAP, assertThrows(NatException.class,
                () -> SoapMessages.parseExternalIp(200, name)).reason());
    }

    @Test
    void faultsBecomeTypedErrorsWithTheUpnpCode() {
        NatException e = assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 500, b(fault(718, "ConflictInMappingEntry"))));
        assertEquals(Reason.SOAP_FAULT, e.reason());
        assertEquals(718, e.code());
        assertTrue(e.getMessage().contains("UPnP error 718 ConflictInMappingEntry"), e.getMessage());
        NatException auth = assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 500, b(fault(606, "Action not authorized"))));
        assertEquals(606, auth.code());
        assertTrue(auth.getMessage().contains("ActionNotAuthorized"), auth.getMessage());
    }

    @Test
    void otherBadRepliesAreTyped() {
        assertEquals(Reason.HTTP_STATUS, assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 404, b("<html>not found</html>"))).reason());
        assertEquals(Reason.HTTP_STATUS, assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 500, b("garbage"))).reason());
        assertEquals(Reason.MALFORMED_SOAP, assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 200, b("<html/>"))).reason());
        assertEquals(Reason.MALFORMED_SOAP, assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 200, b(envelope("<Other/>")))).reason());
        assertEquals(Reason.MALFORMED_XML, assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 200, b("<s:Envelope"))).reason());
        assertEquals(Reason.TOO_LARGE, assertThrows(NatException.class,
                () -> SoapMessages.parseReply("AddPortMapping", 200, new byte[SoapMessages.MAX_REPLY_BYTES + 1])).reason());
    }

    @Test
    void addAnyPortMappingReply() {
        byte[] ok = b(envelope("<u:AddAnyPortMappingResponse xmlns:u=\"urn:x\"><NewReservedPort>40000"
                + "</NewReservedPort></u:AddAnyPortMappingResponse>"));
        assertEquals(40000, SoapMessages.parseReservedPort(200, ok));
        byte[] bad = b(envelope("<u:AddAnyPortMappingResponse xmlns:u=\"urn:x\"><NewReservedPort>70000"
                + "</NewReservedPort></u:AddAnyPortMappingResponse>"));
        assertEquals(Reason.MALFORMED_SOAP, assertThrows(NatException.class,
                () -> SoapMessages.parseReservedPort(200, bad)).reason());
    }
}
