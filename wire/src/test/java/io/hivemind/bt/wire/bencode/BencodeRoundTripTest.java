package io.hivemind.bt.wire.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Property: canonical encode then decode gives the same value back, and re-encoding gives the same bytes. */
class BencodeRoundTripTest {

    static Gen<BValue> values(int depth) {
        Gen<BValue> ints = SourceDSL.longs().all().map(BInt::of);
        Gen<BValue> strings = SourceDSL.lists().of(SourceDSL.integers().between(0, 255))
                .ofSizeBetween(0, 40).map(l -> {
                    byte[] b = new byte[l.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = (byte) (int) l.get(i);
                    }
                    return BBytes.of(b);
                });
        if (depth == 0) {
            return ints.mix(strings);
        }
        Gen<BValue> child = values(depth - 1);
        Gen<BValue> lists = SourceDSL.lists().of(child).ofSizeBetween(0, 5).map(l -> new BList(new ArrayList<>(l)));
        Gen<BValue> dicts = SourceDSL.lists().of(strings).ofSizeBetween(0, 5).zip(
                SourceDSL.lists().of(child).ofSize(5), (keys, vals) -> {
                    TreeMap<BBytes, BValue> m = new TreeMap<>();
                    for (int i = 0; i < keys.size(); i++) {
                        m.put((BBytes) keys.get(i), vals.get(i));
                    }
                    return BDict.of(m);
                });
        return ints.mix(strings).mix(lists).mix(dicts);
    }

    @Test
    void encodeThenDecodeIsIdentity() {
        qt().withExamples(2000).forAll(values(3)).checkAssert(v -> {
            byte[] encoded = v.encode();
            assertEquals(encoded.length, BencodeEncoder.encodedLength(v));
            BValue back = BencodeDecoder.decode(encoded, BencodeLimits.DEFAULT.withStrict(true));
            assertEquals(v, back);
            assertArrayEquals(encoded, back.encode());
        });
    }

    @Test
    void everyPrefixOfAValidEncodingIsRejectedAsUnexpectedEnd() {
        qt().withExamples(300).forAll(values(2)).checkAssert(v -> {
            byte[] encoded = v.encode();
            for (int n = 0; n < encoded.length; n++) {
                try {
                    BencodeDecoder.decode(encoded, 0, n, BencodeLimits.DEFAULT);
                    throw new AssertionError("prefix of " + n + " bytes accepted");
                } catch (BencodeException e) {
                    assertEquals(BencodeException.Reason.UNEXPECTED_END, e.reason(), e.getMessage());
                }
            }
        });
    }

    @Test
    void canonicalEncoderSortsKeys() {
        BDict d = BDict.builder().put("zz", 1).put("a", "x").put("m", BList.of()).build();
        assertEquals("d1:a1:x1:mle2:zzi1ee", new String(d.encode(), java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(List.of("a", "m", "zz"), d.entries().keySet().stream().map(BBytes::asString).toList());
    }
}
