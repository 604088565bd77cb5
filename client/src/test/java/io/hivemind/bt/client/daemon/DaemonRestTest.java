package io.hivemind.bt.client.daemon;

import static io.hivemind.bt.client.daemon.DaemonFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.rest.RestApi;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API end to end over HTTP, against a daemon backed by the {@link FakeSession}. */
class DaemonRestTest {
    private DaemonFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new DaemonFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private JsonObject addBase64(byte[] torrent) throws Exception {
        TestHttp.Response r = f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(torrent)).build());
        assertEquals(201, r.status(), r.text());
        return r.json().getObject("torrent");
    }

    @Test
    void addListDetailPauseResumePatchDelete() throws Exception {
        byte[] torrent = TestTorrents.multi("album", List.of("a.flac", "b/c.flac"), List.of(data(40000, 1),
                data(9000, 2)), 16384);
        String hash = Metainfo.parse(torrent).infoHashes().v1Hex();
        JsonObject added = addBase64(torrent);
        assertEquals(hash, added.getString("info_hash", null));
        assertEquals("album", added.getString("name", null));
        assertEquals(1, added.getInt("id", 0));

        JsonArray list = f.get("/api/torrents").json().getArray("torrents");
        assertEquals(1, list.size());

        FakeSession.FakeHandle h = f.session.handles().getFirst();
        h.advance(20000, 5000);
        JsonObject detail = f.get("/api/torrents/" + hash).json();
        assertEquals("downloading", detail.getString("state", null));
        assertEquals(20000, detail.getLong("done", 0));
        assertEquals(5000, detail.getLong("download_rate", 0));
        assertEquals(2, detail.getArray("files").size());
        assertEquals("b/c.flac", ((JsonObject) detail.getArray("files").get(1)).getString("path", null));
        assertEquals(1, detail.getArray("peer_list").size());
        assertTrue(detail.getString("magnet", "").startsWith("magnet:?xt=urn:btih:" + hash));

        assertEquals(200, f.call("POST", "/api/torrents/" + hash + "/pause", null).status());
        assertTrue(h.isPaused());
        assertEquals("paused", f.get("/api/torrents/" + hash).json().getString("state", null));
        assertEquals(200, f.call("POST", "/api/torrents/" + hash + "/resume", null).status());
        assertFalse(h.isPaused());
        assertEquals(200, f.call("POST", "/api/torrents/" + hash + "/recheck", null).status());
        assertEquals(1, h.rechecks());
        assertEquals(200, f.call("POST", "/api/torrents/" + hash + "/reannounce", null).status());
        assertEquals(1, h.reannounces());

        TestHttp.Response p = f.call("PATCH", "/api/torrents/" + hash, JsonObject.builder()
                .put("upload_limit", 1000).put("download_limit", 2000)
                .put("file_priorities", JsonObject.builder().put("1", 0).build())
                .put("queue_position", 3).build());
        assertEquals(200, p.status(), p.text());
        assertEquals(1000, h.uploadLimit());
        assertEquals(2000, h.downloadLimit());
        assertEquals(List.of(4, 0), h.priorities());
        assertEquals(0, p.json().getInt("queue_position", -1), "beyond the end means last, as in the session queue");

        // invalid patches change nothing
        int before = f.session.mutations();
        assertEquals(400, f.call("PATCH", "/api/torrents/" + hash, JsonObject.builder()
                .put("upload_limit", 5).put("file_priorities", JsonArray.builder().add(9).add(1).build()).build()).status());
        assertEquals(400, f.call("PATCH", "/api/torrents/" + hash, JsonObject.builder().put("bogus", 1).build()).status());
        assertEquals(403, f.call("PATCH", "/api/torrents/" + hash, JsonObject.builder().put("upload_limit", 5)
                .put("save_path", "/etc").build()).status());
        assertEquals(before, f.session.mutations());
        assertEquals(1000, h.uploadLimit());

        TestHttp.Response t = f.get("/api/torrents/" + hash + "/torrent");
        assertEquals(200, t.status());
        assertEquals("application/x-bittorrent", t.header("content-type"));
        assertArrayEquals(torrent, t.body());

        TestHttp.Response d = f.call("DELETE", "/api/torrents/" + hash + "?delete_data=true", null);
        assertEquals(200, d.status(), d.text());
        assertTrue(h.deletedData());
        assertEquals(0, f.get("/api/torrents").json().getArray("torrents").size());
        assertEquals(404, f.get("/api/torrents/" + hash).status());
        assertNull(f.daemon.store().loadTorrentFile(hash));
    }

    @Test
    void duplicatesAndMagnets() throws Exception {
        byte[] torrent = TestTorrents.single("x.bin", data(5000, 3), 16384, "http://127.0.0.1:1/announce");
        addBase64(torrent);
        TestHttp.Response again = f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(torrent)).build());
        assertEquals(200, again.status());
        assertTrue(again.json().getBoolean("duplicate", false));

        String magnet = "magnet:?xt=urn:btih:" + "ab".repeat(20) + "&dn=Some%20Name";
        TestHttp.Response m = f.call("POST", "/api/add_torrent", JsonObject.builder().put("magnet", magnet)
                .put("priority", "high").put("paused", true).build());
        assertEquals(201, m.status(), m.text());
        assertEquals("Some Name", m.json().getObject("torrent").getString("name", null));
        assertEquals("paused", m.json().getObject("torrent").getString("state", null));
        assertEquals(404, f.get("/api/torrents/" + "ab".repeat(20) + "/torrent").status());
        assertEquals(2, f.session.handles().size());
    }

    @Test
    void badRequestsGetJsonErrorsAndChangeNothing() throws Exception {
        int before = f.session.mutations();
        TestHttp.Response bad = TestHttp.send(f.web(), "POST", "/api/add_torrent",
                Map.of("X-CSRF-Token", f.csrf()), utf8("{\"torrent\": "));
        assertEquals(400, bad.status());
        assertEquals(400, bad.json().getInt("status", 0));
        assertNotNull(bad.json().getString("error", null));
        assertEquals(400, f.call("POST", "/api/add_torrent", JsonObject.builder().put("torrent", "!!!").build()).status());
        assertEquals(400, f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(utf8("d4:infoi1ee"))).build()).status());
        assertEquals(400, f.call("POST", "/api/add_torrent", JsonObject.builder().put("magnet", "magnet:?dn=x").build())
                .status());
        assertEquals(400, f.call("POST", "/api/add_torrent", JsonObject.EMPTY).status());
        byte[] torrent = TestTorrents.single("x.bin", data(5000, 4), 16384, null);
        TestHttp.Response outside = f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(torrent)).put("save_path", "../../../../etc").build());
        assertEquals(403, outside.status(), outside.text());
        assertEquals(403, f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent_file", "/etc/passwd").build()).status());
        assertEquals(404, f.get("/api/nothing").status());
        assertEquals(404, f.get("/api/torrents/" + "00".repeat(20)).status());
        assertEquals(405, f.call("DELETE", "/api/torrents", null).status());
        byte[] big = new byte[17 << 20];
        TestHttp.Response tooBig = TestHttp.send(f.web(), "POST", "/api/add_torrent",
                Map.of("X-CSRF-Token", f.csrf()), big);
        assertEquals(413, tooBig.status());
        assertEquals(before, f.session.mutations());
        assertEquals(0, f.session.handles().size());
    }

    @Test
    void savePathInsideAnotherRootIsAccepted() throws Exception {
        byte[] torrent = TestTorrents.single("y.bin", data(5000, 5), 16384, null);
        Path other = f.root.resolve("other-root").resolve("sub");
        TestHttp.Response r = f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(torrent)).put("save_path", other.toString()).build());
        assertEquals(201, r.status(), r.text());
        assertEquals(other.toString(), f.session.handles().getFirst().savePath().toString());
        // a symlink inside a root that points outside is refused
        Path link = f.downloads.resolve("escape");
        Files.createSymbolicLink(link, Path.of("/tmp"));
        byte[] t2 = TestTorrents.single("z.bin", data(5000, 6), 16384, null);
        assertEquals(403, f.call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(t2)).put("save_path", "escape/x").build()).status());
    }

    /** The seed's create_torrent: multipart upload, torrent created, seeding at once, .torrent downloadable. */
    @Test
    void createTorrentFromUpload() throws Exception {
        byte[] a = data(70000, 7);
        byte[] b = data(100, 8);
        String boundary = "----hivebtBoundary7MA4YWxkTrZu0gW";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "announce", null, utf8("http://tracker.example/announce"));
        part(body, boundary, "comment", null, utf8("made by a test"));
        part(body, boundary, "private", null, utf8("1"));
        part(body, boundary, "piece_size", null, utf8("32768"));
        part(body, boundary, "name", null, utf8("my/../set"));
        part(body, boundary, "files", "..\\..\\evil\u202e.txt", a);
        part(body, boundary, "files", "sub/b.bin", b);
        body.writeBytes(utf8("--" + boundary + "--\r\n"));
        TestHttp.Response r = TestHttp.send(f.web(), "POST", RestApi.CREATE_PATH, Map.of("X-CSRF-Token", f.csrf(),
                "Content-Type", "multipart/form-data; boundary=" + boundary), body.toByteArray());
        assertEquals(201, r.status(), r.text());
        JsonObject c = r.json();
        assertEquals(a.length + b.length, c.getLong("size", 0));
        assertEquals("my_.._set", c.getString("name", null));
        Path content = f.downloads.resolve("my_.._set");
        assertArrayEquals(a, Files.readAllBytes(content.resolve("evil.txt")));
        assertArrayEquals(b, Files.readAllBytes(content.resolve("sub/b.bin")));
        TestHttp.Response t = f.get(c.getString("torrent_file", null));
        assertEquals(200, t.status());
        Metainfo m = Metainfo.parse(t.body());
        assertEquals(c.getString("info_hash", null), m.infoHashes().v1Hex());
        assertTrue(m.info().isPrivate());
        assertEquals(32768, m.info().pieceLength());
        assertEquals("made by a test", m.comment());
        assertTrue(c.getString("magnet", "").contains(m.infoHashes().v1Hex()));
        assertEquals(TorrentState.SEEDING, f.session.handles().getFirst().status().state());
        // the temporary upload directory is gone
        try (var s = Files.list(f.downloads.resolve(".hivebt-uploads"))) {
            assertEquals(0, s.count());
        }
        // v2 is not available from the test factory: 501, and no data is left behind
        ByteArrayOutputStream v2 = new ByteArrayOutputStream();
        part(v2, boundary, "kind", null, utf8("v2"));
        part(v2, boundary, "files", "v2.bin", b);
        v2.writeBytes(utf8("--" + boundary + "--\r\n"));
        TestHttp.Response r2 = TestHttp.send(f.web(), "POST", RestApi.CREATE_PATH, Map.of("X-CSRF-Token", f.csrf(),
                "Content-Type", "multipart/form-data; boundary=" + boundary), v2.toByteArray());
        assertEquals(501, r2.status(), r2.text());
        assertFalse(Files.exists(f.downloads.resolve("v2.bin")));
        // a truncated body is a 400 and leaves nothing
        byte[] cut = java.util.Arrays.copyOf(body.toByteArray(), body.size() - 10);
        assertEquals(400, TestHttp.send(f.web(), "POST", RestApi.CREATE_PATH, Map.of("X-CSRF-Token", f.csrf(),
                "Content-Type", "multipart/form-data; boundary=" + boundary), cut).status());
        assertEquals(1, f.session.handles().size());
    }

    static void part(ByteArrayOutputStream out, String boundary, String name, String filename, byte[] content) {
        out.writeBytes(utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename != null ? "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream" : "")
                + "\r\n\r\n"));
        out.writeBytes(content);
        out.writeBytes(utf8("\r\n"));
    }

    @Test
    void settingsAreReadPatchedValidatedAndPersisted() throws Exception {
        JsonObject s = f.get("/api/settings").json();
        assertEquals(0, s.getLong("upload_rate_limit", -1));
        TestHttp.Response p = f.call("PATCH", "/api/settings", JsonObject.builder().put("upload_rate_limit", 50000)
                .put("encryption", "forced").build());
        assertEquals(200, p.status(), p.text());
        assertEquals(50000, f.session.settings().uploadRateLimit());
        assertEquals("forced", p.json().getString("encryption", null));
        int before = f.session.mutations();
        assertEquals(400, f.call("PATCH", "/api/settings", JsonObject.builder().put("storage", "mmap").build()).status());
        assertEquals(400, f.call("PATCH", "/api/settings", JsonObject.builder().put("connections_limit", -1).build()).status());
        assertEquals(400, f.call("PATCH", "/api/settings", JsonObject.builder().put("state_directory", "/").build()).status());
        assertEquals(400, f.call("PATCH", "/api/settings", JsonObject.builder()
                .put("backup_trackers", JsonArray.ofStrings(List.of("file:///etc/passwd"))).build()).status());
        assertEquals(before, f.session.mutations());
        JsonObject saved = f.daemon.store().loadSettings();
        assertEquals(50000, saved.getLong("upload_rate_limit", 0));
    }

    @Test
    void statsSessionAndOpenApi() throws Exception {
        JsonObject st = f.get("/api/stats").json();
        for (String k : List.of("total_downloaded", "total_uploaded", "download_rate", "upload_rate", "peers",
                "dht_nodes", "active_downloads", "active_seeds")) {
            assertTrue(st.has(k), k);
        }
        JsonObject session = f.get("/api/session").json();
        assertEquals(64, session.getString("csrf_token", "").length() + 16);
        TestHttp.Response o = f.get("/api/openapi.json");
        assertEquals(200, o.status());
        JsonObject doc = JsonReader.parseObject(o.body(), JsonLimits.DEFAULT);
        assertTrue(doc.getString("openapi", "").startsWith("3."));
        JsonObject paths = doc.getObject("paths");
        for (String route : RestApi.ROUTES) {
            String[] mp = route.split(" ");
            JsonObject path = paths.getObject(mp[1]);
            assertNotNull(path, "OpenAPI lacks " + mp[1]);
            JsonValue op = path.get(mp[0].toLowerCase(java.util.Locale.ROOT));
            assertNotNull(op, "OpenAPI lacks " + route);
        }
    }

    @Test
    void staticUiIsServedWithSecurityHeaders() throws Exception {
        TestHttp.Response r = f.get("/");
        assertEquals(200, r.status());
        assertTrue(r.text().contains("<title>hivebt</title>"));
        assertTrue(r.header("content-security-policy").contains("script-src 'self'"));
        assertEquals("DENY", r.header("x-frame-options"));
        assertEquals(200, f.get("/app.js").status());
        assertEquals(200, f.get("/style.css").status());
        assertEquals(404, f.get("/../../etc/passwd").status());
        assertEquals(404, f.get("/%2e%2e/%2e%2e/etc/passwd").status());
        assertEquals(404, f.get("/WEB-INF/web.xml").status());
    }
}
