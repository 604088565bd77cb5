package io.hivemind.bt.wire.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;

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
import io.hivemind.bt.wire.testing.ChannelFeeding;
import io.hivemind.bt.wire.testing.Chunkings;
import io.hivemind.bt.wire.testing.Gens;
import io.hivemind.bt.wire.testing.NoLeaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Property (BEP 3 "messages" and the BEPs adding ids): for every message type with random fields, encoding then
 * decoding gives the same message, whole and in reads of a random size, alone and in a stream of several; and
 * nothing leaks.
 */
@ExtendWith(NoLeaks.class)
class PeerMessageRoundTripTest {

    /**
     * A message recipe: kind picks the type, the ints and bytes fill its fields. A recipe builds a fresh message per
     * call, because written payload messages are consumed.
     */
    record Recipe(int kind, int a, int b, int c, byte[] bytes) {
        static final int KINDS = 23;

        PeerMessage build() {
            int piece = a & Integer.MAX_VALUE;
            int begin = b & Integer.MAX_VALUE;
            int length = c & Integer.MAX_VALUE;
            return switch (kind) {
                case 0 -> KeepAlive.INSTANCE;
                case 1 -> Choke.INSTANCE;
                case 2 -> Unchoke.INSTANCE;
                case 3 -> Interested.INSTANCE;
                case 4 -> NotInterested.INSTANCE;
                case 5 -> new Have(piece);
                case 6 -> new Bitfield(Unpooled.wrappedBuffer(bytes));
                case 7 -> new Request(piece, begin, length);
                case 8 -> new Piece(piece, begin, Unpooled.wrappedBuffer(bytes));
                case 9 -> new Cancel(piece, begin, length);
                case 10 -> new Port(a & 0xffff);
                case 11 -> new SuggestPiece(piece);
                case 12 -> HaveAll.INSTANCE;
                case 13 -> HaveNone.INSTANCE;
                case 14 -> new RejectRequest(piece, begin, length);
                case 15 -> new AllowedFast(piece);
                case 16 -> new Extended(a & 0xff, Unpooled.wrappedBuffer(bytes));
                case 17 -> hashRequest();
                case 18 -> new Hashes(hashRequest(), Unpooled.wrappedBuffer(bytes, 0, bytes.length / 32 * 32));
                case 19 -> new HashReject(hashRequest());
                case 20 -> new Unknown(unknownId(a), Unpooled.wrappedBuffer(bytes));
                case 21 -> new Piece(piece, begin, Unpooled.wrappedBuffer(new byte[16 * 1024 + (bytes.length & 3)]));
                default -> new Bitfield(Unpooled.wrappedBuffer(new byte[(c & 0x7fff) + 1]));
            };
        }

        private HashRequest hashRequest() {
            byte[] root = new byte[32];
            for (int i = 0; i < root.length; i++) {
                root[i] = (byte) (a * 31 + i);
            }
            int log = (b & 0xff) % 10 + 1; // length 2..1024
            int length = 1 << log;
            int index = ((c & 0xffff) * length) & Integer.MAX_VALUE;
            return new HashRequest(root, (a >>> 8) & 0x3f, index - index % length, length, (a >>> 16) & 0x3f);
        }

        private static int unknownId(int a) {
            int id = a & 0xff;
            while (PeerMessage.isKnownId(id)) {
                id = (id + 7) & 0xff;
            }
            return id;
        }
    }

    static Gen<Recipe> recipes() {
        return SourceDSL.integers().between(0, Recipe.KINDS - 1).zip(SourceDSL.integers().all(), SourceDSL.integers().all(),
                SourceDSL.integers().all(), Gens.bytes(0, 200), Recipe::new);
    }

    static byte[] wire(PeerMessage m) {
        ByteBuf b = PeerMessageEncoder.encode(PooledByteBufAllocator.DEFAULT, m);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static ChannelHandler[] decoder() {
        return new ChannelHandler[] {new PeerMessageDecoder()};
    }

    @Test
    void encodeThenDecodeIsTheIdentityWholeAndInRandomReads() {
        qt().withExamples(1000).forAll(recipes(), SourceDSL.integers().between(1, 80)).checkAssert((r, chunk) -> {
            byte[] wire = wire(r.build());
            PeerMessage expected = r.build();
            try {
                assertEquals(wire.length, expected.wireLength());
                // large messages in proportionally larger reads, to keep the run short under paranoid leak detection
                int size = wire.length > 2000 ? chunk * 97 : chunk;
                for (Chunkings.Chunking c : List.of(Chunkings.whole(wire), Chunkings.chunked(wire, size))) {
                    ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerMessageRoundTripTest::decoder, c.parts());
                    assertNull(o.error(), c.name());
                    assertEquals(List.of(expected), o.messages(), c.name());
                    o.releaseAndCheck();
                }
            } finally {
                ReferenceCountUtil.release(expected);
            }
        });
    }

    @Test
    void streamsOfMessagesDecodeInOrder() {
        qt().withExamples(150).forAll(SourceDSL.lists().of(recipes()).ofSizeBetween(1, 12), SourceDSL.integers().between(1, 300))
                .checkAssert((rs, chunk) -> {
                    List<byte[]> wires = new ArrayList<>();
                    List<PeerMessage> expected = new ArrayList<>();
                    for (Recipe r : rs) {
                        wires.add(wire(r.build()));
                        expected.add(r.build());
                    }
                    byte[] stream = Chunkings.concat(wires);
                    int size = Math.max(chunk, stream.length / 50); // at most ~50 reads per stream
                    ChannelFeeding.Outcome o = ChannelFeeding.feed(PeerMessageRoundTripTest::decoder, Chunkings.chunked(stream, size).parts());
                    assertNull(o.error());
                    assertEquals(expected, o.messages());
                    ChannelFeeding.releaseAll(expected);
                    o.releaseAndCheck();
                });
    }
}
