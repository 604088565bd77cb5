package io.hivemind.bt.client.nat.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.Protocol;
import io.hivemind.bt.client.nat.core.IgdDescription;
import io.hivemind.bt.client.nat.core.NatPmpMessages;
import io.hivemind.bt.client.nat.core.PcpMessages;
import io.hivemind.bt.client.nat.core.SoapMessages;
import io.hivemind.bt.client.nat.core.SsdpMessages;
import java.net.InetAddress;
import java.net.URI;
import java.util.Arrays;

/**
 * The port mapper's parsers on arbitrary bytes (HARDENING.md "Fuzzing"): SSDP replies, device descriptions and
 * SOAP replies (XML), NAT-PMP and PCP packets. Each either returns a value or throws {@link NatException} with a
 * reason, never anything else; what the codecs encode decodes back to the same fields.
 */
class NatFuzzTest {
    private static final URI LOCATION = URI.create("http://10.0.0.1:5000/rootDesc.xml");

    @FuzzTest(maxDuration = "10s")
    void ssdp(byte[] input) throws Exception {
        try {
            SsdpMessages.Response r = SsdpMessages.parseResponse(input);
            assertEquals("http", r.location().getScheme().toLowerCase(java.util.Locale.ROOT));
            SsdpMessages.checkLocation(r, InetAddress.getByName("10.0.0.1"));
        } catch (NatException expected) {
            assertTrue(expected.reason() != null);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void description(byte[] input) {
        try {
            IgdDescription d = IgdDescription.parse(input, LOCATION);
            assertEquals(LOCATION.getHost(), d.controlUrl().getHost());
        } catch (NatException expected) {
            assertTrue(expected.reason() != null);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void soapReply(byte[] input) {
        int status = input.length > 0 && (input[0] & 1) == 1 ? 500 : 200;
        try {
            SoapMessages.parseExternalIp(status, input);
        } catch (NatException expected) {
            assertTrue(expected.reason() != null);
        }
        try {
            SoapMessages.parseReservedPort(status, input);
        } catch (NatException expected) {
            assertTrue(expected.reason() != null);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void natPmp(byte[] input) {
        try {
            NatPmpMessages.Response r = NatPmpMessages.decode(input);
            if (r instanceof NatPmpMessages.MappingResult m && m.resultCode() == 0) {
                assertTrue(m.internalPort() >= 0 && m.internalPort() <= 65535);
            }
        } catch (NatException expected) {
            assertTrue(expected.reason() != null);
        }
        if (input.length >= 8) { // request round trip: the fields we encode are the fields a gateway reads
            Protocol p = (input[0] & 1) == 0 ? Protocol.TCP : Protocol.UDP;
            int internal = 1 + ((input[1] & 0xff) << 8 | input[2] & 0xff) % 65535;
            int external = (input[3] & 0xff) << 8 | input[4] & 0xff;
            long life = ((long) (input[5] & 0xff) << 16) | (input[6] & 0xff) << 8 | input[7] & 0xff;
            byte[] req = NatPmpMessages.mappingRequest(p, internal, external, life);
            assertEquals(p.natPmpOpcode(), req[1]);
            assertEquals(internal, (req[4] & 0xff) << 8 | req[5] & 0xff);
            assertEquals(external, (req[6] & 0xff) << 8 | req[7] & 0xff);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void pcp(byte[] input) throws Exception {
        try {
            PcpMessages.MapResult r = PcpMessages.decodeMap(input);
            if (r.resultCode() == 0) {
                assertTrue(r.externalPort() > 0 && r.internalPort() > 0);
            }
        } catch (NatException expected) {
            assertTrue(expected.reason() != null);
        }
        if (input.length >= 16) { // a request answered by an echoing server decodes to what was asked
            byte[] nonce = Arrays.copyOf(input, 12);
            int port = 1 + ((input[12] & 0xff) << 8 | input[13] & 0xff) % 65535;
            byte[] req = PcpMessages.mapRequest(nonce, Protocol.UDP, port, port, 60, InetAddress.getByName("10.0.0.2"));
            byte[] reply = req.clone();
            reply[1] = (byte) 0x81;
            reply[3] = 0;
            Arrays.fill(reply, 8, 24, (byte) 0);
            PcpMessages.MapResult r = PcpMessages.decodeMap(reply);
            assertArrayEquals(nonce, r.nonce());
            assertEquals(port, r.internalPort());
            assertEquals(60, r.lifetimeSeconds());
        }
    }
}
