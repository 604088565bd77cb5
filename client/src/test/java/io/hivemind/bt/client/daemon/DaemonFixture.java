package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.daemon.http.Credentials;
import io.hivemind.bt.client.daemon.http.UploadReceiver;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A daemon over a {@link FakeSession} on ephemeral loopback ports, in fresh temporary directories. */
public final class DaemonFixture implements AutoCloseable {
    public final Path root;
    public final Path state;
    public final Path downloads;
    public final FakeSession session;
    public final Daemon daemon;
    private final boolean ownsRoot;
    private String csrf;

    public DaemonFixture() throws Exception {
        this(Credentials.NONE, null, new FakeSession());
    }

    public DaemonFixture(Credentials credentials, Path root, FakeSession session) throws Exception {
        this.ownsRoot = root == null;
        this.root = root != null ? root : Files.createTempDirectory("hivebt-daemon-");
        this.state = this.root.resolve("state");
        this.downloads = this.root.resolve("downloads");
        this.session = session;
        DaemonConfig config = DaemonConfig.builder()
                .web(new HostPort("127.0.0.1", 0))
                .rpc(new HostPort("127.0.0.1", 0))
                .stateDirectory(state)
                .downloadDirectory(downloads)
                .downloadRoots(List.of(this.root.resolve("other-root")))
                .credentials(credentials)
                .allowedHosts(Set.of("hivebt.example"))
                .maxBodyBytes(16 << 20)
                .build();
        this.daemon = Daemon.start(config, session, TestTorrents.FACTORY);
    }

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

    /** A Transmission RPC call, doing the 409 session-id handshake. */
    public JsonObject rpc(JsonObject request) throws IOException {
        byte[] body = JsonWriter.writeBytes(request);
        TestHttp.Response r = TestHttp.send(rpc(), "POST", "/transmission/rpc", Map.of(), body);
        if (r.status() == 409) {
            String sid = r.header("X-Transmission-Session-Id");
            r = TestHttp.send(rpc(), "POST", "/transmission/rpc", Map.of("X-Transmission-Session-Id", sid), body);
        }
        if (r.status() != 200) {
            throw new IOException("RPC answered " + r.status() + ": " + r.text());
        }
        return r.json();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        daemon.close();
        session.close();
        if (ownsRoot) {
            UploadReceiver.deleteTree(root);
        }
    }
}
