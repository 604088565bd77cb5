package io.hivemind.bt.wire.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.peer.PeerMessage.AllowedFast;
import io.hivemind.bt.wire.peer.PeerMessage.Bitfield;
import io.hivemind.bt.wire.peer.PeerMessage.Cancel;
import io.hivemind.bt.wire.peer.PeerMessage.Choke;
import io.hivemind.bt.wire.peer.PeerMessage.Extended;
import io.hivemind.bt.wire.peer.PeerMessage.HashReject;
import io.hivemind.bt.wire.peer.PeerMessage.HashRequest;
import io.hivemind.bt.wire.peer.PeerMessage.Hashes;
import io.hivemind.bt.wire.peer.PeerMessage.Have;
import io.hivemind.bt.wire.peer.PeerMessage.HaveAll;
import io.hivemind.bt.wire.peer.PeerMessage.HaveNone;
import io.hivemind.bt.wire.peer.PeerMessage.Interested;
import io.hivemind.bt.wire.peer.PeerMessage.KeepAlive;
import io.hivemind.bt.wire.peer.PeerMessage.NotInterested;
import io.hivemind.bt.wire.peer.PeerMessage.Piece;
import io.hivemind.bt.wire.peer.PeerMessage.Port;
import io.hivemind.bt.wire.peer.PeerMessage.RejectRequest;
import io.hivemind.bt.wire.peer.PeerMessage.Request;
import io.hivemind.bt.wire.peer.PeerMessage.SuggestPiece;
import io.hivemind.bt.wire.peer.PeerMessage.Unchoke;
import io.hivemind.bt.wire.peer.PeerMessage.Unknown;
import io.hivemind.bt.wire.peer.PeerProtocolException.Reason;
import io.hivemind.bt.wire.testing.ChannelFeeding;
import io.hivemind.bt.wire.testing.Chunkings;
import io.hivemind.bt.wire.testing.Chunkings.Chunking;
import io.hivemind.bt.wire.testing.NoLeaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every peer-wire message against its wire form written out by hand from the BEPs, through
 * {@link PeerMessageEncoder} and {@link PeerMessageDecoder}, fed whole, split at every offset, re-chunked in sizes
 * 1 to 69 and concatenated; plus the decoder's limits and errors.
 */
@ExtendWith(NoLeaks.class)
class PeerMessageCodecTest {

