package io.hivemind.bt.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with libtorrent 2.0's DHT on loopback (BEP 5 get_peers/announce_peer, BEP 44 get/put), no public
 * bootstrap. libtorrent runs in {@code /usr/bin/python3} from a driver script written to a temp directory; it
 * bootstraps from our node A. Our node B announces and puts; our node C joins through libtorrent only and reads.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LibtorrentDhtInteropTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final DhtConfig LOOPBACK_CONFIG = DhtConfig.builder().restrictRoutingIps(false)
            .rateLimit(10_000, Duration.ofSeconds(10), Duration.ofMinutes(5))
            .uploadBudget(10_000_000, 10_000_000).build();

    private static Path dir;
    private static Process python;
    private static BufferedReader fromPython;
    private static OutputStream toPython;
    private static DhtNode a;
    private static DhtNode b;
    private static DhtNode c;
    private static int libtorrentPort;

    @BeforeAll
    static void start() throws Exception {
        ExternalPrograms.requireLibtorrent();
        dir = Files.createTempDirectory("hivebt-dht-interop");
        Path script = dir.resolve("lt_dht_driver.py");
        try (InputStream in = LibtorrentDhtInteropTest.class.getResourceAsStream("lt_dht_driver.py")) {
            Files.write(script, in.readAllBytes());
        }
        a = node().build().start().get(10, TimeUnit.SECONDS);
        int routerPort = a.localAddresses().getFirst().getPort();
        // libtorrent never puts a bootstrap router into its routing table, so B joins first: A's answers to
        // libtorrent then name B, and libtorrent's table fills with B (and later C)
        b = node().bootstrap(new InetSocketAddress(LOOPBACK, routerPort)).build().start().get(10, TimeUnit.SECONDS);
        long joined = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < joined && (a.nodes().get().isEmpty() || b.nodes().get().isEmpty())) {
            TimeUnit.MILLISECONDS.sleep(100); // polling with a bounded deadline
        }
        python = new ProcessBuilder(ExternalPrograms.SYSTEM_PYTHON.toString(), script.toString(),
                Integer.toString(routerPort), dir.resolve("libtorrent.log").toString())
                .redirectError(dir.resolve("python.err").toFile()).start();
        fromPython = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
        toPython = python.getOutputStream();
        libtorrentPort = Integer.parseInt(field(call("{\"op\":\"port\"}"), "port"));
        String nodes = field(call("{\"op\":\"wait_nodes\",\"min\":1,\"timeout\":30}"), "nodes");
        assertTrue(!"null".equals(nodes), "libtorrent's routing table stayed empty: " + diagnostics());
        c = node().bootstrap(new InetSocketAddress(LOOPBACK, libtorrentPort)).build().start()
                .get(10, TimeUnit.SECONDS);
        // wait until all three of ours and libtorrent know each other
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && (a.stats().nodeCount() < 3 || b.stats().nodeCount() < 3
                || c.stats().nodeCount() < 3)) {
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(100); // polling with a bounded deadline
        }
        assertTrue(a.stats().nodeCount() >= 3 && c.stats().nodeCount() >= 3,
                "tables: a=" + a.stats() + " c=" + c.stats() + diagnostics());
        call("{\"op\":\"wait_nodes\",\"min\":3,\"timeout\":30}");
    }

    private static DhtNode.Builder node() {
        return DhtNode.builder().bind(new InetSocketAddress(LOOPBACK, 0)).config(LOOPBACK_CONFIG);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (python != null && python.isAlive()) {
                try {
                    call("{\"op\":\"quit\"}");
                } catch (IOException ignored) {
                    // it may already be gone
                }
                if (!python.waitFor(10, TimeUnit.SECONDS)) {
                    python.destroyForcibly();
                }
            }
        } finally {
            if (python != null) {
                python.destroyForcibly();
            }
            for (DhtNode n : new DhtNode[]{a, b, c}) {
                if (n != null) {
                    n.close();
                }
            }
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static synchronized String call(String json) throws IOException {
        toPython.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        toPython.flush();
        String line = fromPython.readLine();
        if (line == null) {
            throw new IOException("libtorrent driver exited" + diagnostics());
        }
        return line;
    }

    private static String diagnostics() {
        try {
            Path err = dir.resolve("python.err");
            Path log = dir.resolve("libtorrent.log");
            String e = Files.exists(err) ? Files.readString(err) : "";
            String l = Files.exists(log) ? Files.readString(log) : "";
            String tail = l.length() > 3000 ? l.substring(l.length() - 3000) : l;
            return "\n--- our router: " + (a == null ? null : a.stats()) + "\n--- python stderr ---\n" + e + "\n--- libtorrent alerts (tail) ---\n" + tail;
        } catch (IOException ex) {
            return "";
        }
    }

    /** The raw JSON text of {@code key}'s value in a flat one-line JSON object (numbers, strings, null, lists). */
    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (\"(?:[^\"\\\\]|\\\\.)*\"|\\[.*?\\]\\]|\\[\\]|[^,}]+)")
                .matcher(json);
        assertTrue(m.find(), "no '" + key + "' in " + json);
        String v = m.group(1);
        return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    /** BEP 5: a libtorrent node bootstrapped from ours finds a peer announced through our DHT. */
    @Test
    void libtorrentFindsPeersAnnouncedThroughOurNodes() throws Exception {
        NodeId infoHash = NodeId.sha1("hivebt-announced".getBytes());
        int accepted = get(b.announce(infoHash, 40001));
        assertTrue(accepted >= 1, "announce accepted by " + accepted);
        String reply = call("{\"op\":\"get_peers\",\"ih\":\"" + infoHash.toHex() + "\",\"want_port\":40001,"
                + "\"timeout\":60}");
        assertTrue(reply.contains(", 40001]"), "libtorrent got " + reply + diagnostics());
    }

    /** BEP 5: our node finds a libtorrent seeder that announced itself into the DHT (its torrent's info-hash). */
    @Test
    void ourNodeFindsALibtorrentSeeder() throws Exception {
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        String seed = call("{\"op\":\"seed\",\"dir\":\"" + seedDir + "\"}");
        NodeId infoHash = NodeId.ofHex(field(seed, "ih"));
        InetSocketAddress expected = new InetSocketAddress(LOOPBACK, Integer.parseInt(field(seed, "port")));
        List<InetSocketAddress> peers = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && !peers.contains(expected)) {
            peers = get(c.getPeers(infoHash));
            if (!peers.contains(expected)) {
                TimeUnit.MILLISECONDS.sleep(500); // libtorrent announces on its own schedule; poll with a deadline
            }
        }
        assertTrue(peers.contains(expected), "peers " + peers + diagnostics());
    }

    /** BEP 44 immutable items, both directions. */
    @Test
    void immutableItemsBothWays() throws Exception {
        String put = call("{\"op\":\"put_immutable\",\"value\":\"hello from libtorrent\",\"timeout\":60}");
        NodeId target = NodeId.ofHex(field(put, "target"));
        assertEquals(NodeId.sha1("21:hello from libtorrent".getBytes()), target, "BEP 44 immutable target");
        assertTrue(Integer.parseInt(field(put, "num_success")) >= 1, put + diagnostics());
        Optional<io.hivemind.bt.wire.bencode.BValue> got = get(c.getImmutable(target));
        assertEquals(Optional.of(BBytes.of("hello from libtorrent")), got);

        var stored = get(b.putImmutable(BBytes.of("hello from hivebt")));
        assertTrue(stored.accepted() >= 1, "accepted " + stored);
        String reply = call("{\"op\":\"get_immutable\",\"target\":\"" + stored.target().toHex()
                + "\",\"timeout\":60}");
        assertEquals("hello from hivebt", field(reply, "item"), reply + diagnostics());
    }

    /** BEP 44 mutable items with salt, both directions, signatures made by each side's own Ed25519. */
    @Test
    void mutableItemsBothWays() throws Exception {
        byte[] seed = new byte[32];
        seed[0] = 7;
        DhtKeyPair lt = DhtKeyPair.fromSeed(seed);
        HexFormat hex = HexFormat.of();
        String put = call("{\"op\":\"put_mutable\",\"seed\":\"" + hex.formatHex(seed) + "\",\"pk\":\""
                + hex.formatHex(lt.publicKey()) + "\",\"salt\":\"s1\",\"value\":\"libtorrent value\","
                + "\"timeout\":60}");
        assertTrue(!"null".equals(field(put, "num_success")) && Integer.parseInt(field(put, "num_success")) >= 1,
                put + diagnostics());
        Optional<MutableItem> got = get(c.getMutable(lt.publicKey(), "s1".getBytes()));
        assertTrue(got.isPresent(), "no mutable item from libtorrent" + diagnostics());
        assertEquals(BBytes.of("libtorrent value"), got.get().value());
        assertEquals(Long.parseLong(field(put, "seq")), got.get().seq());

        DhtKeyPair ours = DhtKeyPair.fromSeed(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        var stored = get(b.putMutable(ours, "s2".getBytes(), 5, BBytes.of("hivebt value"), null));
        assertTrue(stored.accepted() >= 1, "accepted " + stored);
        String reply = call("{\"op\":\"get_mutable\",\"pk\":\"" + hex.formatHex(ours.publicKey())
                + "\",\"salt\":\"s2\",\"timeout\":60}");
        assertEquals("hivebt value", field(reply, "item"), reply + diagnostics());
        assertEquals("5", field(reply, "seq"));
    }
}
