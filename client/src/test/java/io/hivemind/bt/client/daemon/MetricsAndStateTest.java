package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.daemon.http.Credentials;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.state.AtomicFiles;
import io.hivemind.bt.client.nat.MappingMethod;
import io.hivemind.bt.client.nat.MappingStatus;
import io.hivemind.bt.client.nat.PortMapperStatus;
import io.hivemind.bt.client.nat.Protocol;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /metrics} parses as Prometheus text format 0.0.4; torrents, ids and settings survive a daemon restart. */
class MetricsAndStateTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"(?:,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*)\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");

    /** Parses exposition text into "name{labels}" → value, checking every line's syntax and HELP/TYPE order. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertTrue(List.of("counter", "gauge", "untyped", "summary", "histogram").contains(p[3]), line);
                assertTrue(types.put(p[2], p[3]) == null, "family declared twice: " + line);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "bad sample line: " + line);
            assertTrue(m.group(1).startsWith("hivebt_"), line);
            assertNotNull(types.get(m.group(1)), "sample before its TYPE: " + line);
            if (types.get(m.group(1)).equals("counter")) {
                assertTrue(m.group(1).endsWith("_total"), "counter without _total: " + line);
            }
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(4)
                    .replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        return out;
    }

    @Test
    void metricsExposeSessionTotalsPeersDisconnectsHashFailuresAndAnnounces() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            byte[] t = TestTorrents.single("m.bin", DaemonRestTestData.bytes(100_000, 3), 16384, null);
            assertEquals(201, f.call("POST", "/api/add_torrent", JsonObject.builder()
                    .put("torrent", Base64.getEncoder().encodeToString(t)).build()).status());
            f.session.handles().getFirst().advance(50_000, 12_345);
            f.session.countDisconnect(DisconnectReason.BAD_HANDSHAKE);
            f.session.countDisconnect(DisconnectReason.BAD_HANDSHAKE);
            f.session.hashFailure();
            InfoHashes ih = f.session.handles().getFirst().infoHashes();
            f.session.publish(new Event.TrackerReply(0, ih, "http://t/announce", 5, null));
            f.session.publish(new Event.TrackerError(0, ih, "http://t/announce", "timeout"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            Map<String, Double> m;
            do {
                TestHttp.Response r = f.get("/metrics");
                assertEquals(200, r.status());
                assertTrue(r.header("content-type").startsWith("text/plain; version=0.0.4"));
                m = parse(r.text());
            } while (m.get("hivebt_tracker_announces_total{outcome=\"error\"}") == 0 && System.nanoTime() < deadline);
            assertEquals(50_000, m.get("hivebt_payload_downloaded_bytes_total"));
            assertEquals(12_345, m.get("hivebt_download_rate_bytes"));
            assertEquals(1, m.get("hivebt_peers"));
            assertEquals(1, m.get("hivebt_peers_by_state{state=\"downloading_from\"}"));
            assertEquals(2, m.get("hivebt_disconnects_total{reason=\"bad_handshake\"}"));
            assertEquals(0, m.get("hivebt_disconnects_total{reason=\"banned\"}"));
            assertEquals(1, m.get("hivebt_hash_failures_total"));
            assertEquals(0, m.get("hivebt_dht_nodes"));
            assertEquals(1, m.get("hivebt_torrents{state=\"downloading\"}"));
            assertEquals(1, m.get("hivebt_tracker_announces_total{outcome=\"success\"}"));
            assertEquals(1, m.get("hivebt_tracker_announces_total{outcome=\"error\"}"));
        }
    }

    /**
     * Port mapping status from the session's mapper in {@code /api/stats} and {@code /metrics}: TCP mapped by
     * NAT-PMP (RFC 6886) with its external endpoint and lease, UDP failed over UPnP with the reason, PCP absent.
     */
    @Test
    void portMappingStatusInStatsAndMetrics() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            assertEquals(io.hivemind.bt.client.daemon.json.JsonNull.INSTANCE,
                    f.get("/api/stats").json().get("port_mapping"), "null while the session has no mapper");
            assertTrue(f.get("/metrics").text().indexOf("hivebt_port_mapped") < 0);
            java.net.InetAddress ext = java.net.InetAddress.getByName("203.0.113.7");
            java.net.InetAddress gw = java.net.InetAddress.getByName("192.168.1.1");
            f.session.portMapping(new PortMapperStatus(true, true, null, "no IGD answered", gw, null, ext, List.of(
                    new MappingStatus(Protocol.TCP, 6881, MappingMethod.NATPMP, MappingStatus.State.MAPPED, 51413, ext,
                            java.time.Instant.ofEpochSecond(2_000_000_000L), null),
                    new MappingStatus(Protocol.UDP, 6881, MappingMethod.UPNP, MappingStatus.State.FAILED, 0, null, null,
                            "no IGD answered"))));
            JsonObject pm = f.get("/api/stats").json().getObject("port_mapping");
            assertTrue(pm.getBoolean("mapped", false));
            assertEquals("203.0.113.7", pm.getString("external_address", null));
            assertEquals("192.168.1.1", pm.getString("gateway", null));
            assertEquals("no IGD answered", pm.getString("upnp_error", null));
            JsonObject tcp = (JsonObject) pm.getArray("mappings").get(0);
            assertEquals("tcp", tcp.getString("protocol", null));
            assertEquals("natpmp", tcp.getString("method", null));
            assertEquals("mapped", tcp.getString("state", null));
            assertEquals(51413, tcp.getInt("external_port", 0));
            assertEquals(2_000_000_000L, tcp.getLong("lease_expires", 0));
            JsonObject udp = (JsonObject) pm.getArray("mappings").get(1);
            assertEquals("failed", udp.getString("state", null));
            assertEquals("no IGD answered", udp.getString("error", null));

            Map<String, Double> m = parse(f.get("/metrics").text());
            assertEquals(1, m.get("hivebt_port_mapping_enabled{method=\"upnp\"}"));
            assertEquals(1, m.get("hivebt_port_mapping_enabled{method=\"natpmp\"}"));
            assertEquals(1, m.get("hivebt_port_mappings{method=\"natpmp\",state=\"mapped\"}"));
            assertEquals(1, m.get("hivebt_port_mappings{method=\"upnp\",state=\"failed\"}"));
            assertEquals(0, m.get("hivebt_port_mappings{method=\"pcp\",state=\"pending\"}"));
            assertEquals(1, m.get("hivebt_port_mapped{protocol=\"tcp\"}"));
            assertEquals(0, m.get("hivebt_port_mapped{protocol=\"udp\"}"));
        }
    }

    @Test
    void torrentsIdsPausedStateAndSettingsSurviveARestart() throws Exception {
        Path root = Files.createTempDirectory("hivebt-restart-");
        String h1;
        String h2;
        try (DaemonFixture f = new DaemonFixture(Credentials.NONE, root, new FakeSession())) {
            byte[] t1 = TestTorrents.single("one.bin", DaemonRestTestData.bytes(40_000, 1), 16384, null);
            byte[] t2 = TestTorrents.single("two.bin", DaemonRestTestData.bytes(40_000, 2), 16384, null);
            h1 = f.call("POST", "/api/add_torrent", JsonObject.builder().put("torrent",
                    Base64.getEncoder().encodeToString(t1)).build()).json().getObject("torrent").getString("info_hash", null);
            h2 = f.call("POST", "/api/add_torrent", JsonObject.builder().put("torrent",
                    Base64.getEncoder().encodeToString(t2)).build()).json().getObject("torrent").getString("info_hash", null);
            assertEquals(200, f.call("POST", "/api/torrents/" + h2 + "/pause", null).status());
            assertEquals(200, f.call("PATCH", "/api/settings", JsonObject.builder().put("download_rate_limit", 123000)
                    .build()).status());
            String magnet = "magnet:?xt=urn:btih:" + "cd".repeat(20) + "&dn=later";
            assertEquals(201, f.call("POST", "/api/add_torrent", JsonObject.builder().put("magnet", magnet).build())
                    .status());
        }
        // a crash between the backup move and the rename leaves only the .bak: it is still found
        Path rec = root.resolve("state/torrents/" + h1 + ".json");
        Files.move(rec, AtomicFiles.backup(rec));
        FakeSession second = new FakeSession(Daemon.savedSettings(root.resolve("state"),
                new FakeSession().settings()));
        assertEquals(123000, second.settings().downloadRateLimit());
        try (DaemonFixture f = new DaemonFixture(Credentials.NONE, root, second)) {
            assertEquals(3, second.handles().size());
            JsonObject one = f.get("/api/torrents/" + h1).json();
            JsonObject two = f.get("/api/torrents/" + h2).json();
            assertEquals(1, one.getInt("id", 0));
            assertEquals(2, two.getInt("id", 0));
            assertEquals("paused", two.getString("state", null));
            assertEquals("downloading", one.getString("state", null));
            assertEquals(200, f.get("/api/torrents/" + "cd".repeat(20)).status());
        } finally {
            io.hivemind.bt.client.daemon.http.UploadReceiver.deleteTree(root);
        }
    }
}