    /** A message recipe (a fresh message per call: payload messages are consumed when written) and its wire form. */
    record Sample(String name, Supplier<PeerMessage> message, String hex) {
        byte[] bytes() {
            return Hex.decode(hex.replace(" ", ""));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final byte[] ROOT = filled(32, 0xab);
    static final byte[] BLOCK = sequence(37);

    static List<Sample> samples() {
        String root = "ab".repeat(32);
        return List.of(
                new Sample("BEP 3 keep-alive", () -> KeepAlive.INSTANCE, "00000000"),
                new Sample("BEP 3 choke", () -> Choke.INSTANCE, "00000001 00"),
                new Sample("BEP 3 unchoke", () -> Unchoke.INSTANCE, "00000001 01"),
                new Sample("BEP 3 interested", () -> Interested.INSTANCE, "00000001 02"),
                new Sample("BEP 3 not interested", () -> NotInterested.INSTANCE, "00000001 03"),
                new Sample("BEP 3 have", () -> new Have(0x01020304), "00000005 04 01020304"),
                new Sample("BEP 3 bitfield", () -> new Bitfield(buf(0xff, 0x80)), "00000003 05 ff80"),
                new Sample("BEP 3 request", () -> new Request(1, 0x4000, 0x4000), "0000000d 06 00000001 00004000 00004000"),
                new Sample("BEP 3 piece", () -> new Piece(2, 0x8000, Unpooled.wrappedBuffer(BLOCK)),
                        "0000002e 07 00000002 00008000 " + Hex.encode(BLOCK)),
                new Sample("BEP 3 cancel", () -> new Cancel(3, 0, 0x4000), "0000000d 08 00000003 00000000 00004000"),
                new Sample("BEP 5 port", () -> new Port(6881), "00000003 09 1ae1"),
                new Sample("BEP 6 suggest piece", () -> new SuggestPiece(7), "00000005 0d 00000007"),
                new Sample("BEP 6 have all", () -> HaveAll.INSTANCE, "00000001 0e"),
                new Sample("BEP 6 have none", () -> HaveNone.INSTANCE, "00000001 0f"),
                new Sample("BEP 6 reject request", () -> new RejectRequest(4, 0x4000, 0x4000), "0000000d 10 00000004 00004000 00004000"),
                new Sample("BEP 6 allowed fast", () -> new AllowedFast(0x7fffffff), "00000005 11 7fffffff"),
                new Sample("BEP 10 extended handshake", () -> new Extended(0, ascii("d1:md6:ut_pexi1eee")),
                        "00000014 14 00 " + Hex.encode(ascii("d1:md6:ut_pexi1eee").array())),
                new Sample("BEP 10 extended, id 3, empty", () -> new Extended(3, Unpooled.EMPTY_BUFFER), "00000002 14 03"),
                new Sample("BEP 52 hash request", () -> new HashRequest(ROOT, 0, 4, 2, 3),
                        "00000031 15 " + root + " 00000000 00000004 00000002 00000003"),
                new Sample("BEP 52 hashes", () -> new Hashes(new HashRequest(ROOT, 1, 0, 2, 0), Unpooled.wrappedBuffer(filled(64, 0x11))),
                        "00000071 16 " + root + " 00000001 00000000 00000002 00000000 " + "11".repeat(64)),
                new Sample("BEP 52 hash reject", () -> new HashReject(new HashRequest(ROOT, 0, 512, 512, 9)),
                        "00000031 17 " + root + " 00000000 00000200 00000200 00000009"),
                new Sample("unknown id 99", () -> new Unknown(99, ascii("xyz")), "00000004 63 78797a"),
                new Sample("unknown id 10, empty", () -> new Unknown(10, Unpooled.EMPTY_BUFFER), "00000001 0a"));
    }

    static Stream<Arguments> sampleArgs() {
        return samples().stream().map(Arguments::of);
    }

    static ChannelHandler[] decoder() {
        return new ChannelHandler[] {new PeerMessageDecoder()};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleArgs")
    void encodesToTheWireFormOfTheBep(Sample s) {
        assertEquals(s.hex.replace(" ", ""), Hex.encode(ChannelFeeding.encode(PeerMessageEncoder.INSTANCE, s.message.get())));
        PeerMessage m = s.message.get();
        assertEquals(s.bytes().length, m.wireLength());
        io.netty.util.ReferenceCountUtil.release(m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleArgs")
    void decodesTheSameWhateverTheChunking(Sample s) {
        byte[] wire = s.bytes();
        for (Chunking c : Chunkings.all(wire)) {
            ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerMessageCodecTest::decoder, c.parts());
            assertNull(o.error(), c.name());
            PeerMessage expected = s.message.get();
            try {
                assertEquals(List.of(expected), o.messages(), c.name());
                if (expected instanceof KeepAlive || expected instanceof Choke) {
                    assertSame(expected, o.messages().getFirst(), "payload-free messages are singletons");
                }
            } finally {
                io.netty.util.ReferenceCountUtil.release(expected);
            }
            o.releaseAndCheck();
        }
    }

    @Test
    void decodesAllSamplesConcatenatedWhateverTheChunking() {
        List<byte[]> wires = new ArrayList<>();
        for (Sample s : samples()) {
            wires.add(s.bytes());
        }
        byte[] all = Chunkings.concat(wires);
        List<Chunking> chunkings = new ArrayList<>(Chunkings.rechunked(all, Chunkings.MAX_CHUNK));
        chunkings.add(Chunkings.whole(all));
        List<Chunking> splits = Chunkings.splits(all);
        for (int i = 0; i < splits.size(); i += 7) {
            chunkings.add(splits.get(i));
        }
        for (Chunking c : chunkings) {
            ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerMessageCodecTest::decoder, c.parts());
            assertNull(o.error(), c.name());
            List<PeerMessage> expected = samples().stream().map(s -> s.message.get()).toList();
            assertEquals(expected, o.messages(), c.name());
            ChannelFeeding.releaseAll(expected);
            o.releaseAndCheck();
        }
    }

    /** A full 16 KiB block, whole and in 1...69-byte reads: the hot path. */
    @Test
    void decodesA16KiBBlockInAnyChunking() {
        byte[] block = sequence(16 * 1024);
        ByteBuf wire = Unpooled.buffer();
        PeerMessageEncoder.writePieceHeader(wire, 9, 0x4000, block.length);
        wire.writeBytes(block);
        byte[] bytes = Arrays.copyOf(wire.array(), wire.writerIndex());
        List<Chunking> chunkings = new ArrayList<>(List.of(Chunkings.whole(bytes)));
        for (int size : new int[] {1, 2, 13, 69, 1000, 16396}) {
            chunkings.add(Chunkings.chunked(bytes, size));
        }
        for (Chunking c : chunkings) {
            ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerMessageCodecTest::decoder, c.parts());
            Piece p = assertInstanceOf(Piece.class, o.messages().getFirst(), c.name());
            assertEquals(9, p.piece());
            assertEquals(0x4000, p.begin());
            assertEquals(Unpooled.wrappedBuffer(block), p.payload(), c.name());
            o.releaseAndCheck();
        }
    }

    /** The decoder slices the block out of the read buffer: the payload shares memory with what the socket read. */
    @Test
    void decodedBlockIsASliceOfTheReadBufferNotACopy() {
        EmbeddedChannel ch = new EmbeddedChannel(new PeerMessageDecoder());
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer();
        PeerMessageEncoder.writePieceHeader(read, 0, 0, 4);
        read.writeInt(0x01020304);
        ch.writeInbound(read);
        Piece p = ch.readInbound();
        assertEquals(1, read.refCnt(), "the slice holds the only reference of the read buffer");
        read.setByte(13, 0x77);
        assertEquals(0x77, p.payload().getByte(0), "payload shares the read buffer's memory");
        p.release();
        assertEquals(0, read.refCnt());
        assertFalse(ch.finish());
    }

    /** The encoder hands a block payload on without copying it: the header, then the very same buffer. */
    @Test
    void encoderSendsABlockWithoutCopyingIt() {
        ByteBuf block = PooledByteBufAllocator.DEFAULT.directBuffer(16 * 1024).writeZero(16 * 1024);
        EmbeddedChannel ch = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
        ch.writeOutbound(new Piece(5, 0, block));
        ByteBuf header = ch.readOutbound();
        assertEquals("00004009 07 00000005 00000000".replace(" ", ""), Hex.encode(io.netty.buffer.ByteBufUtil.getBytes(header)));
        header.release();
        assertSame(block, ch.readOutbound(), "payload passed on, not copied");
        assertEquals(1, block.refCnt());
        block.release();
        assertFalse(ch.finish());
    }

    /** Small payloads are copied behind the header into one buffer, and released. */
    @Test
    void encoderCopiesSmallPayloads() {
        ByteBuf small = PooledByteBufAllocator.DEFAULT.directBuffer(3).writeBytes(new byte[] {1, 2, 3});
        EmbeddedChannel ch = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
        ch.writeOutbound(new Extended(7, small));
        assertEquals(0, small.refCnt());
        ByteBuf out = ch.readOutbound();
        assertEquals("00000005 14 07 010203".replace(" ", ""), Hex.encode(io.netty.buffer.ByteBufUtil.getBytes(out)));
        out.release();
        assertFalse(ch.finish());
    }

    /** A failed write fails the caller's promise and releases the block, header and all. */
    @Test
    void aFailedBlockWriteFailsThePromiseAndReleasesEverything() {
        ByteBuf block = PooledByteBufAllocator.DEFAULT.directBuffer(16 * 1024).writeZero(16 * 1024);
        EmbeddedChannel ch = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
        ch.close();
        io.netty.channel.ChannelFuture f = ch.writeAndFlush(new Piece(5, 0, block));
        assertFalse(f.isSuccess());
        assertEquals(0, block.refCnt());
        assertFalse(ch.finish());
    }

    /** A block from a file goes out as its 13-byte header and then the region itself, for sendfile. */
    @Test
    void pieceRegionIsWrittenAsHeaderThenTheRegion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data");
        Files.write(file, sequence(100));
        FileRegion region = new DefaultFileRegion(file.toFile(), 10, 50);
        EmbeddedChannel ch = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
        ch.writeOutbound(new PieceRegion(3, 0x4000, region));
        ByteBuf header = ch.readOutbound();
        assertEquals("0000003b 07 00000003 00004000".replace(" ", ""), Hex.encode(io.netty.buffer.ByteBufUtil.getBytes(header)));
        header.release();
        assertSame(region, ch.readOutbound());
        region.release();
        assertEquals(0, region.refCnt());
        assertFalse(ch.finish());
    }

