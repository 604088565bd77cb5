package io.hivemind.bt.wire.ext;

import static io.hivemind.bt.wire.ext.ExtensionHandshakeTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;

import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.ext.ExtensionProtocolException.Reason;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.hivemind.bt.wire.testing.Gens;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** BEP 9 "extension message": request, data (dictionary then raw piece), reject, and the limits on data. */
class UtMetadataTest {

    static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    /** BEP 9 "request" example: {@code d8:msg_typei0e5:piecei0ee}. */
    @Test
    void decodesTheBep9RequestExample() {
        assertEquals(new UtMetadata.Request(0), UtMetadata.decode(bytes("d8:msg_typei0e5:piecei0ee"), UtMetadata.DEFAULT_MAX_METADATA_SIZE));
        assertEquals("d8:msg_typei0e5:piecei0ee", new String(new UtMetadata.Request(0).encode(), StandardCharsets.US_ASCII));
    }

    /** BEP 9 "data" example: the piece follows the dictionary; all pieces are 16 KiB except the last. */
    @Test
    void decodesTheBep9DataExample() {
        byte[] payload = bytes("d8:msg_typei1e5:piecei0e10:total_sizei34256ee", filled(16384));
        UtMetadata.Data d = assertInstanceOf(UtMetadata.Data.class, UtMetadata.decode(Unpooled.wrappedBuffer(payload)));
        assertEquals(0, d.piece());
        assertEquals(34256, d.totalSize());
        assertArrayEquals(filled(16384), d.data());
        assertArrayEquals(payload, d.encode());
        // the last of three pieces holds the rest: 34256 - 2 * 16384 = 1488 bytes
        byte[] last = bytes("d8:msg_typei1e5:piecei2e10:total_sizei34256ee", filled(1488));
        assertEquals(1488, ((UtMetadata.Data) UtMetadata.decode(Unpooled.wrappedBuffer(last))).length());
        assertEquals(3, UtMetadata.pieceCount(34256));
    }

    @Test
    void decodesAReject() {
        assertEquals(new UtMetadata.Reject(7), UtMetadata.decode(Unpooled.wrappedBuffer(bytes("d8:msg_typei2e5:piecei7ee"))));
    }

    /** BEP 9: "an unrecognized message ID MUST be ignored": it decodes to Unknown, not an error. */
    @Test
    void unknownMsgTypeIsKeptNotRejected() {
        UtMetadata m = UtMetadata.decode(Unpooled.wrappedBuffer(bytes("d8:msg_typei9e3:zzzi1ee")));
        UtMetadata.Unknown u = assertInstanceOf(UtMetadata.Unknown.class, m);
        assertEquals(9, u.msgType());
        assertEquals(-1, u.piece());
        assertArrayEquals(bytes("d8:msg_typei9e3:zzzi1ee"), u.encode());
    }

    @Test
    void maximumMetadataSizeIsConfigurable() {
        byte[] big = bytes("d8:msg_typei1e5:piecei1279e10:total_sizei20971520ee", filled(16384));
        ExtensionProtocolException e = assertThrows(ExtensionProtocolException.class, () -> UtMetadata.decode(Unpooled.wrappedBuffer(big)));
        assertEquals(Reason.BAD_METADATA_PIECE, e.reason(), "piece 1279 lies beyond 16 MiB");
        UtMetadata.Data d = (UtMetadata.Data) UtMetadata.decode(big, 30 << 20);
        assertEquals(20 << 20, d.totalSize());
    }

    @Test
    void toMessageUsesTheRemoteId() {
        PeerMessage.Extended m = new UtMetadata.Reject(3).toMessage(2);
        try {
            assertEquals(2, m.extendedId());
            assertEquals(new UtMetadata.Reject(3), UtMetadata.decode(m.payload()));
        } finally {
            m.release();
        }
    }

