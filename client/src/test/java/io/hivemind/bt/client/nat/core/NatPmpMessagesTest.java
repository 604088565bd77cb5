package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.Protocol;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** NAT-PMP packet layouts of RFC 6886 §3.2 (external address) and §3.3 (mappings), result codes of §3.5. */
class NatPmpMessagesTest {
    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void rfc6886Section32ExternalAddressRequest() {
        assertArrayEquals(hex("0000"), NatPmpMessages.externalAddressRequest());
    }

    @Test
    void rfc6886Section33MappingRequest() {
        assertArrayEquals(hex("00 02 0000 1ae1 1ae1 00001c20"), NatPmpMessages.mappingRequest(Protocol.TCP, 6881, 6881, 7200));
        assertArrayEquals(hex("00 01 0000 1b58 0000 00000000"), NatPmpMessages.mappingRequest(Protocol.UDP, 7000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> NatPmpMessages.mappingRequest(Protocol.TCP, 0, 1, 1));
    }

    @Test
    void decodesExternalAddressReply() throws Exception {
        NatPmpMessages.ExternalAddress a = (NatPmpMessages.ExternalAddress) NatPmpMessages.decode(
                hex("00 80 0000 00001383 0b000001"));
        assertEquals(0, a.resultCode());
        assertEquals(4995, a.epochSeconds());
        assertEquals(InetAddress.getByName("11.0.0.1"), a.address());
    }

    @Test
    void decodesMappingReply() {
        NatPmpMessages.MappingResult m = (NatPmpMessages.MappingResult) NatPmpMessages.decode(
                hex("00 82 0000 00000010 1ae1 9c40 00000e10"));
        assertEquals(Protocol.TCP, m.protocol());
        assertEquals(6881, m.internalPort());
        assertEquals(40000, m.externalPort());
        assertEquals(3600, m.lifetimeSeconds());
        NatPmpMessages.MappingResult udp = (NatPmpMessages.MappingResult) NatPmpMessages.decode(
                hex("00 81 0000 00000010 1ae1 1ae1 00000e10"));
        assertEquals(Protocol.UDP, udp.protocol());
    }

    /** §3.5: an error reply may be just the header; the result code becomes a typed refusal. */
    @Test
    void shortErrorRepliesAndResultCodes() {
        NatPmpMessages.ExternalAddress e = (NatPmpMessages.ExternalAddress) NatPmpMessages.decode(hex("00 80 0003 00000001"));
        assertNull(e.address());
        NatException refused = assertThrows(NatException.class, () -> NatPmpMessages.requireSuccess(e));
        assertEquals(Reason.NATPMP_REFUSED, refused.reason());
        assertEquals(3, refused.code());
        NatException version = assertThrows(NatException.class,
                () -> NatPmpMessages.requireSuccess(NatPmpMessages.decode(hex("00 82 0001 00000001"))));
        assertEquals(Reason.UNSUPPORTED_VERSION, version.reason());
    }

    @Test
    void malformedRepliesAreTyped() {
        for (String bad : new String[] {"", "00", "00 80 0000", "01 80 0000 00000000 0b000001",
                "00 01 0000 00000000 0b000001", "00 80 0000 00000000 0b00", "00 82 0000 00000010 1ae1 9c40",
                "00 85 0000 00000000"}) {
            assertEquals(Reason.MALFORMED_NATPMP, assertThrows(NatException.class,
                    () -> NatPmpMessages.decode(hex(bad)), bad).reason(), bad);
        }
        assertEquals(Reason.TOO_LARGE, assertThrows(NatException.class,
                () -> NatPmpMessages.decode(new byte[NatPmpMessages.MAX_PACKET + 1])).reason());
    }
}
