package io.hivemind.bt.wire.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.mse.MseConfig;
import io.hivemind.bt.wire.mse.MseCrypto;
import io.hivemind.bt.wire.mse.MseHandler;
import io.hivemind.bt.wire.mse.MsePolicy;
import io.hivemind.bt.wire.mse.MseSkeyIndex;
import io.hivemind.bt.wire.mse.Rc4;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * The MSE responder's handshake parser under hostile input: whatever arrives, in whatever chunks, the handler
 * fires at most one completion event, fails only with a typed {@code MseException} reason, closes on failure,
 * never lets an exception escape into the pipeline, never passes bytes on before deciding, and releases every
 * buffer. {@code arbitrary} feeds raw bytes (mostly stopped at detection or synchronisation); {@code structured}
 * builds a real initiator handshake from fuzzed fields (pad lengths, VC, crypto_provide, len(PadC), len(IA),
 * corrupted bytes, truncation) so that the later states are reached. Run longer with
 * {@code ./fuzz.sh MseResponderFuzzTest 10}.
 */
class MseResponderFuzzTest {

    private static final byte[] SKEY = new byte[20];

    static {
        Arrays.fill(SKEY, (byte) 0x5a);
    }

    private static void run(IntSupplier chunks, byte[] stream, MsePolicy policy) {
        MseSkeyIndex index = new MseSkeyIndex();
        index.add(SKEY);
        MseConfig cfg = MseConfig.builder().policy(policy).random(new Random(1)).maxInitialPayload(1024).build();
        MseHandshakeSink sink = new MseHandshakeSink();
        EmbeddedChannel ch = new EmbeddedChannel(MseHandler.responder(cfg, index), sink);
        List<ByteBuf> fed = new ArrayList<>();
        int pos = 0;
        while (pos < stream.length && ch.isActive()) {
            int n = Math.min(stream.length - pos, chunks.getAsInt());
            ByteBuf b = Unpooled.wrappedBuffer(stream, pos, n);
            fed.add(b);
            ch.writeInbound(b);
            pos += n;
        }
        sink.assertSound(ch, fed);
    }

    @FuzzTest(maxDuration = "10s")
    void arbitrary(FuzzedDataProvider data) {
        MsePolicy policy = data.pickValue(MsePolicy.values());
        byte[] chunkSizes = data.consumeBytes(64);
        byte[] stream = data.consumeRemainingAsBytes();
        int[] next = {0};
        run(() -> chunkSizes.length == 0 ? 700 : 1 + (chunkSizes[next[0]++ % chunkSizes.length] & 0xff) * 3, stream,
                policy);
    }

    @FuzzTest(maxDuration = "10s")
    void structured(FuzzedDataProvider data) {
        MseCrypto.KeyPair keys = MseCrypto.generateKeyPair(new Random(data.consumeLong()));
        int padA = data.consumeInt(0, 600);
        boolean wrongSkey = data.consumeBoolean();
        long vc = data.consumeBoolean() ? 0 : data.consumeLong();
        int provide = data.consumeInt();
        int padC = data.consumeInt(0, 0xffff);
        int padCSent = Math.min(padC, 700);
        int iaLen = data.consumeInt(0, 0xffff);
        byte[] ia = data.consumeBytes(Math.min(iaLen, 1500));
        int corruptAt = data.consumeInt(-1, 2000);
        int truncateTo = data.consumeInt(0, 4000);
        int chunk = data.consumeInt(1, 700);

        // Our responder's Yb is deterministic (its random is seeded), so a scripted initiator can compute S.
        MseConfig probeCfg = MseConfig.builder().random(new Random(1)).build();
        MseCrypto.KeyPair responderKeys = MseCrypto.generateKeyPair(probeCfg.random());
        byte[] s = MseCrypto.sharedSecret(keys.privateKey(), responderKeys.publicKey());
        byte[] skey = wrongSkey ? new byte[20] : SKEY;
        Rc4 enc = MseCrypto.cipherA(s, skey);
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(keys.publicKey()).writeZero(padA).writeBytes(MseCrypto.req1(s))
                .writeBytes(MseCrypto.obfuscatedSkey(skey, s));
        int from = out.writerIndex();
        out.writeLong(vc).writeInt(provide).writeShort(padC).writeZero(padCSent).writeShort(iaLen).writeBytes(ia);
        enc.process(out, from, out, from, out.writerIndex() - from);
        out.writeBytes(data.consumeRemainingAsBytes());
        byte[] stream = new byte[Math.min(out.readableBytes(), truncateTo)];
        out.readBytes(stream);
        out.release();
        if (corruptAt >= 0 && corruptAt < stream.length) {
            stream[corruptAt] ^= 0x40;
        }
        run(() -> chunk, stream, MsePolicy.ENABLED);
    }
}
