package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device description parsing (UDA 1.1 §2.3): service choice, URL resolution, and the XML hardening. */
class IgdDescriptionTest {
    static final URI LOCATION = URI.create("http://10.99.0.1:5555/rootDesc.xml");

    /** The shape miniupnpd 2.3 serves: IGD → WANDevice → WANConnectionDevice → WANIPConnection. */
    static String description(String wanService, String controlUrl, String urlBase) {
        return "<?xml version=\"1.0\"?>\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\" configId=\"1337\">"
                + "<specVersion><major>1</major><minor>1</minor></specVersion>"
                + (urlBase == null ? "" : "<URLBase>" + urlBase + "</URLBase>")
                + "<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>"
                + "<friendlyName>Test router</friendlyName>"
                + "<serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>"
                + "<controlURL>/ctl/L3F</controlURL></service></serviceList>"
                + "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>"
                + "<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1"
                + "</serviceType><controlURL>/ctl/CmnIfCfg</controlURL></service></serviceList>"
                + "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>"
                + "<serviceList><service><serviceType>" + wanService + "</serviceType>"
                + "<controlURL>" + controlUrl + "</controlURL><eventSubURL>/evt/IPConn</eventSubURL>"
                + "</service></serviceList></device></deviceList></device></deviceList></device></root>";
    }

    static IgdDescription parse(String xml) {
        return IgdDescription.parse(xml.getBytes(StandardCharsets.UTF_8), LOCATION);
    }

    static Reason reasonOf(String xml) {
        return assertThrows(NatException.class, () -> parse(xml)).reason();
    }

    @Test
    void findsTheWanIpConnectionAndResolvesItsControlUrl() {
        IgdDescription d = parse(description("urn:schemas-upnp-org:service:WANIPConnection:2", "/ctl/IPConn", null));
        assertEquals("urn:schemas-upnp-org:service:WANIPConnection:2", d.serviceType());
        assertEquals(URI.create("http://10.99.0.1:5555/ctl/IPConn"), d.controlUrl());
        assertEquals("Test router", d.friendlyName());
        assertEquals(2, d.version());
    }

    @Test
    void pppConnectionAndUrlBase() {
        IgdDescription d = parse(description("urn:schemas-upnp-org:service:WANPPPConnection:1", "ctl/PPP",
                "http://10.99.0.1:5555/base/"));
        assertEquals(URI.create("http://10.99.0.1:5555/base/ctl/PPP"), d.controlUrl());
        assertEquals(1, d.version());
    }

    @Test
    void prefersWanIpConnectionOverPpp() {
        String xml = description("urn:schemas-upnp-org:service:WANPPPConnection:1", "/ppp", null)
                .replace("<eventSubURL>", "</service><service><serviceType>urn:schemas-upnp-org:service:"
                        + "WANIPConnection:1</serviceType><controlURL>/ip</controlURL><eventSubURL>");
        assertEquals("/ip", parse(xml).controlUrl().getPath());
    }

    @Test
    void noWanServiceIsTyped() {
        assertEquals(Reason.NO_IGD_SERVICE, reasonOf(description("urn:schemas-upnp-org:service:Foo:1", "/x", null)));
    }

    @Test
    void controlUrlMustStayOnTheDevice() {
        assertEquals(Reason.BAD_URL, reasonOf(description("urn:schemas-upnp-org:service:WANIPConnection:1",
                "http://203.0.113.9/steal", null)));
        assertEquals(Reason.BAD_URL, reasonOf(description("urn:schemas-upnp-org:service:WANIPConnection:1",
                "/ctl", "http://198.51.100.1:80/")));
        assertEquals(Reason.BAD_URL, reasonOf(description("urn:schemas-upnp-org:service:WANIPConnection:1",
                "file:///etc/passwd", null)));
    }

    /** XXE: an external entity must never be fetched or expanded; the DOCTYPE alone rejects the document. */
    @Test
    void externalEntitiesAndDoctypesAreRejected(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + description("urn:schemas-upnp-org:service:WANIPConnection:1", "/ctl", null)
                .replace("<?xml version=\"1.0\"?>\n", "").replace("Test router", "&x;");
        NatException e = assertThrows(NatException.class, () -> parse(xxe));
        assertEquals(Reason.MALFORMED_XML, e.reason());
        assertFalse(e.getMessage().contains("TOP-SECRET"));
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void billionLaughsIsRejected() {
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><root>&lol2;</root>";
        assertEquals(Reason.MALFORMED_XML, reasonOf(bomb));
    }

    @Test
    void sizeAndDepthAreCapped() {
        String big = description("urn:schemas-upnp-org:service:WANIPConnection:1", "/ctl", null)
                .replace("Test router", "x".repeat(IgdDescription.MAX_BYTES));
        assertEquals(Reason.TOO_LARGE, reasonOf(big));
        String deep = "<root>" + "<a>".repeat(SafeXml.MAX_DEPTH + 5) + "</a>".repeat(SafeXml.MAX_DEPTH + 5) + "</root>";
        assertEquals(Reason.MALFORMED_XML, reasonOf(deep));
        assertEquals(Reason.MALFORMED_XML, reasonOf(""));
        assertEquals(Reason.MALFORMED_XML, reasonOf("<root><device>"));
        assertEquals(Reason.MALFORMED_XML, reasonOf("<html><body>router login</body></html>"));
    }
}
