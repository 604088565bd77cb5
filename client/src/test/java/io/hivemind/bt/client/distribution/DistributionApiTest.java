package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.TestHttp;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.daemon.rest.DistributionApi;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.MutableItem;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /api/distributions} routes over HTTP against real sessions: authentication (the daemon's bearer token
 * or CSRF), body limits, validation of every member, path confinement, and the routes' answers (HARDENING.md "Web
 * UI, REST and RPC": rejected requests change no state).
 */
class DistributionApiTest {
    private static final String TOKEN = "api-test-token";

    private static TestHttp.Response call(TestNode n, String method, String path, String body, String token)
            throws Exception {
        Map<String, String> h = new LinkedHashMap<>();
        if (token != null) {
            h.put("Authorization", "Bearer " + token);
        }
        byte[] b = null;
        if (body != null) {
            h.put("Content-Type", "application/json");
            b = body.getBytes(StandardCharsets.UTF_8);
        }
        return TestHttp.send((InetSocketAddress) n.daemon.webAddress(), method, path, h, b);
    }

    private static String notifyBody(MutableItem item) {
        return JsonWriter.write(JsonObject.builder().put("item", ItemJson.toJson(item)).build());
    }

    @Test
    void workerRoutes(@TempDir Path tmp) throws Exception {
        ChannelKey key = ChannelKey.generate("resnet");
        try (TestNode w = TestNode.start(tmp.resolve("w"), TOKEN, TestNode.settings(false).build())) {
            assertEquals(404, call(w, "GET", "/api/distributions", null, TOKEN).status(), "nothing attached");
            w.worker = Worker.builder(w.session).config(WorkerConfig.builder(WorkerId.of("w"), tmp.resolve("w/data"))
                    .channel(key.channel()).useDht(false).build()).start();
            w.attach();
            MutableItem v3 = key.sign(key.channel().salt(), 3, VersionGateTest.model("3", (byte) 3));
            MutableItem v2 = key.sign(key.channel().salt(), 2, VersionGateTest.model("2", (byte) 2));

            assertEquals(401, call(w, "POST", "/api/distributions/notify", notifyBody(v3), null).status());
            assertEquals(401, call(w, "POST", "/api/distributions/notify", notifyBody(v3), "wrong").status());
            w.daemon.guardThrottleResetForTest();
            for (String bad : List.of("{", "[]", "{\"item\": 5}", "{\"item\": {}, \"extra\": 1}",
                    "{\"item\": {\"k\": \"zz\", \"seq\": 1, \"v\": \"\", \"sig\": \"\"}}",
                    notifyBody(v3).replace("\"seq\":3", "\"seq\":\"3\""))) {
                TestHttp.Response r = call(w, "POST", "/api/distributions/notify", bad, TOKEN);
                assertEquals(400, r.status(), bad + " -> " + r.text());
            }
            String big = "{\"item\": \"" + "x".repeat(9000) + "\"}";
            assertEquals(413, call(w, "POST", "/api/distributions/notify", big, TOKEN).status());
            String huge = "{\"item\": \"" + "x".repeat(70_000) + "\"}";
            assertEquals(413, call(w, "POST", "/api/distributions/notify", huge, TOKEN).status(), "body policy");
            assertEquals(-1, w.worker.acceptedSeq(key.channel()), "rejected requests change nothing");

            TestHttp.Response ok = call(w, "POST", "/api/distributions/notify", notifyBody(v3), TOKEN);
            assertEquals(202, ok.status(), ok.text());
            assertEquals("accepted", ok.json().getString("outcome", null));
            assertEquals(200, call(w, "POST", "/api/distributions/notify", notifyBody(v3), TOKEN).status());
            assertEquals(409, call(w, "POST", "/api/distributions/notify", notifyBody(v2), TOKEN).status());
            assertEquals(405, call(w, "GET", "/api/distributions/notify", null, TOKEN).status());

            JsonObject list = call(w, "GET", "/api/distributions", null, TOKEN).json();
            JsonObject worker = list.getObject("worker");
            assertEquals("w", worker.getString("id", null));
            assertEquals(1, worker.getArray("copies").size());
            assertEquals(3, ((JsonObject) worker.getArray("copies").get(0)).getLong("seq", 0));
            assertEquals(null, list.getObject("coordinator"));
            assertEquals(404, call(w, "GET", "/api/distributions/workers", null, TOKEN).status(),
                    "coordinator routes on a worker");
        }
    }

