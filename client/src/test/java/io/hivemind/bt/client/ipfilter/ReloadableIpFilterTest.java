package io.hivemind.bt.client.ipfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.ipfilter.IpFilter.Action;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reload swaps atomically, keeps the old filter on failure, notices changed files, and counts per point. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReloadableIpFilterTest {

    @Test
    void reloadSwapsAndCounts(@TempDir Path dir) throws Exception {
        Path deny = dir.resolve("deny.p2p");
        Path allow = dir.resolve("allow.txt");
        Files.writeString(deny, "bad:1.2.3.0-1.2.3.255\n");
        Files.writeString(allow, "1.2.3.7\n");
        ReloadableIpFilter f = new ReloadableIpFilter(List.of(new ReloadableIpFilter.Source(deny, Action.DENY),
                new ReloadableIpFilter.Source(allow, Action.ALLOW)), Action.ALLOW, IpFilterLoader.Limits.STRICT);
        InetAddress a = InetAddress.getByName("1.2.3.4");
        InetAddress white = InetAddress.getByName("1.2.3.7");
        assertFalse(f.check(a, FilterPoint.INCOMING_CONNECTION), "nothing loaded yet");
        List<IpFilterLoader.Result> results = f.reload();
        assertEquals(2, results.size());
        assertTrue(f.check(a, FilterPoint.INCOMING_CONNECTION));
        assertFalse(f.check(white, FilterPoint.OUTGOING_CONNECTION), "the whitelist wins");
        assertTrue(f.check(a.getAddress(), FilterPoint.DHT_PEER));
        assertTrue(f.check(a, FilterPoint.TRACKER_PEER));
        assertEquals(1, f.blockedCount(FilterPoint.INCOMING_CONNECTION));
        assertEquals(2, f.checkedCount(FilterPoint.INCOMING_CONNECTION));
        assertEquals(0, f.blockedCount(FilterPoint.OUTGOING_CONNECTION));
        assertEquals(1, f.blockedCount(FilterPoint.DHT_PEER));
        assertEquals(1, f.blockedCount(FilterPoint.TRACKER_PEER));
        assertEquals(0, f.blockedCount(FilterPoint.PEX_PEER));

        assertFalse(f.reloadIfChanged(), "nothing changed");
        Files.writeString(deny, "bad:5.0.0.0-5.0.0.255\n");
        Files.setLastModifiedTime(deny, FileTime.from(Instant.now().plusSeconds(5)));
        assertTrue(f.reloadIfChanged());
        assertFalse(f.current().isBlocked(a));
        assertTrue(f.current().isBlocked(InetAddress.getByName("5.0.0.1")));

        // A broken file keeps the old filter.
        IpFilter before = f.current();
        Files.writeString(deny, "garbage line\n");
        assertThrows(IpFilterException.class, f::reload);
        assertEquals(before, f.current());
        Files.delete(deny);
        assertThrows(java.io.IOException.class, f::reload);
        assertEquals(before, f.current());
    }

    @Test
    void lookupsDuringReloadSeeOneFilterOrTheOther(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("list.dat");
        IpFilterLoaderTest.writeRanges(file, 50_000, 3);
        Files.writeString(file, "009.000.000.000 - 009.255.255.255 , 0 , nine\n", java.nio.file.StandardOpenOption.APPEND);
        ReloadableIpFilter f = new ReloadableIpFilter(List.of(new ReloadableIpFilter.Source(file, Action.DENY)),
                Action.ALLOW, IpFilterLoader.Limits.STRICT);
        f.reload();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            long n = 0;
            while (!stop.get()) {
                // 9.x.x.x is in every version of the list.
                if (!f.current().isBlockedV4(0x09010203)) {
                    throw new AssertionError("a lookup saw a half-built filter");
                }
                n++;
            }
            return n;
        });
        for (int k = 0; k < 5; k++) {
            f.reload();
        }
        stop.set(true);
        assertTrue(reader.get(30, TimeUnit.SECONDS) > 0);
    }
}
