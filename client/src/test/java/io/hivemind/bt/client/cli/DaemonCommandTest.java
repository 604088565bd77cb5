package io.hivemind.bt.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.TestHttp;
import io.hivemind.bt.client.daemon.http.UploadReceiver;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code hivebt daemon} starts, serves, and shuts down cleanly (HTTP closed, then the session closed). */
class DaemonCommandTest {

    @AfterEach
    void reset() {
        DaemonCommand.stop = null;
        DaemonCommand.sessionFactory = s -> io.hivemind.bt.client.Session.builder().settings(s).build();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void runsServesAndStopsCleanly() throws Exception {
        Path dir = Files.createTempDirectory("hivebt-cli-");
        try {
            FakeSession[] made = new FakeSession[1];
            DaemonCommand.sessionFactory = s -> {
                made[0] = new FakeSession(s);
                return made[0];
            };
            CountDownLatch stop = new CountDownLatch(1);
            DaemonCommand.stop = stop;
            int web = freePort();
            int rpc = freePort();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run("daemon", "--web-port",
                    Integer.toString(web), "--rpc-port", Integer.toString(rpc), "--config", dir.resolve("cfg").toString(),
                    "--download-dir", dir.resolve("dl").toString(), "--listen", "127.0.0.1:0"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            TestHttp.Response r = null;
            while (System.nanoTime() < deadline) {
                try {
                    r = TestHttp.send(new InetSocketAddress("127.0.0.1", web), "GET", "/api/session", Map.of(), null);
                    break;
                } catch (java.io.IOException e) {
                    Thread.sleep(100); // polling with a bounded deadline until the daemon listens
                }
            }
            assertEquals(200, r.status());
            assertEquals(409, TestHttp.send(new InetSocketAddress("127.0.0.1", rpc), "POST", "/transmission/rpc",
                    Map.of(), new byte[] {'{', '}'}).status());
            assertTrue(Files.isDirectory(dir.resolve("cfg/daemon/torrents")));
            assertEquals("127.0.0.1:0", made[0].settings().listen().getFirst());
            stop.countDown();
            assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        } finally {
            UploadReceiver.deleteTree(dir);
        }
    }

    @Test
    void refusesNonLoopbackWithoutCredentials() {
        assertEquals(2, Main.run("daemon", "--bind", "0.0.0.0", "--web-port", "0", "--rpc-port", "0",
                "--config", "/nonexistent-hivebt", "--download-dir", "/nonexistent-hivebt"));
    }
}
