package io.hivemind.bt.client.daemon;

import static io.hivemind.bt.client.daemon.RealDaemonFixture.progress;
import static io.hivemind.bt.client.daemon.RealDaemonFixture.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.rest.RestApi;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's REST API, metrics and state directory over the real session ({@code Session.builder()}), with a
 * real hivebt seeder and tracker on loopback ({@link RealDaemonFixture}): torrents really download, pause, recheck
 * and are repaired, their files are moved, created torrents are really seeded to other sessions (BEP 3 transfers,
 * BEP 9 metadata for magnet links, BEP 52 hybrid torrents), and a completed torrent comes back seeding after a
 * restart without downloading again.
 */
class RealSessionDaemonTest {
    private RealDaemonFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new RealDaemonFixture();
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static int fileIndex(JsonObject detail, String suffix) {
        for (JsonValue v : detail.getArray("files").values()) {
            JsonObject file = (JsonObject) v;
            if (file.getString("path", "").endsWith(suffix)) {
                return file.getInt("index", -1);
            }
        }
        throw new AssertionError("no file " + suffix + " in " + detail);
    }

    /**
     * Upload a torrent (paused), skip a file and limit the rate before starting, watch it download from the seeder,
     * lift the limit and want the file again, pause, damage a piece and recheck (the damage is found and downloaded
     * again), and remove it with its data. /api/stats and /metrics report the real numbers along the way.
     */
    @Test
    void addWatchPrioritiesLimitsPauseRecheckRepairRemove() throws Exception {
        Path src = f.sampleSet("set", 100);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        long total = mi.info().totalLength();
        String hash = mi.infoHashes().v1Hex();
        String path = "/api/torrents/" + hash;

        JsonObject added = f.addTorrent(mi.encode(), true);
        assertEquals(hash, added.getString("info_hash", null));
        assertEquals("paused", state(added));
        JsonObject detail = f.get(path).json();
        assertEquals(3, detail.getArray("files").size());
        int readme = fileIndex(detail, "readme.txt");
        int model = fileIndex(detail, "model.bin");
        // skip the readme, limit the download to 256 kB/s, then start
        TestHttp.Response p = f.call("PATCH", path, JsonObject.builder()
                .put("file_priorities", JsonObject.builder().put(Integer.toString(readme), 0).build())
                .put("download_limit", 256_000).build());
        assertEquals(200, p.status(), p.text());
        assertEquals(256_000, p.json().getLong("download_limit", 0));
        assertEquals(total - 200_000, p.json().getLong("size", 0), "the skipped file is not wanted");
        assertEquals(200, f.call("POST", path + "/resume", null).status());

        JsonObject partly = f.await(path, t -> progress(t) > 0.05 && progress(t) < 1, "some progress under the limit");
        assertEquals("downloading", state(partly));
        assertTrue(partly.getLong("download_rate", -1) <= 2 * 256_000,
                "the per-torrent limit holds: " + partly.getLong("download_rate", -1));
        JsonObject peers = f.get(path).json();
        assertTrue(peers.getArray("peer_list").size() >= 1, "connected to the seeder: " + peers);
        Map<String, Double> during = f.metrics();
        assertTrue(during.get("hivebt_peers_by_state{state=\"am_interested\"}") >= 1, "interested in the seeder: "
                + during);
        assertTrue(during.get("hivebt_peers") >= 1, during.toString());
        JsonObject stats = f.get("/api/stats").json();
        assertTrue(stats.getLong("total_downloaded", 0) > 0, stats.toString());
        assertTrue(stats.getInt("peers", 0) >= 1, stats.toString());
        assertEquals(1, stats.getInt("active_downloads", 0), stats.toString());

        assertEquals(200, f.call("PATCH", path, JsonObject.builder().put("download_limit", 0).build()).status());
        JsonObject done = f.await(path, t -> "seeding".equals(state(t)) && progress(t) == 1,
                "completion without the skipped file");
        Path dl = f.downloads.resolve("set");
        assertEquals(-1L, Files.mismatch(src.resolve("model.bin"), dl.resolve("model.bin")));
        assertEquals(-1L, Files.mismatch(src.resolve("docs/config.json"), dl.resolve("docs/config.json")));
        assertFalse(Files.exists(dl.resolve("docs/readme.txt")), "a skipped file is not created");
        assertTrue(done.getLong("done_at", 0) > 0, "the daemon recorded the completion: " + done);

        // want the readme again: downloading, then seeding with everything
        assertEquals(200, f.call("PATCH", path, JsonObject.builder()
                .put("file_priorities", JsonArray.builder().add(4).add(4).add(4).build()).build()).status());
        f.await(path, t -> "seeding".equals(state(t)) && t.getLong("size", 0) == total && progress(t) == 1,
                "completion with every file");
        RealDaemonFixture.assertSameTree(src, dl);

        JsonObject s = f.get("/api/stats").json();
        assertTrue(s.getLong("total_downloaded", 0) >= total, s.toString());
        assertEquals(1, s.getInt("active_seeds", 0), s.toString());
        assertTrue(s.getLong("disk_queued_jobs", -1) >= 0, s.toString());
        assertTrue(s.getLong("piece_buffer_bytes", -1) >= 0, s.toString());
        Map<String, Double> m = MetricsAndStateTest.parse(f.get("/metrics").text());
        assertTrue(m.get("hivebt_payload_downloaded_bytes_total") >= total, m.toString());
        assertTrue(m.get("hivebt_protocol_downloaded_bytes_total") > m.get("hivebt_payload_downloaded_bytes_total"));
        assertEquals(1, m.get("hivebt_torrents{state=\"seeding\"}"));
        assertEquals(0, m.get("hivebt_torrents{state=\"downloading\"}"));
        assertTrue(m.get("hivebt_tracker_announces_total{outcome=\"success\"}") >= 1, m.toString());
        assertNotNull(m.get("hivebt_disk_queued_jobs"));
        assertNotNull(m.get("hivebt_piece_buffer_bytes"));

        // pause, damage one piece of model.bin, recheck: the piece is lost; resume: downloaded again
        assertEquals("paused", state(f.call("POST", path + "/pause", null).json()));
        assertEquals(1, MetricsAndStateTest.parse(f.get("/metrics").text()).get("hivebt_torrents{state=\"paused\"}"));
        try (RandomAccessFile raf = new RandomAccessFile(dl.resolve("model.bin").toFile(), "rw")) {
            raf.seek(1_000_000);
            int b = raf.read();
            raf.seek(1_000_000);
            raf.write(b ^ 0xff);
        }
        assertEquals(200, f.call("POST", path + "/recheck", null).status());
        JsonObject damaged = f.await(path, t -> "paused".equals(state(t)) && progress(t) < 1, "recheck finding the damage");
        assertEquals(mi.info().pieceCount() - 1, damaged.getInt("pieces_have", 0));
        assertEquals(200, f.call("POST", path + "/resume", null).status());
        f.await(path, t -> "seeding".equals(state(t)) && progress(t) == 1, "the damaged piece downloaded again");
        RealDaemonFixture.assertSameTree(src, dl);
        assertTrue(model >= 0);

        // remove with the data: files, resume data and record are gone
        Path resume = f.state.resolve("session/resume/" + hash + ".resume");
        assertTrue(Files.exists(resume), "resume data saved in the session's state directory");
        TestHttp.Response del = TestHttp.send(f.web(), "DELETE", path + "?delete_data=true",
                Map.of("X-CSRF-Token", f.csrf()), null);
        assertEquals(200, del.status(), del.text());
        assertEquals(404, f.get(path).status());
        assertFalse(Files.exists(dl.resolve("model.bin")));
        assertFalse(Files.exists(dl.resolve("docs/readme.txt")));
        assertFalse(Files.exists(f.downloads.resolve("." + hash + ".parts")), "the part file is data too");
        assertFalse(Files.exists(dl), "the torrent's emptied directories are removed");
        assertFalse(Files.exists(resume), "resume data deleted with the torrent");
        assertFalse(Files.exists(f.state.resolve("daemon/torrents/" + hash + ".json")));
        assertEquals(0, f.get("/api/torrents").json().getArray("torrents").size());
        assertTrue(f.session.torrents().isEmpty());
    }

