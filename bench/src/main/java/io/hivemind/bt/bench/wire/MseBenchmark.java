package io.hivemind.bt.bench.wire;

import io.hivemind.bt.wire.mse.MseConfig;
import io.hivemind.bt.wire.mse.MseCrypto;
import io.hivemind.bt.wire.mse.MseHandler;
import io.hivemind.bt.wire.mse.MseHandshakeCompletionEvent;
import io.hivemind.bt.wire.mse.MsePolicy;
import io.hivemind.bt.wire.mse.MseSkeyIndex;
import io.hivemind.bt.wire.mse.Rc4;
import io.hivemind.bt.wire.mse.CryptoMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * MSE/PE costs: RC4 throughput of our in-place {@link Rc4} against the JDK's ARCFOUR (arrays, and direct
 * {@code ByteBuffer}s, whose path allocates temporary arrays per call) and Bouncy Castle's {@code RC4Engine};
 * the steady-state cost of the handler on an RC4 connection (encrypt a 16 KiB write, decrypt a 16 KiB read);
 * and the whole handshake (two DH key pairs and secrets, hashes, RC4 set-up with the 1024-byte discard).
 * Throughput in MB/s is ops/s × size / 10^6 ({@code size} bytes per op).
 *
 * <pre>
 * ./test.sh is not needed; build and run:
 *   mvn -B -o -q -pl bench -am package -DskipTests
 *   java -jar bench/target/benchmarks.jar MseBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class MseBenchmark {

    @Param({"16384"})
    int size;

    private byte[] array;
    private ByteBuf direct;
    private Rc4 ours;
    private Cipher jdk;
    private ByteBuffer jdkDirectIn;
    private ByteBuffer jdkDirectOut;
    private RC4Engine bc;

    private EmbeddedChannel encrypted;
    private MseHandler encryptedHandler;
    private EmbeddedChannel plain;

    @Setup
    public void setUp() throws Exception {
        byte[] key = new byte[20];
        new Random(1).nextBytes(key);
        array = new byte[size];
        new Random(2).nextBytes(array);
        direct = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeBytes(array);
        ours = new Rc4(key);
        jdk = Cipher.getInstance("ARCFOUR");
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
        jdkDirectIn = ByteBuffer.allocateDirect(size).put(array).flip();
        jdkDirectOut = ByteBuffer.allocateDirect(size);
        bc = new RC4Engine();
        bc.init(true, new KeyParameter(key));

        // An RC4 connection whose handshake is done: its handler stays in the pipeline.
        EmbeddedChannel[] pair = handshakePair(CryptoMethod.RC4);
        encrypted = pair[0];
        encryptedHandler = encrypted.pipeline().get(MseHandler.class);
        if (encryptedHandler == null || !encryptedHandler.isEncrypted()) {
            throw new IllegalStateException("no RC4 connection");
        }
        pair[1].finishAndReleaseAll();
        plain = new EmbeddedChannel();
    }

    @TearDown
    public void tearDown() {
        direct.release();
        encrypted.finishAndReleaseAll();
        plain.finishAndReleaseAll();
    }

    @Benchmark
    public byte[] rc4OursArray() {
        ours.process(array, 0, size);
        return array;
    }

    @Benchmark
    public ByteBuf rc4OursPooledDirectInPlace() {
        ours.process(direct, 0, direct, 0, size);
        return direct;
    }

    @Benchmark
    public byte[] rc4JdkArrayInPlace() throws Exception {
        jdk.update(array, 0, size, array, 0);
        return array;
    }

    @Benchmark
    public ByteBuffer rc4JdkDirectByteBuffer() throws Exception {
        jdkDirectIn.clear();
        jdkDirectOut.clear();
        jdk.update(jdkDirectIn, jdkDirectOut);
        return jdkDirectOut;
    }

    @Benchmark
    public byte[] rc4BouncyCastleArray() {
        bc.processBytes(array, 0, size, array, 0);
        return array;
    }

    /** One 16 KiB write through the handler on an RC4 connection: encrypt into a pooled buffer, release the source. */
    @Benchmark
    public void handlerEncryptWrite(Blackhole bh) {
        ByteBuf msg = PooledByteBufAllocator.DEFAULT.directBuffer(size).writerIndex(size);
        encrypted.writeOutbound(msg);
        ByteBuf out = encrypted.readOutbound();
        bh.consume(out.getByte(0));
        out.release();
    }

    /** One 16 KiB read through the handler on an RC4 connection: decrypted in place and passed on. */
    @Benchmark
    public void handlerDecryptRead(Blackhole bh) {
        ByteBuf msg = PooledByteBufAllocator.DEFAULT.directBuffer(size).writerIndex(size);
        encrypted.writeInbound(msg);
        ByteBuf in = encrypted.readInbound();
        bh.consume(in.getByte(0));
        in.release();
    }

    /** Reference for {@link #handlerEncryptWrite}: the same write through a channel without the handler. */
    @Benchmark
    public void baselineWriteWithoutHandler(Blackhole bh) {
        ByteBuf msg = PooledByteBufAllocator.DEFAULT.directBuffer(size).writerIndex(size);
        plain.writeOutbound(msg);
        ByteBuf out = plain.readOutbound();
        bh.consume(out.getByte(0));
        out.release();
    }

    /** Reference for {@link #handlerDecryptRead}: the same read through a channel without the handler. */
    @Benchmark
    public void baselineReadWithoutHandler(Blackhole bh) {
        ByteBuf msg = PooledByteBufAllocator.DEFAULT.directBuffer(size).writerIndex(size);
        plain.writeInbound(msg);
        ByteBuf in = plain.readInbound();
        bh.consume(in.getByte(0));
        in.release();
    }

    /** A whole MSE handshake, both sides, RC4 selected, over an in-memory channel pair. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void handshake(Blackhole bh) {
        EmbeddedChannel[] pair = handshakePair(CryptoMethod.RC4);
        bh.consume(pair);
        pair[0].finishAndReleaseAll();
        pair[1].finishAndReleaseAll();
    }

    /** One side's Diffie-Hellman work: a key pair and the shared secret. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] diffieHellmanOneSide() {
        MseCrypto.KeyPair a = MseCrypto.generateKeyPair(RANDOM);
        return MseCrypto.sharedSecret(a.privateKey(), PEER.publicKey());
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MseCrypto.KeyPair PEER = MseCrypto.generateKeyPair(RANDOM);
    private static final byte[] SKEY = new byte[20];
    private static final MseSkeyIndex INDEX = new MseSkeyIndex();

    static {
        INDEX.add(SKEY);
    }

    /** Runs a handshake between an initiator and a responder channel; returns them with the handshake done. */
    static EmbeddedChannel[] handshakePair(CryptoMethod method) {
        MseConfig cfg = MseConfig.builder().policy(MsePolicy.FORCED).allowedMethods(EnumSet.of(method)).build();
        Sink sa = new Sink();
        Sink sb = new Sink();
        EmbeddedChannel a = new EmbeddedChannel(MseHandler.initiator(cfg, SKEY), sa);
        EmbeddedChannel b = new EmbeddedChannel(MseHandler.responder(cfg, INDEX), sb);
        for (int round = 0; round < 20 && (sa.event == null || sb.event == null); round++) {
            move(a, b);
            move(b, a);
        }
        if (sa.event == null || !sa.event.isSuccess() || sb.event == null || !sb.event.isSuccess()) {
            throw new IllegalStateException("handshake failed: " + sa.event + " / " + sb.event);
        }
        return new EmbeddedChannel[] {a, b};
    }

    private static void move(EmbeddedChannel from, EmbeddedChannel to) {
        from.runPendingTasks();
        for (Object o; (o = from.readOutbound()) != null; ) {
            to.writeInbound(o);
        }
    }

    private static final class Sink extends ChannelInboundHandlerAdapter {
        MseHandshakeCompletionEvent event;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof MseHandshakeCompletionEvent e) {
                event = e;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg); // to the EmbeddedChannel's inbound queue
        }
    }
}
