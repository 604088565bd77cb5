package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.http.Credentials;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * HARDENING.md "Web UI, REST and RPC": the whole Host × auth × session-id/CSRF × endpoint matrix. Every cell's
 * status is predicted from the rules alone, and every rejected request leaves the session untouched (its mutation
 * counter does not move) — including static files, which also get 421 for a bad Host.
 */
class SecurityMatrixTest {
    private static final String PASSWORD = "s3cret-pass";

    enum Host { GOOD_IP, LOCALHOST, ALLOWED_NAME, EVIL_NAME, MISSING }

    enum Auth { NONE, WRONG, RIGHT }

    enum Token { NONE, WRONG, RIGHT }

    record Endpoint(String name, String method, String path, boolean rpc, boolean mutating, byte[] body) {
    }

    @Test
    void hostAuthTokenEndpointMatrix() throws Exception {
        try (DaemonFixture f = new DaemonFixture(new Credentials("admin", PASSWORD, null), null, new FakeSession())) {
            byte[] torrent = TestTorrents.single("m.bin", DaemonRestTestData.bytes(1000, 1), 16384, null);
            String b64 = Base64.getEncoder().encodeToString(torrent);
            byte[] addJson = JsonWriter.writeBytes(JsonObject.builder().put("torrent", b64).build());
            byte[] rpcAdd = JsonWriter.writeBytes(JsonObject.builder().put("method", "torrent-add")
                    .put("arguments", JsonObject.builder().put("metainfo", b64).build()).build());
            byte[] settings = JsonWriter.writeBytes(JsonObject.builder().put("upload_rate_limit", 1000).build());
            List<Endpoint> endpoints = List.of(
                    new Endpoint("static", "GET", "/", false, false, null),
                    new Endpoint("script", "GET", "/app.js", false, false, null),
                    new Endpoint("metrics", "GET", "/metrics", false, false, null),
                    new Endpoint("list", "GET", "/api/torrents", false, false, null),
                    new Endpoint("add", "POST", "/api/add_torrent", false, true, addJson),
                    new Endpoint("settings", "PATCH", "/api/settings", false, true, settings),
                    new Endpoint("rpc-add", "POST", "/transmission/rpc", true, true, rpcAdd));
            String basicRight = "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            String basicWrong = "Basic " + Base64.getEncoder().encodeToString("admin:nope".getBytes(StandardCharsets.UTF_8));
            String csrf = f.daemon.guard().csrfToken();
            String sid = f.daemon.guard().rpcSessionId();
            int cells = 0;
            for (Endpoint ep : endpoints) {
                for (Host host : Host.values()) {
                    for (Auth auth : Auth.values()) {
                        for (Token token : Token.values()) {
                            Map<String, String> h = new LinkedHashMap<>();
                            int port = f.web().getPort();
                            switch (host) {
                                case GOOD_IP -> h.put("Host", "127.0.0.1:" + port);
                                case LOCALHOST -> h.put("Host", "localhost:" + port);
                                case ALLOWED_NAME -> h.put("Host", "hivebt.example:" + port);
                                case EVIL_NAME -> h.put("Host", "attacker.example:" + port);
                                case MISSING -> h.put("Host", null);
                            }
                            if (auth != Auth.NONE) {
                                h.put("Authorization", auth == Auth.RIGHT ? basicRight : basicWrong);
                            }
                            if (token != Token.NONE) {
                                String value = token == Token.RIGHT ? (ep.rpc() ? sid : csrf) : "wrong";
                                h.put(ep.rpc() ? "X-Transmission-Session-Id" : "X-CSRF-Token", value);
                            }
                            int expected;
                            if (host == Host.EVIL_NAME || host == Host.MISSING) {
                                expected = 421;
                            } else if (auth != Auth.RIGHT) {
                                expected = 401;
                            } else if ((ep.rpc() || ep.mutating()) && token != Token.RIGHT) {
                                expected = ep.rpc() ? 409 : 403;
                            } else {
                                expected = -1; // allowed
                            }
                            int before = f.session.mutations();
                            TestHttp.Response r = TestHttp.send(f.web(), ep.method(), ep.path(), h, ep.body());
                            String cell = ep.name() + " × " + host + " × auth " + auth + " × token " + token;
                            if (expected > 0) {
                                assertEquals(expected, r.status(), cell + ": " + r.text());
                                assertEquals(before, f.session.mutations(), cell + " changed state");
                                if (expected == 409) {
                                    assertEquals(sid, r.header("X-Transmission-Session-Id"), cell);
                                }
                            } else {
                                assertTrue(r.status() < 300, cell + ": " + r.status() + " " + r.text());
                            }
                            if (auth == Auth.WRONG) {
                                f.daemon.guardThrottleResetForTest(); // one failure per cell; throttling is tested below
                            }
                            cells++;
                        }
                    }
                }
            }
            assertEquals(endpoints.size() * 5 * 3 * 3, cells);
        }
    }

