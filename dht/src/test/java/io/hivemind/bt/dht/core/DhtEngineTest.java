package io.hivemind.bt.dht.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.KrpcCodec;
import io.hivemind.bt.dht.krpc.KrpcError;
import io.hivemind.bt.dht.krpc.KrpcMessage;
import io.hivemind.bt.dht.krpc.KrpcQuery;
import io.hivemind.bt.dht.krpc.KrpcResponse;
import io.hivemind.bt.dht.krpc.Want;
import io.hivemind.bt.wire.bencode.BBytes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The engine's answers and abuse limits (HARDENING.md "DHT"), driven packet by packet on a virtual clock. */
class DhtEngineTest {
    private static final long SECOND = 1_000_000_000L;
    private final SplittableRandom random = new SplittableRandom(17);
    private final NodeId peerId = NodeId.random(random);
    private final List<Sent> sent = new ArrayList<>();
    private long now = SECOND;

    private record Sent(InetSocketAddress to, byte[] payload) {
        KrpcMessage message() {
            return KrpcCodec.decode(payload);
        }
    }

    private DhtEngine engine(DhtConfig config) {
        return new DhtEngine(config, NodeId.random(random), random, (to, p) -> sent.add(new Sent(to, p)), now);
    }

    private static InetSocketAddress addr(int i) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(
                    new byte[]{(byte) 100, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), 7000);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private KrpcMessage ask(DhtEngine e, InetSocketAddress from, KrpcQuery q) {
        sent.clear();
        e.receive(from, KrpcCodec.encode(q), now);
        assertEquals(1, sent.size(), "one answer to " + q.method());
        assertEquals(from, sent.getFirst().to());
        return sent.getFirst().message();
    }

    private static final byte[] T = {0, 1};

