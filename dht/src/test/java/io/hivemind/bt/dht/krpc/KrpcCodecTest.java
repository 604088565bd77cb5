package io.hivemind.bt.dht.krpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** KRPC messages of BEP 5 "KRPC Protocol" (the spec's example packets), BEP 32, 43, 44 and 51, and the limits. */
class KrpcCodecTest {
    private static final NodeId ID = NodeId.of("abcdefghij0123456789".getBytes(StandardCharsets.US_ASCII));
    private static final NodeId TARGET = NodeId.of("mnopqrstuvwxyz123456".getBytes(StandardCharsets.US_ASCII));

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** BEP 5 "ping" example query. */
    @Test
    void bep5PingExample() {
        var q = (KrpcQuery.Ping) KrpcCodec.decode(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"));
        assertEquals(ID, q.id());
        assertArrayEquals(ascii("aa"), q.transactionId());
        var r = (KrpcResponse) KrpcCodec.decode(ascii("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re"));
        assertEquals(TARGET, r.id());
    }

    /** BEP 5 "find_node", "get_peers" and "announce_peer" example queries. */
    @Test
    void bep5QueryExamples() {
        var f = (KrpcQuery.FindNode) KrpcCodec.decode(ascii(
                "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe"));
        assertEquals(TARGET, f.target());
        assertEquals(Want.DEFAULT, f.want());
        var g = (KrpcQuery.GetPeers) KrpcCodec.decode(ascii(
                "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe"));
        assertEquals(TARGET, g.infoHash());
        var a = (KrpcQuery.AnnouncePeer) KrpcCodec.decode(ascii("d1:ad2:id20:abcdefghij012345678912:implied_porti1e"
                + "9:info_hash20:mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"));
        assertEquals(6881, a.port());
        assertTrue(a.impliedPort());
        assertArrayEquals(ascii("aoeusnth"), a.token());
    }

    /** BEP 5 "Errors" example. */
    @Test
    void bep5ErrorExample() {
        var e = (KrpcError) KrpcCodec.decode(ascii("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
        assertEquals(201, e.code());
        assertEquals("A Generic Error Ocurred", e.message());
    }

    @Test
    void everyQueryRoundTrips() throws Exception {
        byte[] t = {1, 2};
        List<KrpcQuery> queries = List.of(
                new KrpcQuery.Ping(t, ID, true),
                new KrpcQuery.FindNode(t, ID, false, TARGET, Want.N4 | Want.N6),
                new KrpcQuery.GetPeers(t, ID, false, TARGET, Want.N6),
                new KrpcQuery.AnnouncePeer(t, ID, false, TARGET, 51413, false, new byte[]{9, 9}),
                new KrpcQuery.Get(t, ID, false, TARGET, 4L, Want.DEFAULT),
                new KrpcQuery.Put(t, ID, false, new byte[]{1}, BBytes.of("x"), null, new byte[0], 0, null, null),
                new KrpcQuery.Put(t, ID, false, new byte[]{1}, BList.of(BInt.of(1)), new byte[32], ascii("salt"), 3,
                        new byte[64], 2L),
                new KrpcQuery.SampleInfohashes(t, ID, false, TARGET, Want.DEFAULT),
                new KrpcQuery.Unknown(t, ID, false, "vote", TARGET, Want.DEFAULT));
        for (KrpcQuery q : queries) {
            byte[] wire = KrpcCodec.encode(q);
            KrpcQuery back = (KrpcQuery) KrpcCodec.decode(wire);
            assertEquals(q.getClass(), back.getClass());
            assertArrayEquals(wire, KrpcCodec.encode(back), q.method());
            assertEquals(q.readOnly(), back.readOnly());
        }
        assertTrue(new String(KrpcCodec.encode(queries.getFirst()), StandardCharsets.ISO_8859_1).contains("2:roi1e"),
                "BEP 43 'ro' flag");
    }

    @Test
    void responseRoundTripsWithEveryField() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("1.2.3.4"), 6881);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 6882);
        KrpcResponse r = KrpcResponse.builder(new byte[]{7}, ID).ip(v4)
                .nodes(List.of(new NodeInfo(TARGET, v4))).nodes6(List.of(new NodeInfo(TARGET, v6)))
                .token(new byte[]{1, 2, 3}).values(List.of(v4, v6))
                .item(BBytes.of("v"), new byte[32], 5L, new byte[64])
                .samples(List.of(ID, TARGET), 2, 300).build();
        KrpcResponse back = (KrpcResponse) KrpcCodec.decode(KrpcCodec.encode(r));
        assertEquals(v4, back.ip());
        assertEquals(r.nodes(), back.nodes());
        assertEquals(r.nodes6(), back.nodes6());
        assertEquals(List.of(v4, v6), back.values());
        assertEquals(BBytes.of("v"), back.v());
        assertEquals(5L, back.seq());
        assertEquals(List.of(ID, TARGET), back.samples());
        assertEquals(2, back.num());
        assertEquals(300, back.interval());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "garbage| MALFORMED_BENCODE",
            "li1ee| NOT_A_DICT",
            "d1:y1:qe| MISSING_FIELD",
            "d1:t2:aa1:y1:xe| UNKNOWN_TYPE",
            "d1:t2:aa1:y1:q1:q4:pinge| MISSING_FIELD",
            "d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe| BAD_LENGTH",
            "d1:ad2:idi5ee1:q4:ping1:t2:aa1:y1:qe| WRONG_TYPE",
            "d1:rd2:id20:mnopqrstuvwxyz1234565:nodes3:abce1:t2:aa1:y1:re| BAD_LENGTH",
            "d1:t17:aaaaaaaaaaaaaaaaa1:y1:re| BAD_LENGTH",
            "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz1234564:porti0e5:token1:xe1:q13:announce_peer1:t2:aa1:y1:qe| BAD_VALUE",
            "d1:ad2:id20:abcdefghij01234567895:token1:x1:vd1:bi1e1:ai2eee1:q3:put1:t2:aa1:y1:qe| NON_CANONICAL_VALUE"})
    void malformedPacketsHaveTypedReasons(String packet, KrpcException.Reason reason) {
        KrpcException e = assertThrows(KrpcException.class, () -> KrpcCodec.decode(ascii(packet)));
        assertEquals(reason, e.reason(), e.getMessage());
    }

    @Test
    void invalidQueriesCarryTheirTransactionIdButGarbageDoesNot() {
        KrpcException q = assertThrows(KrpcException.class,
                () -> KrpcCodec.decode(ascii("d1:ad2:id3:abce1:q4:ping1:t2:zz1:y1:qe")));
        assertArrayEquals(ascii("zz"), q.transactionId());
        KrpcException g = assertThrows(KrpcException.class, () -> KrpcCodec.decode(ascii("d1:t2:zz")));
        assertNull(g.transactionId());
    }

    /** BencodeLimits.KRPC: packets over 1,500 bytes, deeper than 10 or with more than 500 values are rejected. */
    @Test
    void krpcBencodeLimits() {
        byte[] big = new byte[1501];
        System.arraycopy(ascii("d1:t2:aa"), 0, big, 0, 8);
        assertEquals(KrpcException.Reason.MALFORMED_BENCODE,
                assertThrows(KrpcException.class, () -> KrpcCodec.decode(big)).reason());
        String deep = "d1:ad2:id20:abcdefghij01234567891:x" + "l".repeat(12) + "e".repeat(12)
                + "e1:q4:ping1:t2:aa1:y1:qe";
        assertEquals(KrpcException.Reason.MALFORMED_BENCODE,
                assertThrows(KrpcException.class, () -> KrpcCodec.decode(ascii(deep))).reason());
        String many = "d1:ad2:id20:abcdefghij01234567891:xl" + "i1e".repeat(501) + "ee1:q4:ping1:t2:aa1:y1:qe";
        assertEquals(KrpcException.Reason.MALFORMED_BENCODE,
                assertThrows(KrpcException.class, () -> KrpcCodec.decode(ascii(many))).reason());
    }

    /** BEP 5 forward compatibility: an unknown method with a target decodes as Unknown. */
    @Test
    void unknownMethodsAreKept() {
        var u = (KrpcQuery.Unknown) KrpcCodec.decode(ascii(
                "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q5:vote21:t2:aa1:y1:qe"));
        assertEquals("vote2", u.method());
        assertEquals(TARGET, u.target());
    }

    @Test
    void unknownKeysAreIgnoredAndValuesSkipOddEntries() {
        var r = (KrpcResponse) KrpcCodec.decode(ascii(
                "d1:rd2:id20:mnopqrstuvwxyz1234566:valuesl6:\u0001\u0002\u0003\u0004\u001a\u00e13:abce5:extrai1ee"
                        + "1:t2:aa1:y1:re"));
        assertEquals(1, r.values().size());
        assertEquals(6881, r.values().getFirst().getPort());
    }
}
