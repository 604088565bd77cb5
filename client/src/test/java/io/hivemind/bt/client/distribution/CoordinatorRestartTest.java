package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.dht.MutableItem;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator restarted on the same work directory takes up where it stopped: it seeds its distributions again,
 * keeps waiting for the workers of the unsettled ones, answers check-ins with the newest version of its channel, and
 * never reuses a sequence number (BEP 44: a second value under one number would be refused as a forgery).
 */
class CoordinatorRestartTest {

    private static Coordinator start(Session s, ChannelKey key, Path work) throws Exception {
        return Coordinator.builder(s).config(CoordinatorConfig.builder(key, work).trackerBind(
                new InetSocketAddress("127.0.0.1", 0)).pieceLength(16384).timeout(Duration.ofMinutes(10)).build())
                .start();
    }

    @Test
    void restartedCoordinatorTakesUpItsDistributions(@TempDir Path tmp) throws Exception {
        ChannelKey key = ChannelKey.generate("resnet");
        Path work = tmp.resolve("work");
        DistributionLoopbackTest.writeRandom(tmp.resolve("src/in.bin"), 200_000, 1);
        DistributionLoopbackTest.writeRandom(tmp.resolve("src/model.bin"), 150_000, 2);
        String taskId;
        long modelSeq;
        try (Session s = Session.builder().settings(TestNode.settings(false).stateDirectory(tmp.resolve("s1")).build())
                .build();
             Coordinator c = start(s, key, work)) {
            Distribution t = c.distributeTask("job-9", List.of(tmp.resolve("src/in.bin")),
                    Set.of(WorkerId.of("w1"), WorkerId.of("w2")));
            taskId = t.id();
            Distribution m = c.distributeModel(tmp.resolve("src/model.bin"), Map.of("version", "3"));
            modelSeq = c.broadcastToNetwork(m).get(30, TimeUnit.SECONDS).seq();
            c.report(new ProgressReport(WorkerId.of("w1"), taskId, ProgressReport.State.COMPLETE, 200_000, 200_000, 0,
                    0, null));
        }
        try (Session s = Session.builder().settings(TestNode.settings(false).stateDirectory(tmp.resolve("s2")).build())
                .build();
             Coordinator c = start(s, key, work)) {
            assertEquals(2, c.distributions().size());
            Distribution t = c.distribution(taskId).orElseThrow();
            DistributionStatus ts = t.status();
            assertEquals(2, ts.targets());
            assertFalse(ts.settled(), "still waiting for its workers");
            assertEquals(Set.of(WorkerId.of("w1"), WorkerId.of("w2")), ts.workers().keySet());
            assertEquals(WorkerState.PENDING, ts.workers().get(WorkerId.of("w1")).state(),
                    "progress is not kept: workers repeat their reports");
            assertTrue(c.report(new ProgressReport(WorkerId.of("w1"), taskId, ProgressReport.State.COMPLETE, 200_000,
                    200_000, 0, 0, null)));
            assertTrue(c.report(new ProgressReport(WorkerId.of("w2"), taskId, ProgressReport.State.COMPLETE, 200_000,
                    200_000, 0, 0, null)));
            assertTrue(t.completion().get(10, TimeUnit.SECONDS).succeeded());

            t.seed().completion().get(30, TimeUnit.SECONDS);
            assertEquals(TorrentState.SEEDING, t.seed().status().state(), "seeding again from the staged data");
            assertEquals(modelSeq, c.latest(key.channel()).orElseThrow().seq());
            List<MutableItem> items = c.checkIn(new WorkerRegistration(WorkerId.of("w3"), null, Set.of(key.channel()),
                    0));
            assertEquals(1, items.size());
            assertEquals(modelSeq, items.getFirst().seq());
            Distribution m2 = c.distributeModel(tmp.resolve("src/model.bin"), Map.of("version", "4"));
            assertTrue(c.broadcastToNetwork(m2).get(30, TimeUnit.SECONDS).seq() > modelSeq);
        }
    }
}
