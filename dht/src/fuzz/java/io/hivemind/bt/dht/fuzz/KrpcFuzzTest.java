package io.hivemind.bt.dht.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.core.DhtEngine;
import io.hivemind.bt.dht.krpc.KrpcCodec;
import io.hivemind.bt.dht.krpc.KrpcException;
import io.hivemind.bt.dht.krpc.KrpcMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

/**
 * KRPC decoder fuzz targets (HARDENING.md "Fuzzing"): arbitrary datagrams never throw anything but
 * {@link KrpcException}; whatever decodes re-encodes to a fixed point; and the whole engine swallows arbitrary
 * datagrams without throwing, answering with at most one datagram no larger than 12 times the input. Run longer
 * with {@code JAZZER_FUZZ=1 mvn -pl dht -am test -Dtest=KrpcFuzzTest}.
 */
class KrpcFuzzTest {
    private static final InetSocketAddress FROM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6881);

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        KrpcMessage m;
        try {
            m = KrpcCodec.decode(input);
        } catch (KrpcException expected) {
            return;
        }
        byte[] once = KrpcCodec.encode(m);
        byte[] twice = KrpcCodec.encode(KrpcCodec.decode(once));
        assertArrayEquals(once, twice);
    }

    @FuzzTest(maxDuration = "10s")
    void engine(byte[] input) {
        int[] answers = {0};
        int[] largest = {0};
        DhtEngine e = new DhtEngine(DhtConfig.DEFAULT, NodeId.random(new SplittableRandom(1)), new SplittableRandom(2),
                (to, payload) -> {
                    answers[0]++;
                    largest[0] = Math.max(largest[0], payload.length);
                }, 0);
        e.receive(FROM, input, 1);
        e.tick(2);
        if (answers[0] > 1 || largest[0] > Math.max(12 * input.length, 0)) {
            throw new AssertionError(answers[0] + " answers, largest " + largest[0] + " for " + input.length);
        }
    }
}
