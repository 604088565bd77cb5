package io.hivemind.bt.wire.bencode;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hivemind.bt.wire.bencode.BencodeException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BEP 3 "bencoding" section, plus the limits of HARDENING.md. */
class BencodeDecoderTest {

    private static BValue decode(String s) {
        return BencodeDecoder.decode(s.getBytes(US_ASCII));
    }

    private static BencodeException reject(String s, BencodeLimits limits) {
        return assertThrows(BencodeException.class, () -> BencodeDecoder.decode(s.getBytes(US_ASCII), limits));
    }

    @Test
    void decodesTheExamplesOfBep3() {
        assertEquals(BBytes.of("spam"), decode("4:spam"));
        assertEquals(BBytes.of(""), decode("0:"));
        assertEquals(BInt.of(3), decode("i3e"));
        assertEquals(BInt.of(-3), decode("i-3e"));
        assertEquals(BInt.of(0), decode("i0e"));
        assertEquals(BList.of(BBytes.of("spam"), BBytes.of("eggs")), decode("l4:spam4:eggse"));
        BDict d = (BDict) decode("d3:cow3:moo4:spam4:eggse");
        assertEquals("moo", d.getString("cow"));
        assertEquals("eggs", d.getString("spam"));
        BDict d2 = (BDict) decode("d4:spaml1:a1:bee");
        assertEquals(BList.of(BBytes.of("a"), BBytes.of("b")), d2.getList("spam"));
    }

    @Test
    void decodesExtremeIntegers() {
        assertEquals(BInt.of(Long.MAX_VALUE), decode("i9223372036854775807e"));
        assertEquals(BInt.of(Long.MIN_VALUE), decode("i-9223372036854775808e"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'',                      UNEXPECTED_END",
            "i3,                      UNEXPECTED_END",
            "4:spa,                   UNEXPECTED_END",
            "l4:spam,                 UNEXPECTED_END",
            "d3:cow,                  UNEXPECTED_END",
            "d3:cow3:moo,             UNEXPECTED_END",
            "12,                      UNEXPECTED_END",
            "x,                       UNEXPECTED_BYTE",
            "i1x2e,                   UNEXPECTED_BYTE",
            "4x spam,                 UNEXPECTED_BYTE",
            "i03e,                    LEADING_ZERO",
            "i-03e,                   LEADING_ZERO",
            "03:abc,                  LEADING_ZERO",
            "i-0e,                    NEGATIVE_ZERO",
            "ie,                      EMPTY_INTEGER",
            "i-e,                     EMPTY_INTEGER",
            "i9223372036854775808e,   INTEGER_OVERFLOW",
            "i-9223372036854775809e,  INTEGER_OVERFLOW",
            "i99999999999999999999e,  INTEGER_OVERFLOW",
            "di1e1:ae,                NON_STRING_KEY",
            "dle1:ae,                 NON_STRING_KEY",
            "i1ei2e,                  TRAILING_BYTES",
            "4:spamx,                 TRAILING_BYTES",
    })
    void rejectsMalformedInputWithItsReason(String input, Reason reason) {
        assertEquals(reason, reject(input, BencodeLimits.DEFAULT).reason());
    }

    @Test
    void strictModeRejectsUnsortedAndDuplicateKeys() {
        BencodeLimits strict = BencodeLimits.DEFAULT.withStrict(true);
        assertEquals(Reason.UNSORTED_KEYS, reject("d1:bi1e1:ai2ee", strict).reason());
        assertEquals(Reason.DUPLICATE_KEY, reject("d1:ai1e1:ai2ee", strict).reason());
        // lenient mode accepts both; the first of duplicate keys wins
        BDict d = (BDict) decode("d1:bi1e1:ai2e1:bi3ee");
        assertEquals(1, d.getLong("b", -1));
        assertEquals(2, d.getLong("a", -1));
    }

    @Test
    void keyOrderIsUnsignedByteOrder() {
        // 0x7f sorts before 0x80 in unsigned order; a signed comparison would call this unsorted
        byte[] in = {'d', '1', ':', 0x7f, 'i', '1', 'e', '1', ':', (byte) 0x80, 'i', '2', 'e', 'e'};
        BDict d = (BDict) BencodeDecoder.decode(in, BencodeLimits.DEFAULT.withStrict(true));
        assertEquals(2, d.size());
        assertArrayEquals(in, d.encode());
    }

    @Test
    void offsetPointsAtTheProblem() {
        BencodeException e = reject("l4:spami03ee", BencodeLimits.DEFAULT);
        assertEquals(Reason.LEADING_ZERO, e.reason());
        assertEquals(8, e.offset());
    }

    @Test
    void enforcesDepthTokenStringAndSizeLimits() {
        BencodeLimits small = new BencodeLimits(3, 5, 4, 64, false);
        assertEquals(Reason.DEPTH_LIMIT, reject("llllee" + "ee", small).reason());
        decode("llleee"); // depth 3 is fine with the default limits too
        BencodeDecoder.decode("llleee".getBytes(US_ASCII), small);
        assertEquals(Reason.TOKEN_LIMIT, reject("li1ei2ei3ei4ei5ee", small).reason());
        assertEquals(Reason.STRING_LIMIT, reject("5:abcde", small).reason());
        assertEquals(Reason.STRING_LIMIT, reject("99999999999999999999:a", small).reason());
        assertEquals(Reason.SIZE_LIMIT, reject("l" + "i1e".repeat(30) + "e", small).reason());
    }

    @Test
    void nestingAndTokenBombsAreRejectedQuickly() {
        byte[] nesting = new byte[10 * 1024 * 1024];
        Arrays.fill(nesting, (byte) 'l');
        byte[] tokens = new byte[10 * 1024 * 1024];
        tokens[0] = 'l';
        for (int i = 1; i + 3 <= tokens.length; i += 3) {
            tokens[i] = 'i';
            tokens[i + 1] = '0';
            tokens[i + 2] = 'e';
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertEquals(Reason.DEPTH_LIMIT, assertThrows(BencodeException.class,
                    () -> BencodeDecoder.decode(nesting)).reason());
            assertEquals(Reason.TOKEN_LIMIT, assertThrows(BencodeException.class,
                    () -> BencodeDecoder.decode(tokens)).reason());
        });
    }

