package io.hivemind.bt.wire.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.mse.CryptoMethod;
import io.hivemind.bt.wire.mse.MseConfig;
import io.hivemind.bt.wire.mse.MseCrypto;
import io.hivemind.bt.wire.mse.MseHandler;
import io.hivemind.bt.wire.mse.MsePolicy;
import io.hivemind.bt.wire.mse.Rc4;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The MSE/PE initiator (Message Stream Encryption, the Azureus spec; there is no BEP), the side that dials, under
 * a hostile responder: whatever comes back, in whatever chunks, the handler fires at most one completion event,
 * fails only with a typed {@code MseException} reason and closes, passes no byte on before the handshake succeeds,
 * and releases every buffer. {@code arbitrary} answers with raw bytes (mostly stopped at the key or the synchronisation search);
 * {@code structured} plays a real responder (Yb, PadB, then VC, crypto_select, len(PadD), PadD encrypted with the
 * right keys) with fuzzed fields, corruption and truncation, so the later states are reached. Complements
 * {@link MseResponderFuzzTest}. Run longer with {@code ./fuzz.sh MseInitiatorFuzzTest 10}.
 */
class MseInitiatorFuzzTest {

    private static final byte[] SKEY = new byte[20];

    static {
        Arrays.fill(SKEY, (byte) 0x3c);
    }

    private static MseConfig config(MsePolicy policy) {
        MseConfig.Builder b = MseConfig.builder().policy(policy).random(new Random(7));
        if (policy == MsePolicy.FORCED) {
            b.allowedMethods(CryptoMethod.RC4);
        } else {
            b.allowedMethods(CryptoMethod.PLAINTEXT, CryptoMethod.RC4);
        }
        return b.build();
    }

    private static void run(int chunk, byte[] reply, MsePolicy policy) {
        MseHandshakeSink sink = new MseHandshakeSink();
        EmbeddedChannel ch = new EmbeddedChannel(MseHandler.initiator(config(policy), SKEY), sink);
        ch.runPendingTasks();
        // what we wrote (Ya, PadA, and after Yb our step 3) is not under test here
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ((ByteBuf) o).release();
        }
        List<ByteBuf> fed = new ArrayList<>();
        for (int pos = 0; pos < reply.length && ch.isActive(); pos += chunk) {
            ByteBuf b = Unpooled.wrappedBuffer(reply, pos, Math.min(chunk, reply.length - pos));
            fed.add(b);
            ch.writeInbound(b);
            for (Object o; (o = ch.readOutbound()) != null; ) {
                ((ByteBuf) o).release();
            }
        }
        sink.assertSound(ch, fed);
    }

    @FuzzTest(maxDuration = "10s")
    void arbitrary(FuzzedDataProvider data) {
        MsePolicy policy = data.pickValue(new MsePolicy[] {MsePolicy.ENABLED, MsePolicy.FORCED});
        int chunk = data.consumeInt(1, 2000);
        run(chunk, data.consumeRemainingAsBytes(), policy);
    }

    @FuzzTest(maxDuration = "10s")
    void structured(FuzzedDataProvider data) {
        MsePolicy policy = data.pickValue(new MsePolicy[] {MsePolicy.ENABLED, MsePolicy.FORCED});
        MseCrypto.KeyPair responder = MseCrypto.generateKeyPair(new Random(data.consumeLong()));
        int padB = data.consumeInt(0, 600);
        boolean wrongSkey = data.consumeBoolean();
        long vc = data.consumeBoolean() ? 0 : data.consumeLong();
        int select = data.pickValue(new int[] {1, 2, 3, 0, data.consumeInt()});
        int padD = data.consumeInt(0, 0xffff);
        int padDSent = Math.min(padD, 700);
        int corruptAt = data.consumeInt(-1, 2000);
        int truncateTo = data.consumeInt(0, 4000);
        int chunk = data.consumeInt(1, 700);

        // The initiator's Ya is deterministic (its random is seeded), so a scripted responder can compute S.
        MseCrypto.KeyPair initiator = MseCrypto.generateKeyPair(config(policy).random());
        byte[] s = MseCrypto.sharedSecret(responder.privateKey(), initiator.publicKey());
        Rc4 enc = MseCrypto.cipherB(s, wrongSkey ? new byte[20] : SKEY);
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(responder.publicKey());
        byte[] pad = new byte[padB];
        new Random(padB).nextBytes(pad);
        out.writeBytes(pad);
        int from = out.writerIndex();
        out.writeLong(vc).writeInt(select).writeShort(padD).writeZero(padDSent);
        enc.process(out, from, out, from, out.writerIndex() - from);
        out.writeBytes(data.consumeRemainingAsBytes());
        byte[] reply = new byte[Math.min(out.readableBytes(), truncateTo)];
        out.readBytes(reply);
        out.release();
        if (corruptAt >= 0 && corruptAt < reply.length) {
            reply[corruptAt] ^= 0x21;
        }
        run(chunk, reply, policy);
    }
}