    @Test
    void otherOutboundMessagesPassThroughTheEncoder() {
        EmbeddedChannel ch = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2});
        ch.writeOutbound(raw);
        assertSame(raw, ch.readOutbound());
        raw.release();
        assertFalse(ch.finish());
    }

    // ---- limits and errors ----

    record Bad(String name, String hex, Reason reason, int failsAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Each bad message with the reason and the number of bytes after which the decoder must already have failed. */
    static Stream<Arguments> badMessages() {
        String root = "ab".repeat(32);
        return Stream.of(
                new Bad("HARDENING: length prefix above 1 MiB + 1 KiB fails after the 4 prefix bytes", "00100401 07", Reason.MESSAGE_TOO_LONG, 4),
                new Bad("length prefix 2^32-1", "ffffffff", Reason.MESSAGE_TOO_LONG, 4),
                new Bad("BEP 3 choke with a payload", "00000002 00 00", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 3 have of 4 bytes", "00000004 04 000001", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 3 have of 6 bytes", "00000006 04 0000000100", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 3 request of 12 bytes", "0000000c 06 00000001 00000000 000040", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 3 piece without begin", "00000005 07 00000001", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 3 cancel of 14 bytes", "0000000e 08 00000001 00000000 00004000 00", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 5 port of 1 byte", "00000002 09 1a", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 6 have all with a payload", "00000002 0e 00", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 6 allowed fast of 3 bytes", "00000004 11 000000", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 10 extended without an id", "00000001 14", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 52 hashes with 31 bytes of hashes", "00000050 16 " + root + " 00000000 00000000 00000002 00000000" + "11".repeat(31),
                        Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 52 hash request of 48 bytes", "00000030 15 " + root + " 00000000 00000000 00000002", Reason.BAD_MESSAGE_LENGTH, 5),
                new Bad("BEP 3 have with index 2^31", "00000005 04 80000000", Reason.FIELD_OUT_OF_RANGE, 9),
                new Bad("BEP 3 request with begin 2^32-1", "0000000d 06 00000001 ffffffff 00004000", Reason.FIELD_OUT_OF_RANGE, 17),
                new Bad("BEP 3 piece with index 2^31", "0000000a 07 80000000 00000000 aa", Reason.FIELD_OUT_OF_RANGE, 14),
                new Bad("BEP 52 hash request with length 3", "00000031 15 " + root + " 00000000 00000000 00000003 00000000",
                        Reason.INVALID_HASH_REQUEST, 53),
                new Bad("BEP 52 hash request with length 1", "00000031 15 " + root + " 00000000 00000000 00000001 00000000",
                        Reason.INVALID_HASH_REQUEST, 53),
                new Bad("BEP 52 hash reject with index not a multiple of length", "00000031 17 " + root + " 00000000 00000002 00000004 00000000",
                        Reason.INVALID_HASH_REQUEST, 53))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMessages")
    void rejectsBadMessagesWithATypedReasonWhateverTheChunking(Bad bad) {
        byte[] wire = Hex.decode(bad.hex.replace(" ", ""));
        // a valid message before it must still come out
        byte[] stream = Chunkings.concat(List.of(Hex.decode("0000000102"), wire, Hex.decode("0000000101")));
        for (Chunking c : Chunkings.all(stream)) {
            ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerMessageCodecTest::decoder, c.parts());
            PeerProtocolException e = assertInstanceOf(PeerProtocolException.class, o.error(), c.name());
            assertEquals(bad.reason, e.reason(), c.name());
            assertEquals(List.of(Interested.INSTANCE), o.messages(), c.name());
            o.releaseAndCheck();
        }
        // the decoder fails as soon as the bytes named allow, not later
        ChannelFeeding.Outcome early = ChannelFeeding.feed(PeerMessageCodecTest::decoder, List.of(Arrays.copyOf(wire, bad.failsAfter)));
        assertInstanceOf(PeerProtocolException.class, early.error());
        early.releaseAndCheck();
        ChannelFeeding.Outcome tooEarly = ChannelFeeding.feed(PeerMessageCodecTest::decoder, List.of(Arrays.copyOf(wire, bad.failsAfter - 1)));
        assertNull(tooEarly.error());
        tooEarly.releaseAndCheck();
    }

    /** HARDENING: after an oversized prefix nothing more is buffered, however much the peer sends. */
    @Test
    void afterAnOversizedPrefixNothingIsBuffered() {
        PeerMessageDecoder decoder = new PeerMessageDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ByteBuf first = Unpooled.buffer().writeInt(2 << 20).writeZero(1000);
        PeerProtocolException e = assertThrows(PeerProtocolException.class, () -> ch.writeInbound(first));
        assertEquals(Reason.MESSAGE_TOO_LONG, e.reason());
        for (int i = 0; i < 64; i++) {
            ch.writeInbound(PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024).writeZero(64 * 1024));
            assertEquals(0, decoder.bufferedBytes());
        }
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void maximumLengthIsConfigurable() {
        Supplier<ChannelHandler[]> small = () -> new ChannelHandler[] {new PeerMessageDecoder(100)};
        ChannelFeeding.Outcome ok = ChannelFeeding.feed(small, List.of(Chunkings.concat(List.of(Hex.decode("0000006405"), new byte[99]))));
        assertNull(ok.error());
        assertEquals(99, ((Bitfield) ok.messages().getFirst()).payload().readableBytes());
        ok.releaseAndCheck();
        ChannelFeeding.Outcome tooLong = ChannelFeeding.feed(small, List.of(Hex.decode("0000006505")));
        assertEquals(Reason.MESSAGE_TOO_LONG, ((PeerProtocolException) tooLong.error()).reason());
        tooLong.releaseAndCheck();
        assertThrows(IllegalArgumentException.class, () -> new PeerMessageDecoder(10));
    }

    @Test
    void bitfieldConvertsToAndFromTheBitsType() {
        io.hivemind.bt.wire.bits.Bitfield bits = new io.hivemind.bt.wire.bits.Bitfield(10);
        bits.set(0);
        bits.set(9);
        Bitfield m = Bitfield.of(bits);
        assertEquals("00000003 05 8040".replace(" ", ""), Hex.encode(ChannelFeeding.encode(PeerMessageEncoder.INSTANCE, m.retain())));
        assertEquals(bits, m.toBitfield(10));
        assertThrows(io.hivemind.bt.wire.bits.Bitfield.InvalidBitfieldException.class, () -> m.toBitfield(9));
        m.release();
    }

    @Test
    void recordsRefuseValuesTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new Have(-1));
        assertThrows(IllegalArgumentException.class, () -> new Port(65536));
        assertThrows(IllegalArgumentException.class, () -> new Extended(256, Unpooled.EMPTY_BUFFER));
        assertThrows(IllegalArgumentException.class, () -> new Unknown(7, Unpooled.EMPTY_BUFFER));
        assertThrows(IllegalArgumentException.class, () -> new HashRequest(new byte[31], 0, 0, 2, 0));
    }

    @Test
    void knownIdsAreExactlyTheTypedOnes() {
        for (int id = 0; id < 256; id++) {
            boolean typed = (id <= 9) || (id >= 13 && id <= 17) || (id >= 20 && id <= 23);
            assertEquals(typed, PeerMessage.isKnownId(id), "id " + id);
        }
    }

    // ---- helpers ----

    static ByteBuf buf(int... bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length);
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static byte[] sequence(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }
}