    record Bad(String name, byte[] payload, Reason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badMessages() {
        return Stream.of(
                new Bad("not bencode", bytes("d8:msg_type"), Reason.BAD_BENCODE),
                new Bad("an integer, not a dictionary", bytes("i1e"), Reason.NOT_A_DICTIONARY),
                new Bad("no msg_type", bytes("d5:piecei0ee"), Reason.MISSING_KEY),
                new Bad("msg_type as a string", bytes("d8:msg_type1:0e"), Reason.WRONG_TYPE),
                new Bad("request without piece", bytes("d8:msg_typei0ee"), Reason.MISSING_KEY),
                new Bad("negative piece", bytes("d8:msg_typei0e5:piecei-1ee"), Reason.BAD_METADATA_PIECE),
                new Bad("piece beyond 16 MiB of metadata", bytes("d8:msg_typei0e5:piecei1024ee"), Reason.BAD_METADATA_PIECE),
                new Bad("data without total_size", bytes("d8:msg_typei1e5:piecei0ee", filled(10)), Reason.MISSING_KEY),
                new Bad("HARDENING: total_size above 16 MiB", bytes("d8:msg_typei1e5:piecei0e10:total_sizei16777217ee", filled(16384)),
                        Reason.METADATA_TOO_LARGE),
                new Bad("total_size zero", bytes("d8:msg_typei1e5:piecei0e10:total_sizei0ee"), Reason.INVALID_VALUE),
                new Bad("piece beyond total_size", bytes("d8:msg_typei1e5:piecei1e10:total_sizei100ee", filled(100)), Reason.BAD_METADATA_PIECE),
                new Bad("BEP 9: a piece that is not the last must be 16 KiB", bytes("d8:msg_typei1e5:piecei0e10:total_sizei34256ee", filled(16383)),
                        Reason.BAD_METADATA_PIECE),
                new Bad("more than 16 KiB of data", bytes("d8:msg_typei1e5:piecei0e10:total_sizei34256ee", filled(16385)),
                        Reason.BAD_METADATA_PIECE),
                new Bad("last piece of the wrong length", bytes("d8:msg_typei1e5:piecei0e10:total_sizei100ee", filled(99)),
                        Reason.BAD_METADATA_PIECE))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badMessages")
    void rejectsMalformedMessagesWithATypedReason(Bad bad) {
        ExtensionProtocolException e = assertThrows(ExtensionProtocolException.class,
                () -> UtMetadata.decode(Unpooled.wrappedBuffer(bad.payload())));
        assertEquals(bad.reason(), e.reason(), e.getMessage());
    }

    @Test
    void recordsRefuseInconsistentValues() {
        assertThrows(IllegalArgumentException.class, () -> new UtMetadata.Data(0, 100, new byte[99]));
        assertThrows(IllegalArgumentException.class, () -> new UtMetadata.Data(1, 100, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new UtMetadata.Request(-1));
        assertThrows(IllegalArgumentException.class, () -> new UtMetadata.Unknown(1, BDict.builder().put("msg_type", 1).build()));
        assertThrows(IllegalArgumentException.class, () -> new UtMetadata.Unknown(5, BDict.builder().put("msg_type", 6).build()));
    }

    // ---- property: encode then decode is the identity ----

    static Gen<UtMetadata> messages() {
        Gen<Integer> totals = SourceDSL.integers().between(1, 200_000);
        Gen<UtMetadata> data = totals.zip(SourceDSL.integers().between(0, 1000), Gens.bytes(0, 3), (total, p, seed) -> {
            int piece = p % UtMetadata.pieceCount(total);
            byte[] block = new byte[UtMetadata.pieceLength(piece, total)];
            Arrays.fill(block, seed.length == 0 ? 0 : seed[0]);
            return new UtMetadata.Data(piece, total, block);
        });
        Gen<UtMetadata> requests = SourceDSL.integers().between(0, 1023).map(UtMetadata.Request::new);
        Gen<UtMetadata> rejects = SourceDSL.integers().between(0, 1023).map(UtMetadata.Reject::new);
        Gen<UtMetadata> unknown = SourceDSL.longs().between(3, Long.MAX_VALUE).map(
                t -> new UtMetadata.Unknown(t, BDict.builder().put("msg_type", t).put("piece", 1).build()));
        return data.mix(requests).mix(rejects).mix(unknown);
    }

    @Test
    void encodeThenDecodeIsTheIdentity() {
        qt().withExamples(500).forAll(messages()).checkAssert(m -> {
            byte[] encoded = m.encode();
            UtMetadata back = UtMetadata.decode(encoded, UtMetadata.DEFAULT_MAX_METADATA_SIZE);
            assertEquals(m, back);
            assertArrayEquals(encoded, back.encode());
        });
    }
}
