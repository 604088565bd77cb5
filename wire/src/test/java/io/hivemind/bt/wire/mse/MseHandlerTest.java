package io.hivemind.bt.wire.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Initiator ↔ responder over a pair of {@link EmbeddedChannel}s, for every combination of policies and allowed
 * methods, with the byte streams cut at every offset and re-chunked in sizes 1…69. Checks the negotiated
 * method against the rules of the MSE specification (crypto_select is one bit of crypto_provide ∩ allowed;
 * FORCED refuses plaintext, DISABLED refuses MSE), that both BitTorrent streams arrive intact in both directions
 * (the initial payload included), that RC4 streams are not visible on the wire, and that every buffer is released.
 */
class MseHandlerTest {

    static final byte[] SKEY = bytes(20, 7);
    static final byte[] OTHER_SKEY = bytes(20, 9);

    /** What a peer-wire handler would write first: a 68-byte BitTorrent handshake. */
    static byte[] btHandshake(int seed) {
        byte[] h = new byte[68];
        byte[] prefix = "\u0013BitTorrent protocol".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(prefix, 0, h, 0, 20);
        new Random(seed).nextBytes(Arrays.copyOfRange(h, 20, 68));
        for (int k = 20; k < 68; k++) {
            h[k] = (byte) (seed + k);
        }
        return h;
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * The handshake timeout runs on the real clock inside EmbeddedChannel; it is tested with a virtual clock in
     * {@link MseHostileTest}. Here it is long, so a loaded machine (1-byte chunks under paranoid leak detection took
     * over 15 s on a shared CI host) does not turn a negotiation check into a timeout.
     */
    static MseConfig config(MsePolicy policy, Set<CryptoMethod> allowed, boolean preferRc4, long seed) {
        return MseConfig.builder().policy(policy).allowedMethods(allowed).preferRc4(preferRc4)
                .handshakeTimeout(java.time.Duration.ofMinutes(10)).random(new Random(seed)).build();
    }

    /** Short pads keep the every-offset runs affordable; the full 512-byte bounds are covered elsewhere. */
    static MseConfig shortPads(MseConfig c) {
        return c.toBuilder().maxPadLength(48).build();
    }

    static MseSkeyIndex index(byte[]... keys) {
        MseSkeyIndex idx = new MseSkeyIndex();
        for (byte[] k : keys) {
            idx.add(k);
        }
        return idx;
    }

    /** One scripted exchange and its observations. */
    static final class Exchange {
        final Capture ca = new Capture();
        final Capture cb = new Capture();
        final EmbeddedChannel a;
        final EmbeddedChannel b;
        final Pipe pipe;
        final MseHandler ha;
        final MseHandler hb;
        final byte[] aPayload;
        final byte[] bPayload;
        final List<ByteBuf> written = new ArrayList<>();

        /** {@code initiator} null means a plaintext peer without a handler. */
        Exchange(MseConfig initiator, MseConfig responder, IntPredicate cutA, IntPredicate cutB, int payloadSize) {
            ha = initiator == null ? null : MseHandler.initiator(initiator, SKEY);
            hb = MseHandler.responder(responder, index(OTHER_SKEY, SKEY));
            a = ha == null ? new EmbeddedChannel(ca) : new EmbeddedChannel(ha, ca);
            b = new EmbeddedChannel(hb, cb);
            pipe = new Pipe(a, b, cutA, cutB);
            aPayload = bytes(payloadSize, 1);
            bPayload = bytes(payloadSize, 2);
            // The peer-wire handler writes its handshake at once: it rides as IA.
            write(a, btHandshake(1));
            pipe.run();
            if (b.isActive() && !cb.events.isEmpty() && cb.events.get(0).isSuccess()) {
                write(b, btHandshake(2));
                write(b, bPayload);
            }
            pipe.run();
            if (a.isActive() && (ha == null || ha.handshakeFuture().isDone() && !ha.handshakeFuture().isCompletedExceptionally())) {
                write(a, aPayload);
            }
            pipe.run();
        }

        private void write(EmbeddedChannel ch, byte[] data) {
            ByteBuf buf = Unpooled.directBuffer(data.length).writeBytes(data);
            written.add(buf);
            ch.writeAndFlush(buf);
        }

        void finishAndCheckReleased() {
            a.finishAndReleaseAll();
            b.finishAndReleaseAll();
            for (ByteBuf buf : written) {
                assertEquals(0, buf.refCnt(), "written buffer not released");
            }
            for (ByteBuf buf : pipe.delivered) {
                assertEquals(0, buf.refCnt(), "delivered buffer not released");
            }
        }
    }

    /** The outcome the specification requires for a combination, computed from the rules. */
    record Expected(boolean success, CryptoMethod method, boolean mse, MseException.Reason responderFailure) {
    }

    static Expected expected(MseConfig i, MseConfig r) {
        if (i == null) {
            return r.policy() == MsePolicy.FORCED
                    ? new Expected(false, null, false, MseException.Reason.PLAINTEXT_REFUSED)
                    : new Expected(true, CryptoMethod.PLAINTEXT, false, null);
        }
        if (r.policy() == MsePolicy.DISABLED) {
            return new Expected(false, null, true, MseException.Reason.ENCRYPTION_REFUSED);
        }
        int common = i.allowedBits() & r.allowedBits();
        if (common == 0) {
            return new Expected(false, null, true, MseException.Reason.NO_COMMON_METHOD);
        }
        boolean both = common == 3;
        CryptoMethod m = common == 2 || both && r.preferRc4() ? CryptoMethod.RC4 : CryptoMethod.PLAINTEXT;
        return new Expected(true, m, true, null);
    }

    static final List<Set<CryptoMethod>> METHOD_SETS = List.of(EnumSet.of(CryptoMethod.PLAINTEXT),
            EnumSet.of(CryptoMethod.RC4), EnumSet.allOf(CryptoMethod.class));

    static Stream<Arguments> combinations() {
        List<Arguments> out = new ArrayList<>();
        long seed = 1;
        for (MsePolicy rp : MsePolicy.values()) {
            for (Set<CryptoMethod> rm : METHOD_SETS) {
                for (boolean prefer : new boolean[] {false, true}) {
                    MseConfig r = config(rp, rm, prefer, seed++);
                    out.add(Arguments.of(null, r));
                    for (MsePolicy ip : List.of(MsePolicy.ENABLED, MsePolicy.FORCED)) {
                        for (Set<CryptoMethod> im : METHOD_SETS) {
                            out.add(Arguments.of(config(ip, im, false, seed++), r));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "[{index}] initiator {0} / responder {1}")
    @MethodSource("combinations")
    void everyPolicyCombinationNegotiatesAsTheSpecSays(MseConfig i, MseConfig r) {
        check(i, r, Pipe.WHOLE, Pipe.WHOLE, 40_000);
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {1, 2, 3, 5, 7, 8, 13, 19, 20, 21, 31, 64, 69, 96, 97})
    void reChunkedStreamsGiveTheSameResult(int chunk) {
        for (Set<CryptoMethod> m : METHOD_SETS) {
            check(config(MsePolicy.ENABLED, m, false, chunk), config(MsePolicy.ENABLED, EnumSet.allOf(CryptoMethod.class),
                    true, chunk + 100), Pipe.chunks(chunk), Pipe.chunks(chunk), 3_000);
        }
        check(null, config(MsePolicy.ENABLED, EnumSet.allOf(CryptoMethod.class), true, 5), Pipe.chunks(chunk),
                Pipe.chunks(chunk), 3_000);
    }

    /** Every cut offset in both directions over the whole handshake plus some payload (HARDENING: split at every byte). */
    @ParameterizedTest(name = "rc4={0}")
    @ValueSource(booleans = {true, false})
    void splitAtEveryOffset(boolean rc4) {
        MseConfig i = shortPads(config(MsePolicy.FORCED, rc4 ? EnumSet.of(CryptoMethod.RC4)
                : EnumSet.of(CryptoMethod.PLAINTEXT), false, 42));
        MseConfig r = shortPads(config(MsePolicy.ENABLED, EnumSet.allOf(CryptoMethod.class), false, 43));
        Exchange probe = new Exchange(i, r, Pipe.WHOLE, Pipe.WHOLE, 100);
        int lenAB = probe.pipe.wireAtoB.size();
        int lenBA = probe.pipe.wireBtoA.size();
        probe.finishAndCheckReleased();
        for (int k = 1; k < lenAB; k++) {
            check(shortPads(config(MsePolicy.FORCED, i.allowedMethods(), false, 42)), shortPads(config(MsePolicy.ENABLED,
                    r.allowedMethods(), false, 43)), Pipe.at(k), Pipe.WHOLE, 100);
        }
        for (int k = 1; k < lenBA; k++) {
            check(shortPads(config(MsePolicy.FORCED, i.allowedMethods(), false, 42)), shortPads(config(MsePolicy.ENABLED,
                    r.allowedMethods(), false, 43)), Pipe.WHOLE, Pipe.at(k), 100);
        }
    }

    private static void check(MseConfig i, MseConfig r, IntPredicate cutA, IntPredicate cutB, int payload) {
        Expected exp = expected(i, r);
        Exchange x = new Exchange(i, r, cutA, cutB, payload);
        try {
            MseHandshakeCompletionEvent eb = x.cb.event();
            assertEquals(0, x.cb.bytesBeforeEvent, "payload before the completion event");
            if (exp.success()) {
                assertTrue(eb.isSuccess(), () -> "responder failed: " + eb.cause());
                MseResult rb = eb.result();
                assertEquals(exp.method(), rb.method());
                assertEquals(exp.mse(), rb.mseHandshake());
                assertFalse(rb.initiator());
                if (exp.mse()) {
                    assertArrayEquals(SKEY, rb.skey(), "responder found the torrent");
                    assertEquals(68, rb.initialPayloadBytes(), "the BitTorrent handshake rode as IA");
                }
                if (x.ha != null) {
                    MseHandshakeCompletionEvent ea = x.ca.event();
                    assertTrue(ea.isSuccess(), () -> "initiator failed: " + ea.cause());
                    assertEquals(exp.method(), ea.result().method());
                    assertTrue(ea.result().initiator());
                    assertEquals(exp.method() == CryptoMethod.RC4, x.ha.isEncrypted());
                    assertEquals(0, x.ca.bytesBeforeEvent);
                }
                // Both BitTorrent streams arrive intact.
                assertArrayEquals(concat(btHandshake(1), x.aPayload), x.cb.received());
                assertArrayEquals(concat(btHandshake(2), x.bPayload), x.ca.received());
                // The handler leaves the pipeline unless the stream is RC4.
                assertEquals(exp.method() == CryptoMethod.RC4, x.b.pipeline().get(MseHandler.class) != null);
                if (x.ha != null) {
                    assertEquals(exp.method() == CryptoMethod.RC4, x.a.pipeline().get(MseHandler.class) != null);
                }
                byte[] wire = x.pipe.wireAtoB.toByteArray();
                boolean visible = indexOf(wire, Arrays.copyOf(x.aPayload, 32)) >= 0;
                assertEquals(exp.method() != CryptoMethod.RC4, visible, "payload visible on the wire");
                boolean handshakeVisible = indexOf(wire, btHandshake(1)) >= 0;
                assertEquals(!exp.mse(), handshakeVisible, "BitTorrent handshake visible on the wire");
            } else {
                assertFalse(eb.isSuccess());
                assertEquals(exp.responderFailure(), eb.cause().reason());
                assertFalse(eb.plaintextRetryAdvised(), "never for a responder");
                assertFalse(x.b.isActive(), "responder closed the connection");
                assertEquals(0, x.cb.received().length);
                if (x.ha != null) {
                    MseHandshakeCompletionEvent ea = x.ca.event();
                    assertFalse(ea.isSuccess());
                    assertEquals(MseException.Reason.PEER_CLOSED, ea.cause().reason());
                    // The responder hung up before its encrypted VC: the initiator cannot tell it from a plaintext-only peer.
                    assertEquals(i.policy() == MsePolicy.ENABLED, ea.plaintextRetryAdvised());
                }
            }
        } finally {
            x.finishAndCheckReleased();
        }
    }

    static byte[] concat(byte[] x, byte[] y) {
        byte[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int p = 0; p + needle.length <= hay.length; p++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[p + k] != needle[k]) {
                    continue outer;
                }
            }
            return p;
        }
        return -1;
    }

    /** IA carries the queued writes that fit the send limit (whole writes only); the rest follows as ENCRYPT2. */
    @ParameterizedTest(name = "send limit {0}")
    @ValueSource(ints = {0, 67, 68, 200, 65535})
    void initialPayloadCarriesWholeQueuedWritesUpToTheLimit(int limit) {
        MseConfig i = config(MsePolicy.FORCED, EnumSet.of(CryptoMethod.RC4), false, 3).toBuilder()
                .initialPayloadSendLimit(limit).build();
        MseConfig r = config(MsePolicy.FORCED, EnumSet.of(CryptoMethod.RC4), false, 4);
        Capture ca = new Capture();
        Capture cb = new Capture();
        EmbeddedChannel a = new EmbeddedChannel(MseHandler.initiator(i, SKEY), ca);
        EmbeddedChannel b = new EmbeddedChannel(MseHandler.responder(r, index(SKEY)), cb);
        byte[] second = bytes(100, 5);
        ByteBuf w1 = Unpooled.wrappedBuffer(btHandshake(1));
        ByteBuf w2 = Unpooled.wrappedBuffer(second);
        io.netty.channel.ChannelFuture f1 = a.writeAndFlush(w1);
        io.netty.channel.ChannelFuture f2 = a.writeAndFlush(w2);
        Pipe pipe = new Pipe(a, b, Pipe.WHOLE, Pipe.WHOLE);
        pipe.run();
        int expectedIa = limit >= 168 ? 168 : limit >= 68 ? 68 : 0;
        assertEquals(expectedIa, cb.event().result().initialPayloadBytes());
        assertArrayEquals(concat(btHandshake(1), second), cb.received());
        assertTrue(f1.isSuccess() && f2.isSuccess());
        assertEquals(0, w1.refCnt());
        assertEquals(0, w2.refCnt());
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @org.junit.jupiter.api.Test
    void disabledInitiatorIsAPassThrough() {
        Capture c = new Capture();
        MseHandler h = MseHandler.initiator(config(MsePolicy.DISABLED, EnumSet.allOf(CryptoMethod.class), false, 1), SKEY);
        EmbeddedChannel ch = new EmbeddedChannel(h, c);
        assertNull(ch.pipeline().get(MseHandler.class));
        assertTrue(c.active, "channelActive reached the next handler");
        assertTrue(c.event().isSuccess());
        assertFalse(c.event().result().mseHandshake());
        ByteBuf out = Unpooled.wrappedBuffer(btHandshake(1));
        ch.writeOutbound(out);
        ByteBuf sent = ch.readOutbound();
        assertNotNull(sent);
        assertEquals(68, sent.readableBytes());
        sent.release();
        assertFalse(ch.finishAndReleaseAll());
    }
}
