package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.nat.NatException;
import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.Protocol;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** PCP MAP layouts of RFC 6887 §7.1 (request header), §7.2 (response header), §7.3 (options), §11.1 (MAP data). */
class PcpMessagesTest {
    static final byte[] NONCE = HexFormat.of().parseHex("0102030405060708090a0b0c");

    static byte[] response(int result, long lifetime, long epoch, byte[] nonce, int proto, int internal, int external,
                           String externalIp, byte[] options) throws Exception {
        byte[] b = new byte[PcpMessages.HEADER + PcpMessages.MAP_DATA + options.length];
        b[0] = 2;
        b[1] = (byte) 0x81;
        b[3] = (byte) result;
        NatPmpMessages.putInt(b, 4, lifetime);
        NatPmpMessages.putInt(b, 8, epoch);
        System.arraycopy(nonce, 0, b, 24, 12);
        b[36] = (byte) proto;
        NatPmpMessages.putShort(b, 40, internal);
        NatPmpMessages.putShort(b, 42, external);
        System.arraycopy(PcpMessages.address16(InetAddress.getByName(externalIp)), 0, b, 44, 16);
        System.arraycopy(options, 0, b, 60, options.length);
        return b;
    }

    @Test
    void rfc6887MapRequestLayout() throws Exception {
        byte[] r = PcpMessages.mapRequest(NONCE, Protocol.TCP, 6881, 6881, 7200, InetAddress.getByName("10.99.0.2"));
        assertEquals(60, r.length);
        assertEquals(2, r[0]);
        assertEquals(1, r[1]); // R = 0, opcode MAP
        assertEquals(7200, NatPmpMessages.getInt(r, 4));
        assertArrayEquals(HexFormat.of().parseHex("00000000000000000000ffff0a630002"), Arrays.copyOfRange(r, 8, 24));
        assertArrayEquals(NONCE, Arrays.copyOfRange(r, 24, 36));
        assertEquals(6, r[36]);
        assertEquals(6881, NatPmpMessages.getShort(r, 40));
        assertEquals(6881, NatPmpMessages.getShort(r, 42));
        assertArrayEquals(HexFormat.of().parseHex("00000000000000000000ffff00000000"), Arrays.copyOfRange(r, 44, 60));
        byte[] v6 = PcpMessages.mapRequest(NONCE, Protocol.UDP, 1, 0, 0, InetAddress.getByName("2001:db8::2"));
        assertEquals(17, v6[36]);
        assertArrayEquals(new byte[16], Arrays.copyOfRange(v6, 44, 60));
    }

    @Test
    void decodesASuccessfulMapResponseWithOptions() throws Exception {
        byte[] option = {(byte) 0x80, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0}; // code 128, length 5, padded to 8
        PcpMessages.MapResult r = PcpMessages.decodeMap(response(0, 7200, 100, NONCE, 6, 6881, 40001, "11.0.0.1", option));
        assertEquals(0, r.resultCode());
        assertEquals(7200, r.lifetimeSeconds());
        assertEquals(100, r.epochSeconds());
        assertTrue(r.nonceEquals(NONCE));
        assertEquals(6881, r.internalPort());
        assertEquals(40001, r.externalPort());
        assertEquals(InetAddress.getByName("11.0.0.1"), r.externalAddress());
    }

    @Test
    void errorResponsesAndResultCodes() throws Exception {
        PcpMessages.MapResult refused = PcpMessages.decodeMap(response(2, 30, 100, NONCE, 6, 6881, 0, "0.0.0.0", new byte[0]));
        NatException e = assertThrows(NatException.class, () -> PcpMessages.requireSuccess(refused));
        assertEquals(Reason.PCP_REFUSED, e.reason());
        assertEquals(2, e.code());
        assertTrue(e.getMessage().contains("NOT_AUTHORIZED"));
        byte[] headerOnly = Arrays.copyOf(response(3, 0, 1, NONCE, 6, 1, 0, "0.0.0.0", new byte[0]), 24);
        PcpMessages.MapResult bare = PcpMessages.decodeMap(headerOnly);
        assertNull(bare.nonce());
        assertEquals(3, bare.resultCode());
    }

    /** RFC 6887 §9: a NAT-PMP gateway answers a PCP request with version 0, result 1 (unsupported version). */
    @Test
    void natPmpGatewayAnswerMeansFallBack() {
        NatException e = assertThrows(NatException.class,
                () -> PcpMessages.decodeMap(HexFormat.of().parseHex("0081000100000010")));
        assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
    }

    @Test
    void malformedResponsesAreTyped() throws Exception {
        byte[] good = response(0, 7200, 100, NONCE, 6, 6881, 40001, "11.0.0.1", new byte[0]);
        byte[] request = good.clone();
        request[1] = 1;
        byte[] wrongOp = good.clone();
        wrongOp[1] = (byte) 0x82;
        byte[] v3 = good.clone();
        v3[0] = 3;
        byte[] port0 = good.clone();
        port0[42] = 0;
        port0[43] = 0;
        byte[] truncatedOption = response(0, 7200, 100, NONCE, 6, 6881, 40001, "11.0.0.1", new byte[] {1, 0, 0, 9, 0, 0, 0, 0});
        for (byte[] bad : new byte[][] {new byte[0], new byte[20], Arrays.copyOf(good, 62), request, wrongOp, v3, port0,
                truncatedOption, Arrays.copyOf(good, 40)}) {
            assertEquals(Reason.MALFORMED_PCP, assertThrows(NatException.class, () -> PcpMessages.decodeMap(bad)).reason());
        }
        assertEquals(Reason.TOO_LARGE, assertThrows(NatException.class,
                () -> PcpMessages.decodeMap(new byte[PcpMessages.MAX_PACKET + 4])).reason());
    }

    @Test
    void addressFieldsRoundTrip() throws Exception {
        for (String a : new String[] {"11.0.0.1", "2001:db8::1", "::1"}) {
            InetAddress ip = InetAddress.getByName(a);
            assertEquals(ip, PcpMessages.address(PcpMessages.address16(ip)));
        }
    }
}
