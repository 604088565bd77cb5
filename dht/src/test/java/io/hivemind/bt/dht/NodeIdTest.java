package io.hivemind.bt.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** BEP 5 "distance metric": XOR distance compared as an unsigned integer, checked against BigInteger. */
class NodeIdTest {
    private static final Gen<NodeId> IDS = SourceDSL.longs().all().map(seed -> NodeId.random(new SplittableRandom(seed)));

    private static BigInteger big(NodeId id) {
        return new BigInteger(1, id.toBytes());
    }

    @Test
    void bytesRoundTrip() {
        qt().forAll(IDS).check(id -> NodeId.of(id.toBytes()).equals(id) && NodeId.ofHex(id.toHex()).equals(id));
    }

    @Test
    void compareDistanceAgreesWithBigIntegerXor() {
        qt().forAll(IDS, IDS, IDS).check((t, a, b) -> Integer.signum(t.compareDistance(a, b))
                == Integer.signum(big(t).xor(big(a)).compareTo(big(t).xor(big(b)))));
    }

    @Test
    void commonPrefixLengthAgreesWithBigInteger() {
        qt().forAll(IDS, IDS).check((a, b) -> a.commonPrefixLength(b)
                == (a.equals(b) ? 160 : 160 - big(a).xor(big(b)).bitLength()));
    }

    @Test
    void randomWithPrefixSharesExactlyThatPrefix() {
        SplittableRandom r = new SplittableRandom(1);
        qt().forAll(IDS, SourceDSL.integers().between(0, 159)).check((id, p) ->
                id.commonPrefixLength(id.randomWithPrefix(p, r)) == p);
    }

    @Test
    void compareToIsUnsigned() {
        NodeId low = NodeId.ofHex("7fffffffffffffffffffffffffffffffffffffff");
        NodeId high = NodeId.ofHex("8000000000000000000000000000000000000000");
        assertTrue(low.compareTo(high) < 0);
        assertEquals(0, high.bit(0) ? 0 : 1);
        assertArrayEquals(new byte[20], NodeId.of(new byte[20]).toBytes());
    }

    @Test
    void rejectsWrongLengths() {
        assertThrows(IllegalArgumentException.class, () -> NodeId.of(new byte[19]));
        assertThrows(IllegalArgumentException.class, () -> NodeId.ofHex("00"));
    }
}
