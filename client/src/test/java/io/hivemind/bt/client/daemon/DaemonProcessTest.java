package io.hivemind.bt.client.daemon;

import static io.hivemind.bt.client.daemon.RealDaemonFixture.progress;
import static io.hivemind.bt.client.daemon.RealDaemonFixture.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.cli.Main;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.daemon.rest.RestApi;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hivebt daemon} as a real process (a child JVM running the CLI's {@code Main}, as the {@code hivebt}
 * launcher does), against a real tracker and seeder on loopback: it downloads a torrent, creates and seeds another
 * with the wire module's torrent creator ({@code POST /api/create_torrent}, which another session downloads), then
 * gets SIGTERM. It must shut down cleanly — resume data on disk, {@code stopped} announced to the tracker (BEP 3:
 * the tracker drops it from the swarm at once) — and, started again over the same {@code --config}, bring both
 * torrents back seeding without downloading a byte.
 */
class DaemonProcessTest {
    private static final Pattern WEB = Pattern.compile("web UI and REST on http://127\\.0\\.0\\.1:(\\d+)/");
    private RealDaemonFixture f;
    private final List<Child> children = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        f = new RealDaemonFixture(false);
    }

    @AfterEach
    void stop() {
        for (Child c : children) {
            c.process.destroyForcibly();
        }
        if (f != null) {
            f.close();
        }
    }

    /** A {@code hivebt daemon} child process; its output is collected by a reader thread. */
    private final class Child {
        final Process process;
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> webPort = new CompletableFuture<>();

        Child(Path config) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "daemon", "--config", config.toString(),
                    "--download-dir", f.downloads.toString(), "--web-port", "0", "--rpc-port", "0",
                    "--listen", "127.0.0.1:0", "--no-dht", "--no-lsd")
                    .redirectErrorStream(true).start();
            children.add(this);
            Thread.ofPlatform().daemon().name("hivebt-daemon-child-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                        Matcher m = WEB.matcher(l);
                        if (m.find()) {
                            webPort.complete(Integer.parseInt(m.group(1)));
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
                webPort.completeExceptionally(new AssertionError("the daemon exited: " + lines));
            });
        }

        InetSocketAddress web() throws Exception {
            return new InetSocketAddress("127.0.0.1", webPort.get(120, TimeUnit.SECONDS));
        }

        String csrf() throws Exception {
            return TestHttp.send(web(), "GET", "/api/session", Map.of(), null).json().getString("csrf_token", null);
        }

        JsonObject await(String path, Predicate<JsonObject> condition, String what) throws Exception {
            long end = System.nanoTime() + RealDaemonFixture.DEADLINE.toNanos();
            JsonObject last = null;
            while (System.nanoTime() < end) {
                TestHttp.Response r = TestHttp.send(web(), "GET", path, Map.of(), null);
                if (r.status() == 200) {
                    last = r.json();
                    if (condition.test(last)) {
                        return last;
                    }
                }
                Thread.sleep(100); // polling with a bounded deadline
            }
            throw new AssertionError("timed out waiting for " + what + "; last: " + last + "; output: " + lines);
        }

        /** SIGTERM (what {@code Process.destroy} sends on Linux), then the exit code. */
        int terminate() throws Exception {
            process.destroy();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the daemon did not exit after SIGTERM: " + lines);
            return process.exitValue();
        }
    }

    /** Seeders the tracker counts for {@code infoHash} (BEP 48 scrape). */
    private long seedersOf(byte[] infoHash) throws Exception {
        StringBuilder q = new StringBuilder();
        for (byte b : infoHash) {
            q.append('%').append(String.format("%02X", b & 0xff));
        }
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + f.tracker.httpAddress().getPort() + "/scrape?info_hash=" + q)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        BDict files = ((BDict) BencodeDecoder.decode(r.body())).getDict("files");
        for (var e : files.entries().entrySet()) {
            return ((BDict) e.getValue()).getLong("complete", -1);
        }
        return 0;
    }

    private long awaitSeeders(byte[] infoHash, long expected, String what) throws Exception {
        long end = System.nanoTime() + RealDaemonFixture.DEADLINE.toNanos();
        long n = -1;
        while (System.nanoTime() < end) {
            n = seedersOf(infoHash);
            if (n == expected) {
                return n;
            }
            Thread.sleep(100); // polling the tracker with a bounded deadline
        }
        throw new AssertionError("timed out waiting for " + what + ": " + n + " seeders");
    }

    @Test
    void sigtermSavesResumeDataAnnouncesStoppedAndARestartSeedsWithoutDownloading() throws Exception {
        Path src = f.sampleSet("kept", 700);
        Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
        String hash = mi.infoHashes().v1Hex();
        Path config = f.root.resolve("config");
        Child first = new Child(config);

        // 1. download a torrent from the seeder
        TestHttp.Response added = TestHttp.send(first.web(), "POST", "/api/add_torrent", Map.of("X-CSRF-Token",
                first.csrf(), "Content-Type", "application/json"), JsonWriter.writeBytes(JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(mi.encode())).build()));
        assertEquals(201, added.status(), added.text());
        first.await("/api/torrents/" + hash, t -> "seeding".equals(state(t)), "the download");
        RealDaemonFixture.assertSameTree(src, f.downloads.resolve("kept"));

        // 2. create a torrent in the binary (the wire module's creator, v2) and have another session download it
        byte[] data = DaemonRestTestData.bytes(700_000, 41);
        String boundary = "----hivebtProcessBoundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DaemonRestTest.part(body, boundary, "announce", null, DaemonFixture.utf8(f.announce()));
        DaemonRestTest.part(body, boundary, "kind", null, DaemonFixture.utf8("v2"));
        DaemonRestTest.part(body, boundary, "files", "made-here.bin", data);
        body.writeBytes(DaemonFixture.utf8("--" + boundary + "--\r\n"));
        TestHttp.Response created = TestHttp.send(first.web(), "POST", RestApi.CREATE_PATH, Map.of("X-CSRF-Token",
                first.csrf(), "Content-Type", "multipart/form-data; boundary=" + boundary), body.toByteArray());
        assertEquals(201, created.status(), "torrent creation works in the binary: " + created.text());
        JsonObject c = created.json();
        String createdKey = c.getString("info_hash", null);
        Metainfo made = Metainfo.parse(TestHttp.send(first.web(), "GET", c.getString("torrent_file", null), Map.of(),
                null).body());
        assertEquals(TorrentVersion.V2, made.info().version());
        Session peer = f.newPeer();
        TorrentHandle h = peer.add(AddTorrent.metainfo(made).saveTo(f.root.resolve("peer"))).get(30, TimeUnit.SECONDS);
        h.completion().get(RealDaemonFixture.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertArrayEquals(data, Files.readAllBytes(f.root.resolve("peer/made-here.bin")));
        peer.remove(made.infoHashes(), false).get(30, TimeUnit.SECONDS);

        // 3. SIGTERM: clean exit, resume data saved, stopped announced
        awaitSeeders(mi.infoHashes().v1(), 2, "the tracker to count the daemon as a seeder");
        int code = first.terminate();
        assertNotEquals(137, code, "killed rather than shut down: " + first.lines);
        assertTrue(code == 0 || code == 143, "exit code " + code + ": " + first.lines);
        assertTrue(Files.isRegularFile(config.resolve("session/resume/" + hash + ".resume")), "resume data saved");
        assertTrue(Files.isRegularFile(config.resolve("session/resume/" + made.infoHashes().wireIdHex() + ".resume")));
        assertTrue(Files.isRegularFile(config.resolve("daemon/torrents/" + hash + ".json")), "the daemon's record");
        awaitSeeders(mi.infoHashes().v1(), 1, "the tracker to drop the daemon after its stopped announce");

        // 4. restart over the same state: both torrents seed again, nothing is downloaded
        Child second = new Child(config);
        JsonObject back = second.await("/api/torrents/" + hash, t -> !"checking".equals(state(t)), "the restart");
        assertEquals("seeding", state(back), back.toString());
        assertEquals(1.0, progress(back));
        assertTrue(back.getLong("downloaded", 0) >= mi.info().totalLength(), "totals kept: " + back);
        JsonObject madeBack = second.await("/api/torrents/" + createdKey, t -> !"checking".equals(state(t)),
                "the created torrent after the restart");
        assertEquals("seeding", state(madeBack), madeBack.toString());
        assertEquals(0, TestHttp.send(second.web(), "GET", "/api/stats", Map.of(), null).json()
                .getLong("total_downloaded", -1), "nothing downloaded again");
        awaitSeeders(mi.infoHashes().v1(), 2, "the restarted daemon announcing as a seeder");
        int code2 = second.terminate();
        assertTrue(code2 == 0 || code2 == 143, "exit code " + code2 + ": " + second.lines);
    }
}
