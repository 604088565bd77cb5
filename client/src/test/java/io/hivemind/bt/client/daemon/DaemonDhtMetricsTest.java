package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.daemon.http.Credentials;
import io.hivemind.bt.client.daemon.http.UploadReceiver;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * DHT nodes (BEP 5) in {@code /metrics} and {@code /api/stats} from the real session: the daemon's session
 * bootstraps from a DHT node on loopback and its routing table size shows in both.
 */
class DaemonDhtMetricsTest {

    @Test
    void routingTableSizeReachesMetricsAndStats() throws Exception {
        Path root = Files.createTempDirectory("hivebt-daemon-dht-");
        try (DhtNode router = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .config(DhtConfig.builder().restrictRoutingIps(false)
                        .rateLimit(1_000_000, Duration.ofSeconds(10), Duration.ofMinutes(5)).build())
                .build()) {
            router.start().get(10, TimeUnit.SECONDS);
            String bootstrap = "127.0.0.1:" + router.localAddresses().get(0).getPort();
            SessionSettings settings = SessionSettings.builder().listen("127.0.0.1:0").dht(true).dhtBootstrap(bootstrap)
                    .lsd(false).pex(false).networkThreads(1).build();
            try (Session other = Session.builder().settings(settings).build();
                 Session session = Session.builder().settings(settings).build();
                 Daemon d = Daemon.start(DaemonConfig.builder().web(new HostPort("127.0.0.1", 0)).rpc(null)
                         .stateDirectory(root.resolve("state")).downloadDirectory(root.resolve("dl"))
                         .credentials(Credentials.NONE).build(), session, new CreatorTorrentFactory(1))) {
                assertTrue(other.settings().enableDht());
                long end = System.nanoTime() + RealDaemonFixture.DEADLINE.toNanos();
                double nodes = 0;
                while (nodes < 1 && System.nanoTime() < end) {
                    Map<String, Double> m = MetricsAndStateTest.parse(
                            TestHttp.send(d.webAddress(), "GET", "/metrics", Map.of(), null).text());
                    nodes = m.get("hivebt_dht_nodes");
                    Thread.sleep(100); // polling the routing table size with a bounded deadline
                }
                assertTrue(nodes >= 1, "the daemon's DHT routing table stayed empty");
                JsonObject stats = TestHttp.send(d.webAddress(), "GET", "/api/stats", Map.of(), null).json();
                assertTrue(stats.getInt("dht_nodes", 0) >= 1, stats.toString());
            }
        } finally {
            UploadReceiver.deleteTree(root);
        }
    }
}
