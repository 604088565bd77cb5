package io.hivemind.bt.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.AnnounceResponse;
import io.hivemind.bt.tracker.ScrapeResponse;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.UdpRetransmitSchedule;
import io.hivemind.bt.tracker.protocol.UdpTrackerProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The BEP 15 client exchange on a virtual clock, following the spec's "Examples" section. */
class UdpExchangeTest {
    private static final InetSocketAddress TRACKER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6969);
    private static final byte[] HASH = new byte[20];
    private static final AnnounceRequest REQ = AnnounceRequest.builder().infoHash(HASH).peerId(HASH).port(1).build();

    private static long s(double seconds) {
        return (long) (seconds * 1e9);
    }

    private final UdpConnectionCache cache = new UdpConnectionCache();

    private UdpExchange announce(UdpRetransmitSchedule schedule) {
        return UdpExchange.announce(TRACKER, REQ, cache, schedule, new SplittableRandom(3), 100);
    }

    private static int action(UdpExchange.Step step) {
        return Unpooled.wrappedBuffer(((UdpExchange.Send) step).packet()).getInt(8);
    }

    private static boolean isConnect(UdpExchange.Step step) {
        byte[] p = ((UdpExchange.Send) step).packet();
        return p.length == 16 && Unpooled.wrappedBuffer(p).getLong(0) == UdpTrackerProtocol.PROTOCOL_ID;
    }

    private static long deadline(UdpExchange.Step step) {
        return ((UdpExchange.Send) step).deadlineNanos();
    }

    private static UdpExchange.Step reply(UdpExchange ex, long now, java.util.function.Consumer<ByteBuf> writer) {
        ByteBuf b = Unpooled.buffer();
        try {
            writer.accept(b);
            return ex.onPacket(b, now);
        } finally {
            b.release();
        }
    }

    private static UdpExchange.Step connectReply(UdpExchange ex, long now, long id) {
        return reply(ex, now, b -> UdpTrackerProtocol.writeConnectResponse(b, ex.transactionId(), id));
    }

    private static UdpExchange.Step announceReply(UdpExchange ex, long now) {
        return reply(ex, now, b -> {
            UdpTrackerProtocol.writeAnnounceResponseHeader(b, ex.transactionId(), 1800, 2, 3);
            b.writeBytes(new byte[] {10, 0, 0, 1, 0, 80});
        });
    }

    /** "Normal announce": connect, connect response, announce, announce response. */
    @Test
    void normalAnnounce() {
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        UdpExchange.Step st = ex.start(0);
        assertTrue(isConnect(st));
        assertEquals(s(15), deadline(st));
        st = connectReply(ex, s(1), 0xABCDL);
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st));
        assertEquals(0xABCDL, Unpooled.wrappedBuffer(((UdpExchange.Send) st).packet()).getLong(0));
        assertEquals(s(16), deadline(st), "an answer resets n to 0");
        st = announceReply(ex, s(3));
        AnnounceResponse r = (AnnounceResponse) assertInstanceOf(UdpExchange.Done.class, st).result();
        assertEquals(1800, r.intervalSeconds());
        assertEquals(3, r.seeders());
        assertEquals(2, r.leechers());
        assertEquals(1, r.peers().size());
        assertTrue(ex.finished());
    }

    /** "Connect times out": connect requests at t = 0, 15, 45, 105, ... */
    @Test
    void connectTimesOut() {
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        UdpExchange.Step st = ex.start(0);
        List<Long> sends = new ArrayList<>(List.of(0L));
        for (int i = 0; i < 8; i++) {
            long now = deadline(st);
            st = ex.onTimeout(now);
            assertTrue(isConnect(st));
            sends.add(now / 1_000_000_000L);
        }
        assertEquals(List.of(0L, 15L, 45L, 105L, 225L, 465L, 945L, 1905L, 3825L), sends);
        st = ex.onTimeout(deadline(st));
        assertEquals(Reason.TIMEOUT, assertInstanceOf(UdpExchange.Fail.class, st).error().reason());
    }

    /**
     * "Announce times out": connect at 0, response at 1, announce at 2, 17, 47, then a connect at 107 because the
     * connection id expired, and the next at 227.
     */
    @Test
    void announceTimesOutAndReconnectsWhenTheIdExpired() {
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        UdpExchange.Step st = ex.start(0);
        st = connectReply(ex, s(1), 77);
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st));
        // The BEP's example sends the announce at t = 2; ours goes at once (t = 1), so every time is one earlier.
        assertEquals(s(16), deadline(st));
        st = ex.onTimeout(s(16));
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st));
        assertEquals(s(46), deadline(st));
        st = ex.onTimeout(s(46));
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st), "id obtained at 1 is still valid at 46");
        assertEquals(s(106), deadline(st));
        st = ex.onTimeout(s(106));
        assertTrue(isConnect(st), "id from t=1 expired at t=61: connect again");
        assertEquals(s(226), deadline(st));
        st = ex.onTimeout(s(226));
        assertTrue(isConnect(st));
    }

    /** "Multiple requests": an id is reused for a minute after it was received. */
    @Test
    void connectionIdIsCachedForOneMinute() {
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        ex.start(0);
        connectReply(ex, s(1), 55);
        announceReply(ex, s(2));
        UdpExchange second = announce(UdpRetransmitSchedule.BEP15);
        UdpExchange.Step st = second.start(s(60));
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st), "at t=60 the id from t=1 is still good");
        UdpExchange third = announce(UdpRetransmitSchedule.BEP15);
        assertTrue(isConnect(third.start(s(61))), "at t=61 it has expired");
    }

    /** Transaction-id checks: a datagram with another transaction id changes nothing. */
    @Test
    void wrongTransactionIdIsIgnored() {
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        ex.start(0);
        int good = ex.transactionId();
        UdpExchange.Step st = reply(ex, s(1), b -> UdpTrackerProtocol.writeConnectResponse(b, good + 1, 9));
        assertSame(UdpExchange.Ignore.INSTANCE, st);
        assertSame(UdpExchange.Ignore.INSTANCE, reply(ex, s(1), b -> b.writeInt(0)));
        assertEquals(good, ex.transactionId());
        st = connectReply(ex, s(2), 9);
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st));
    }

    @Test
    void errorPacketIsTheTrackersFailureReason() {
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        ex.start(0);
        connectReply(ex, s(1), 9);
        UdpExchange.Step st = reply(ex, s(2),
                b -> UdpTrackerProtocol.writeError(b, ex.transactionId(), "unregistered torrent", 100));
        var fail = assertInstanceOf(UdpExchange.Fail.class, st);
        assertEquals(Reason.TRACKER_FAILURE, fail.error().reason());
        assertEquals("unregistered torrent", fail.error().getMessage());
        assertTrue(fail.error().isPermanent());
    }

    /** A tracker that restarted rejects our cached id: reconnect once, then announce. */
    @Test
    void errorWithACachedIdReconnectsOnce() {
        cache.put(TRACKER, 1234, 0);
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        UdpExchange.Step st = ex.start(s(10));
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st));
        st = reply(ex, s(11), b -> UdpTrackerProtocol.writeError(b, ex.transactionId(), "bad id", 100));
        assertTrue(isConnect(st));
        st = connectReply(ex, s(12), 99);
        assertEquals(UdpTrackerProtocol.ACTION_ANNOUNCE, action(st));
        st = reply(ex, s(13), b -> UdpTrackerProtocol.writeError(b, ex.transactionId(), "still bad", 100));
        assertEquals("still bad", assertInstanceOf(UdpExchange.Fail.class, st).error().getMessage());
    }

    @Test
    void wrongActionOrMalformedAnswerFails() {
        UdpExchange ex = announce(UdpRetransmitSchedule.BEP15);
        ex.start(0);
        UdpExchange.Step st = reply(ex, s(1), b -> {
            UdpTrackerProtocol.writeAnnounceResponseHeader(b, ex.transactionId(), 1, 1, 1);
        });
        assertEquals(Reason.MALFORMED_RESPONSE, assertInstanceOf(UdpExchange.Fail.class, st).error().reason());
        UdpExchange ex2 = announce(UdpRetransmitSchedule.BEP15);
        ex2.start(0);
        st = reply(ex2, s(1), b -> b.writeInt(0).writeInt(ex2.transactionId()).writeInt(5));
        assertEquals(Reason.MALFORMED_RESPONSE, assertInstanceOf(UdpExchange.Fail.class, st).error().reason());
        assertSame(UdpExchange.Ignore.INSTANCE, ex2.onTimeout(s(100)), "finished exchanges ignore timeouts");
    }

    @Test
    void scrapeMapsCountersToHashesInRequestOrder() {
        byte[] h1 = new byte[20];
        byte[] h2 = new byte[20];
        h2[0] = 1;
        UdpExchange ex = UdpExchange.scrape(TRACKER, List.of(h1, h2), cache, UdpRetransmitSchedule.DEFAULT,
                new SplittableRandom(1));
        ex.start(0);
        UdpExchange.Step st = connectReply(ex, s(1), 5);
        assertEquals(UdpTrackerProtocol.ACTION_SCRAPE, action(st));
        st = reply(ex, s(2), b -> {
            UdpTrackerProtocol.writeScrapeResponseHeader(b, ex.transactionId());
            b.writeInt(1).writeInt(2).writeInt(3).writeInt(4).writeInt(5).writeInt(6);
        });
        ScrapeResponse r = (ScrapeResponse) assertInstanceOf(UdpExchange.Done.class, st).result();
        assertEquals(new ScrapeResponse.Entry(h1, 1, 3, 2), r.entries().get(0));
        assertEquals(new ScrapeResponse.Entry(h2, 4, 6, 5), r.entries().get(1));
    }

    @Test
    void cacheIsBounded() {
        UdpConnectionCache c = new UdpConnectionCache();
        for (int i = 0; i < UdpConnectionCache.MAX_ENTRIES + 100; i++) {
            c.put(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1 + i), i, 0);
        }
        assertEquals(UdpConnectionCache.MAX_ENTRIES, c.size());
        c.put(TRACKER, 1, s(120));
        assertEquals(1, c.size(), "expired entries purged when full");
    }
}
