package io.hivemind.bt.client.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hivemind.bt.client.ClientException;
import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.daemon.http.Credentials;
import io.hivemind.bt.client.daemon.http.UploadReceiver;
import io.hivemind.bt.client.daemon.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The daemon over the real session. Skips with a clear reason while {@code DefaultSession.start} is not
 * implemented; the lead removes the skip when the session lands. Still to add then: the web UI test against a real
 * local seeder (libtorrent) watching the download complete, and transmission-remote adding a real torrent.
 */
@Tag("needs-session")
class RealSessionDaemonTest {

    static Session realSessionOrSkip() {
        try {
            return Session.builder().listen("127.0.0.1:0").dht(false).lsd(false).build();
        } catch (ClientException e) {
            Assumptions.abort("skipped: the real session is not implemented yet (" + e.getMessage() + ")");
            throw e;
        }
    }

    @Test
    void addAndListOverTheRealSession() throws Exception {
        Session session = realSessionOrSkip();
        Path root = Files.createTempDirectory("hivebt-real-");
        try (session) {
            DaemonConfig cfg = DaemonConfig.builder().web(new HostPort("127.0.0.1", 0)).rpc(null)
                    .stateDirectory(root.resolve("state")).downloadDirectory(root.resolve("downloads"))
                    .credentials(Credentials.NONE).build();
            try (Daemon d = Daemon.start(cfg, session, TestTorrents.FACTORY)) {
                String csrf = TestHttp.send(d.webAddress(), "GET", "/api/session", Map.of(), null).json()
                        .getString("csrf_token", null);
                byte[] t = TestTorrents.single("real.bin", DaemonRestTestData.bytes(100_000, 1), 16384, null);
                TestHttp.Response r = TestHttp.send(d.webAddress(), "POST", "/api/add_torrent",
                        Map.of("X-CSRF-Token", csrf), io.hivemind.bt.client.daemon.json.JsonWriter.writeBytes(
                                JsonObject.builder().put("torrent", Base64.getEncoder().encodeToString(t)).build()));
                assertEquals(201, r.status(), r.text());
                assertEquals(1, TestHttp.send(d.webAddress(), "GET", "/api/torrents", Map.of(), null).json()
                        .getArray("torrents").size());
            }
        } finally {
            UploadReceiver.deleteTree(root);
        }
    }
}