    /** A magnet link: the metadata comes from the seeder (BEP 9), the daemon keeps it, the data follows. */
    @Test
    void magnetFetchesMetadataFromTheSeederAndCompletes() throws Exception {
        Path src = f.sampleSet("magnet-set", 200);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        String hash = mi.infoHashes().v1Hex();
        String magnet = MagnetLinks.of(mi.infoHashes(), "magnet-set", List.of(f.announce()));
        TestHttp.Response r = f.call("POST", "/api/add_torrent", JsonObject.builder().put("magnet", magnet).build());
        assertEquals(201, r.status(), r.text());
        assertEquals("magnet-set", r.json().getObject("torrent").getString("name", null));
        f.await("/api/torrents/" + hash, t -> "seeding".equals(state(t)) && progress(t) == 1, "magnet completion");
        RealDaemonFixture.assertSameTree(src, f.downloads.resolve("magnet-set"));
        TestHttp.Response t = f.get("/api/torrents/" + hash + "/torrent");
        for (long end = System.nanoTime() + 10_000_000_000L; t.status() == 404 && System.nanoTime() < end; ) {
            Thread.sleep(50); // the daemon writes the metadata on its own thread: bounded polling
            t = f.get("/api/torrents/" + hash + "/torrent");
        }
        assertEquals(200, t.status(), "metadata kept for the .torrent download");
        assertArrayEquals(mi.info().raw(), Metainfo.parse(t.body()).info().raw());
        JsonObject detail = f.get("/api/torrents/" + hash).json();
        assertEquals(3, detail.getArray("files").size());
        assertEquals(mi.info().totalLength(), detail.getLong("total_size", 0));
    }