    @Test
    void failedLoginsAreThrottledPerAddressAndRejectionChangesNothing() throws Exception {
        try (DaemonFixture f = new DaemonFixture(new Credentials(null, null, "tok-123"), null, new FakeSession())) {
            String wrong = "Bearer nope";
            for (int i = 0; i < 5; i++) {
                assertEquals(401, TestHttp.send(f.web(), "GET", "/api/torrents", Map.of("Authorization", wrong), null)
                        .status());
            }
            TestHttp.Response blocked = TestHttp.send(f.web(), "GET", "/api/torrents", Map.of("Authorization",
                    "Bearer tok-123"), null);
            assertEquals(429, blocked.status());
            assertTrue(Integer.parseInt(blocked.header("Retry-After")) >= 1);
            f.daemon.guardThrottleResetForTest();
            // the bearer token works, needs no CSRF token, and the token also works as a Basic password
            byte[] body = JsonWriter.writeBytes(JsonObject.builder().put("upload_rate_limit", 7000).build());
            assertEquals(200, TestHttp.send(f.web(), "PATCH", "/api/settings", Map.of("Authorization", "Bearer tok-123"),
                    body).status());
            assertEquals(7000, f.session.settings().uploadRateLimit());
            String basic = "Basic " + Base64.getEncoder().encodeToString("anyone:tok-123".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, TestHttp.send(f.web(), "GET", "/api/torrents", Map.of("Authorization", basic), null).status());
            // Basic auth is what a browser replays, so it still needs the CSRF token for changes
            assertEquals(403, TestHttp.send(f.web(), "PATCH", "/api/settings", Map.of("Authorization", basic), body)
                    .status());
        }
    }

    @Test
    void crossOriginRequestsAreRefused() throws Exception {
        try (DaemonFixture f = new DaemonFixture()) {
            byte[] body = JsonWriter.writeBytes(JsonObject.builder().put("upload_rate_limit", 1000).build());
            int before = f.session.mutations();
            TestHttp.Response r = TestHttp.send(f.web(), "PATCH", "/api/settings", Map.of("X-CSRF-Token", f.csrf(),
                    "Origin", "http://evil.example"), body);
            assertEquals(403, r.status());
            assertEquals(before, f.session.mutations());
            assertEquals(200, TestHttp.send(f.web(), "PATCH", "/api/settings", Map.of("X-CSRF-Token", f.csrf(),
                    "Origin", "http://127.0.0.1:" + f.web().getPort()), body).status());
            // no CORS header is ever sent
            assertEquals(null, f.get("/api/session").header("Access-Control-Allow-Origin"));
        }
    }

    @Test
    void nonLoopbackBindingWithoutCredentialsIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DaemonConfig.builder().web(new io.hivemind.bt.client.HostPort("0.0.0.0", 8080))
                        .stateDirectory(java.nio.file.Path.of("s")).downloadDirectory(java.nio.file.Path.of("d")).build());
        assertTrue(e.getMessage().contains("token"), e.getMessage());
        DaemonConfig.builder().web(new io.hivemind.bt.client.HostPort("0.0.0.0", 8080)).rpc(null)
                .credentials(new Credentials(null, null, "t")).stateDirectory(java.nio.file.Path.of("s"))
                .downloadDirectory(java.nio.file.Path.of("d")).build();
    }
}
