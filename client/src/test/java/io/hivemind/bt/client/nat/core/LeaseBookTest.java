package io.hivemind.bt.client.nat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lease bookkeeping on a virtual clock: renewal at half the lifetime (RFC 6886 §3.3, RFC 6887 §11.2.1), back-off. */
class LeaseBookTest {
    static final long S = 1_000_000_000L;
    static final InetAddress EXT = InetAddress.getLoopbackAddress();

    final LeaseBook<String> book = new LeaseBook<>(60 * S, 1800 * S);

    @Test
    void firstRequestIsDueAtOnceAndOnlyOnce() {
        long t0 = 1_000 * S;
        assertTrue(book.add("tcp", t0));
        assertFalse(book.add("tcp", t0));
        assertEquals(List.of("tcp"), book.due(t0));
        assertEquals(List.of(), book.due(t0 + S)); // in flight
        assertEquals(Long.MAX_VALUE, book.nextWakeupNanos());
    }

    @Test
    void renewsAtHalfTheGrantedLifetime() {
        long t0 = -5 * S; // nanoTime may be negative
        book.add("tcp", t0);
        book.due(t0);
        book.granted("tcp", 40000, EXT, 7200, t0 + S);
        LeaseBook.View<String> v = book.view("tcp");
        assertEquals(LeaseBook.State.MAPPED, v.state());
        assertEquals(40000, v.externalPort());
        assertEquals(t0 + S + 3600 * S, v.nextActionNanos());
        assertEquals(t0 + S + 7200 * S, v.expiresAtNanos());
        assertEquals(List.of(), book.due(t0 + S + 3599 * S));
        assertEquals(List.of("tcp"), book.due(t0 + S + 3600 * S));
        book.granted("tcp", 40000, EXT, 7200, t0 + 3602 * S);
        assertEquals(t0 + 3602 * S + 3600 * S, book.nextWakeupNanos());
    }

    @Test
    void permanentLeasesAreNeverRenewed() {
        book.add("udp", 0);
        book.due(0);
        book.granted("udp", 6881, EXT, 0, 0);
        assertEquals(Long.MAX_VALUE, book.nextWakeupNanos());
        assertEquals(List.of(), book.due(Long.MAX_VALUE / 2));
    }

    @Test
    void failuresBackOffDoublingToTheCap() {
        book.add("tcp", 0);
        long t = 0;
        long[] expected = {60, 120, 240, 480, 960, 1800, 1800};
        for (long e : expected) {
            assertEquals(List.of("tcp"), book.due(t));
            book.failed("tcp", "no reply", 0, t);
            assertEquals(LeaseBook.State.FAILED, book.view("tcp").state());
            assertEquals(t + e * S, book.nextWakeupNanos());
            t += e * S;
        }
        assertEquals(7, book.view("tcp").failures());
        book.due(t);
        book.granted("tcp", 1, EXT, 100, t);
        assertEquals(0, book.view("tcp").failures());
        assertNull(book.view("tcp").lastError());
    }

    @Test
    void gatewayHintOverridesBackoff() {
        book.add("tcp", 0);
        book.due(0);
        book.failed("tcp", "NO_RESOURCES", 30 * S, 0);
        assertEquals(30 * S, book.nextWakeupNanos());
    }

    @Test
    void failedRenewalKeepsTheMappingAndRetriesBeforeExpiry() {
        book.add("tcp", 0);
        book.due(0);
        book.granted("tcp", 6881, EXT, 120, 0); // renew at 60 s, expires at 120 s
        assertEquals(List.of("tcp"), book.due(60 * S));
        book.failed("tcp", "timeout", 0, 60 * S);
        LeaseBook.View<String> v = book.view("tcp");
        assertEquals(LeaseBook.State.MAPPED, v.state());
        assertEquals("timeout", v.lastError());
        assertEquals(90 * S, v.nextActionNanos()); // halfway to expiry, not the 60 s back-off
        book.due(90 * S);
        book.failed("tcp", "timeout", 0, 90 * S);
        assertEquals(105 * S, book.view("tcp").nextActionNanos());
        book.due(105 * S);
        book.failed("tcp", "timeout", 0, 105 * S);
        assertEquals(112_500_000_000L, book.view("tcp").nextActionNanos());
        book.due(112_500_000_000L);
        book.failed("tcp", "timeout", 0, 112_500_000_000L);
        assertEquals(117_500_000_000L, book.view("tcp").nextActionNanos()); // never closer than 5 s
        book.due(117_500_000_000L);
        book.failed("tcp", "timeout", 0, 117_500_000_000L);
        book.due(120 * S);
        assertEquals(LeaseBook.State.FAILED, book.view("tcp").state());
    }

    @Test
    void renewAllAfterAGatewayRestartAndRemove() {
        book.add("a", 0);
        book.add("b", 0);
        book.due(0);
        book.granted("a", 1, EXT, 7200, 0);
        book.granted("b", 2, EXT, 7200, 0);
        book.renewAll(10 * S);
        assertEquals(List.of("a", "b"), book.due(10 * S));
        LeaseBook.View<String> removed = book.remove("a");
        assertEquals(1, removed.externalPort());
        assertFalse(book.contains("a"));
        assertEquals(1, book.size());
    }
}
