package io.hivemind.bt.wire.mse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Connects two {@link EmbeddedChannel}s back to back and moves bytes between them until both are quiet,
 * cutting each direction's byte stream wherever {@code cutA}/{@code cutB} say (absolute stream offsets), so a
 * test can split the stream at every byte or re-chunk it in any size. Records both directions' raw bytes.
 */
final class Pipe {
    final EmbeddedChannel a;
    final EmbeddedChannel b;
    final ByteArrayOutputStream wireAtoB = new ByteArrayOutputStream();
    final ByteArrayOutputStream wireBtoA = new ByteArrayOutputStream();
    private final IntPredicate cutA;
    private final IntPredicate cutB;
    /** Buffers handed to the channels, to check they were all released. */
    final List<ByteBuf> delivered = new ArrayList<>();

    Pipe(EmbeddedChannel a, EmbeddedChannel b, IntPredicate cutA, IntPredicate cutB) {
        this.a = a;
        this.b = b;
        this.cutA = cutA;
        this.cutB = cutB;
    }

    static IntPredicate chunks(int size) {
        return off -> off % size == 0;
    }

    static IntPredicate at(int offset) {
        return off -> off == offset;
    }

    static final IntPredicate WHOLE = off -> false;

    /** Moves bytes until neither side has anything to send (bounded). */
    void run() {
        for (int round = 0; round < 10_000; round++) {
            boolean moved = move(a, b, wireAtoB, cutA) | move(b, a, wireBtoA, cutB);
            if (!moved) {
                // Like a TCP FIN: once one side closed and its last bytes arrived, the other sees the close.
                if (a.isActive() != b.isActive()) {
                    (a.isActive() ? a : b).close();
                    continue;
                }
                return;
            }
        }
        throw new AssertionError("pipe did not settle");
    }

    private boolean move(EmbeddedChannel from, EmbeddedChannel to, ByteArrayOutputStream wire, IntPredicate cut) {
        from.runPendingTasks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o; (o = from.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) o;
            byte[] x = new byte[buf.readableBytes()];
            buf.readBytes(x);
            buf.release();
            out.writeBytes(x);
        }
        byte[] data = out.toByteArray();
        if (data.length == 0) {
            return false;
        }
        int base = wire.size();
        wire.writeBytes(data);
        if (!to.isActive()) {
            return true;
        }
        int start = 0;
        for (int k = 1; k <= data.length; k++) {
            if (k == data.length || cut.test(base + k)) {
                ByteBuf piece = Unpooled.buffer(k - start).writeBytes(data, start, k - start);
                delivered.add(piece);
                to.writeInbound(piece);
                start = k;
                if (!to.isActive()) {
                    break;
                }
            }
        }
        return true;
    }
}
