package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.TestHttp;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.MutableItem;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end test: a coordinator ({@code hivebt publish}) and 8 workers ({@code hivebt worker}), each in
 * its own JVM, on loopback, with the embedded tracker, the DHT (BEP 44/46) and the daemon APIs:
 * <ul>
 *   <li>workers started after the first model version catch up to it (check-in, DHT);</li>
 *   <li>a task of several files ({@code POST /api/distributions}) and a second model version reach every worker,
 *       verified byte for byte, and the coordinator's per-worker status shows all of them complete;</li>
 *   <li>a worker killed with SIGKILL mid-download resumes after a restart (it re-adds the held torrent from its state
 *       and fetches only what it lacked);</li>
 *   <li>a worker started late gets the latest version (not the older one) and the task meant for it;</li>
 *   <li>forged (bad signature, foreign key) and replayed (lower sequence number) notifications are refused over
 *       HTTP and change nothing (BEP 44 signature and {@code seq} rules).</li>
 * </ul>
 */
class DistributionProcessTest {
    private static final String TOKEN = "e2e-cluster-token-41d9";
    private static final int WORKERS = 8;
    private static volatile long T0 = System.nanoTime();

    record Api(String base) {
        InetSocketAddress address() {
            URI u = URI.create(base);
            return new InetSocketAddress(u.getHost(), u.getPort());
        }

        TestHttp.Response call(String method, String path, JsonObject body) throws Exception {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Authorization", "Bearer " + TOKEN);
            byte[] b = null;
            if (body != null) {
                h.put("Content-Type", "application/json");
                b = JsonWriter.write(body).getBytes(StandardCharsets.UTF_8);
            }
            return TestHttp.send(address(), method, path, h, b);
        }

        JsonObject get(String path) throws Exception {
            TestHttp.Response r = call("GET", path, null);
            assertEquals(200, r.status(), path + ": " + r.text());
            return r.json();
        }
    }

    private static List<String> workerArgs(String id, Path dir, String channel, String coordinator, int dhtPort,
                                           String... extra) {
        List<String> a = new ArrayList<>(List.of("worker", "--channel", channel, "--dir", dir.toString(), "--id", id,
                "--coordinator", coordinator, "--token", TOKEN, "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0",
                "--dht-bootstrap", "127.0.0.1:" + dhtPort, "--no-lsd", "--poll-interval", "2s",
                "--check-in-interval", "1s", "--report-interval", "300ms"));
        a.addAll(List.of(extra));
        return a;
    }

    /** The worker's copy of distribution {@code id}, or null. */
    private static JsonObject copy(Api worker, String id) throws Exception {
        JsonArray copies = worker.get("/api/distributions").getObject("worker").getArray("copies");
        for (JsonValue v : copies.values()) {
            JsonObject c = (JsonObject) v;
            if (id.equals(c.getString("id", null))) {
                return c;
            }
        }
        return null;
    }

