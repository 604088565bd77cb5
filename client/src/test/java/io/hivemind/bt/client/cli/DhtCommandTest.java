package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.NodeId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code hivebt dht}: put and get items, announce and get-peers through a loopback DHT of two nodes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DhtCommandTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private record Result(int code, String out) {
    }

    private static synchronized Result hivebt(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void putGetAnnounceGetPeers() throws Exception {
        DhtConfig cfg = DhtConfig.builder().restrictRoutingIps(false)
                .rateLimit(10_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).build();
        try (DhtNode a = DhtNode.builder().bind(new InetSocketAddress(LOOPBACK, 0)).config(cfg).build();
             DhtNode b = DhtNode.builder().bind(new InetSocketAddress(LOOPBACK, 0)).config(cfg).build()) {
            a.start().get(10, TimeUnit.SECONDS);
            b.start().get(10, TimeUnit.SECONDS);
            b.bootstrap(a.localAddresses()).join();
            String router = "127.0.0.1:" + a.localAddresses().getFirst().getPort();
            String[] common = {"dht", "--port", "0", "--bind", "127.0.0.1", "--allow-same-ip", "--timeout", "30",
                    "--bootstrap", router};

            Result put = hivebt(concat(common, "put", "hello dht"));
            assertEquals(0, put.code(), put.out());
            Matcher m = Pattern.compile("target ([0-9a-f]{40})").matcher(put.out());
            assertTrue(m.find(), put.out());
            Result get = hivebt(concat(common, "get", m.group(1)));
            assertEquals(0, get.code(), get.out());
            assertTrue(get.out().contains("hello dht"), get.out());

            String seed = "00".repeat(31) + "07";
            Result mput = hivebt(concat(common, "put", "v2", "--seed", seed, "--salt", "ch", "--seq", "2"));
            assertEquals(0, mput.code(), mput.out());
            Matcher pk = Pattern.compile("public key ([0-9a-f]{64})").matcher(mput.out());
            assertTrue(pk.find());
            Result mget = hivebt(concat(common, "get", "--public-key", pk.group(1), "--salt", "ch"));
            assertTrue(mget.out().contains("seq 2: v2"), mget.out());

            String ih = NodeId.sha1("cli".getBytes()).toHex();
            Result ann = hivebt(concat(common, "announce", ih, "--peer-port", "6543"));
            assertEquals(0, ann.code(), ann.out());
            Result peers = hivebt(concat(common, "get-peers", ih));
            assertTrue(peers.out().contains("127.0.0.1:6543"), peers.out());

            Result run = hivebt("dht", "--port", "0", "--bind", "127.0.0.1", "--bootstrap", router, "run", "--for", "1");
            assertEquals(0, run.code(), run.out());
            assertTrue(run.out().startsWith("DHT node "), run.out());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
