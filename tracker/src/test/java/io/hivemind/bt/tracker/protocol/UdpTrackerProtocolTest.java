package io.hivemind.bt.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BEP 15 packet layouts, both directions, with the "IPv6" 18-byte stride and the size checks of each section. */
class UdpTrackerProtocolTest {
    private static final byte[] HASH = filled(20, 7);
    private static final byte[] PEER = filled(20, 9);

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void connectRequestLayoutAndServerDecode() {
        ByteBuf b = Unpooled.buffer();
        try {
            UdpTrackerProtocol.writeConnect(b, 0x12345678);
            assertEquals(16, b.readableBytes());
            assertEquals(0x41727101980L, b.getLong(0));
            assertEquals(0, b.getInt(8));
            UdpTrackerProtocol.Request r = UdpTrackerProtocol.parseRequest(b, 50);
            assertEquals(new UdpTrackerProtocol.ConnectRequest(0x12345678), r);
            assertEquals(0, b.readerIndex(), "decoders do not move the reader index");
            b.setLong(0, 0x41727101981L);
            TrackerException e = assertThrows(TrackerException.class, () -> UdpTrackerProtocol.parseRequest(b, 50));
            assertEquals(Reason.BAD_REQUEST, e.reason());
        } finally {
            b.release();
        }
    }

    @Test
    void announceRequestRoundTrip() {
        AnnounceRequest req = AnnounceRequest.builder().infoHash(HASH).peerId(PEER).port(51413).uploaded(11)
                .downloaded(22).left(33).event(AnnounceEvent.STOPPED).numWant(-1).key(0xdeadbeef).build();
        ByteBuf b = Unpooled.buffer();
        try {
            UdpTrackerProtocol.writeAnnounce(b, 0x1122334455667788L, 42, req);
            assertEquals(98, b.readableBytes());
            var p = assertInstanceOf(UdpTrackerProtocol.AnnounceRequestPacket.class,
                    UdpTrackerProtocol.parseRequest(b, 50));
            assertEquals(0x1122334455667788L, p.connectionId());
            assertEquals(42, p.transactionId());
            assertArrayEquals(HASH, p.infoHash());
            assertArrayEquals(PEER, p.peerId());
            assertEquals(22, p.downloaded());
            assertEquals(33, p.left());
            assertEquals(11, p.uploaded());
            assertEquals(AnnounceEvent.STOPPED, p.event());
            assertEquals(0, p.ip());
            assertEquals(0xdeadbeef, p.key());
            assertEquals(-1, p.numWant());
            assertEquals(51413, p.port());
            // Longer packets (BEP 41 options) are fine; shorter ones are not.
            b.writeBytes(new byte[] {2, 3, 'a', 'b', 'c'});
            UdpTrackerProtocol.parseRequest(b, 50);
            ByteBuf shorter = b.slice(0, 97);
            assertEquals(Reason.BAD_REQUEST,
                    assertThrows(TrackerException.class, () -> UdpTrackerProtocol.parseRequest(shorter, 50)).reason());
        } finally {
            b.release();
        }
    }

    @Test
    void scrapeRequestLimits() {
        ByteBuf b = Unpooled.buffer();
        try {
            UdpTrackerProtocol.writeScrape(b, 5, 6, List.of(HASH, PEER));
            var s = assertInstanceOf(UdpTrackerProtocol.ScrapeRequest.class, UdpTrackerProtocol.parseRequest(b, 50));
            assertEquals(2, s.infoHashes().size());
            assertArrayEquals(PEER, s.infoHashes().get(1));
            assertThrows(TrackerException.class, () -> UdpTrackerProtocol.parseRequest(b, 1));
            ByteBuf none = b.slice(0, 16 + 19);
            assertThrows(TrackerException.class, () -> UdpTrackerProtocol.parseRequest(none, 50));
        } finally {
            b.release();
        }
    }