    @Test
    void dictionariesRememberTheirSourceSpan() {
        byte[] in = "d8:announce3:url4:infod4:name1:xee".getBytes(US_ASCII);
        BDict top = (BDict) BencodeDecoder.decode(in);
        BDict info = top.getDict("info");
        assertEquals("d4:name1:xe", new String(in, info.sourceStart(), info.sourceEnd() - info.sourceStart(), US_ASCII));
        assertEquals(0, top.sourceStart());
        assertEquals(in.length, top.sourceEnd());
    }

    @Test
    void decodePrefixStopsAfterTheValue() {
        byte[] in = "d8:msg_typei1e5:piecei0eeRAWDATA".getBytes(US_ASCII);
        BencodeDecoder.Prefix p = BencodeDecoder.decodePrefix(in, 0, in.length, BencodeLimits.EXTENSION);
        assertEquals("RAWDATA", new String(in, p.end(), in.length - p.end(), US_ASCII));
        assertEquals(1, ((BDict) p.value()).getLong("msg_type", -1));
    }

    @Test
    void decodesFromAByteBufWithoutConsumingIt() {
        ByteBuf buf = Unpooled.copiedBuffer("xxl1:ai7ee", US_ASCII);
        try {
            buf.skipBytes(2);
            assertEquals(BList.of(BBytes.of("a"), BInt.of(7)), BencodeDecoder.decode(buf, BencodeLimits.DEFAULT));
            assertEquals(2, buf.readerIndex());
        } finally {
            buf.release();
        }
        assertEquals(0, buf.refCnt());
    }

    @Test
    void typedGettersRejectTheWrongType() {
        BDict d = (BDict) decode("d1:ai1e1:b1:xe");
        BencodeException e = assertThrows(BencodeException.class, () -> d.getString("a"));
        assertEquals(Reason.WRONG_TYPE, e.reason());
        assertEquals(Reason.WRONG_TYPE, assertThrows(BencodeException.class, () -> d.getLong("b", 0)).reason());
        assertEquals(null, d.getDict("missing"));
    }

    /** HARDENING.md: every parser gives the same answer whether or not the input is a slice of a larger array. */
    @Test
    void decodingAnEmbeddedRangeMatchesDecodingACopy() {
        for (String s : List.of("i42e", "l1:ae", "d1:xli1eee", "0:")) {
            byte[] inner = s.getBytes(US_ASCII);
            byte[] outer = new byte[inner.length + 8];
            System.arraycopy(inner, 0, outer, 4, inner.length);
            assertEquals(BencodeDecoder.decode(inner),
                    BencodeDecoder.decode(outer, 4, inner.length, BencodeLimits.DEFAULT));
        }
    }
}