    @Test
    void noReplyToUnparseablePacketsButAProtocolErrorToBadQueries() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        e.receive(addr(1), "not bencode at all".getBytes(), now);
        e.receive(addr(1), "d1:t2:aa".getBytes(), now);
        e.receive(addr(1), "li1ee".getBytes(), now);
        assertTrue(sent.isEmpty(), "nothing answers garbage");
        e.receive(addr(1), "d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe".getBytes(StandardCharsets.US_ASCII), now);
        KrpcError err = (KrpcError) sent.getFirst().message();
        assertEquals(KrpcError.PROTOCOL, err.code());
        assertEquals(4, e.stats().malformed());
    }

    @Test
    void answersPingFindNodeAndReportsTheRequesterAddress() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        KrpcResponse r = (KrpcResponse) ask(e, addr(1), new KrpcQuery.Ping(T, peerId, false));
        assertEquals(e.id(), r.id());
        assertEquals(addr(1), r.ip(), "BEP 42 'ip'");
        KrpcResponse f = (KrpcResponse) ask(e, addr(2), new KrpcQuery.FindNode(T, peerId, false, peerId, Want.DEFAULT));
        assertTrue(f.nodes().isEmpty(), "unconfirmed queriers are not handed out");
    }

    /** BEP 5: announce_peer needs a token from get_peers for the same IP; wrong or stale tokens store nothing. */
    @Test
    void announcesNeedAFreshTokenFromTheSameIp() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        NodeId ih = NodeId.random(random);
        KrpcResponse gp = (KrpcResponse) ask(e, addr(1), new KrpcQuery.GetPeers(T, peerId, false, ih, Want.DEFAULT));
        byte[] token = gp.token();
        assertNotNull(token);
        KrpcMessage wrongIp = ask(e, addr(2), new KrpcQuery.AnnouncePeer(T, peerId, false, ih, 6881, false, token));
        assertEquals(KrpcError.PROTOCOL, ((KrpcError) wrongIp).code());
        KrpcMessage forged = ask(e, addr(1), new KrpcQuery.AnnouncePeer(T, peerId, false, ih, 6881, false,
                new byte[8]));
        assertInstanceOf(KrpcError.class, forged);
        assertEquals(0, e.storedPeers(ih, now).size());
        assertEquals(2, e.stats().badTokens());
        assertInstanceOf(KrpcResponse.class,
                ask(e, addr(1), new KrpcQuery.AnnouncePeer(T, peerId, false, ih, 6881, false, token)));
        assertEquals(List.of(new InetSocketAddress(addr(1).getAddress(), 6881)), e.storedPeers(ih, now));
        // implied_port: the source port counts
        ask(e, addr(1), new KrpcQuery.AnnouncePeer(T, peerId, false, ih, 1, true, token));
        assertTrue(e.storedPeers(ih, now).contains(addr(1)));
        // after two rotations (5 minutes each) the token is stale
        now += 10 * 60 * SECOND + 1;
        e.tick(now);
        NodeId other = NodeId.random(random);
        byte[] old = ((KrpcResponse) ask(e, addr(3), new KrpcQuery.GetPeers(T, peerId, false, other, 0))).token();
        now += 10 * 60 * SECOND + 1;
        e.tick(now);
        assertInstanceOf(KrpcError.class, ask(e, addr(3), new KrpcQuery.AnnouncePeer(T, peerId, false, other, 6881,
                false, old)));
        assertEquals(0, e.storedPeers(other, now).size());
    }

    /** HARDENING.md: 'values' is cut so that no answer exceeds 12 times its query. */
    @Test
    void getPeersAnswersStayUnderTwelveTimesTheQuery() {
        DhtEngine e = engine(DhtConfig.builder().maxValues(500).maxPeersPerTorrent(1000).uploadBudget(1 << 30, 1 << 30)
                .rateLimit(1e6, Duration.ofSeconds(10), Duration.ofMinutes(5)).build());
        NodeId ih = NodeId.random(random);
        for (int i = 0; i < 300; i++) {
            InetSocketAddress from = addr(1000 + i);
            byte[] token = ((KrpcResponse) ask(e, from, new KrpcQuery.GetPeers(T, peerId, false, ih, 0))).token();
            ask(e, from, new KrpcQuery.AnnouncePeer(T, peerId, false, ih, 6881, false, token));
        }
        byte[] query = KrpcCodec.encode(new KrpcQuery.GetPeers(T, peerId, false, ih, 0));
        sent.clear();
        e.receive(addr(5), query, now);
        byte[] answer = sent.getFirst().payload();
        KrpcResponse r = (KrpcResponse) KrpcCodec.decode(answer);
        assertFalse(r.values().isEmpty());
        assertTrue(answer.length <= 12 * query.length, answer.length + " bytes for a " + query.length + "-byte query");
        assertTrue(answer.length <= 1500);
    }

    /** HARDENING.md: > 5 packets/s averaged over 10 s from one IP: ignored for 5 minutes. */
    @Test
    void perIpRateLimitBansAFlooderForFiveMinutes() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        byte[] ping = KrpcCodec.encode(new KrpcQuery.Ping(T, peerId, false));
        for (int i = 0; i < 200; i++) {
            now += SECOND / 100; // 100 packets a second
            e.receive(addr(1), ping, now);
        }
        long answered = e.stats().repliesOut();
        assertTrue(answered >= 50 && answered <= 60, "a 10 s burst allowance of 50, then nothing: " + answered);
        now += 4 * 60 * SECOND;
        sent.clear();
        e.receive(addr(1), ping, now);
        assertTrue(sent.isEmpty(), "still banned after 4 minutes");
        e.receive(addr(2), ping, now);
        assertEquals(1, sent.size(), "other addresses are unaffected");
        now += 61 * SECOND;
        e.receive(addr(1), ping, now);
        assertEquals(2, sent.size(), "the ban ends after 5 minutes");
        // a well-behaved node (5 packets a second) is never banned
        for (int i = 0; i < 500; i++) {
            now += SECOND / 5;
            e.receive(addr(3), ping, now);
        }
        assertFalse(sent.isEmpty());
        assertEquals(0, e.stats().rateLimited() - (200 - answered) - 1);
    }

    /** HARDENING.md: a flood from many source addresses is held to the global upload budget. */
    @Test
    void floodFromManyAddressesIsHeldToTheUploadBudget() {
        long budget = 32 * 1024;
        long burst = 64 * 1024;
        DhtEngine e = engine(DhtConfig.builder().uploadBudget(budget, burst).build());
        long start = now;
        for (int i = 0; i < 100_000; i++) {
            now += SECOND / 10_000; // 10,000 queries a second from 100,000 addresses, for 10 s
            e.receive(addr(i), KrpcCodec.encode(new KrpcQuery.GetPeers(T, peerId, false, NodeId.random(random), 0)),
                    now);
        }
        long seconds = (now - start) / SECOND;
        long bytesOut = 0;
        for (Sent s : sent) {
            bytesOut += s.payload().length;
        }
        assertTrue(bytesOut <= burst + budget * (seconds + 1), bytesOut + " bytes in " + seconds + " s");
        assertTrue(e.stats().budgetDropped() > 50_000, "dropped " + e.stats().budgetDropped());
        assertEquals(0, e.stats().rateLimited(), "one packet per address: the per-IP limit never fired");
    }

    /** BEP 43: a read-only node answers nothing and flags its queries; read-only queriers stay out of tables. */
    @Test
    void readOnlyMode() {
        DhtEngine ro = engine(DhtConfig.builder().readOnly(true).build());
        ro.receive(addr(1), KrpcCodec.encode(new KrpcQuery.Ping(T, peerId, false)), now);
        assertTrue(sent.isEmpty());
        ro.ping(addr(2), now);
        assertTrue(((KrpcQuery) sent.getFirst().message()).readOnly());

        DhtEngine normal = engine(DhtConfig.DEFAULT);
        ask(normal, addr(3), new KrpcQuery.Ping(T, peerId, true));
        assertEquals(0, normal.table(true).size(), "read-only node not added");
        ask(normal, addr(4), new KrpcQuery.Ping(T, NodeId.random(random), false));
        assertEquals(1, normal.table(true).size());
    }

    /** BEP 51 answers and BEP 5 forward compatibility. */
    @Test
    void sampleInfohashesAndUnknownMethods() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        NodeId ih = NodeId.random(random);
        byte[] token = ((KrpcResponse) ask(e, addr(1), new KrpcQuery.GetPeers(T, peerId, false, ih, 0))).token();
        ask(e, addr(1), new KrpcQuery.AnnouncePeer(T, peerId, false, ih, 6881, false, token));
        KrpcResponse s = (KrpcResponse) ask(e, addr(2), new KrpcQuery.SampleInfohashes(T, peerId, false, ih, 0));
        assertEquals(List.of(ih), s.samples());
        assertEquals(1, s.num());
        assertEquals(300, s.interval());
        assertInstanceOf(KrpcResponse.class, ask(e, addr(3), new KrpcQuery.Unknown(T, peerId, false, "x", ih, 0)));
        assertEquals(KrpcError.METHOD_UNKNOWN,
                ((KrpcError) ask(e, addr(4), new KrpcQuery.Unknown(T, peerId, false, "x", null, 0))).code());
    }

    /** BEP 44: put needs a token for the item's target; get answers with the value. */
    @Test
    void putNeedsATokenForTheTarget() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        BBytes v = BBytes.of("Hello World!");
        NodeId target = ItemStore.immutableTarget(v);
        byte[] wrongTarget = ((KrpcResponse) ask(e, addr(1), new KrpcQuery.Get(T, peerId, false,
                NodeId.random(random), null, 0))).token();
        assertEquals(KrpcError.PROTOCOL, ((KrpcError) ask(e, addr(1), new KrpcQuery.Put(T, peerId, false,
                wrongTarget, v, null, new byte[0], 0, null, null))).code());
        byte[] token = ((KrpcResponse) ask(e, addr(1), new KrpcQuery.Get(T, peerId, false, target, null, 0))).token();
        assertInstanceOf(KrpcResponse.class, ask(e, addr(1), new KrpcQuery.Put(T, peerId, false, token, v, null,
                new byte[0], 0, null, null)));
        KrpcResponse got = (KrpcResponse) ask(e, addr(2), new KrpcQuery.Get(T, peerId, false, target, null, 0));
        assertEquals(v, got.v());
    }

    /** BEP 44 answers carry a value of up to 1000 bytes whole, although that is more than 12 times a get query. */
    @Test
    void largeItemsAreAnsweredWhole() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        for (int i = 0; i < 8; i++) { // a full bucket of confirmed nodes, so that the answer carries 8 nodes too
            e.ping(addr(100 + i), now);
            byte[] tid = ((KrpcQuery) sent.getLast().message()).transactionId();
            e.receive(addr(100 + i), KrpcCodec.encode(KrpcResponse.builder(tid, NodeId.random(random)).build()), now);
        }
        BBytes v = BBytes.of(new byte[995]);
        NodeId target = ItemStore.immutableTarget(v);
        byte[] token = ((KrpcResponse) ask(e, addr(1), new KrpcQuery.Get(T, peerId, false, target, null, 0))).token();
        ask(e, addr(1), new KrpcQuery.Put(T, peerId, false, token, v, null, new byte[0], 0, null, null));
        byte[] query = KrpcCodec.encode(new KrpcQuery.Get(T, peerId, false, target, null, 0));
        KrpcResponse got = (KrpcResponse) ask(e, addr(2), new KrpcQuery.Get(T, peerId, false, target, null, 0));
        assertEquals(v, got.v());
        assertEquals(8, got.nodes().size());
        assertTrue(sent.getFirst().payload().length > 12 * query.length, sent.getFirst().payload().length + " vs "
                + query.length);
        assertTrue(sent.getFirst().payload().length <= 1500);
    }

    /** BEP 42 "Bootstrapping": our external IP is decided by a vote of answering nodes, not by one of them. */
    @Test
    void externalAddressByVote() throws Exception {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        InetSocketAddress us = new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 6881);
        InetSocketAddress liar = new InetSocketAddress(InetAddress.getByName("192.0.2.66"), 6881);
        answerPing(e, addr(1), liar);
        assertEquals(null, e.externalAddress(), "one report is not enough");
        answerPing(e, addr(2), us);
        answerPing(e, addr(3), us);
        assertEquals(null, e.externalAddress(), "two of three agree, but fewer than three votes");
        answerPing(e, addr(4), us);
        assertEquals(us.getAddress(), e.externalAddress());
        answerPing(e, addr(2), us);
        answerPing(e, addr(2), us);
        assertEquals(us.getAddress(), e.externalAddress(), "one node votes once");
    }

    private void answerPing(DhtEngine e, InetSocketAddress node, InetSocketAddress reported) {
        e.ping(node, now);
        byte[] tid = ((KrpcQuery) sent.getLast().message()).transactionId();
        e.receive(node, KrpcCodec.encode(KrpcResponse.builder(tid, NodeId.random(random)).ip(reported).build()), now);
    }

    /** BEP 32 'want': a requester may ask for nodes of both families. */
    @Test
    void wantSelectsTheFamiliesOfNodes() throws Exception {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        e.setFamilies(true, true);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 7000);
        for (InetSocketAddress a : List.of(addr(1), v6)) {
            e.ping(a, now);
            byte[] tid = ((KrpcQuery) sent.getLast().message()).transactionId();
            e.receive(a, KrpcCodec.encode(KrpcResponse.builder(tid, NodeId.random(random)).build()), now);
        }
        KrpcResponse plain = (KrpcResponse) ask(e, addr(9), new KrpcQuery.FindNode(T, peerId, false, peerId, 0));
        assertEquals(1, plain.nodes().size());
        assertTrue(plain.nodes6().isEmpty(), "an IPv4 request without 'want' gets IPv4 nodes only");
        KrpcResponse both = (KrpcResponse) ask(e, addr(9), new KrpcQuery.FindNode(T, peerId, false, peerId,
                Want.N4 | Want.N6));
        assertEquals(1, both.nodes().size());
        assertEquals(1, both.nodes6().size());
    }

    /** BEP 42 enforcement (optional): nodes whose id does not match their public IP stay out of the table. */
    @Test
    void enforcedNodeIdRestriction() throws Exception {
        DhtEngine e = engine(DhtConfig.builder().enforceNodeIdRestriction(true).build());
        InetSocketAddress publicAddr = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 6881);
        ask(e, publicAddr, new KrpcQuery.Ping(T, peerId, false));
        assertEquals(0, e.table(true).size(), "random id refused");
        NodeId valid = NodeIdRestriction.generate(publicAddr.getAddress(), random);
        ask(e, publicAddr, new KrpcQuery.Ping(T, valid, false));
        assertEquals(1, e.table(true).size());
    }

    /** Answers to our queries are only accepted from the address they were sent to. */
    @Test
    void spoofedAnswersAreIgnored() {
        DhtEngine e = engine(DhtConfig.DEFAULT);
        e.ping(addr(1), now);
        byte[] tid = ((KrpcQuery) sent.getFirst().message()).transactionId();
        byte[] answer = KrpcCodec.encode(KrpcResponse.builder(tid, peerId).build());
        e.receive(addr(2), answer, now);
        assertEquals(0, e.table(true).size());
        e.receive(addr(1), answer, now);
        assertEquals(1, e.table(true).size());
        e.receive(addr(1), answer, now);
        assertEquals(1, e.stats().responsesIn(), "a transaction is answered once");
    }
}
