package io.hivemind.bt.bench.wire;

import io.hivemind.bt.wire.peer.PeerMessage;
import io.hivemind.bt.wire.peer.PeerMessageDecoder;
import io.hivemind.bt.wire.peer.PeerMessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Peer-wire codec throughput: {@link PeerMessageDecoder} and {@link PeerMessageEncoder} on streams of
 * {@code piece} (16 KiB blocks), {@code request} and {@code have} messages.
 *
 * <p>Decode: one operation feeds a precomputed stream of about 1 MiB to the decoder in reads of {@code readSize}
 * bytes, each copied into a fresh pooled direct buffer as a socket read would be, and a sink handler releases every
 * message. {@code cumulator} compares Netty's merge cumulator with the composite one the decoder uses. Encode: one
 * operation writes the stream's messages through the encoder into a sink that releases what comes out; block
 * payloads are retained duplicates of one pooled buffer (no copy on the way in). {@code pieceWrite} compares the
 * encoder (header and block as two writes) with a reference that sends them as one two-component composite buffer.
 *
 * <p>The {@code bytes} counter is wire bytes per second; the score is streams per second. Allocation per operation
 * comes from {@code -prof gc} ({@code gc.alloc.rate.norm}, bytes per stream).
 *
 * <p>Run: {@code mvn -pl bench -am package -DskipTests} then
 * {@code java -jar bench/target/benchmarks.jar PeerMessageCodec -f 1 -wi 2 -i 3} (add {@code -prof gc} for
 * allocation).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "--sun-misc-unsafe-memory-access=allow"})
public class PeerMessageCodecBenchmark {

    private static final int BLOCK = 16 * 1024;
    private static final int STREAM_BYTES = 1 << 20;

    /** What both directions share: a block to send and the message stream in wire form. */
    public abstract static class Stream {
        /** piece, request or have (a {@code @Param} of each state class). */
        abstract String kind();

        ByteBuf block;
        byte[] wire;
        int messageCount;

        void build() {
            block = PooledByteBufAllocator.DEFAULT.directBuffer(BLOCK).writeZero(BLOCK);
            EmbeddedChannel encoder = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
            ByteBuf all = PooledByteBufAllocator.DEFAULT.heapBuffer(STREAM_BYTES + BLOCK + 64);
            messageCount = 0;
            while (all.readableBytes() < STREAM_BYTES) {
                encoder.writeOutbound(message(messageCount++));
                for (Object o; (o = encoder.readOutbound()) != null; ) {
                    ByteBuf b = (ByteBuf) o;
                    all.writeBytes(b);
                    b.release();
                }
            }
            encoder.finishAndReleaseAll();
            wire = new byte[all.readableBytes()];
            all.readBytes(wire);
            all.release();
        }

        PeerMessage message(int i) {
            return switch (kind()) {
                case "piece" -> new PeerMessage.Piece(i, (i % 16) * BLOCK, block.retainedDuplicate());
                case "request" -> new PeerMessage.Request(i, (i % 16) * BLOCK, BLOCK);
                case "have" -> new PeerMessage.Have(i);
                default -> throw new IllegalArgumentException(kind());
            };
        }
    }

    @State(Scope.Thread)
    public static class DecodeState extends Stream {
        @Param({"piece", "request", "have"})
        public String kind;

        @Param({"65536", "4096"})
        public int readSize;

        @Param({"merge", "composite"})
        public String cumulator;

        EmbeddedChannel channel;

        @Override
        String kind() {
            return kind;
        }

        @Setup(Level.Trial)
        public void setUp() {
            build();
            PeerMessageDecoder decoder = new PeerMessageDecoder();
            decoder.setCumulator(cumulator.equals("composite") ? ByteToMessageDecoder.COMPOSITE_CUMULATOR
                    : ByteToMessageDecoder.MERGE_CUMULATOR);
            channel = new EmbeddedChannel(decoder, new ReleasingSink());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            channel.finishAndReleaseAll();
            block.release();
        }
    }

    @State(Scope.Thread)
    public static class EncodeState extends Stream {
        @Param({"piece", "request", "have"})
        public String kind;

        @Param({"encoder", "composite-reference"})
        public String pieceWrite;

        EmbeddedChannel channel;

        @Override
        String kind() {
            return kind;
        }

        @Setup(Level.Trial)
        public void setUp() {
            build();
            ChannelHandler pieces = pieceWrite.equals("composite-reference") ? CompositePieceEncoder.INSTANCE
                    : new ChannelOutboundHandlerAdapter();
            channel = new EmbeddedChannel(new DiscardingSink(), PeerMessageEncoder.INSTANCE, pieces);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            channel.finishAndReleaseAll();
            block.release();
        }
    }

    /** Wire bytes handled, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Benchmark
    public void decode(DecodeState s, Bytes counter) {
        ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        byte[] wire = s.wire;
        int readSize = s.readSize;
        for (int at = 0; at < wire.length; at += readSize) {
            int n = Math.min(readSize, wire.length - at);
            ByteBuf read = alloc.directBuffer(n).writeBytes(wire, at, n);
            s.channel.pipeline().fireChannelRead(read);
            s.channel.pipeline().fireChannelReadComplete();
        }
        counter.bytes += wire.length;
    }

    @Benchmark
    public void encode(EncodeState s, Bytes counter) {
        EmbeddedChannel ch = s.channel;
        for (int i = 0; i < s.messageCount; i++) {
            ch.write(s.message(i), ch.voidPromise());
        }
        counter.bytes += s.wire.length;
    }

    /** Releases every decoded message (the session would hand it on). */
    static final class ReleasingSink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Stands for the socket: releases what the encoder produced, without queueing it. */
    static final class DiscardingSink extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
        }
    }

    /**
     * Reference for the measurement: a {@code piece} written as one two-component {@link CompositeByteBuf} (header
     * and block) instead of the encoder's two writes. Other messages pass to {@link PeerMessageEncoder}.
     */
    @Sharable
    static final class CompositePieceEncoder extends ChannelOutboundHandlerAdapter {
        static final CompositePieceEncoder INSTANCE = new CompositePieceEncoder();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof PeerMessage.Piece p) {
                ByteBuf header = ctx.alloc().ioBuffer(13);
                header.writeInt(9 + p.length()).writeByte(PeerMessage.Piece.ID).writeInt(p.piece()).writeInt(p.begin());
                CompositeByteBuf both = ctx.alloc().compositeDirectBuffer(2);
                both.addComponents(true, header, p.payload());
                ctx.write(both, promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }
}
