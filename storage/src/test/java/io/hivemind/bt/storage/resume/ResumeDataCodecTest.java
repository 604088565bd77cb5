package io.hivemind.bt.storage.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hivemind.bt.storage.FileStatus;
import io.hivemind.bt.storage.resume.ResumeDataException.Reason;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The bencoded resume file: round trip, canonical form, and a typed reason for every kind of bad input. */
class ResumeDataCodecTest {

    static ResumeData random(long seed, int pieceCount, int fileCount) {
        Random r = new Random(seed);
        byte[] hash = new byte[r.nextBoolean() ? 20 : 32];
        r.nextBytes(hash);
        Bitfield pieces = new Bitfield(pieceCount);
        for (int i = 0; i < pieceCount; i++) {
            if (r.nextInt(3) == 0) {
                pieces.set(i);
            }
        }
        List<FileStatus> files = new ArrayList<>();
        int[] pr = new int[fileCount];
        for (int i = 0; i < fileCount; i++) {
            files.add(r.nextInt(4) == 0 ? FileStatus.absent(i)
                    : new FileStatus(i, true, r.nextLong(0, 1L << 50), r.nextLong()));
            pr[i] = r.nextInt(8);
        }
        StringBuilder path = new StringBuilder("/data/");
        for (int i = 0; i < r.nextInt(30); i++) {
            path.appendCodePoint(1 + r.nextInt(0x2FFF));
        }
        FileStatus part = r.nextBoolean() ? FileStatus.absent(-1) : new FileStatus(-1, true, r.nextInt(1 << 20), 5);
        return new ResumeData(hash, pieces, files, part, r.nextLong(0, Long.MAX_VALUE),
                r.nextLong(0, Long.MAX_VALUE), pr, path.toString(), r.nextLong(-1, 1L << 40),
                r.nextLong(-1, 1L << 40));
    }

    @Test
    void roundTripsAndIsCanonical() {
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 3000), integers().between(0, 60))
                .checkAssert((seed, pieces, files) -> {
                    ResumeData d = random(seed, pieces, files);
                    byte[] encoded = ResumeDataCodec.encode(d);
                    ResumeData back = ResumeDataCodec.decode(encoded);
                    assertEquals(d, back);
                    assertArrayEquals(encoded, ResumeDataCodec.encode(back));
                    BencodeDecoder.decode(encoded, BencodeLimits.DEFAULT.withStrict(true)); // canonical
                });
    }

    private static byte[] mutate(UnaryOperator<Map<String, BValue>> change) {
        BDict good = (BDict) BencodeDecoder.decode(ResumeDataCodec.encode(random(1, 20, 3)));
        Map<String, BValue> m = new LinkedHashMap<>();
        good.entries().forEach((k, v) -> m.put(k.asString(), v));
        Map<String, BValue> bad = change.apply(m);
        BDict.Builder b = BDict.builder();
        bad.forEach(b::put);
        return b.build().encode();
    }

    private static UnaryOperator<Map<String, BValue>> put(String key, BValue value) {
        return m -> {
            m.put(key, value);
            return m;
        };
    }

    private static UnaryOperator<Map<String, BValue>> remove(String key) {
        return m -> {
            m.remove(key);
            return m;
        };
    }

    private static void rejects(Reason reason, byte[] input) {
        ResumeDataException e = assertThrows(ResumeDataException.class, () -> ResumeDataCodec.decode(input));
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void badInputsHaveTypedReasons() {
        rejects(Reason.BAD_BENCODE, "d4:spam".getBytes());
        rejects(Reason.BAD_BENCODE, new byte[0]);
        rejects(Reason.NOT_A_DICTIONARY, "li1ee".getBytes());
        rejects(Reason.WRONG_FORMAT, mutate(put("file-format", io.hivemind.bt.wire.bencode.BBytes.of("x"))));
        rejects(Reason.MISSING_KEY, mutate(remove("file-format")));
        rejects(Reason.WRONG_FORMAT, mutate(put("file-version", BInt.of(2))));
        rejects(Reason.MISSING_KEY, mutate(remove("pieces")));
        rejects(Reason.WRONG_TYPE, mutate(put("pieces", BInt.of(1))));
        rejects(Reason.TOO_LARGE, mutate(put("piece-count", BInt.of(3_000_000))));
        rejects(Reason.BAD_VALUE, mutate(put("piece-count", BInt.of(-1))));
        rejects(Reason.INCONSISTENT, mutate(put("piece-count", BInt.of(100))));
        rejects(Reason.INCONSISTENT, mutate(put("pieces", io.hivemind.bt.wire.bencode.BBytes.of(
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))));
        rejects(Reason.BAD_VALUE, mutate(put("info-hash", io.hivemind.bt.wire.bencode.BBytes.of(new byte[19]))));
        rejects(Reason.BAD_VALUE, mutate(put("priorities", BList.of(BInt.of(1), BInt.of(9), BInt.of(1)))));
        rejects(Reason.WRONG_TYPE, mutate(put("priorities", BList.of(BInt.of(1), BList.of(), BInt.of(1)))));
        rejects(Reason.INCONSISTENT, mutate(put("priorities", BList.of(BInt.of(1)))));
        rejects(Reason.BAD_VALUE, mutate(put("uploaded", BInt.of(-5))));
        rejects(Reason.WRONG_TYPE, mutate(put("files", BList.of(BInt.of(1), BInt.of(2), BInt.of(3)))));
        rejects(Reason.BAD_VALUE, mutate(put("files", BList.of(BList.of(BInt.of(-7), BInt.of(0)),
                BList.of(BInt.of(1), BInt.of(0)), BList.of(BInt.of(1), BInt.of(0))))));
        rejects(Reason.BAD_VALUE, mutate(put("save-path", io.hivemind.bt.wire.bencode.BBytes.of(new byte[5000]))));
        rejects(Reason.BAD_VALUE, mutate(put("save-path", io.hivemind.bt.wire.bencode.BBytes.of("a\0b"))));
        rejects(Reason.BAD_VALUE, mutate(put("added-time", BInt.of(-2))));
        rejects(Reason.WRONG_TYPE, mutate(put("part-file", BInt.of(0))));
        rejects(Reason.TOO_LARGE, new byte[ResumeDataCodec.MAX_BYTES + 1]);
    }

    /** HARDENING.md: a nesting bomb is a typed error, never a StackOverflowError. */
    @Test
    void nestingBombIsRejected() {
        byte[] bomb = new byte[2_000_000];
        java.util.Arrays.fill(bomb, 0, 1_000_000, (byte) 'l');
        java.util.Arrays.fill(bomb, 1_000_000, bomb.length, (byte) 'e');
        rejects(Reason.BAD_BENCODE, bomb);
    }

    @Test
    void unknownKeysAreIgnored() {
        byte[] withExtra = mutate(put("zz-future", BInt.of(1)));
        assertTrue(ResumeDataCodec.decode(withExtra).pieceCount() == 20);
    }
}
