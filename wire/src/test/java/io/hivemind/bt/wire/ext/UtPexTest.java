package io.hivemind.bt.wire.ext;

import static io.hivemind.bt.wire.ext.ExtensionHandshakeTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import io.hivemind.bt.wire.ext.ExtensionProtocolException.Reason;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.hivemind.bt.wire.testing.Gens;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** BEP 11 "Protocol Extension": compact lists by family, flags, limits, round trip. */
class UtPexTest {

    static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    static final byte[] V6_PEER = b(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1a, 0xe1);

    /** Two IPv4 peers with flags, one IPv6 peer, one dropped of each family, written out by hand. */
    static final byte[] SAMPLE = bytes(
            "d5:added12:", b(1, 2, 3, 4, 0x1a, 0xe1, 10, 0, 0, 1, 0xc8, 0xd5),
            "7:added.f2:", b(PexPeer.REACHABLE | PexPeer.SEED, PexPeer.PREFERS_ENCRYPTION),
            "6:added618:", V6_PEER,
            "8:added6.f1:", b(PexPeer.UTP),
            "7:dropped6:", b(5, 6, 7, 8, 0, 80),
            "8:dropped618:", V6_PEER, "e");

    @Test
    void decodesCompactListsWithTheirFlags() {
        UtPex pex = UtPex.decode(Unpooled.wrappedBuffer(SAMPLE));
        assertEquals(List.of(new PexPeer(at("1.2.3.4", 6881), 0x12), new PexPeer(at("10.0.0.1", 51413), 0x01),
                new PexPeer(at("2001:db8::1", 6881), 0x04)), pex.added());
        assertEquals(List.of(at("5.6.7.8", 80), at("2001:db8::1", 6881)), pex.dropped());
        assertTrue(pex.added().getFirst().has(PexPeer.REACHABLE));
        assertTrue(pex.added().getFirst().has(PexPeer.SEED));
        assertArrayEquals(SAMPLE, pex.encode(), "canonical input re-encodes byte for byte");
    }

    /** Flags of the wrong length are ignored rather than fatal (flags 0). */
    @Test
    void flagsOfTheWrongLengthAreIgnored() {
        UtPex pex = UtPex.decode(bytes("d5:added6:", b(1, 2, 3, 4, 0, 1), "7:added.f2:", b(1, 2), "e"));
        assertEquals(List.of(new PexPeer(at("1.2.3.4", 1), 0)), pex.added());
    }

    @Test
    void missingListsAreEmpty() {
        UtPex pex = UtPex.decode(bytes("d6:added60:e"));
        assertTrue(pex.added().isEmpty());
        assertTrue(pex.dropped().isEmpty());
    }

    @Test
    void twoHundredPeersPerListAreAccepted() {
        byte[] list = new byte[6 * UtPex.MAX_PEERS_PER_LIST];
        assertEquals(UtPex.MAX_PEERS_PER_LIST, UtPex.decode(bytes("d7:dropped" + list.length + ":", list, "e")).dropped().size());
    }

    @Test
    void toMessageUsesTheRemoteId() {
        UtPex pex = new UtPex(List.of(PexPeer.of(at("1.2.3.4", 1))), List.of());
        PeerMessage.Extended m = pex.toMessage(9);
        try {
            assertEquals(9, m.extendedId());
            assertEquals(pex, UtPex.decode(m.payload()));
        } finally {
            m.release();
        }
    }

    record Bad(String name, byte[] payload, Reason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badMessages() {
        byte[] tooMany = new byte[6 * (UtPex.MAX_PEERS_PER_LIST + 1)];
        byte[] tooMany6 = new byte[18 * (UtPex.MAX_PEERS_PER_LIST + 1)];
        return Stream.of(
                new Bad("not bencode", bytes("d5:added"), Reason.BAD_BENCODE),
                new Bad("a list", bytes("l5:addede"), Reason.NOT_A_DICTIONARY),
                new Bad("added of 7 bytes", bytes("d5:added7:abcdefge"), Reason.BAD_COMPACT_LENGTH),
                new Bad("added6 of 6 bytes", bytes("d6:added66:abcdefe"), Reason.BAD_COMPACT_LENGTH),
                new Bad("dropped of 5 bytes", bytes("d7:dropped5:abcdee"), Reason.BAD_COMPACT_LENGTH),
                new Bad("added as an integer", bytes("d5:addedi1ee"), Reason.WRONG_TYPE),
                new Bad("added.f as a list", bytes("d5:added0:7:added.flee"), Reason.WRONG_TYPE),
                new Bad("201 IPv4 peers added", bytes("d5:added" + tooMany.length + ":", tooMany, "e"), Reason.TOO_MANY_ENTRIES),
                new Bad("201 IPv6 peers dropped", bytes("d8:dropped6" + tooMany6.length + ":", tooMany6, "e"), Reason.TOO_MANY_ENTRIES))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMessages")
    void rejectsMalformedMessagesWithATypedReason(Bad bad) {
        ExtensionProtocolException e = assertThrows(ExtensionProtocolException.class, () -> UtPex.decode(bad.payload()));
        assertEquals(bad.reason(), e.reason(), e.getMessage());
    }

    // ---- property: encode then decode is the identity ----

    static Gen<InetSocketAddress> addresses() {
        return Gens.bytes(4, 4).mix(Gens.bytes(16, 16)).zip(SourceDSL.integers().between(0, 65535), (raw, port) -> {
            try {
                InetAddress a = raw.length == 16 ? java.net.Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
                return new InetSocketAddress(a, port);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        });
    }

    static Gen<UtPex> messages() {
        Gen<PexPeer> peers = addresses().zip(SourceDSL.integers().between(0, 255), PexPeer::new);
        return SourceDSL.lists().of(peers).ofSizeBetween(0, 60).zip(SourceDSL.lists().of(addresses()).ofSizeBetween(0, 60),
                (added, dropped) -> {
                    // the codec orders IPv4 before IPv6; build the expected order the same way
                    List<PexPeer> a = Stream.concat(added.stream().filter(p -> p.address().getAddress().getAddress().length == 4),
                            added.stream().filter(p -> p.address().getAddress().getAddress().length == 16)).toList();
                    List<InetSocketAddress> d = Stream.concat(dropped.stream().filter(x -> x.getAddress().getAddress().length == 4),
                            dropped.stream().filter(x -> x.getAddress().getAddress().length == 16)).toList();
                    return new UtPex(a, d);
                });
    }

    @Test
    void encodeThenDecodeIsTheIdentity() {
        qt().withExamples(500).forAll(messages()).checkAssert(m -> {
            byte[] encoded = m.encode();
            UtPex back = UtPex.decode(encoded);
            assertEquals(m, back);
            assertArrayEquals(encoded, back.encode());
        });
    }
}