    @Test
    void unknownActionAndShortPacketsAreBadRequests() {
        for (byte[] p : new byte[][] {new byte[0], new byte[15], new byte[16]}) {
            if (p.length == 16) {
                p[11] = 9;
            }
            ByteBuf b = Unpooled.wrappedBuffer(p);
            assertEquals(Reason.BAD_REQUEST,
                    assertThrows(TrackerException.class, () -> UdpTrackerProtocol.parseRequest(b, 50)).reason());
        }
    }

    @Test
    void announceResponseV4AndV6Strides() throws Exception {
        ByteBuf b = Unpooled.buffer();
        try {
            UdpTrackerProtocol.writeAnnounceResponseHeader(b, 7, 1800, 3, 4);
            b.writeBytes(new byte[] {10, 0, 0, 1, 0x1A, (byte) 0xE1});
            b.writeBytes(new byte[] {0, 0, 0, 0, 0, 1}); // unspecified address: dropped
            b.writeBytes(new byte[] {10, 0, 0, 2, 0, 0}); // port 0: dropped
            var r = assertInstanceOf(UdpTrackerProtocol.AnnounceResponse.class,
                    UdpTrackerProtocol.parseResponse(b, false, 100));
            assertEquals(7, r.transactionId());
            assertEquals(1800, r.interval());
            assertEquals(3, r.leechers());
            assertEquals(4, r.seeders());
            assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 6881)), r.peers());
        } finally {
            b.release();
        }
        ByteBuf b6 = Unpooled.buffer();
        try {
            UdpTrackerProtocol.writeAnnounceResponseHeader(b6, 7, 60, 0, 1);
            b6.writeBytes(InetAddress.getByName("2001:db8::5").getAddress()).writeShort(443);
            b6.writeBytes(new byte[5]); // a partial entry is ignored
            var r = assertInstanceOf(UdpTrackerProtocol.AnnounceResponse.class,
                    UdpTrackerProtocol.parseResponse(b6, true, 100));
            assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 443)), r.peers());
        } finally {
            b6.release();
        }
    }

    @Test
    void connectScrapeAndErrorResponses() {
        ByteBuf b = Unpooled.buffer();
        try {
            UdpTrackerProtocol.writeConnectResponse(b, 1, 0x0102030405060708L);
            assertEquals(new UdpTrackerProtocol.ConnectResponse(1, 0x0102030405060708L),
                    UdpTrackerProtocol.parseResponse(b, false, 10));
            b.clear();
            UdpTrackerProtocol.writeScrapeResponseHeader(b, 2);
            b.writeInt(5).writeInt(6).writeInt(7);
            var s = assertInstanceOf(UdpTrackerProtocol.ScrapeResponse.class,
                    UdpTrackerProtocol.parseResponse(b, false, 10));
            assertArrayEquals(new int[] {5, 6, 7}, s.counters());
            b.clear();
            UdpTrackerProtocol.writeError(b, 3, "unregistered torrent\0", 1000);
            assertEquals(new UdpTrackerProtocol.ErrorResponse(3, "unregistered torrent"),
                    UdpTrackerProtocol.parseResponse(b, false, 10));
            b.clear();
            UdpTrackerProtocol.writeError(b, 3, "a long message", 12);
            assertEquals(12, b.readableBytes(), "error replies are cut to the given length");
            b.clear();
            b.writeInt(9).writeInt(1);
            assertEquals(Reason.MALFORMED_RESPONSE, assertThrows(TrackerException.class,
                    () -> UdpTrackerProtocol.parseResponse(b, false, 10)).reason());
            b.clear();
            b.writeInt(0).writeInt(1).writeInt(0);
            assertThrows(TrackerException.class, () -> UdpTrackerProtocol.parseResponse(b, false, 10));
            b.clear();
            b.writeInt(1).writeInt(1);
            assertThrows(TrackerException.class, () -> UdpTrackerProtocol.parseResponse(b, false, 10));
            assertEquals(1L, UdpTrackerProtocol.peekTransactionId(b));
        } finally {
            b.release();
        }
    }
}