    @Test
    void coordinatorRoutes(@TempDir Path tmp) throws Exception {
        ChannelKey key = ChannelKey.generate("resnet");
        Path data = tmp.resolve("c/data");
        DistributionLoopbackTest.writeRandom(data.resolve("in.bin"), 100_000, 1);
        DistributionLoopbackTest.writeRandom(data.resolve("model.bin"), 100_000, 2);
        Path outside = tmp.resolve("outside.bin");
        Files.writeString(outside, "secret");
        try (TestNode c = TestNode.start(tmp.resolve("c"), TOKEN, TestNode.settings(false).build())) {
            c.coordinator = Coordinator.builder(c.session).config(CoordinatorConfig.builder(key, tmp.resolve("work"))
                    .token(TOKEN).trackerBind(new InetSocketAddress("127.0.0.1", 0)).pieceLength(16384)
                    .timeout(Duration.ofMinutes(5)).build()).start();
            c.attach();
            String in = data.resolve("in.bin").toString();
            List<String[]> bad = List.of(
                    new String[] {"{\"kind\": \"evil\"}", "400"},
                    new String[] {"{\"kind\": \"task\", \"task_id\": \"t\", \"files\": [\"" + in + "\"], "
                            + "\"workers\": [\"w1\"], \"x\": 1}", "400"},
                    new String[] {"{\"kind\": \"task\", \"task_id\": \"../t\", \"files\": [\"" + in + "\"], "
                            + "\"workers\": [\"w1\"]}", "400"},
                    new String[] {"{\"kind\": \"task\", \"task_id\": \"t\", \"files\": [\"" + in + "\"], "
                            + "\"workers\": [\"bad id\"]}", "400"},
                    new String[] {"{\"kind\": \"task\", \"task_id\": \"t\", \"files\": [\"" + outside + "\"], "
                            + "\"workers\": [\"w1\"]}", "403"},
                    new String[] {"{\"kind\": \"task\", \"task_id\": \"t\", \"files\": [\"" + data.resolve("none")
                            + "\"], \"workers\": [\"w1\"]}", "404"},
                    new String[] {"{\"kind\": \"task\", \"task_id\": \"t\", \"files\": [\"" + in + "\"], "
                            + "\"workers\": []}", "400"},
                    new String[] {"{\"kind\": \"model\", \"path\": \"" + in + "\", \"metadata\": {\"a\": 1}}", "400"},
                    new String[] {"{\"kind\": \"task\", \"task_id\": \"t\", \"files\": [\"" + in + "\"], "
                            + "\"workers\": [\"w1\"], \"timeout_seconds\": 0}", "400"});
            for (String[] b : bad) {
                TestHttp.Response r = call(c, "POST", "/api/distributions", b[0], TOKEN);
                assertEquals(Integer.parseInt(b[1]), r.status(), b[0] + " -> " + r.text());
            }
            assertTrue(c.coordinator.distributions().isEmpty(), "rejected requests change nothing");

            TestHttp.Response created = call(c, "POST", "/api/distributions", "{\"kind\": \"task\", \"task_id\": \"t1\","
                    + " \"files\": [\"" + in + "\"], \"workers\": [\"w1\", \"w2\"]}", TOKEN);
            assertEquals(201, created.status(), created.text());
            String id = created.json().getObject("distribution").getString("id", null);
            assertEquals(2, created.json().getObject("distribution").getInt("targets", 0));

            // progress reports: validated, bounded, reflected per worker
            String path = "/api/distributions/" + id + "/progress";
            assertEquals(400, call(c, "POST", path, "{\"worker\": \"w1\", \"state\": \"bogus\"}", TOKEN).status());
            assertEquals(400, call(c, "POST", path, "{\"worker\": \"w1\", \"state\": \"complete\", \"done\": -1}",
                    TOKEN).status());
            assertEquals(413, call(c, "POST", path, "{\"worker\": \"w1\", \"state\": \"error\", \"error\": \""
                    + "e".repeat(5000) + "\"}", TOKEN).status());
            assertEquals(404, call(c, "POST", "/api/distributions/" + "0".repeat(40) + "/progress",
                    "{\"worker\": \"w1\", \"state\": \"complete\"}", TOKEN).status());
            assertEquals(404, call(c, "POST", "/api/distributions/nothex/progress", "{}", TOKEN).status());
            assertEquals(401, call(c, "POST", path, "{\"worker\": \"w1\", \"state\": \"complete\"}", null).status());
            c.daemon.guardThrottleResetForTest();
            assertEquals(204, call(c, "POST", path, "{\"worker\": \"w1\", \"state\": \"downloading\", \"done\": "
                    + "5000, \"total\": 100000, \"rate\": 7, \"uploaded\": 3}", TOKEN).status());
            JsonObject detail = call(c, "GET", "/api/distributions/" + id, null, TOKEN).json();
            JsonObject w1 = (JsonObject) detail.getArray("workers").get(0);
            assertEquals("w1", w1.getString("worker", null));
            assertEquals("downloading", w1.getString("state", null));
            assertEquals(5000, w1.getLong("done", 0));
            assertEquals(404, call(c, "GET", "/api/distributions/" + "0".repeat(40), null, TOKEN).status());

            // check-in: validated, answered with the items for the worker (the task names w2)
            assertEquals(400, call(c, "POST", "/api/distributions/workers",
                    "{\"id\": \"w2\", \"channels\": [\"nothex\"]}", TOKEN).status());
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 65; i++) {
                many.add(key.channel().publicKeyHex() + ":c" + i);
            }
            assertEquals(400, call(c, "POST", "/api/distributions/workers", JsonWriter.write(JsonObject.builder()
                    .put("id", "w2").put("channels", JsonArray.ofStrings(many)).build()), TOKEN).status());
            assertEquals(400, call(c, "POST", "/api/distributions/workers", "{\"id\": \"w2\", \"channels\": [], "
                    + "\"api\": \"file:///etc\"}", TOKEN).status());
            TestHttp.Response ci = call(c, "POST", "/api/distributions/workers", "{\"id\": \"w2\", \"channels\": [\""
                    + key.channel() + "\"], \"api\": \"http://127.0.0.1:1\"}", TOKEN);
            assertEquals(200, ci.status(), ci.text());
            JsonArray items = ci.json().getArray("items");
            assertEquals(1, items.size());
            assertEquals(Announcement.decode(ItemJson.fromJson(items.get(0)).value()).taskId(), "t1");
            JsonArray workers = call(c, "GET", "/api/distributions/workers", null, TOKEN).json().getArray("workers");
            assertEquals("w2", ((JsonObject) workers.get(0)).getString("id", null));

            // a model created without broadcasting, then broadcast
            TestHttp.Response m = call(c, "POST", "/api/distributions", "{\"kind\": \"model\", \"path\": \""
                    + data.resolve("model.bin") + "\", \"metadata\": {\"version\": \"1\"}, \"broadcast\": false}", TOKEN);
            assertEquals(201, m.status(), m.text());
            assertEquals(-1, m.json().getLong("seq", 0));
            String mid = m.json().getObject("distribution").getString("id", null);
            assertEquals(409, call(c, "POST", "/api/distributions/" + id + "/broadcast", "", TOKEN).status());
            TestHttp.Response b = call(c, "POST", "/api/distributions/" + mid + "/broadcast", "", TOKEN);
            assertEquals(200, b.status(), b.text());
            assertTrue(b.json().getLong("seq", 0) >= 1);
            JsonObject list = call(c, "GET", "/api/distributions", null, TOKEN).json().getObject("coordinator");
            assertEquals(2, list.getArray("distributions").size());
            assertEquals(key.channel().toString(), list.getString("channel", null));
            assertEquals(404, call(c, "POST", "/api/distributions/notify", notifyBody(key.sign(key.channel().salt(),
                    9, VersionGateTest.model("9", (byte) 9))), TOKEN).status(), "not a worker");
        }
    }

    @Test
    void withoutCredentialsTheCsrfHandshakeApplies(@TempDir Path tmp) throws Exception {
        ChannelKey key = ChannelKey.generate("m");
        try (TestNode w = TestNode.start(tmp.resolve("w"), null, TestNode.settings(false).build())) {
            w.worker = Worker.builder(w.session).config(WorkerConfig.builder(WorkerId.of("w"), tmp.resolve("w/data"))
                    .channel(key.channel()).useDht(false).build()).start();
            w.attach();
            MutableItem v1 = key.sign(key.channel().salt(), 1, VersionGateTest.model("1", (byte) 1));
            TestHttp.Response r = call(w, "POST", "/api/distributions/notify", notifyBody(v1), null);
            assertEquals(403, r.status());
            assertNotNull(r.header("X-CSRF-Token"));
            // the client the coordinator and workers use does the handshake by itself
            JsonHttp http = new JsonHttp(null, Duration.ofSeconds(10));
            JsonHttp.Answer a = http.post(URI.create("http://127.0.0.1:" + w.daemon.webAddress().getPort()
                    + "/api/distributions/notify"), JsonReader.parseObject(notifyBody(v1).getBytes(
                    StandardCharsets.UTF_8), JsonLimits.DEFAULT));
            assertEquals(202, a.status(), a.body().toString());
        }
    }

    /** Every route is in the OpenAPI document. */
    @Test
    void openApiDocumentsTheRoutes() throws Exception {
        byte[] doc;
        try (var in = DistributionApi.class.getResourceAsStream("/io/hivemind/bt/client/daemon/web/openapi.json")) {
            doc = in.readAllBytes();
        }
        JsonObject paths = JsonReader.parseObject(doc, JsonLimits.WITH_TORRENT).getObject("paths");
        for (String route : DistributionApi.ROUTES) {
            String[] mp = route.split(" ");
            JsonObject p = paths.getObject(mp[1]);
            assertNotNull(p, "OpenAPI lacks " + mp[1]);
            assertNotNull(p.get(mp[0].toLowerCase(java.util.Locale.ROOT)), "OpenAPI lacks " + route);
        }
    }
}
