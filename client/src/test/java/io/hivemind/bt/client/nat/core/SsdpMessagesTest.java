package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SSDP M-SEARCH and reply parsing (UPnP Device Architecture 1.1 §1.3.2, §1.3.3) with its limits. */
class SsdpMessagesTest {

    static final String REPLY = "HTTP/1.1 200 OK\r\n"
            + "CACHE-CONTROL: max-age=120\r\n"
            + "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
            + "USN: uuid:3f2b1c9e::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
            + "EXT:\r\n"
            + "SERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\n"
            + "LOCATION: http://10.99.0.1:5555/rootDesc.xml\r\n"
            + "\r\n";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static NatException.Reason reasonOf(String reply) {
        return assertThrows(NatException.class, () -> SsdpMessages.parseResponse(b(reply))).reason();
    }

    @Test
    void mSearchIsTheUdaRequest() {
        String s = new String(SsdpMessages.mSearch(SsdpMessages.IGD_V1, 2), StandardCharsets.US_ASCII);
        assertEquals("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nST: " + SsdpMessages.IGD_V1
                + "\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\n\r\n", s);
        assertThrows(IllegalArgumentException.class, () -> SsdpMessages.mSearch(SsdpMessages.IGD_V1, 0));
    }

    @Test
    void parsesAMiniupnpdReply() throws Exception {
        SsdpMessages.Response r = SsdpMessages.parseResponse(b(REPLY));
        assertEquals("http://10.99.0.1:5555/rootDesc.xml", r.location().toString());
        assertTrue(SsdpMessages.isIgd(r));
        assertEquals("Debian/12 UPnP/1.1 MiniUPnPd/2.3.1", r.server());
        SsdpMessages.checkLocation(r, InetAddress.getByName("10.99.0.1"));
    }

    @Test
    void headerNamesAreCaseInsensitiveAndBareLineFeedsAccepted() {
        String lf = REPLY.replace("\r\n", "\n").replace("LOCATION", "Location").replace("ST:", "st:");
        SsdpMessages.Response r = SsdpMessages.parseResponse(b(lf));
        assertEquals(5555, r.location().getPort());
        assertTrue(SsdpMessages.isIgd(r));
    }

    @Test
    void locationOnAnotherHostThanTheSenderIsRefused() throws Exception {
        SsdpMessages.Response r = SsdpMessages.parseResponse(b(REPLY));
        NatException e = assertThrows(NatException.class,
                () -> SsdpMessages.checkLocation(r, InetAddress.getByName("10.99.0.7")));
        assertEquals(Reason.BAD_URL, e.reason());
        assertTrue(e.getMessage().contains("another host"), e.getMessage());
        SsdpMessages.Response named = SsdpMessages.parseResponse(b(REPLY.replace("10.99.0.1:5555", "router.lan:5555")));
        assertEquals(Reason.BAD_URL, assertThrows(NatException.class,
                () -> SsdpMessages.checkLocation(named, InetAddress.getByName("10.99.0.1"))).reason());
    }

    @Test
    void malformedRepliesHaveTypedReasons() {
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(""));
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(REPLY.replace("200 OK", "404 Not Found")));
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(REPLY.replace("HTTP/1.1", "NOTIFY")));
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(REPLY.replace("LOCATION: http://10.99.0.1:5555/rootDesc.xml\r\n", "")));
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(REPLY.substring(0, REPLY.length() - 2))); // no blank line
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(REPLY.replace("EXT:", "EXT")));
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(REPLY.replace("max-age", "max\u0001age")));
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(REPLY.replace("max-age", "max\u00e9age")));
        assertEquals(Reason.BAD_URL, reasonOf(REPLY.replace("http://", "https://")));
        assertEquals(Reason.BAD_URL, reasonOf(REPLY.replace("http://", "file://")));
        assertEquals(Reason.BAD_URL, reasonOf(REPLY.replace("http://10.99.0.1:5555/", "http://user@10.99.0.1:5555/")));
        assertEquals(Reason.BAD_URL, reasonOf(REPLY.replace("rootDesc.xml", "root Desc.xml")));
    }

    @Test
    void limitsAreEnforced() {
        assertEquals(Reason.TOO_LARGE, assertThrows(NatException.class,
                () -> SsdpMessages.parseResponse(new byte[SsdpMessages.MAX_DATAGRAM + 1])).reason());
        StringBuilder many = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < SsdpMessages.MAX_HEADERS + 1; i++) {
            many.append("X-").append(i).append(": y\r\n");
        }
        assertEquals(Reason.TOO_LARGE, reasonOf(many + "\r\n"));
        String longLine = REPLY.replace("EXT:", "EXT: " + "a".repeat(SsdpMessages.MAX_LINE));
        assertEquals(Reason.MALFORMED_SSDP, reasonOf(longLine));
    }
}
