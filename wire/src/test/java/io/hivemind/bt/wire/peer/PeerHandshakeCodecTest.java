package io.hivemind.bt.wire.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.peer.PeerHandshake.Feature;
import io.hivemind.bt.wire.peer.PeerMessage.Bitfield;
import io.hivemind.bt.wire.peer.PeerMessage.Have;
import io.hivemind.bt.wire.peer.PeerMessage.Unchoke;
import io.hivemind.bt.wire.peer.PeerProtocolException.Reason;
import io.hivemind.bt.wire.testing.ChannelFeeding;
import io.hivemind.bt.wire.testing.Chunkings;
import io.hivemind.bt.wire.testing.Chunkings.Chunking;
import io.hivemind.bt.wire.testing.NoLeaks;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** BEP 3 "handshake" (and BEP 52 "upgrade"): the one-shot decoder, its early checks and the hand-off of the rest. */
@ExtendWith(NoLeaks.class)
class PeerHandshakeCodecTest {

    static final byte[] INFO_HASH = Hex.decode("0123456789abcdef0123456789abcdef01234567");
    static final byte[] OTHER_HASH = Hex.decode("fedcba9876543210fedcba9876543210fedcba98");
    static final byte[] PEER_ID = "-HV0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);

    /** BEP 3 handshake with the extension protocol (byte 5, 0x10), DHT (byte 7, 0x01) and fast (byte 7, 0x04) bits. */
    static final String HANDSHAKE_HEX = "13" + Hex.encode("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII))
            + "0000000000100005" + Hex.encode(INFO_HASH) + Hex.encode(PEER_ID);

    /** A bitfield, a have and an unchoke sent right behind the handshake, as clients do in the same segment. */
    static final String FOLLOWING_HEX = "00000002 05 a0 00000005 04 00000002 00000001 01".replace(" ", "");

    static ChannelHandler[] outgoingPipeline() {
        return new ChannelHandler[] {PeerHandshakeDecoder.outgoing(INFO_HASH), new PeerMessageDecoder()};
    }

    static ChannelHandler[] incomingPipeline() {
        return new ChannelHandler[] {PeerHandshakeDecoder.incoming(h -> Arrays.equals(h, INFO_HASH)), new PeerMessageDecoder()};
    }

    @Test
    void encodesTheBep3WireForm() {
        PeerHandshake h = PeerHandshake.of(EnumSet.of(Feature.EXTENSION_PROTOCOL, Feature.DHT, Feature.FAST), INFO_HASH, PEER_ID);
        assertEquals(HANDSHAKE_HEX, Hex.encode(ChannelFeeding.encode(PeerHandshakeEncoder.INSTANCE, h)));
        assertEquals(PeerHandshake.LENGTH, HANDSHAKE_HEX.length() / 2);
    }

    /** BEP 10 bit 20 from the right, BEP 5 0x01 and BEP 6 0x04 of byte 7, BEP 52 0x10 of byte 7. */
    @Test
    void reservedBitsAreWhereTheBepsPutThem() {
        assertEquals(1L << 20, Feature.EXTENSION_PROTOCOL.mask());
        assertEquals(0x01L, Feature.DHT.mask());
        assertEquals(0x04L, Feature.FAST.mask());
        assertEquals(0x10L, Feature.V2_UPGRADE.mask());
        PeerHandshake h = new PeerHandshake(0x8000_0000_0010_0015L, INFO_HASH, PEER_ID);
        assertEquals(EnumSet.allOf(Feature.class), h.features());
        assertEquals(0x8000_0000_0010_0015L, h.reserved(), "unknown bits are kept");
        assertFalse(new PeerHandshake(0, INFO_HASH, PEER_ID).has(Feature.FAST));
    }

    @Test
    void outgoingFiresTheHandshakeThenTheMessagesThatFollowedItWhateverTheChunking() {
        byte[] wire = Hex.decode(HANDSHAKE_HEX + FOLLOWING_HEX);
        for (Chunking c : Chunkings.all(wire)) {
            ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerHandshakeCodecTest::outgoingPipeline, c.parts());
            assertNull(o.error(), c.name());
            assertEquals(List.of(expectedHandshake(), new Bitfield(Unpooled.wrappedBuffer(new byte[] {(byte) 0xa0})),
                    new Have(2), Unchoke.INSTANCE), o.messages(), c.name());
            o.releaseAndCheck();
        }
    }

