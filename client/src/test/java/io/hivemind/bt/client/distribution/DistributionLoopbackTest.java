package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.TestHttp;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.MutableItem;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator and two workers in one JVM, each a real session and daemon on loopback, talking over HTTP (check-in,
 * notifications, progress reports with the shared bearer token) and BitTorrent (the embedded tracker, no DHT): a
 * task and two model versions reach both workers byte for byte, and forged or replayed notifications change nothing
 * (BEP 44 signature and sequence-number rules).
 */
class DistributionLoopbackTest {
    static final String TOKEN = "cluster-secret-7f3a";

    static void writeRandom(Path file, int size, long seed) throws Exception {
        Files.createDirectories(file.getParent());
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            b[i] = (byte) r.nextInt();
        }
        Files.write(file, b);
    }

    static void awaitTrue(String what, long seconds, java.util.function.BooleanSupplier cond) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static TestHttp.Response notify(TestNode worker, MutableItem item, String token) throws Exception {
        byte[] body = JsonWriter.write(JsonObject.builder().put("item", ItemJson.toJson(item)).build())
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = token == null ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
        return TestHttp.send((InetSocketAddress) worker.daemon.webAddress(), "POST", "/api/distributions/notify", h,
                body);
    }

    @Test
    void taskAndModelsReachWorkersAndForgeriesAreRefused(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src");
        writeRandom(src.resolve("input-a.bin"), 300_000, 1);
        writeRandom(src.resolve("shards/s1.bin"), 200_000, 2);
        writeRandom(src.resolve("shards/s2.bin"), 1, 3);
        writeRandom(src.resolve("model-v1.onnx"), 400_000, 4);
        writeRandom(src.resolve("model-v2.onnx"), 450_000, 5);
        ChannelKey key = ChannelKey.generate("resnet");
        List<TestNode> nodes = new ArrayList<>();
        try {
            TestNode c = TestNode.start(tmp.resolve("coord"), TOKEN, TestNode.settings(false).build());
            nodes.add(c);
            c.coordinator = Coordinator.builder(c.session).config(CoordinatorConfig.builder(key, tmp.resolve("coord/work"))
                    .token(TOKEN).apiUrl(c.api().toString()).trackerBind(new InetSocketAddress("127.0.0.1", 0))
                    .pieceLength(32 * 1024).tickInterval(Duration.ofMillis(100)).retryInterval(Duration.ofMillis(300))
                    .timeout(Duration.ofSeconds(90)).build()).start();
            c.attach();
            List<TestNode> workers = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                TestNode w = TestNode.start(tmp.resolve("w" + i), TOKEN, TestNode.settings(false).build());
                nodes.add(w);
                w.worker = Worker.builder(w.session).config(WorkerConfig.builder(WorkerId.of("w" + i),
                        tmp.resolve("w" + i + "/data")).channel(key.channel()).coordinatorUrl(c.api())
                        .apiUrl(w.api()).token(TOKEN).useDht(false).checkInInterval(Duration.ofMillis(300))
                        .reportInterval(Duration.ofMillis(200)).build()).start();
                w.attach();
                workers.add(w);
            }
            awaitTrue("both workers checked in", 30, () -> c.coordinator.workers().size() == 2);

            // a task of several files (a file and a directory) to both workers
            Distribution task = c.coordinator.distributeTask("job-1",
                    List.of(src.resolve("input-a.bin"), src.resolve("shards")), Set.of(WorkerId.of("w1"),
                            WorkerId.of("w2")));
            DistributionResult tr = task.completion().get(90, TimeUnit.SECONDS);
            assertTrue(tr.succeeded(), tr.toString());
            for (TestNode w : workers) {
                LocalCopy copy = w.worker.copies().stream().filter(x -> x.kind() == DistributionKind.TASK)
                        .findFirst().orElseThrow();
                assertTrue(copy.complete());
                assertArrayEquals(Files.readAllBytes(src.resolve("input-a.bin")),
                        Files.readAllBytes(copy.directory().resolve("input-a.bin")));
                assertArrayEquals(Files.readAllBytes(src.resolve("shards/s1.bin")),
                        Files.readAllBytes(copy.directory().resolve("shards/s1.bin")));
                assertArrayEquals(Files.readAllBytes(src.resolve("shards/s2.bin")),
                        Files.readAllBytes(copy.directory().resolve("shards/s2.bin")));
            }
            DistributionStatus ts = task.status();
            assertEquals(2, ts.complete());
            assertTrue(ts.originUploadedBytes() > 0);

            // model v1 then v2, broadcast to the subscribers the coordinator knows
            Distribution m1 = c.coordinator.distributeModel(src.resolve("model-v1.onnx"),
                    Map.of("version", "1.0", "accuracy", "0.91", "framework", "onnx"));
            ModelVersion v1 = c.coordinator.broadcastToNetwork(m1).get(30, TimeUnit.SECONDS);
            assertTrue(m1.completion().get(90, TimeUnit.SECONDS).succeeded());
            Distribution m2 = c.coordinator.distributeModel(src.resolve("model-v2.onnx"),
                    Map.of("version", "2.0", "accuracy", "0.94", "framework", "onnx"));
            ModelVersion v2 = c.coordinator.broadcastToNetwork(m2).get(30, TimeUnit.SECONDS);
            assertTrue(v2.seq() > v1.seq());
            DistributionResult mr = m2.completion().get(90, TimeUnit.SECONDS);
            assertTrue(mr.succeeded(), mr.toString());
            for (TestNode w : workers) {
                LocalCopy latest = w.worker.latest(key.channel()).orElseThrow();
                assertEquals(v2.seq(), latest.seq());
                assertEquals("0.94", latest.metadata().get("accuracy"));
                assertArrayEquals(Files.readAllBytes(src.resolve("model-v2.onnx")),
                        Files.readAllBytes(latest.directory().resolve("model-v2.onnx")));
                Path current = tmp.resolve(w == workers.get(0) ? "w1" : "w2").resolve("data/models/resnet/current");
                assertArrayEquals(Files.readAllBytes(src.resolve("model-v2.onnx")),
                        Files.readAllBytes(current.resolve("model-v2.onnx")));
            }

            // forged and replayed notifications: refused, nothing changes
            TestNode w1 = workers.get(0);
            ChannelKey attacker = ChannelKey.generate("resnet");
            MutableItem forged = attacker.sign(key.channel().salt(), v2.seq() + 10, v2.item().value());
            MutableItem claimed = new MutableItem(key.channel().publicKey(), key.channel().salt(), v2.seq() + 10,
                    forged.value(), forged.signature());
            assertEquals(403, notify(w1, forged, TOKEN).status());
            TestHttp.Response bad = notify(w1, claimed, TOKEN);
            assertEquals(403, bad.status(), bad.text());
            assertTrue(bad.text().contains("bad_signature"), bad.text());
            TestHttp.Response replay = notify(w1, v1.item(), TOKEN);
            assertEquals(409, replay.status(), replay.text());
            assertEquals(200, notify(w1, v2.item(), TOKEN).status(), "the current version is a duplicate");
            assertEquals(401, notify(w1, v2.item(), null).status(), "the token is required");
            assertEquals(v2.seq(), w1.worker.acceptedSeq(key.channel()));
            assertEquals(v2.seq(), w1.worker.latest(key.channel()).orElseThrow().seq());
        } finally {
            for (TestNode n : nodes.reversed()) {
                n.close();
            }
        }
    }
}
