package io.hivemind.bt.wire.ext;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.ext.ExtensionProtocolException.Reason;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.hivemind.bt.wire.testing.Gens;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** BEP 10 "handshake message" (with BEP 9's {@code metadata_size}): fields, unknown keys, limits, round trip. */
class ExtensionHandshakeTest {

    /** Concatenates ASCII text and raw byte arrays into one payload. */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static final byte[] V6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    /** What a libtorrent 2.0 peer (qBittorrent) sends, keys in canonical order, plus one key nobody models. */
    static final byte[] LIBTORRENT_LIKE = bytes(
            "d12:complete_agoi-1e1:ei1e4:ipv616:", V6,
            "1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e11:ut_metadatai2e6:ut_pexi1ee",
            "13:metadata_sizei31235e1:pi6881e4:reqqi500e11:upload_onlyi1e1:v17:qBittorrent/4.5.2",
            "8:x_customl1:a1:be",
            "6:yourip4:", new byte[] {(byte) 192, (byte) 168, 1, 20}, "e");

    @Test
    void decodesTheFieldsALibtorrentPeerSends() throws Exception {
        ExtensionHandshake h = ExtensionHandshake.decode(LIBTORRENT_LIKE);
        assertEquals(Map.of("lt_donthave", 7, "share_mode", 8, "upload_only", 3, "ut_holepunch", 4, "ut_metadata", 2, "ut_pex", 1),
                h.messages());
        assertEquals(2, h.messageId(UtMetadata.NAME));
        assertEquals(0, h.messageId("lt_tex"));
        assertEquals(6881, h.port());
        assertEquals("qBittorrent/4.5.2", h.client());
        assertEquals(500, h.requestQueue());
        assertEquals(InetAddress.getByName("192.168.1.20"), h.yourIp());
        assertEquals(InetAddress.getByAddress(V6), h.ipv6());
        assertNull(h.ipv4());
        assertEquals(31235L, h.metadataSize());
        assertEquals(Boolean.TRUE, h.uploadOnly());
        assertEquals(-1L, h.completeAgo());
        assertEquals(Boolean.TRUE, h.encryption());
        assertEquals(BDict.builder().put("x_custom", new io.hivemind.bt.wire.bencode.BList(
                java.util.List.of(BBytes.of("a"), BBytes.of("b")))).build(), h.extra(), "unknown keys kept");
    }

    /** Re-encoding gives back the exact bytes: every key, known or not, survives. */
    @Test
    void reEncodesCanonicalInputByteForByte() {
        assertArrayEquals(LIBTORRENT_LIKE, ExtensionHandshake.decode(LIBTORRENT_LIKE).encode());
    }

    /** The BEP 10 example (with its string lengths corrected). */
    @Test
    void decodesTheBep10Example() {
        byte[] example = bytes("d1:md11:LT_metadatai1e7:\u00b5T_PEXi2ee1:pi6881e1:v13:\u00b5Torrent 1.2e");
        ExtensionHandshake h = ExtensionHandshake.decode(example);
        assertEquals(Map.of("LT_metadata", 1, "\u00b5T_PEX", 2), h.messages());
        assertEquals("\u00b5Torrent 1.2", h.client());
        assertArrayEquals(example, h.encode());
    }

    /** BEP 10: "d11:LT_metadatai0ee"-style updates disable an extension with id 0; the zero is kept. */
    @Test
    void zeroIdMeansDisabledAndIsKept() {
        ExtensionHandshake h = ExtensionHandshake.decode(bytes("d1:md11:ut_metadatai0eee"));
        assertEquals(Map.of("ut_metadata", 0), h.messages());
        assertEquals(0, h.messageId("ut_metadata"));
    }

    @Test
    void emptyDictionaryHasNoFields() {
        ExtensionHandshake h = ExtensionHandshake.decode(bytes("de"));
        assertEquals(Map.of(), h.messages());
        assertNull(h.port());
        assertNull(h.yourIp());
        assertEquals(0, h.extra().size());
    }

    @Test
    void sixteenByteYourIpIsIpv6() throws Exception {
        ExtensionHandshake h = ExtensionHandshake.decode(bytes("d6:yourip16:", V6, "e"));
        assertEquals(InetAddress.getByAddress(V6), h.yourIp());
    }

    @Test
    void toMessageBuildsAnExtendedHandshakeMessage() {
        ExtensionHandshake h = ExtensionHandshake.builder().message(UtMetadata.NAME, 3).message(UtPex.NAME, 1)
                .client("hivebt/0.1").requestQueue(2000).metadataSize(4096L).build();
        PeerMessage.Extended m = h.toMessage();
        try {
            assertEquals(PeerMessage.Extended.HANDSHAKE_ID, m.extendedId());
            assertEquals(h, ExtensionHandshake.decode(m.payload()));
            assertEquals(0, m.payload().readerIndex(), "decode leaves the payload's indices alone");
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

    static Stream<Arguments> badHandshakes() {
        StringBuilder many = new StringBuilder("d1:md");
        for (int i = 0; i < ExtensionHandshake.MAX_MESSAGES + 1; i++) {
            String name = String.format("x%03d", i);
            many.append(name.length()).append(':').append(name).append("i1e");
        }
        many.append("ee");
        String longName = "n".repeat(ExtensionHandshake.MAX_NAME_LENGTH + 1);
        return Stream.of(
                new Bad("not bencode", bytes("d1:m"), Reason.BAD_BENCODE),
                new Bad("nesting beyond BencodeLimits.EXTENSION", bytes("d1:x", "l".repeat(20), "e".repeat(20), "e"), Reason.BAD_BENCODE),
                new Bad("a list, not a dictionary", bytes("le"), Reason.NOT_A_DICTIONARY),
                new Bad("m is a list", bytes("d1:mlee"), Reason.NOT_A_DICTIONARY),
                new Bad("an id is a string", bytes("d1:md6:ut_pex1:1ee"), Reason.WRONG_TYPE),
                new Bad("id 256", bytes("d1:md6:ut_pexi256eee"), Reason.INVALID_VALUE),
                new Bad("id -1", bytes("d1:md6:ut_pexi-1eee"), Reason.INVALID_VALUE),
                new Bad("more names than the limit", bytes(many.toString()), Reason.TOO_MANY_ENTRIES),
                new Bad("name longer than the limit", bytes("d1:md" + longName.length() + ":" + longName + "i1eee"), Reason.STRING_TOO_LONG),
                new Bad("port 65536", bytes("d1:pi65536ee"), Reason.INVALID_VALUE),
                new Bad("port as a string", bytes("d1:p4:6881e"), Reason.WRONG_TYPE),
                new Bad("v longer than the limit", bytes("d1:v" + (ExtensionHandshake.MAX_CLIENT_LENGTH + 1) + ":"
                        + "v".repeat(ExtensionHandshake.MAX_CLIENT_LENGTH + 1) + "e"), Reason.STRING_TOO_LONG),
                new Bad("v as an integer", bytes("d1:vi1ee"), Reason.WRONG_TYPE),
                new Bad("reqq negative", bytes("d4:reqqi-5ee"), Reason.INVALID_VALUE),
                new Bad("yourip of 6 bytes", bytes("d6:yourip6:abcdefe"), Reason.INVALID_VALUE),
                new Bad("ipv4 of 16 bytes", bytes("d4:ipv416:", V6, "e"), Reason.INVALID_VALUE),
                new Bad("ipv6 of 4 bytes", bytes("d4:ipv64:abcde"), Reason.INVALID_VALUE),
                new Bad("negative metadata_size", bytes("d13:metadata_sizei-1ee"), Reason.INVALID_VALUE),
                new Bad("upload_only as a string", bytes("d11:upload_only1:1e"), Reason.WRONG_TYPE))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHandshakes")
    void rejectsMalformedHandshakesWithATypedReason(Bad bad) {
        ExtensionProtocolException e = assertThrows(ExtensionProtocolException.class, () -> ExtensionHandshake.decode(bad.payload()));
        assertEquals(bad.reason(), e.reason(), e.getMessage());
        ByteBuf buf = Unpooled.wrappedBuffer(bad.payload());
        assertThrows(ExtensionProtocolException.class, () -> ExtensionHandshake.decode(buf));
    }

    @Test
    void limitsThemselvesAreAccepted() {
        StringBuilder many = new StringBuilder("d1:md");
        for (int i = 0; i < ExtensionHandshake.MAX_MESSAGES; i++) {
            String name = String.format("x%03d", i);
            many.append(name.length()).append(':').append(name).append("i1e");
        }
        many.append("ee");
        assertEquals(ExtensionHandshake.MAX_MESSAGES, ExtensionHandshake.decode(bytes(many.toString())).messages().size());
    }

    @Test
    void knownKeysInExtraAreDroppedInFavourOfTheFields() {
        ExtensionHandshake h = ExtensionHandshake.builder().port(1).extra(BDict.builder().put("p", 2).put("z", 3).build()).build();
        assertEquals(BDict.builder().put("z", 3).build(), h.extra());
        assertEquals(1, ExtensionHandshake.decode(h.encode()).port());
    }

    // ---- property: encode then decode is the identity ----

    static Gen<ExtensionHandshake> handshakes() {
        Gen<Integer> smallOrAbsent = SourceDSL.integers().between(-1, 65535);
        Gen<Map<String, Integer>> ms = SourceDSL.maps().of(SourceDSL.strings().basicLatinAlphabet().ofLengthBetween(1, 12),
                SourceDSL.integers().between(0, 255)).ofSizeBetween(0, 6);
        Gen<byte[]> v4 = Gens.bytes(4, 4);
        return ms.zip(smallOrAbsent, smallOrAbsent, Gens.text(20),
                (m, port, reqq, client) -> {
                    ExtensionHandshake.Builder b = ExtensionHandshake.builder();
                    m.forEach(b::message);
                    if (port >= 0) {
                        b.port(port);
                    }
                    if (reqq >= 0) {
                        b.requestQueue(reqq * 7);
                    }
                    if (!client.isEmpty()) {
                        b.client(client);
                    }
                    return b;
                }).zip(SourceDSL.longs().between(-1, Long.MAX_VALUE), SourceDSL.integers().between(0, 63), v4,
                (b, size, flags, ip) -> {
                    try {
                        if (size >= 0) {
                            b.metadataSize(size);
                        }
                        if ((flags & 1) != 0) {
                            b.uploadOnly((flags & 2) != 0);
                        }
                        if ((flags & 4) != 0) {
                            b.encryption((flags & 8) != 0);
                        }
                        if ((flags & 16) != 0) {
                            b.yourIp(InetAddress.getByAddress(ip)).ipv4((Inet4Address) InetAddress.getByAddress(ip));
                        }
                        if ((flags & 32) != 0) {
                            byte[] six = V6.clone();
                            six[15] = ip[0];
                            b.ipv6((Inet6Address) InetAddress.getByAddress(six)).completeAgo(size).yourIp(InetAddress.getByAddress(six));
                            b.extra(BDict.builder().put("zz", BInt.of(size)).build());
                        }
                        return b.build();
                    } catch (java.net.UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void encodeThenDecodeIsTheIdentity() {
        qt().withExamples(1000).forAll(handshakes()).checkAssert(h -> {
            byte[] encoded = h.encode();
            ExtensionHandshake back = ExtensionHandshake.decode(encoded);
            assertEquals(h, back);
            assertArrayEquals(encoded, back.encode());
        });
    }
}
