package io.hivemind.bt.client.daemon.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.DaemonFixture;
import io.hivemind.bt.client.daemon.DaemonRestTestData;
import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.TestHttp;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Transmission RPC methods, envelopes and refusals, over HTTP with the session-id handshake. */
class TransmissionRpcTest {
    private DaemonFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new DaemonFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private JsonObject call(String method, JsonObject args) throws Exception {
        return f.rpc(JsonObject.builder().put("method", method).put("arguments", args).put("tag", 42).build());
    }

    private int addTorrent(String name, long seed) throws Exception {
        byte[] t = TestTorrents.multi(name, List.of("a.bin", "b.bin", "c.bin"), List.of(
                DaemonRestTestData.bytes(20000, seed), DaemonRestTestData.bytes(20000, seed + 1),
                DaemonRestTestData.bytes(20000, seed + 2)), 16384);
        JsonObject r = call("torrent-add", JsonObject.builder().put("metainfo", Base64.getEncoder().encodeToString(t))
                .put("files-unwanted", JsonArray.builder().add(1).build())
                .put("priority-high", JsonArray.builder().add(2).build()).build());
        assertEquals("success", r.getString("result", null), r.toString());
        assertEquals(42, r.getInt("tag", 0));
        return r.getObject("arguments").getObject("torrent-added").getInt("id", 0);
    }

    @Test
    void handshakeEnvelopeAndSessionGet() throws Exception {
        TestHttp.Response first = TestHttp.send(f.rpc(), "POST", "/transmission/rpc", Map.of(),
                DaemonFixture.utf8("{\"method\":\"session-get\"}"));
        assertEquals(409, first.status());
        String sid = first.header("X-Transmission-Session-Id");
        assertEquals(48, sid.length());
        JsonObject s = call("session-get", JsonObject.EMPTY).getObject("arguments");
        assertEquals(17, s.getInt("rpc-version", 0));
        assertTrue(s.getString("version", "").compareTo("2.40") >= 0);
        assertEquals(sid, s.getString("session-id", null));
        assertEquals("unknown method", call("no-such-method", JsonObject.EMPTY).getString("result", "")
                .replace("method name not recognized", "unknown method"));
        // the REST port also serves the RPC; the RPC port serves nothing else
        assertEquals(404, TestHttp.send(f.rpc(), "GET", "/api/torrents", Map.of(), null).status());
    }