    /**
     * {@code POST /api/create_torrent} with a multipart upload of two files: the daemon creates a hybrid torrent
     * (BEP 52) with the wire module's creator and seeds it; one real session downloads it with the returned
     * {@code torrent_file}, another with the returned magnet link (metadata from the daemon, BEP 9).
     */
    @Test
    void createdTorrentIsSeededToOtherSessions() throws Exception {
        byte[] weights = DaemonRestTestData.bytes(1_500_000, 31);
        byte[] notes = "hello swarm\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        String boundary = "----hivebtRealBoundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DaemonRestTest.part(body, boundary, "name", null, DaemonFixture.utf8("shared-set"));
        DaemonRestTest.part(body, boundary, "announce", null, DaemonFixture.utf8(f.announce()));
        DaemonRestTest.part(body, boundary, "kind", null, DaemonFixture.utf8("hybrid"));
        DaemonRestTest.part(body, boundary, "piece_size", null, DaemonFixture.utf8("65536"));
        DaemonRestTest.part(body, boundary, "comment", null, DaemonFixture.utf8("created over the REST API"));
        DaemonRestTest.part(body, boundary, "files", "weights.bin", weights);
        DaemonRestTest.part(body, boundary, "files", "notes/readme.txt", notes);
        body.writeBytes(DaemonFixture.utf8("--" + boundary + "--\r\n"));
        TestHttp.Response r = TestHttp.send(f.web(), "POST", RestApi.CREATE_PATH, Map.of("X-CSRF-Token", f.csrf(),
                "Content-Type", "multipart/form-data; boundary=" + boundary), body.toByteArray());
        assertEquals(201, r.status(), r.text());
        JsonObject c = r.json();
        assertEquals("shared-set", c.getString("name", null));
        assertEquals(weights.length + notes.length, c.getLong("size", 0));
        assertNotNull(c.getString("info_hash_v2", null), "a hybrid torrent has a v2 info-hash");
        JsonObject seeding = f.get("/api/torrents/" + c.getString("info_hash", null)).json();
        assertEquals("seeding", state(seeding), "seeding at once, without a check: " + seeding);

        TestHttp.Response tf = f.get(c.getString("torrent_file", null));
        assertEquals(200, tf.status());
        Metainfo mi = Metainfo.parse(tf.body());
        assertEquals(TorrentVersion.HYBRID, mi.info().version());
        assertEquals("created over the REST API", mi.comment());
        assertEquals(c.getString("info_hash", null), mi.infoHashes().v1Hex());
        assertEquals(c.getString("info_hash_v2", null), mi.infoHashes().v2Hex());

        Path byFile = f.root.resolve("leech-file");
        Path byMagnet = f.root.resolve("leech-magnet");
        Session a = f.newPeer();
        Session b = f.newPeer();
        TorrentHandle ha = a.add(AddTorrent.metainfo(mi).saveTo(byFile)).get(30, TimeUnit.SECONDS);
        TorrentHandle hb = b.add(AddTorrent.magnet(c.getString("magnet", null)).saveTo(byMagnet)).get(30, TimeUnit.SECONDS);
        ha.completion().get(RealDaemonFixture.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        hb.completion().get(RealDaemonFixture.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        for (Path dir : List.of(byFile, byMagnet)) {
            assertArrayEquals(weights, Files.readAllBytes(dir.resolve("shared-set/weights.bin")), dir.toString());
            assertArrayEquals(notes, Files.readAllBytes(dir.resolve("shared-set/notes/readme.txt")), dir.toString());
        }
        assertEquals(TorrentState.SEEDING, hb.status().state());
        JsonObject after = f.get("/api/torrents/" + c.getString("info_hash", null)).json();
        assertTrue(after.getLong("uploaded", 0) >= weights.length + notes.length, "the daemon uploaded it: " + after);
    }

    /**
     * PATCH save_path moves a completed torrent's files to another download root (the real
     * {@code TorrentHandle.moveStorage}): the files are there afterwards, gone from the old place, and the torrent
     * seeds from the new place; queue positions move with PATCH queue_position.
     */
    @Test
    void savePathMovesTheDataAndQueuePositionsMove() throws Exception {
        Path src = f.sampleSet("move-set", 300);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        Path src2 = f.sampleSet("second", 400);
        Metainfo mi2 = f.seed(src2, TorrentVersion.V1, 64 * 1024);
        String hash = mi.infoHashes().v1Hex();
        String hash2 = mi2.infoHashes().v1Hex();
        f.addTorrent(mi.encode(), false);
        f.addTorrent(mi2.encode(), true);
        assertEquals(0, f.get("/api/torrents/" + hash).json().getInt("queue_position", -1));
        assertEquals(1, f.get("/api/torrents/" + hash2).json().getInt("queue_position", -1));
        assertEquals(200, f.call("PATCH", "/api/torrents/" + hash2, JsonObject.builder().put("queue_position", 0)
                .build()).status());
        assertEquals(0, f.get("/api/torrents/" + hash2).json().getInt("queue_position", -1));
        assertEquals(1, f.get("/api/torrents/" + hash).json().getInt("queue_position", -1));
        // the Transmission queue-move-* methods move it in the session's queue (SessionQueue) too
        assertEquals(List.of(0, 1), queueMove("queue-move-top", hash, hash, hash2));
        assertEquals(List.of(1, 0), queueMove("queue-move-down", hash, hash, hash2));
        assertEquals(List.of(0, 1), queueMove("queue-move-up", hash, hash, hash2));
        assertEquals(List.of(1, 0), queueMove("queue-move-bottom", hash, hash, hash2));
        assertEquals(List.of(0, 1), queueMove("queue-move-top", hash, hash, hash2));
        assertEquals(0, f.session.find(mi.infoHashes()).orElseThrow().status().queuePosition(), "the session agrees");
        assertEquals(1, f.session.find(mi2.infoHashes()).orElseThrow().status().queuePosition());

        f.await("/api/torrents/" + hash, t -> "seeding".equals(state(t)), "completion");
        Path target = f.otherRoot.resolve("moved");
        TestHttp.Response p = f.call("PATCH", "/api/torrents/" + hash, JsonObject.builder()
                .put("save_path", target.toString()).build());
        assertEquals(200, p.status(), p.text());
        JsonObject moved = f.await("/api/torrents/" + hash, t -> "seeding".equals(state(t)) && progress(t) == 1,
                "seeding from the new place");
        assertEquals(target.toString(), moved.getString("save_path", null));
        RealDaemonFixture.assertSameTree(src, target.resolve("move-set"));
        assertFalse(Files.exists(f.downloads.resolve("move-set")), "the old directory is gone");
        // another session downloads it from the new place
        f.seeder.remove(mi.infoHashes(), false).get(30, TimeUnit.SECONDS); // only the daemon has it now
        Session peer = f.newPeer();
        TorrentHandle h = peer.add(AddTorrent.metainfo(mi).saveTo(f.root.resolve("from-moved"))).get(30, TimeUnit.SECONDS);
        h.completion().get(RealDaemonFixture.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        RealDaemonFixture.assertSameTree(src, f.root.resolve("from-moved/move-set"));
        // a location outside the roots is refused before anything moves
        assertEquals(403, f.call("PATCH", "/api/torrents/" + hash, JsonObject.builder()
                .put("save_path", f.root.resolve("elsewhere").toString()).build()).status());
        assertFalse(Files.exists(f.root.resolve("elsewhere")));
    }

    /** Calls {@code method} with {@code ids: [hash]}; returns the REST queue positions of {@code of}. */
    private List<Integer> queueMove(String method, String hash, String... of) throws Exception {
        JsonObject r = f.rpc(method, JsonObject.builder().put("ids", JsonArray.ofStrings(List.of(hash))).build());
        assertEquals("success", r.getString("result", null), r.toString());
        List<Integer> out = new java.util.ArrayList<>();
        for (String h : of) {
            out.add(f.get("/api/torrents/" + h).json().getInt("queue_position", -1));
        }
        return out;
    }

    /**
     * The rest of the REST surface over the real session: {@code add_torrent} by a {@code torrent_file} path inside
     * the download roots (and refused outside them), {@code reannounce} reaching the tracker, tracker announce
     * outcomes (success from the tracker, error from a dead one), disconnects by reason when the seeder leaves,
     * {@code GET/PATCH /api/settings} reaching the session, {@code port_mapping} in {@code /api/stats} and
     * {@code /metrics}, and an OpenAPI document that describes every member {@code /api/stats} really returns.
     */
    @Test
    void addByPathReannounceOutcomesDisconnectsSettingsPortMappingAndOpenApi() throws Exception {
        Path src = f.sampleSet("by-path", 700);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        String hash = mi.infoHashes().v1Hex();
        Path torrentFile = f.downloads.resolve("incoming/by-path.torrent");
        Files.createDirectories(torrentFile.getParent());
        Files.write(torrentFile, mi.encode());
        Path outside = f.root.resolve("outside.torrent");
        Files.write(outside, mi.encode());
        TestHttp.Response refused = f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent_file", outside.toString()).build());
        assertTrue(refused.status() == 403 || refused.status() == 404, refused.status() + " " + refused.text());
        assertTrue(f.session.torrents().isEmpty(), "nothing added from outside the roots");
        TestHttp.Response r = f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent_file", torrentFile.toString()).build());
        assertEquals(201, r.status(), r.text());
        assertEquals(hash, r.json().getObject("torrent").getString("info_hash", null));
        f.await("/api/torrents/" + hash, t -> "seeding".equals(state(t)), "completion");
        RealDaemonFixture.assertSameTree(src, f.downloads.resolve("by-path"));

        // reannounce: one more successful announce reaches the tracker
        double before = awaitMetric("hivebt_tracker_announces_total{outcome=\"success\"}", v -> v >= 1, "an announce");
        assertEquals(200, f.call("POST", "/api/torrents/" + hash + "/reannounce", null).status());
        awaitMetric("hivebt_tracker_announces_total{outcome=\"success\"}", v -> v > before, "the reannounce");
        // a torrent whose tracker refuses connections: an error outcome
        Path src2 = f.sampleSet("dead-tracker", 701);
        Metainfo dead = io.hivemind.bt.wire.create.TorrentCreator.builder(src2).pieceLength(64 * 1024)
                .addTier("http://127.0.0.1:1/announce").threads(1).build().create();
        f.addTorrent(dead.encode(), false);
        awaitMetric("hivebt_tracker_announces_total{outcome=\"error\"}", v -> v >= 1, "a failed announce");
        JsonObject deadDetail = f.await("/api/torrents/" + dead.infoHashes().v1Hex(),
                t -> t.getArray("trackers").size() == 1
                        && ((JsonObject) t.getArray("trackers").get(0)).getString("message", null) != null,
                "the tracker error in the torrent's detail");
        assertEquals("http://127.0.0.1:1/announce",
                ((JsonObject) deadDetail.getArray("trackers").get(0)).getString("url", null));
        JsonObject liveTracker = (JsonObject) f.get("/api/torrents/" + hash).json().getArray("trackers").get(0);
        assertEquals(f.announce(), liveTracker.getString("url", null));
        assertEquals(null, liveTracker.getString("message", null), "the working tracker has no error: " + liveTracker);

        // the seeder leaves: the daemon counts the disconnect under its reason
        f.seeder.remove(mi.infoHashes(), false).get(30, TimeUnit.SECONDS);
        long end = System.nanoTime() + RealDaemonFixture.DEADLINE.toNanos();
        double disconnects = 0;
        while (disconnects < 1 && System.nanoTime() < end) {
            disconnects = f.metrics().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("hivebt_disconnects_total{"))
                    .mapToDouble(Map.Entry::getValue).sum();
            Thread.sleep(100); // polling the counters with a bounded deadline
        }
        assertTrue(disconnects >= 1, "a disconnect counted by reason: " + f.get("/metrics").text());
        JsonObject byReason = f.get("/api/stats").json().getObject("disconnects");
        assertTrue(byReason.keys().iterator().hasNext(), "the same by reason in /api/stats");

        // settings: GET shows the session's, PATCH reaches the session
        JsonObject settings = f.get("/api/settings").json();
        assertEquals(f.session.settings().connectionsLimit(), settings.getInt("connections_limit", -1));
        TestHttp.Response p = f.call("PATCH", "/api/settings", JsonObject.builder().put("connections_limit", 77)
                .put("active_downloads", 5).build());
        assertEquals(200, p.status(), p.text());
        assertEquals(77, f.session.settings().connectionsLimit());
        assertEquals(5, f.session.settings().activeDownloads());
        assertEquals(77, f.get("/api/settings").json().getInt("connections_limit", -1));

        // port mapping: the real session's mapper status (off here: loopback, UPnP and NAT-PMP disabled)
        JsonObject stats = f.get("/api/stats").json();
        JsonObject pm = stats.getObject("port_mapping");
        assertNotNull(pm, "the real session has a port mapper: " + stats);
        assertEquals(f.session.settings().enableUpnp(), pm.getBoolean("upnp_enabled", true));
        assertEquals(f.session.settings().enableNatpmp(), pm.getBoolean("natpmp_enabled", true));
        assertFalse(pm.getBoolean("mapped", true));
        Map<String, Double> m = f.metrics();
        assertEquals(0, m.get("hivebt_port_mapping_enabled{method=\"upnp\"}"));
        assertEquals(0, m.get("hivebt_port_mapped{protocol=\"tcp\"}"));

        // OpenAPI: served, and its Stats schema names every member the real /api/stats has
        JsonObject doc = f.get("/api/openapi.json").json();
        JsonObject statsSchema = doc.getObject("components").getObject("schemas").getObject("Stats")
                .getObject("properties");
        for (String k : stats.keys()) {
            assertTrue(statsSchema.has(k), "OpenAPI Stats lacks '" + k + "'");
        }
        for (String k : pm.keys()) {
            assertTrue(statsSchema.getObject("port_mapping").getObject("properties").has(k), "OpenAPI lacks " + k);
        }
    }

    /**
     * {@code add_torrent} with a {@code url}: the daemon fetches the {@code .torrent} over HTTP (from a one-shot
     * server on loopback) and the real session downloads it from the seeder; a URL that answers 404 is a 502 and adds
     * nothing.
     */
    @Test
    void addByUrlFetchesTheTorrentAndDownloads() throws Exception {
        Path src = f.sampleSet("by-url", 900);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        byte[] torrent = mi.encode();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(30_000);
            Thread http = Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; i < 2; i++) { // first the .torrent, then a 404
                    try (java.net.Socket c = server.accept()) {
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                c.getInputStream(), StandardCharsets.US_ASCII));
                        String line;
                        while ((line = in.readLine()) != null && !line.isEmpty()) {
                            // skip the request line and headers
                        }
                        byte[] body = i == 0 ? torrent : new byte[0];
                        c.getOutputStream().write(((i == 0 ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found")
                                + "\r\nContent-Type: application/x-bittorrent\r\nContent-Length: " + body.length
                                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        c.getOutputStream().write(body);
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            String base = "http://127.0.0.1:" + server.getLocalPort();
            TestHttp.Response r = f.call("POST", "/api/add_torrent", JsonObject.builder()
                    .put("url", base + "/by-url.torrent").build());
            assertEquals(201, r.status(), r.text());
            String hash = mi.infoHashes().v1Hex();
            assertEquals(hash, r.json().getObject("torrent").getString("info_hash", null));
            TestHttp.Response missing = f.call("POST", "/api/add_torrent", JsonObject.builder()
                    .put("url", base + "/missing.torrent").build());
            assertEquals(502, missing.status(), missing.text());
            http.join(10_000);
            f.await("/api/torrents/" + hash, t -> "seeding".equals(state(t)) && progress(t) == 1, "completion");
            RealDaemonFixture.assertSameTree(src, f.downloads.resolve("by-url"));
            assertEquals(1, f.session.torrents().size());
        }
    }

    /**
     * The security rules hold in front of the real session: a request with a foreign Host (DNS rebinding) gets 421,
     * a state change without the CSRF token 403, a {@code save_path} outside the roots 403, and none of them adds a
     * torrent; an uploaded file name that climbs out ({@code ../../}) is stored, sanitised, inside the download
     * directory, and the real session seeds it.
     */
    @Test
    void securityRulesHoldInFrontOfTheRealSession() throws Exception {
        Path src = f.sampleSet("guarded", 800);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        byte[] add = io.hivemind.bt.client.daemon.json.JsonWriter.writeBytes(JsonObject.builder()
                .put("torrent", java.util.Base64.getEncoder().encodeToString(mi.encode())).build());
        assertEquals(421, TestHttp.send(f.web(), "GET", "/api/torrents", Map.of("Host", "evil.example:80"), null)
                .status());
        assertEquals(421, TestHttp.send(f.web(), "POST", "/api/add_torrent", Map.of("Host", "evil.example",
                "X-CSRF-Token", f.csrf(), "Content-Type", "application/json"), add).status());
        assertEquals(403, TestHttp.send(f.web(), "POST", "/api/add_torrent", Map.of("Content-Type",
                "application/json"), add).status(), "no CSRF token");
        assertEquals(403, TestHttp.send(f.web(), "POST", "/api/add_torrent", Map.of("X-CSRF-Token", "f".repeat(48),
                "Content-Type", "application/json"), add).status(), "a wrong CSRF token");
        assertEquals(403, f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", java.util.Base64.getEncoder().encodeToString(mi.encode()))
                .put("save_path", "/etc").build()).status());
        assertTrue(f.session.torrents().isEmpty(), "nothing reached the session");

        byte[] data = DaemonRestTestData.bytes(300_000, 12);
        String boundary = "----hivebtGuardBoundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DaemonRestTest.part(body, boundary, "files", "../../escape.bin", data);
        body.writeBytes(DaemonFixture.utf8("--" + boundary + "--\r\n"));
        TestHttp.Response r = TestHttp.send(f.web(), "POST", RestApi.CREATE_PATH, Map.of("X-CSRF-Token", f.csrf(),
                "Content-Type", "multipart/form-data; boundary=" + boundary), body.toByteArray());
        assertEquals(201, r.status(), r.text());
        assertArrayEquals(data, Files.readAllBytes(f.downloads.resolve("escape.bin")), "stored inside the root");
        assertFalse(Files.exists(f.root.resolve("escape.bin")));
        assertFalse(Files.exists(f.root.getParent().resolve("escape.bin")));
        assertEquals("seeding", state(f.get("/api/torrents/" + r.json().getString("info_hash", null)).json()));
        assertEquals(1, f.session.torrents().size());
    }

    private double awaitMetric(String key, java.util.function.DoublePredicate condition, String what) throws Exception {
        long end = System.nanoTime() + RealDaemonFixture.DEADLINE.toNanos();
        Double v = null;
        while (System.nanoTime() < end) {
            v = f.metrics().get(key);
            if (v != null && condition.test(v)) {
                return v;
            }
            Thread.sleep(100); // polling the counters with a bounded deadline
        }
        throw new AssertionError("timed out waiting for " + what + ": " + key + " = " + v);
    }

    /**
     * Restart persistence: a completed torrent, a paused one and a settings change survive a daemon and session
     * restart over the same state directory; the completed torrent comes back seeding from its resume data without
     * downloading a byte (the new session's payload counter stays 0) and without losing its totals.
     */
    @Test
    void completedTorrentComesBackSeedingAfterARestart() throws Exception {
        Path src = f.sampleSet("keep", 500);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        Path src2 = f.sampleSet("later", 600);
        Metainfo mi2 = f.seed(src2, TorrentVersion.V1, 64 * 1024);
        String hash = mi.infoHashes().v1Hex();
        String hash2 = mi2.infoHashes().v1Hex();
        f.addTorrent(mi.encode(), false);
        f.addTorrent(mi2.encode(), true);
        JsonObject done = f.await("/api/torrents/" + hash, t -> "seeding".equals(state(t)), "completion");
        long downloaded = done.getLong("downloaded", 0);
        assertTrue(downloaded >= mi.info().totalLength(), done.toString());
        assertEquals(200, f.call("PATCH", "/api/settings", JsonObject.builder().put("upload_rate_limit", 5_000_000)
                .build()).status());

        f.restartDaemon();

        assertEquals(5_000_000, f.session.settings().uploadRateLimit(), "settings survive");
        assertEquals(2, f.get("/api/torrents").json().getArray("torrents").size());
        JsonObject back = f.await("/api/torrents/" + hash, t -> !"checking".equals(state(t)), "the check after restart");
        assertEquals("seeding", state(back), back.toString());
        assertEquals(1.0, progress(back));
        assertTrue(back.getLong("downloaded", 0) >= downloaded, "the totals come back with the resume data: " + back);
        assertEquals(1, back.getInt("id", 0), "ids survive");
        assertEquals("paused", state(f.get("/api/torrents/" + hash2).json()));
        assertEquals(0, f.session.stats().totalDownloaded(), "nothing was downloaded again");
        assertEquals(0, f.get("/api/stats").json().getLong("total_downloaded", -1));
    }
}
