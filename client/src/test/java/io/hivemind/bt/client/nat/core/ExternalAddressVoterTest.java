package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.nat.core.ExternalAddressVoter.Source;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** External address decisions from the gateway, trackers (BEP 24) and peers (BEP 10 {@code yourip}). */
class ExternalAddressVoterTest {
    static final long S = 1_000_000_000L;

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    final ExternalAddressVoter v = new ExternalAddressVoter(3, 3600 * S, false);

    @Test
    void aGatewaysPublicAddressWinsAtOnce() throws Exception {
        assertTrue(v.vote(ip("11.0.0.1"), Source.GATEWAY, ip("10.0.0.1"), 0));
        assertEquals(ip("11.0.0.1"), v.current());
        v.vote(ip("8.8.4.4"), Source.TRACKER, ip("1.2.3.4"), 0);
        v.vote(ip("8.8.4.4"), Source.TRACKER, ip("1.2.3.5"), 0);
        assertEquals(ip("11.0.0.1"), v.current());
        assertTrue(v.clearGateway(0));
        assertEquals(ip("8.8.4.4"), v.current());
    }

    @Test
    void oneVoterCountsOnceAndAPeerAloneIsNotEnough() throws Exception {
        assertFalse(v.vote(ip("9.9.9.9"), Source.PEER, ip("1.1.1.1"), 0));
        assertFalse(v.vote(ip("9.9.9.9"), Source.PEER, ip("1.1.1.1"), 1));
        assertNull(v.current());
        assertTrue(v.vote(ip("9.9.9.9"), Source.PEER, ip("1.1.1.2"), 2));
        assertEquals(ip("9.9.9.9"), v.current());
    }

    @Test
    void aTrackerIsEnoughAndTiesKeepTheCurrentAddress() throws Exception {
        assertTrue(v.vote(ip("9.9.9.9"), Source.TRACKER, ip("1.1.1.1"), 0));
        assertFalse(v.vote(ip("8.8.8.8"), Source.TRACKER, ip("1.1.1.2"), 0));
        assertEquals(ip("9.9.9.9"), v.current());
        assertTrue(v.vote(ip("8.8.8.8"), Source.PEER, ip("1.1.1.3"), 0));
        assertEquals(ip("8.8.8.8"), v.current());
    }

    @Test
    void privateGatewayAddressIsDoubleNatAndOnlyAVote() throws Exception {
        ExternalAddressVoter lab = new ExternalAddressVoter(10, 3600 * S, true);
        lab.vote(ip("192.168.0.5"), Source.GATEWAY, ip("10.0.0.1"), 0);
        assertEquals(ip("192.168.0.5"), lab.current()); // counted with a tracker's weight
        lab.vote(ip("9.9.9.9"), Source.TRACKER, ip("1.1.1.1"), 0);
        lab.vote(ip("9.9.9.9"), Source.PEER, ip("1.1.1.2"), 0);
        assertEquals(ip("9.9.9.9"), lab.current());
    }

    @Test
    void unusableClaimsAreIgnoredAndVotesExpire() throws Exception {
        for (String bad : new String[] {"127.0.0.1", "0.0.0.0", "169.254.1.1", "224.0.0.1", "10.1.2.3", "192.168.1.1",
                "100.64.0.1", "::1", "fe80::1", "fd00::1"}) {
            assertFalse(v.vote(ip(bad), Source.TRACKER, ip("1.1.1.1"), 0), bad);
        }
        assertNull(v.current());
        v.vote(ip("9.9.9.9"), Source.TRACKER, ip("1.1.1.1"), 0);
        assertTrue(v.expire(3601 * S));
        assertNull(v.current());
    }

    @Test
    void votersAreBounded() throws Exception {
        v.vote(ip("9.9.9.9"), Source.TRACKER, ip("1.1.1.1"), 0);
        for (int i = 2; i < 5; i++) {
            v.vote(ip("8.8.8.8"), Source.PEER, ip("1.1.1." + i), 0);
        }
        assertEquals(ip("8.8.8.8"), v.current()); // the tracker's vote was evicted as the oldest of 4 > 3
    }
}
