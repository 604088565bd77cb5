package io.hivemind.bt.wire.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-made hostile handshakes against both roles: each bound of the specification exactly at and one past its
 * limit, bad keys, wrong VC, unknown torrents, bad crypto_select, garbage and silence. Every failure has its
 * typed reason, closes the connection and leaks nothing.
 */
class MseHostileTest {

    static final byte[] SKEY = MseHandlerTest.SKEY;
    final List<ByteBuf> fed = new ArrayList<>();

    static MseConfig cfg(MsePolicy policy) {
        return MseConfig.builder().policy(policy).random(new Random(11)).handshakeTimeout(Duration.ofSeconds(10))
                .maxInitialPayload(100).build();
    }

    private void feed(EmbeddedChannel ch, byte[] data) {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        fed.add(b);
        if (ch.isActive()) {
            ch.writeInbound(b);
        } else {
            b.release();
        }
    }

    private static byte[] drain(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            byte[] x = new byte[b.readableBytes()];
            b.readBytes(x);
            b.release();
            out.writeBytes(x);
        }
        return out.toByteArray();
    }

    private void finish(EmbeddedChannel ch) {
        ch.finishAndReleaseAll();
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt());
        }
    }

    // ------------------------------------------------------------ a scripted initiator against our responder

    /** Knobs of a hand-built initiator; defaults make a valid handshake. */
    static final class Initiator {
        int padA = 0;
        byte[] publicKey;
        byte[] skey = SKEY;
        boolean badReq1;
        long vc = 0;
        int provide = 0x03;
        int padC = 0;
        int iaLength = 68;
        byte[] ia = MseHandlerTest.btHandshake(1);
        final MseCrypto.KeyPair keys = MseCrypto.generateKeyPair(new Random(77));
    }

    /** Runs a scripted initiator against a responder; returns the responder's capture. */
    private Capture againstResponder(Initiator x, MseConfig responderConfig, EmbeddedChannel[] channelOut) {
        Capture cap = new Capture();
        MseSkeyIndex idx = new MseSkeyIndex();
        idx.add(SKEY);
        EmbeddedChannel ch = new EmbeddedChannel(MseHandler.responder(responderConfig, idx), cap);
        channelOut[0] = ch;
        byte[] pad = new byte[x.padA];
        new Random(1).nextBytes(pad);
        feed(ch, MseHandlerTest.concat(x.publicKey != null ? x.publicKey : x.keys.publicKey(), pad));
        byte[] reply = drain(ch);
        if (!ch.isActive()) {
            return cap;
        }
        assertTrue(reply.length >= 96, "responder sends Yb at once");
        byte[] yb = java.util.Arrays.copyOf(reply, 96);
        byte[] s = MseCrypto.sharedSecret(x.keys.privateKey(), yb);
        Rc4 enc = MseCrypto.cipherA(s, x.skey);
        byte[] req1 = MseCrypto.req1(s);
        if (x.badReq1) {
            req1[0] ^= 1;
        }
        ByteBuf plain = Unpooled.buffer();
        plain.writeLong(x.vc).writeInt(x.provide).writeShort(x.padC).writeZero(x.padC).writeShort(x.iaLength)
                .writeBytes(x.ia);
        byte[] enc3 = new byte[plain.readableBytes()];
        plain.readBytes(enc3);
        plain.release();
        enc.process(enc3, 0, enc3.length);
        feed(ch, MseHandlerTest.concat(MseHandlerTest.concat(req1, MseCrypto.obfuscatedSkey(x.skey, s)), enc3));
        drain(ch);
        return cap;
    }

    private void expectResponderFailure(Initiator x, MseConfig c, MseException.Reason reason) {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        Capture cap = againstResponder(x, c, ch);
        MseHandshakeCompletionEvent e = cap.event();
        assertFalse(e.isSuccess(), "expected " + reason);
        assertEquals(reason, e.cause().reason());
        assertFalse(ch[0].isActive(), "closed");
        assertEquals(0, cap.received().length);
        finish(ch[0]);
    }

    private void expectResponderSuccess(Initiator x, MseConfig c) {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        Capture cap = againstResponder(x, c, ch);
        assertTrue(cap.event().isSuccess(), () -> String.valueOf(cap.event().cause()));
        assertArrayEquals(x.ia, cap.received());
        finish(ch[0]);
    }

    @Test
    void padAAtTheBoundIsAcceptedAndOnePastIsNot() {
        Initiator ok = new Initiator();
        ok.padA = 512;
        expectResponderSuccess(ok, cfg(MsePolicy.ENABLED));
        Initiator bad = new Initiator();
        bad.padA = 513;
        expectResponderFailure(bad, cfg(MsePolicy.ENABLED), MseException.Reason.SYNC_NOT_FOUND);
    }

    @Test
    void wrongReq1NeverSynchronises() {
        Initiator x = new Initiator();
        x.badReq1 = true;
        x.padC = 512; // enough bytes follow to pass the search bound
        x.iaLength = 0;
        x.ia = new byte[0];
        expectResponderFailure(x, cfg(MsePolicy.ENABLED), MseException.Reason.SYNC_NOT_FOUND);
    }

    @Test
    void unknownTorrent() {
        Initiator x = new Initiator();
        x.skey = MseHandlerTest.OTHER_SKEY;
        expectResponderFailure(x, cfg(MsePolicy.ENABLED), MseException.Reason.UNKNOWN_INFO_HASH);
    }

    @Test
    void nonZeroVerificationConstant() {
        Initiator x = new Initiator();
        x.vc = 1;
        expectResponderFailure(x, cfg(MsePolicy.ENABLED), MseException.Reason.BAD_VERIFICATION_CONSTANT);
    }

    @Test
    void padCAtTheBoundIsAcceptedAndOnePastIsNot() {
        Initiator ok = new Initiator();
        ok.padC = 512;
        expectResponderSuccess(ok, cfg(MsePolicy.ENABLED));
        Initiator bad = new Initiator();
        bad.padC = 513;
        expectResponderFailure(bad, cfg(MsePolicy.ENABLED), MseException.Reason.PAD_TOO_LONG);
    }

    @Test
    void initialPayloadOverTheConfiguredLimit() {
        Initiator ok = new Initiator();
        ok.ia = new byte[100];
        ok.iaLength = 100;
        expectResponderSuccess(ok, cfg(MsePolicy.ENABLED));
        Initiator bad = new Initiator();
        bad.ia = new byte[101];
        bad.iaLength = 101;
        expectResponderFailure(bad, cfg(MsePolicy.ENABLED), MseException.Reason.INITIAL_PAYLOAD_TOO_LONG);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 0x04, 0xfffffffc})
    void nothingWeCanSelect(int provide) {
        Initiator x = new Initiator();
        x.provide = provide;
        expectResponderFailure(x, cfg(MsePolicy.ENABLED), MseException.Reason.NO_COMMON_METHOD);
    }

    @Test
    void unknownProvideBitsAreIgnored() {
        Initiator x = new Initiator();
        x.provide = 0xfffffff2;
        expectResponderSuccess(x, cfg(MsePolicy.ENABLED));
    }

    @Test
    void weakPublicKeys() {
        for (BigInteger y : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, MseCrypto.P.subtract(BigInteger.ONE),
                MseCrypto.P, BigInteger.ONE.shiftLeft(768).subtract(BigInteger.ONE)}) {
            Initiator x = new Initiator();
            x.publicKey = MseCryptoTest.fixed(y);
            expectResponderFailure(x, cfg(MsePolicy.ENABLED), MseException.Reason.INVALID_PUBLIC_KEY);
        }
    }

    @Test
    void garbageIsRejectedWithinTheSearchBound() {
        byte[] garbage = new byte[96 + 512 + 20];
        new Random(99).nextBytes(garbage);
        garbage[0] = 0x55;
        Capture cap = new Capture();
        EmbeddedChannel ch = new EmbeddedChannel(MseHandler.responder(cfg(MsePolicy.ENABLED), new MseSkeyIndex()), cap);
        feed(ch, java.util.Arrays.copyOf(garbage, garbage.length - 1));
        drain(ch);
        assertTrue(cap.events.isEmpty(), "still searching one byte before the bound");
        feed(ch, new byte[] {garbage[garbage.length - 1]});
        assertEquals(MseException.Reason.SYNC_NOT_FOUND, cap.event().cause().reason());
        assertFalse(ch.isActive());
        finish(ch);
    }

    @Test
    void plaintextAndEncryptionRefusedByPolicy() {
        Capture cap = new Capture();
        EmbeddedChannel ch = new EmbeddedChannel(MseHandler.responder(cfg(MsePolicy.FORCED), new MseSkeyIndex()), cap);
        feed(ch, java.util.Arrays.copyOf(MseHandlerTest.btHandshake(1), 19));
        assertTrue(cap.events.isEmpty(), "undecided before 20 bytes");
        feed(ch, java.util.Arrays.copyOfRange(MseHandlerTest.btHandshake(1), 19, 68));
        assertEquals(MseException.Reason.PLAINTEXT_REFUSED, cap.event().cause().reason());
        finish(ch);

        Capture cap2 = new Capture();
        EmbeddedChannel ch2 = new EmbeddedChannel(MseHandler.responder(cfg(MsePolicy.DISABLED), new MseSkeyIndex()), cap2);
        feed(ch2, new byte[] {0x13, 'B', 'i', 't', 'X'});
        assertEquals(MseException.Reason.ENCRYPTION_REFUSED, cap2.event().cause().reason());
        finish(ch2);
    }

    @Test
    void silentPeerTimesOutAndQueuedWritesAreFailedAndReleased() {
        for (MsePolicy p : new MsePolicy[] {MsePolicy.ENABLED, MsePolicy.FORCED}) {
            Capture cap = new Capture();
            EmbeddedChannel ch = new EmbeddedChannel(MseHandler.initiator(cfg(p), SKEY), cap);
            assertEquals(true, drain(ch).length >= 96, "Ya sent at once");
            ByteBuf queued = Unpooled.directBuffer(68).writeBytes(MseHandlerTest.btHandshake(1));
            ChannelFuture f = ch.writeAndFlush(queued);
            assertFalse(f.isDone(), "held until the handshake ends");
            feed(ch, new byte[50]);
            ch.advanceTimeBy(9, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            assertTrue(cap.events.isEmpty());
            ch.advanceTimeBy(2, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            MseHandshakeCompletionEvent e = cap.event();
            assertEquals(MseException.Reason.TIMEOUT, e.cause().reason());
            assertEquals(p == MsePolicy.ENABLED, e.plaintextRetryAdvised());
            assertFalse(ch.isActive());
            assertTrue(f.isDone() && !f.isSuccess());
            assertEquals(0, queued.refCnt());
            finish(ch);
        }
    }

    // ------------------------------------------------------------ a scripted responder against our initiator

    /** Our initiator against a hand-built responder reply; returns the initiator's capture. */
    private Capture againstInitiator(int padB, int select, int padD, byte[] publicKey, EmbeddedChannel[] out) {
        Capture cap = new Capture();
        MseConfig c = MseConfig.builder().policy(MsePolicy.ENABLED).allowedMethods(EnumSet.of(CryptoMethod.RC4))
                .random(new Random(5)).build();
        EmbeddedChannel ch = new EmbeddedChannel(MseHandler.initiator(c, SKEY), cap);
        out[0] = ch;
        byte[] first = drain(ch);
        byte[] ya = java.util.Arrays.copyOf(first, 96);
        MseCrypto.KeyPair keys = MseCrypto.generateKeyPair(new Random(6));
        byte[] s = MseCrypto.sharedSecret(keys.privateKey(), ya);
        Rc4 enc = MseCrypto.cipherB(s, SKEY);
        ByteBuf plain = Unpooled.buffer();
        plain.writeLong(0).writeInt(select).writeShort(padD).writeZero(Math.min(padD, 600));
        byte[] four = new byte[plain.readableBytes()];
        plain.readBytes(four);
        plain.release();
        enc.process(four, 0, four.length);
        byte[] pad = new byte[padB];
        new Random(2).nextBytes(pad);
        feed(ch, MseHandlerTest.concat(MseHandlerTest.concat(publicKey != null ? publicKey : keys.publicKey(), pad), four));
        drain(ch);
        return cap;
    }

    private void expectInitiatorFailure(int padB, int select, int padD, byte[] key, MseException.Reason reason,
                                        boolean retry) {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        Capture cap = againstInitiator(padB, select, padD, key, ch);
        MseHandshakeCompletionEvent e = cap.event();
        assertFalse(e.isSuccess(), "expected " + reason);
        assertEquals(reason, e.cause().reason());
        assertEquals(retry, e.plaintextRetryAdvised());
        assertFalse(ch[0].isActive());
        finish(ch[0]);
    }

    @Test
    void initiatorBoundsAndSelections() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        Capture ok = againstInitiator(512, 0x02, 512, null, ch);
        assertTrue(ok.event().isSuccess(), () -> String.valueOf(ok.event().cause()));
        assertEquals(CryptoMethod.RC4, ok.event().result().method());
        finish(ch[0]);

        expectInitiatorFailure(513, 0x02, 0, null, MseException.Reason.SYNC_NOT_FOUND, true);
        expectInitiatorFailure(0, 0x02, 513, null, MseException.Reason.PAD_TOO_LONG, false);
        expectInitiatorFailure(0, 0x03, 0, null, MseException.Reason.BAD_CRYPTO_SELECT, false);
        expectInitiatorFailure(0, 0x01, 0, null, MseException.Reason.BAD_CRYPTO_SELECT, false);
        expectInitiatorFailure(0, 0x00, 0, null, MseException.Reason.BAD_CRYPTO_SELECT, false);
        expectInitiatorFailure(0, 0x02, 0, new byte[96], MseException.Reason.INVALID_PUBLIC_KEY, true);
    }
}
