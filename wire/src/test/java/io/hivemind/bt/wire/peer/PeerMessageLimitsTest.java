package io.hivemind.bt.wire.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.peer.PeerMessageDecoder.Limits;
import io.hivemind.bt.wire.peer.PeerMessageDecoder.MessageBudget;
import io.hivemind.bt.wire.peer.PeerProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * Per-message-type caps, the shared budget for large messages and the adaptive cumulator of
 * {@link PeerMessageDecoder} (HARDENING.md "Peers": heap growth under 200 hostile peers stays under 50 MiB; BEP 3
 * blocks are at most 16 KiB).
 */
class PeerMessageLimitsTest {

    static ByteBuf header(int length, int id) {
        return Unpooled.buffer().writeInt(length).writeByte(id);
    }

    static PeerProtocolException failure(EmbeddedChannel ch, ByteBuf in) {
        return assertThrows(PeerProtocolException.class, () -> ch.writeInbound(in));
    }

    @Test
    void strictLimitsTakeA16KiBBlockAndRefuseALargerOneFromItsHeader() {
        EmbeddedChannel ok = new EmbeddedChannel(new PeerMessageDecoder(Limits.STRICT, MessageBudget.UNLIMITED));
        ok.writeInbound(header(9 + 16384, PeerMessage.Piece.ID).writeInt(0).writeInt(0).writeZero(16384));
        PeerMessage.Piece piece = ok.readInbound();
        assertEquals(16384, piece.length());
        piece.release();
        assertFalse(ok.finish());

        EmbeddedChannel big = new EmbeddedChannel(new PeerMessageDecoder(Limits.STRICT, MessageBudget.UNLIMITED));
        PeerProtocolException e = failure(big, header(9 + 16385, PeerMessage.Piece.ID)); // only the 5-byte header
        assertEquals(Reason.MESSAGE_TOO_LONG, e.reason());
        assertFalse(big.finish());
    }

    @Test
    void extensionAndUnknownMessagesAreCappedAt64KiB() {
        for (int id : new int[] {PeerMessage.Extended.ID, 99, PeerMessage.Hashes.ID}) {
            EmbeddedChannel ch = new EmbeddedChannel(new PeerMessageDecoder(Limits.STRICT, MessageBudget.UNLIMITED));
            int len = id == PeerMessage.Hashes.ID ? 1 + PeerMessage.HashRequest.FIELDS_LENGTH + 32 * 2048 : 64 * 1024 + 1;
            PeerProtocolException e = failure(ch, header(len, id));
            assertEquals(Reason.MESSAGE_TOO_LONG, e.reason(), "id " + id);
            assertFalse(ch.finish());
        }
    }

    @Test
    void bitfieldCapFollowsTheTorrent() {
        PeerMessageDecoder d = new PeerMessageDecoder(Limits.STRICT, MessageBudget.UNLIMITED);
        d.setMaxBitfieldLength(1 + 5); // 33..40 pieces
        EmbeddedChannel ch = new EmbeddedChannel(d);
        ch.writeInbound(header(6, PeerMessage.Bitfield.ID).writeZero(5));
        PeerMessage.Bitfield b = ch.readInbound();
        b.release();
        PeerProtocolException e = failure(ch, header(7, PeerMessage.Bitfield.ID));
        assertEquals(Reason.MESSAGE_TOO_LONG, e.reason());
        assertFalse(ch.finish());
    }

    @Test
    void largePartialMessagesShareOneBudgetAndReturnIt() {
        MessageBudget budget = MessageBudget.of(300 * 1024);
        int len = 1 + 200 * 1024; // a bitfield of 1.6 million pieces: longer than a block message
        PeerMessageDecoder a = new PeerMessageDecoder(Limits.STRICT, budget);
        PeerMessageDecoder b = new PeerMessageDecoder(Limits.STRICT, budget);
        EmbeddedChannel chA = new EmbeddedChannel(a);
        EmbeddedChannel chB = new EmbeddedChannel(b);
        chA.writeInbound(header(len, PeerMessage.Bitfield.ID).writeZero(1000));
        assertEquals(len, a.reservedBytes());
        PeerProtocolException refused = failure(chB, header(len, PeerMessage.Bitfield.ID));
        assertEquals(Reason.MESSAGE_TOO_LONG, refused.reason());
        assertEquals(0, b.reservedBytes());
        // a completes: its reservation returns, and a third decoder may reserve
        chA.writeInbound(Unpooled.buffer().writeZero(len - 1 - 1000));
        PeerMessage.Bitfield done = chA.readInbound();
        done.release();
        assertEquals(0, a.reservedBytes());
        PeerMessageDecoder c = new PeerMessageDecoder(Limits.STRICT, budget);
        EmbeddedChannel chC = new EmbeddedChannel(c);
        chC.writeInbound(header(len, PeerMessage.Bitfield.ID));
        assertEquals(len, c.reservedBytes());
        // closing the channel mid-message returns the reservation too
        chC.finishAndReleaseAll();
        assertTrue(budget.tryReserve(300 * 1024), "the whole budget is free again: " + budget);
        assertFalse(chA.finish());
        chB.finishAndReleaseAll();
    }

    @Test
    void messagesBelowTheThresholdNeedNoBudget() {
        MessageBudget none = MessageBudget.of(0);
        EmbeddedChannel ch = new EmbeddedChannel(new PeerMessageDecoder(Limits.STRICT, none));
        ch.writeInbound(header(9 + 16384, PeerMessage.Piece.ID).writeInt(1).writeInt(0).writeZero(100));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.buffer().writeZero(16384 - 100));
        PeerMessage.Piece p = ch.readInbound();
        p.release();
        assertFalse(ch.finish());
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(10, 9, 1, 2, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Limits(100, 8, 1, 2, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PeerMessageDecoder(Limits.STRICT, MessageBudget.UNLIMITED)
                .setMaxBitfieldLength(0));
        assertThrows(IllegalArgumentException.class, () -> MessageBudget.of(-1));
    }

    /**
     * A message sent a byte at a time: every read lands in its own (here 2 KiB) buffer. Composing them would pin
     * 2 KiB and a component per byte; the adaptive cumulator copies small reads, so the cumulation stays a few times
     * the bytes it holds.
     */
    @Test
    void dribbledReadsAreCopiedNotComposed() {
        PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        ByteBuf cumulation = alloc.directBuffer(2048).writeByte(1);
        int bytes = 1;
        for (int i = 0; i < 20_000; i++) {
            ByteBuf read = alloc.directBuffer(2048).writeByte(i);
            cumulation = PeerMessageDecoder.ADAPTIVE_CUMULATOR.cumulate(alloc, cumulation, read);
            bytes++;
            assertEquals(0, read.refCnt());
        }
        assertEquals(bytes, cumulation.readableBytes());
        assertTrue(cumulation.capacity() <= 4 * bytes, "capacity " + cumulation.capacity() + " for " + bytes + " bytes");
        if (cumulation instanceof CompositeByteBuf c) {
            assertTrue(c.numComponents() < 20, c.numComponents() + " components");
        }
        cumulation.release();
    }

    @Test
    void wellFilledLargeReadsAreComposedWithoutCopy() {
        PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        ByteBuf cumulation = alloc.directBuffer(8192).writeZero(8192);
        ByteBuf read = alloc.directBuffer(8192).writeZero(8192);
        ByteBuf out = PeerMessageDecoder.ADAPTIVE_CUMULATOR.cumulate(alloc, cumulation, read);
        CompositeByteBuf c = assertInstanceOf(CompositeByteBuf.class, out);
        assertEquals(2, c.numComponents());
        out.release();
    }
}