    @Test
    void incomingFiresThePrefixBeforeThePeerIdWhateverTheChunking() {
        byte[] wire = Hex.decode(HANDSHAKE_HEX + FOLLOWING_HEX);
        for (Chunking c : Chunkings.all(wire)) {
            ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerHandshakeCodecTest::incomingPipeline, c.parts());
            assertNull(o.error(), c.name());
            assertEquals(List.of(new PeerHandshakePrefix(0x100005L, INFO_HASH), expectedHandshake(),
                    new Bitfield(Unpooled.wrappedBuffer(new byte[] {(byte) 0xa0})), new Have(2), Unchoke.INSTANCE),
                    o.messages(), c.name());
            o.releaseAndCheck();
        }
    }

    /**
     * BEP 3: the recipient "must respond as soon as it sees the info_hash part of the handshake": the prefix is
     * fired after exactly 48 bytes, before any of the peer id.
     */
    @Test
    void incomingLearnsTheInfoHashAfter48Bytes() {
        List<byte[]> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(PeerHandshakeDecoder.incoming(h -> seen.add(h)));
        byte[] wire = Hex.decode(HANDSHAKE_HEX);
        ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, 47));
        assertNull(ch.readInbound());
        assertTrue(seen.isEmpty());
        ch.writeInbound(Unpooled.wrappedBuffer(wire, 47, 1));
        PeerHandshakePrefix prefix = ch.readInbound();
        assertArrayEquals(INFO_HASH, prefix.infoHash());
        assertTrue(prefix.has(Feature.EXTENSION_PROTOCOL));
        assertEquals(1, seen.size());
        assertArrayEquals(INFO_HASH, seen.getFirst());
        ch.writeInbound(Unpooled.wrappedBuffer(wire, 48, 20));
        assertEquals(expectedHandshake(), ch.readInbound());
        assertNull(ch.pipeline().get(PeerHandshakeDecoder.class), "one-shot: removed itself");
        assertFalse(ch.finish());
    }

    /** An unknown torrent is refused once the info-hash is in, before the peer id arrives. */
    @Test
    void unknownInfoHashIsRefusedBeforeThePeerId() {
        byte[] wire = Hex.decode(HANDSHAKE_HEX);
        Supplier<ChannelHandler[]> other = () -> new ChannelHandler[] {PeerHandshakeDecoder.incoming(h -> Arrays.equals(h, OTHER_HASH))};
        ChannelFeeding.Outcome o = ChannelFeeding.feed(other, List.of(Arrays.copyOf(wire, 48)));
        assertEquals(Reason.UNKNOWN_INFO_HASH, assertInstanceOf(PeerProtocolException.class, o.error()).reason());
        assertTrue(o.messages().isEmpty());
        o.releaseAndCheck();
        for (Chunking c : Chunkings.all(Hex.decode(HANDSHAKE_HEX + FOLLOWING_HEX))) {
            ChannelFeeding.Outcome again = ChannelFeeding.feed(other, c.parts());
            assertEquals(Reason.UNKNOWN_INFO_HASH, ((PeerProtocolException) again.error()).reason(), c.name());
            assertTrue(again.messages().isEmpty(), c.name());
            again.releaseAndCheck();
        }
        ChannelFeeding.Outcome outgoing = ChannelFeeding.feed(() -> new ChannelHandler[] {PeerHandshakeDecoder.outgoing(OTHER_HASH)}, List.of(wire));
        assertEquals(Reason.UNKNOWN_INFO_HASH, ((PeerProtocolException) outgoing.error()).reason());
        outgoing.releaseAndCheck();
    }

    /** BEP 52: a peer offered the upgrade may answer a hybrid torrent's v1 handshake with the truncated v2 hash. */
    @Test
    void outgoingAcceptsEitherInfoHashOfAHybridTorrent() {
        byte[] v2 = Hex.decode(HANDSHAKE_HEX.replace(Hex.encode(INFO_HASH), Hex.encode(OTHER_HASH)));
        ChannelFeeding.Outcome o = ChannelFeeding.feed(() -> new ChannelHandler[] {PeerHandshakeDecoder.outgoing(INFO_HASH, OTHER_HASH)}, List.of(v2));
        assertNull(o.error());
        assertTrue(((PeerHandshake) o.messages().getFirst()).infoHashEquals(OTHER_HASH));
        o.releaseAndCheck();
    }

    @Test
    void badProtocolLengthFailsOnTheFirstByte() {
        ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerHandshakeCodecTest::outgoingPipeline, List.of(new byte[] {18}));
        assertEquals(Reason.BAD_PROTOCOL_LENGTH, ((PeerProtocolException) o.error()).reason());
        o.releaseAndCheck();
        // an MSE public key or an HTTP request instead of a handshake
        ChannelFeeding.Outcome http = ChannelFeeding.feed(PeerHandshakeCodecTest::outgoingPipeline, List.of("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Reason.BAD_PROTOCOL_LENGTH, ((PeerProtocolException) http.error()).reason());
        http.releaseAndCheck();
    }

    @Test
    void badProtocolStringFailsAtTheFirstWrongByteWhateverTheChunking() {
        byte[] wire = Hex.decode(HANDSHAKE_HEX + FOLLOWING_HEX);
        wire[12] = 'P'; // "BitTorrent Protocol": wrong at byte 12
        for (Chunking c : Chunkings.all(wire)) {
            ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerHandshakeCodecTest::outgoingPipeline, c.parts());
            assertEquals(Reason.BAD_PROTOCOL_STRING, ((PeerProtocolException) o.error()).reason(), c.name());
            assertTrue(o.messages().isEmpty());
            o.releaseAndCheck();
        }
        ChannelFeeding.Outcome early = ChannelFeeding.feed(PeerHandshakeCodecTest::outgoingPipeline, List.of(Arrays.copyOf(wire, 13)));
        assertInstanceOf(PeerProtocolException.class, early.error(), "fails once byte 12 is in, not at byte 20");
        early.releaseAndCheck();
    }

    @Test
    void aHandshakeAloneLeavesNothingBehind() {
        ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerHandshakeCodecTest::outgoingPipeline, List.of(Hex.decode(HANDSHAKE_HEX)));
        assertEquals(List.of(expectedHandshake()), o.messages());
        o.releaseAndCheck();
    }

    @Test
    void handshakeRecordCopiesItsArrays() {
        byte[] hash = INFO_HASH.clone();
        PeerHandshake h = new PeerHandshake(0, hash, PEER_ID);
        hash[0] = 0;
        h.infoHash()[1] = 0;
        assertArrayEquals(INFO_HASH, h.infoHash());
        assertThrows(IllegalArgumentException.class, () -> new PeerHandshake(0, new byte[19], PEER_ID));
        assertThrows(IllegalArgumentException.class, () -> new PeerHandshake(0, INFO_HASH, new byte[21]));
        assertThrows(IllegalArgumentException.class, () -> PeerHandshakeDecoder.outgoing());
        assertEquals(new PeerHandshake(5, INFO_HASH, PEER_ID), new PeerHandshake(5, INFO_HASH.clone(), PEER_ID.clone()));
        assertTrue(h.toString().contains("-HV0001-abcdefghijkl"));
    }

    @Test
    void reservedBitsForASetOfFeatures() {
        assertEquals(0x100005L, PeerHandshake.reservedBits(Set.of(Feature.EXTENSION_PROTOCOL, Feature.FAST, Feature.DHT)));
        assertEquals(0L, PeerHandshake.reservedBits(Set.of()));
    }

    static PeerHandshake expectedHandshake() {
        return new PeerHandshake(0x100005L, INFO_HASH, PEER_ID);
    }
}
