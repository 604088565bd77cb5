package io.hivemind.bt.tracker.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.UdpRetransmitSchedule;
import io.hivemind.bt.tracker.internal.UdpConnectionCache;
import io.hivemind.bt.tracker.internal.UdpExchange;
import io.hivemind.bt.tracker.protocol.UdpTrackerProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

/**
 * Client side of BEP 15: arbitrary datagrams parse to a response or a {@link TrackerException} (both address
 * families), peer counts stay within the limit, and a running exchange turns any datagram into a defined step.
 */
class UdpTrackerResponseFuzzTest {
    private static final InetSocketAddress TRACKER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);

    @FuzzTest(maxDuration = "10s")
    void parseResponse(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        for (boolean v6 : new boolean[] {false, true}) {
            try {
                UdpTrackerProtocol.Response r = UdpTrackerProtocol.parseResponse(in, v6, 10);
                if (r instanceof UdpTrackerProtocol.AnnounceResponse a) {
                    assertTrue(a.peers().size() <= 10);
                    assertTrue(a.seeders() >= 0 && a.leechers() >= 0);
                }
            } catch (TrackerException expected) {
                // typed rejection
            }
            assertEquals(0, in.readerIndex());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void exchangeHandlesAnyDatagram(byte[] input) {
        UdpConnectionCache cache = new UdpConnectionCache();
        if (input.length > 0 && (input[0] & 1) == 1) {
            cache.put(TRACKER, 7, 0); // exercise the cached-id path too
        }
        AnnounceRequest req = AnnounceRequest.builder().infoHash(new byte[20]).peerId(new byte[20]).port(1).build();
        UdpExchange ex = UdpExchange.announce(TRACKER, req, cache, UdpRetransmitSchedule.DEFAULT,
                new SplittableRandom(1), 50);
        ex.start(0);
        byte[] packet = input.clone();
        if (packet.length >= 8) {
            Unpooled.wrappedBuffer(packet).setInt(4, ex.transactionId()); // make it "ours" most of the time
        }
        UdpExchange.Step step = ex.onPacket(Unpooled.wrappedBuffer(packet), 1);
        assertTrue(step != null);
        if (step instanceof UdpExchange.Send) {
            ex.onPacket(Unpooled.wrappedBuffer(packet), 2);
        }
    }
}