    @Test
    void addGetSetQueueAndRemove() throws Exception {
        int id = addTorrent("set", 10);
        FakeSession.FakeHandle h = f.session.handles().getFirst();
        assertEquals(List.of(4, 0, 6), h.priorities());
        JsonObject dup = call("torrent-add", JsonObject.builder().put("metainfo", Base64.getEncoder().encodeToString(
                f.daemon.store().loadTorrentFile(h.infoHashes().v1Hex()))).build());
        assertTrue(dup.getObject("arguments").has("torrent-duplicate"));

        h.advance(30000, 1000);
        JsonObject got = call("torrent-get", JsonObject.builder().put("ids", JsonArray.builder()
                .add(h.infoHashes().v1Hex()).build()).put("fields", JsonArray.ofStrings(List.of("id", "name",
                "percentDone", "status", "files", "fileStats", "peers", "trackerStats", "hashString", "no-such-field")))
                .build()).getObject("arguments");
        JsonObject t = (JsonObject) got.getArray("torrents").get(0);
        assertEquals(id, t.getInt("id", 0));
        assertEquals(0.5, t.getDouble("percentDone", 0));
        assertEquals(4, t.getInt("status", 0));
        assertEquals("set/b.bin", ((JsonObject) t.getArray("files").get(1)).getString("name", null));
        assertEquals(false, ((JsonObject) t.getArray("fileStats").get(1)).getBoolean("wanted", true));
        assertEquals(1, ((JsonObject) t.getArray("fileStats").get(2)).getInt("priority", 0));
        assertTrue(!t.has("no-such-field"));

        assertEquals("success", call("torrent-set", JsonObject.builder().put("ids", id)
                .put("files-wanted", JsonArray.builder().add(1).build()).put("uploadLimit", 50)
                .put("uploadLimited", true).build()).getString("result", null));
        assertEquals(List.of(4, 4, 6), h.priorities());
        assertEquals(50_000, h.uploadLimit());

        int id2 = addTorrent("second", 20);
        assertNotEquals(id, id2);
        JsonObject recent = call("torrent-get", JsonObject.builder().put("ids", "recently-active")
                .put("fields", JsonArray.ofStrings(List.of("id"))).build()).getObject("arguments");
        assertEquals(2, recent.getArray("torrents").size());
        assertEquals("success", call("queue-move-top", JsonObject.builder().put("ids", id2).build())
                .getString("result", null));
        assertEquals(0, f.session.handles().get(1).status().queuePosition());
        assertEquals(1, h.status().queuePosition(), "the other one moved down, as in the session's queue");
        call("queue-move-down", JsonObject.builder().put("ids", id2).build());
        assertEquals(List.of(0, 1), List.of(h.status().queuePosition(),
                f.session.handles().get(1).status().queuePosition()));
        call("queue-move-up", JsonObject.builder().put("ids", id2).build());
        assertEquals(0, f.session.handles().get(1).status().queuePosition());
        call("queue-move-bottom", JsonObject.builder().put("ids", id2).build());
        assertEquals(1, f.session.handles().get(1).status().queuePosition());
        assertEquals(0, h.status().queuePosition());

        assertEquals("success", call("torrent-remove", JsonObject.builder().put("ids", id)
                .put("delete-local-data", true).build()).getString("result", null));
        assertTrue(h.deletedData());
        JsonObject after = call("torrent-get", JsonObject.builder().put("ids", "recently-active")
                .put("fields", JsonArray.ofStrings(List.of("id"))).build()).getObject("arguments");
        assertEquals(List.of(id), after.getArray("removed").values().stream()
                .map(v -> ((io.hivemind.bt.client.daemon.json.JsonNumber) v).intValue()).toList());
        JsonObject stats = call("session-stats", JsonObject.EMPTY).getObject("arguments");
        assertEquals(1, stats.getInt("torrentCount", 0));
    }

    @Test
    void refusesScriptsAndDirectoriesOutsideTheRootsWithoutChangingAnything() throws Exception {
        int before = f.session.mutations();
        assertTrue(call("session-set", JsonObject.builder().put("script-torrent-done-enabled", true)
                .put("script-torrent-done-filename", "/bin/sh").put("speed-limit-up", 5)
                .put("speed-limit-up-enabled", true).build()).getString("result", "").contains("not supported"));
        assertTrue(call("session-set", JsonObject.builder().put("download-dir", "/etc").put("speed-limit-up", 5)
                .put("speed-limit-up-enabled", true).build()).getString("result", "").contains("outside"));
        byte[] t = TestTorrents.single("x.bin", DaemonRestTestData.bytes(1000, 1), 16384, null);
        assertTrue(call("torrent-add", JsonObject.builder().put("metainfo", Base64.getEncoder().encodeToString(t))
                .put("download-dir", "/tmp/../etc").build()).getString("result", "").contains("outside"));
        assertTrue(call("torrent-add", JsonObject.builder().put("filename", "/etc/passwd").build())
                .getString("result", "").contains("outside"));
        assertTrue(call("free-space", JsonObject.builder().put("path", "/").build()).getString("result", "")
                .contains("outside"));
        assertEquals(before, f.session.mutations());
        assertEquals(0, f.session.settings().uploadRateLimit());
        // what is allowed works
        assertEquals("success", call("session-set", JsonObject.builder().put("speed-limit-up", 5)
                .put("speed-limit-up-enabled", true).put("encryption", "required").build()).getString("result", null));
        assertEquals(5000, f.session.settings().uploadRateLimit());
        JsonObject free = call("free-space", JsonObject.builder().put("path", f.downloads.toString()).build());
        assertTrue(free.getObject("arguments").getLong("size-bytes", -1) > 0);
        assertEquals("success", call("port-test", JsonObject.EMPTY).getString("result", null));
        Metainfo.parse(t);
    }
}