    private static void await(String what, long seconds, Check check) throws Exception {
        System.out.printf("%6.1f s waiting for %s%n", (System.nanoTime() - T0) / 1e9, what);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    System.out.printf("%6.1f s done: %s%n", (System.nanoTime() - T0) / 1e9, what);
                    return;
                }
            } catch (Exception | AssertionError e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    @Test
    void coordinatorAndEightWorkersAsSeparateProcesses(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        DistributionLoopbackTest.writeRandom(src.resolve("model-v1/weights.bin"), 1_500_000, 11);
        DistributionLoopbackTest.writeRandom(src.resolve("model-v2/weights.bin"), 2_500_000, 12);
        DistributionLoopbackTest.writeRandom(src.resolve("model-v2/vocab.txt"), 70_000, 13);
        DistributionLoopbackTest.writeRandom(src.resolve("task/part-0.bin"), 900_000, 14);
        DistributionLoopbackTest.writeRandom(src.resolve("task/part-1.bin"), 600_000, 15);
        DistributionLoopbackTest.writeRandom(src.resolve("task/labels.csv"), 5_000, 16);
        ChannelKey key = ChannelKey.generate("resnet");
        String channel = key.channel().toString();
        // kept after the run (target/ is not cleaned by the test) so a failure can be read
        Path logs = Path.of("target", "distribution-process-logs").toAbsolutePath();
        Staging.delete(logs);
        T0 = System.nanoTime();
        List<CliProcess> procs = new ArrayList<>();
        try {
            CliProcess coord = CliProcess.start("coordinator", logs, List.of("publish", "--channel-key", key.encode(),
                    "--state", tmp.resolve("coord").toString(), "--root", src.toString(), "--token", TOKEN,
                    "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0", "--tracker", "127.0.0.1:0",
                    "--dht-bootstrap", "127.0.0.1:9", "--piece-size", "32k", "--timeout", "120s",
                    "--meta", "version=1.0", "--meta", "accuracy=0.90", src.resolve("model-v1").toString()));
            procs.add(coord);
            Api c = new Api(coord.awaitOutput("api=(\\S+)", 60));
            int dhtPort = Integer.parseInt(coord.awaitOutput("peer=(\\d+)", 5));
            String m1 = coord.awaitOutput("model \\S+ distribution=([0-9a-f]{40})", 60);

            // seven workers; w3 is throttled so that it can be killed in the middle of a download
            Map<String, Api> workers = new LinkedHashMap<>();
            Map<String, CliProcess> wprocs = new LinkedHashMap<>();
            for (int i = 1; i < WORKERS; i++) {
                String id = "w" + i;
                String[] extra = i == 3 ? new String[] {"--download-limit", "400k"} : new String[0];
                CliProcess p = CliProcess.start(id, logs, workerArgs(id, tmp.resolve(id), channel, c.base(), dhtPort,
                        extra));
                procs.add(p);
                wprocs.put(id, p);
            }
            for (Map.Entry<String, CliProcess> e : wprocs.entrySet()) {
                workers.put(e.getKey(), new Api(e.getValue().awaitOutput("api=(\\S+)", 60)));
            }
            await("7 workers checked in", 60, () -> c.get("/api/distributions/workers").getArray("workers").size()
                    == WORKERS - 1);
            // they catch up to v1, published before they started
            for (Api w : workers.values()) {
                await("v1 on " + w.base(), 60, () -> {
                    JsonObject cp = copy(w, m1);
                    return cp != null && cp.getString("state", "").equals("complete");
                });
            }

            // a task of several files for all eight workers (w8 does not exist yet)
            JsonArray.Builder ids = JsonArray.builder();
            for (int i = 1; i <= WORKERS; i++) {
                ids.add("w" + i);
            }
            TestHttp.Response tr = c.call("POST", "/api/distributions", JsonObject.builder().put("kind", "task")
                    .put("task_id", "job-1").put("files", JsonArray.ofStrings(List.of(
                            src.resolve("task/part-0.bin").toString(), src.resolve("task/part-1.bin").toString(),
                            src.resolve("task/labels.csv").toString()))).put("workers", ids.build()).build());
            assertEquals(201, tr.status(), tr.text());
            String task = tr.json().getObject("distribution").getString("id", null);

            // model v2 to the subscribers; w3 is killed mid-download and restarted
            TestHttp.Response mr = c.call("POST", "/api/distributions", JsonObject.builder().put("kind", "model")
                    .put("path", src.resolve("model-v2").toString()).put("metadata", JsonObject.builder()
                            .put("version", "2.0").put("accuracy", "0.95").put("framework", "onnx").build()).build());
            assertEquals(201, mr.status(), mr.text());
            String m2 = mr.json().getObject("distribution").getString("id", null);
            assertTrue(mr.json().getLong("seq", 0) > 1);
            Api w3 = workers.get("w3");
            long[] doneBeforeKill = new long[1];
            await("w3 half-way through v2", 60, () -> {
                JsonObject cp = copy(w3, m2);
                if (cp == null || cp.getString("state", "").equals("complete")) {
                    assertTrue(cp == null, "w3 finished v2 before it could be killed");
                    return false;
                }
                doneBeforeKill[0] = cp.getLong("done", 0);
                return doneBeforeKill[0] > 500_000;
            });
            wprocs.get("w3").kill();
            // restarted (still throttled, so that its progress can be watched): it re-adds the held version from its
            // state, rechecks what is on disk and goes on from there. Meanwhile a late worker, w8, starts: it gets v2
            // (the latest) and the task meant for it.
            CliProcess w3again = CliProcess.start("w3-restarted", logs, workerArgs("w3", tmp.resolve("w3"), channel,
                    c.base(), dhtPort, "--download-limit", "400k"));
            procs.add(w3again);
            CliProcess w8p = CliProcess.start("w8", logs, workerArgs("w8", tmp.resolve("w8"), channel, c.base(),
                    dhtPort));
            procs.add(w8p);
            Api w3b = new Api(w3again.awaitOutput("api=(\\S+)", 60));
            workers.put("w3", w3b);
            workers.put("w8", new Api(w8p.awaitOutput("api=(\\S+)", 60)));
            long[] doneAfterRestart = {-1};
            await("w3 to resume v2", 60, () -> {
                JsonObject cp = copy(w3b, m2);
                assertTrue(cp != null, "the restarted worker holds v2");
                String st = cp.getString("state", "");
                if (st.equals("downloading") || st.equals("complete")) {
                    doneAfterRestart[0] = cp.getLong("done", 0);
                    return true;
                }
                return false;
            });
            assertTrue(doneAfterRestart[0] >= doneBeforeKill[0] / 2 && doneAfterRestart[0] > 0,
                    "resumed from " + doneAfterRestart[0] + " bytes; had " + doneBeforeKill[0] + " before SIGKILL");

            // The task waits for the eight workers it names; the model for the seven subscribers known when it was
            // broadcast (plus any that check in before it settles). Either way every worker reports it complete.
            for (String d : List.of(task, m2)) {
                await("distribution " + d + " complete on all 8 workers", 120, () -> {
                    JsonObject s = c.get("/api/distributions/" + d);
                    int complete = 0;
                    for (JsonValue v : s.getArray("workers").values()) {
                        complete += ((JsonObject) v).getString("state", "").equals("complete") ? 1 : 0;
                    }
                    return complete == WORKERS && s.getBoolean("settled", false);
                });
                JsonObject s = c.get("/api/distributions/" + d);
                assertEquals(s.getInt("targets", 0), s.getInt("complete", -1), s.toString());
                assertTrue(s.getInt("targets", 0) >= (d.equals(task) ? WORKERS : WORKERS - 1), s.toString());
                assertEquals(0, s.getInt("failed", -1));
                assertEquals(0, s.getInt("timed_out", -1));
            }
            assertTrue(copy(workers.get("w8"), m1) == null, "the late worker skipped the superseded v1");

            // byte for byte on every worker
            for (int i = 1; i <= WORKERS; i++) {
                Path dir = tmp.resolve("w" + i);
                Path current = dir.resolve("models/resnet/current");
                for (String f : List.of("weights.bin", "vocab.txt")) {
                    assertArrayEquals(Files.readAllBytes(src.resolve("model-v2").resolve(f)),
                            Files.readAllBytes(current.resolve(f)), "w" + i + " model " + f);
                }
                JsonObject tc = copy(workers.get("w" + i), task);
                Path taskDir = Path.of(tc.getString("directory", ""));
                for (String f : List.of("part-0.bin", "part-1.bin", "labels.csv")) {
                    assertArrayEquals(Files.readAllBytes(src.resolve("task").resolve(f)),
                            Files.readAllBytes(taskDir.resolve(f)), "w" + i + " task " + f);
                }
                assertEquals("0.95", copy(workers.get("w" + i), m2).getObject("metadata").getString("accuracy", null));
            }

            // forged and replayed announcements sent straight to a worker's daemon
            Api w1 = workers.get("w1");
            JsonObject state = JsonReader.parseObject(Files.readAllBytes(tmp.resolve("w1/.hivebt-worker/state.json")),
                    JsonLimits.WITH_TORRENT);
            MutableItem v1 = null;
            MutableItem v2 = null;
            for (JsonValue v : state.getArray("held").values()) {
                MutableItem it = ItemJson.fromJson(((JsonObject) v).get("item"));
                if (java.util.Arrays.equals(it.salt(), key.channel().salt())) {
                    if (v1 == null || it.seq() < v1.seq()) {
                        v1 = it;
                    }
                    if (v2 == null || it.seq() > v2.seq()) {
                        v2 = it;
                    }
                }
            }
            assertTrue(v1 != null && v2 != null && v1.seq() < v2.seq());
            MutableItem bumped = new MutableItem(v2.publicKey(), v2.salt(), v2.seq() + 1, v2.value(), v2.signature());
            ChannelKey attacker = ChannelKey.generate("resnet");
            MutableItem foreign = attacker.sign(key.channel().salt(), v2.seq() + 1, v2.value());
            record Case(MutableItem item, int status, String outcome) {
            }
            for (Case k : List.of(new Case(bumped, 403, "bad_signature"), new Case(foreign, 403, "unknown_channel"),
                    new Case(v1, 409, "stale"), new Case(v2, 200, "duplicate"))) {
                TestHttp.Response r = w1.call("POST", "/api/distributions/notify",
                        JsonObject.builder().put("item", ItemJson.toJson(k.item())).build());
                assertEquals(k.status(), r.status(), r.text());
                assertEquals(k.outcome(), r.json().getString("outcome", null));
            }
            JsonObject latest = copy(w1, m2);
            assertEquals("complete", latest.getString("state", null));
            long held = w1.get("/api/distributions").getObject("worker").getArray("copies").size();
            assertEquals(3, held, "v1, v2 and the task; nothing from the refused items");
        } finally {
            for (CliProcess p : procs.reversed()) {
                p.close();
            }
        }
    }
}
