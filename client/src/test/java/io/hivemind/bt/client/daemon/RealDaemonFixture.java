package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.daemon.http.Credentials;
import io.hivemind.bt.client.daemon.http.UploadReceiver;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real swarm on loopback for daemon tests: a hivebt tracker (HTTP), a seeding hivebt {@link Session}, and a
 * daemon over a real session ({@code Session.builder()}) whose state lives in {@code root/state} (the daemon's
 * records in {@code state/daemon}, the session's resume data in {@code state/session/resume}, as
 * {@code hivebt daemon} lays them out). DHT, LSD and PEX are off: peers meet through the tracker only. The daemon
 * can be stopped and started again over the same state ({@link #restartDaemon}). Everything is closed and the
 * temporary directory deleted by {@link #close}.
 */
public final class RealDaemonFixture implements AutoCloseable {
    /** How long a test waits for a transfer or a state change on this shared, slow machine. */
    public static final Duration DEADLINE = Duration.ofSeconds(120);

    public final Path root;
    public final Path state;
    public final Path downloads;
    public final Path otherRoot;
    public final TrackerServer tracker;
    public final Session seeder;
    public Session session;
    public Daemon daemon;
    private final List<Session> others = new ArrayList<>();
    private String csrf;

    /** The tracker, the seeder and an in-process daemon. */
    public RealDaemonFixture() throws Exception {
        this(true);
    }

    /** The tracker and the seeder, and an in-process daemon if {@code withDaemon}. */
    public RealDaemonFixture(boolean withDaemon) throws Exception {
        this.root = Files.createTempDirectory("hivebt-real-daemon-");
        this.state = root.resolve("state");
        this.downloads = root.resolve("downloads");
        this.otherRoot = root.resolve("other-root");
        TrackerServer t = null;
        Session s = null;
        try {
            t = TrackerServer.builder().bindAddress(InetAddress.getLoopbackAddress()).httpPort(0).udpPort(-1)
                    .announceInterval(Duration.ofSeconds(5)).minInterval(Duration.ofSeconds(1))
                    // peers leave the swarm only by announcing stopped (tests watch for it), never by timing out
                    .peerTimeout(Duration.ofMinutes(30)).build().start();
            s = Session.builder().settings(peerSettings(null)).build();
            this.tracker = t;
            this.seeder = s;
            if (withDaemon) {
                startDaemon();
            }
        } catch (Exception | Error e) {
            if (s != null) {
                s.close();
            }
            if (t != null) {
                t.close();
            }
            UploadReceiver.deleteTree(root);
            throw e;
        }
    }

    /** Loopback-only session settings: an ephemeral port, no DHT, LSD or PEX, one network thread. */
    public static SessionSettings peerSettings(Path stateDirectory) {
        return SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).pex(false).networkThreads(1)
                .stateDirectory(stateDirectory).build();
    }

    /** The tracker's announce URL. */
    public String announce() {
        return "http://127.0.0.1:" + tracker.httpAddress().getPort() + "/announce";
    }

    /** Starts a session over {@code state/session} (saved settings applied) and a daemon over it. */
    public void startDaemon() throws Exception {
        Path daemonState = state.resolve("daemon");
        SessionSettings settings = Daemon.savedSettings(daemonState, peerSettings(state.resolve("session")));
        session = Session.builder().settings(settings).build();
        DaemonConfig config = DaemonConfig.builder()
                .web(new HostPort("127.0.0.1", 0))
                .rpc(new HostPort("127.0.0.1", 0))
                .stateDirectory(daemonState)
                .downloadDirectory(downloads)
                .downloadRoots(List.of(otherRoot))
                .credentials(Credentials.NONE)
                .build();
        try {
            daemon = Daemon.start(config, session, new CreatorTorrentFactory(1));
        } catch (Exception | Error e) {
            session.close();
            session = null;
            throw e;
        }
        csrf = null;
    }

    /** Closes the daemon and its session as {@code hivebt daemon} does on SIGTERM: HTTP first, then the session. */
    public void stopDaemon() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
        }
        if (session != null) {
            session.close();
            session = null;
        }
    }

    public void restartDaemon() throws Exception {
        stopDaemon();
        startDaemon();
    }

    /** Another real session (closed with the fixture), for downloading what the daemon seeds. */
    public Session newPeer() {
        Session s = Session.builder().settings(peerSettings(null)).build();
        others.add(s);
        return s;
    }

    // ------------------------------------------------------------------ content

    /** Writes a deterministic file of {@code size} random bytes. */
    public static void writeRandom(Path file, int size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        Files.write(file, b);
    }

    /**
     * A three-file set below {@code root/src/<name>}: {@code model.bin} (about 3 MiB), {@code docs/readme.txt}
     * and {@code docs/config.json}. In v1 order (by path) the files are config.json, readme.txt, model.bin.
     */
    public Path sampleSet(String name, long seed) throws IOException {
        Path dir = root.resolve("src").resolve(name);
        writeRandom(dir.resolve("model.bin"), 3 * 1024 * 1024 + 1234, seed);
        writeRandom(dir.resolve("docs/readme.txt"), 200_000, seed + 1);
        writeRandom(dir.resolve("docs/config.json"), 16_384, seed + 2);
        return dir;
    }

    /** Creates a torrent of {@code content} announcing to the tracker and has the seeder verify and seed it. */
    public Metainfo seed(Path content, TorrentVersion version, int pieceLength) throws Exception {
        Metainfo mi = TorrentCreator.builder(content).version(version).pieceLength(pieceLength).addTier(announce())
                .threads(1).build().create();
        TorrentHandle h = seeder.add(AddTorrent.metainfo(mi).saveTo(content.getParent())).get(30, TimeUnit.SECONDS);
        h.completion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        return mi;
    }

    /** Asserts that every file below {@code expected} has the same bytes below {@code actual}. */
    public static void assertSameTree(Path expected, Path actual) throws IOException {
        try (var files = Files.walk(expected)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = expected.relativize(f);
                assertEquals(-1L, Files.mismatch(f, actual.resolve(rel)), "file " + rel + " differs");
            }
        }
    }

    // ------------------------------------------------------------------ HTTP

    public InetSocketAddress web() {
        return daemon.webAddress();
    }

    public InetSocketAddress rpc() {
        return daemon.rpcAddress();
    }

    public String csrf() throws IOException {
        if (csrf == null) {
            csrf = get("/api/session").json().getString("csrf_token", null);
        }
        return csrf;
    }

    public TestHttp.Response get(String path) throws IOException {
        return TestHttp.send(web(), "GET", path, Map.of(), null);
    }

    /** A state-changing REST call with the CSRF token. */
    public TestHttp.Response call(String method, String path, JsonObject body) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-CSRF-Token", csrf());
        if (body != null) {
            h.put("Content-Type", "application/json");
        }
        return TestHttp.send(web(), method, path, h, body == null ? null : JsonWriter.writeBytes(body));
    }

    /** Adds a torrent through the REST API (base64 upload, as the web UI does); returns the summary. */
    public JsonObject addTorrent(byte[] torrent, boolean paused) throws IOException {
        TestHttp.Response r = call("POST", "/api/add_torrent", JsonObject.builder()
                .put("torrent", Base64.getEncoder().encodeToString(torrent)).put("paused", paused).build());
        assertEquals(201, r.status(), r.text());
        return r.json().getObject("torrent");
    }

    /**
     * Polls {@code GET path} until {@code condition} holds for its JSON; fails with the last answer after
     * {@link #DEADLINE}.
     */
    public JsonObject await(String path, Predicate<JsonObject> condition, String what) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        JsonObject last = null;
        while (System.nanoTime() < end) {
            TestHttp.Response r = get(path);
            if (r.status() == 200) {
                last = r.json();
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100); // polling a status snapshot with a bounded deadline
        }
        throw new AssertionError("timed out waiting for " + what + "; last answer: " + last);
    }

    public static String state(JsonObject torrent) {
        return torrent.getString("state", null);
    }

    public static double progress(JsonObject torrent) {
        return torrent.getDouble("progress", -1);
    }

    @Override
    public void close() {
        try {
            stopDaemon();
        } finally {
            for (Session s : others) {
                s.close();
            }
            seeder.close();
            tracker.close();
            UploadReceiver.deleteTree(root);
        }
    }
}
