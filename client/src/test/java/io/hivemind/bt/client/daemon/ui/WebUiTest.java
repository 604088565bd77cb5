package io.hivemind.bt.client.daemon.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.DaemonFixture;
import io.hivemind.bt.client.daemon.DaemonRestTestData;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.RealDaemonFixture;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.client.nat.MappingMethod;
import io.hivemind.bt.client.nat.MappingStatus;
import io.hivemind.bt.client.nat.PortMapperStatus;
import io.hivemind.bt.client.nat.Protocol;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The web UI in headless Chromium (Debian's chromium and chromium-driver). Over the real session: add a torrent by
 * file upload, watch it download from a local hivebt seeder (found through a local tracker) to 100 % under a rate
 * limit set in the UI, see the seeder in the peer list and the status bar (peers, port mapping off), pause it,
 * remove it. Over the {@link FakeSession} with simulated progress: the port mapping in the status bar, pause and
 * resume, detail, a magnet link, creating a torrent from two uploaded files (seeding at once), removing all three.
 * Screenshots go to {@code target/ui-screenshots/}.
 */
class WebUiTest {
    private static final Path SHOTS = Path.of("target", "ui-screenshots");

    @Test
    void addWatchProgressPauseResumeRemove() throws Exception {
        Path chromium = ExternalPrograms.require("chromium", "chromium");
        Path chromedriver = ExternalPrograms.require("chromedriver", "chromium-driver");
        try (DaemonFixture f = new DaemonFixture(); WebDriver web = new WebDriver(chromedriver, chromium)) {
            byte[] torrent = TestTorrents.single("big-model.safetensors", DaemonRestTestData.bytes(2_000_000, 5),
                    65536, "http://127.0.0.1:6969/announce");
            String hash = Metainfo.parse(torrent).infoHashes().v1Hex();
            Path file = f.root.resolve("big-model.torrent");
            Files.write(file, torrent);
            InetAddress ext = InetAddress.getByName("203.0.113.7");
            f.session.portMapping(new PortMapperStatus(false, true, null, null, null, null, ext, List.of(
                    new MappingStatus(Protocol.TCP, 6881, MappingMethod.NATPMP, MappingStatus.State.MAPPED, 51413, ext,
                            null, null))));
            String url = "http://127.0.0.1:" + f.web().getPort() + "/";
            web.open(url);
            WebDriver.waitFor(() -> exists(web, "body[data-updated]"), 30, "UI did not load");
            assertEquals("port mapped: TCP 6881→203.0.113.7:51413 (natpmp)", web.text("#status-ports"),
                    "the status bar shows the port mapping");

            web.type("#add-file", file.toString());
            web.click("#add-button");
            String row = "tr[data-hash='" + hash + "']";
            WebDriver.waitFor(() -> exists(web, row), 30, "row did not appear");
            assertEquals("big-model.safetensors", web.text(row + " .name"));
            web.screenshot(SHOTS.resolve("1-added.png"));

            f.session.autoProgress(400_000);
            WebDriver.waitFor(() -> pct(web, row) > 0 && pct(web, row) < 100, 30, "no live progress");
            assertTrue(web.text(row + " .down").endsWith("/s"));
            web.screenshot(SHOTS.resolve("2-progress.png"));

            web.click(row + " button.pause");
            WebDriver.waitFor(() -> "paused".equals(text(web, row + " .state")), 30, "did not pause");
            assertTrue(f.session.handles().getFirst().isPaused());
            web.screenshot(SHOTS.resolve("3-paused.png"));
            web.click(row + " button.resume");
            WebDriver.waitFor(() -> pct(web, row) >= 100 && "seeding".equals(text(web, row + " .state")), 60,
                    "did not complete");
            web.click(row + " .name");
            WebDriver.waitFor(() -> "big-model.safetensors".equals(text(web, "#detail-name")), 30, "no detail");
            WebDriver.waitFor(() -> exists(web, "#detail-trackers tbody tr"), 30, "no trackers in detail");
            web.screenshot(SHOTS.resolve("4-complete-detail.png"));

            web.type("#add-url", "magnet:?xt=urn:btih:" + "ef".repeat(20) + "&dn=From%20a%20magnet");
            web.click("#add-button");
            String magnetRow = "tr[data-hash='" + "ef".repeat(20) + "']";
            WebDriver.waitFor(() -> "From a magnet".equals(text(web, magnetRow + " .name")), 30, "magnet not added");

            // create a torrent from two uploaded files and seed it
            Path a = f.root.resolve("notes.txt");
            Path b = f.root.resolve("weights.bin");
            Files.writeString(a, "hello swarm");
            Files.write(b, DaemonRestTestData.bytes(50_000, 6));
            web.script("document.querySelector('#create-panel').open = true; return true;");
            web.type("#create-files", a + "\n" + b);
            web.type("#create-name", "shared-set");
            web.type("#create-comment", "from the web UI");
            web.click("#create-button");
            WebDriver.waitFor(() -> String.valueOf(text(web, "#create-result")).startsWith("Seeding shared-set"), 30,
                    "torrent not created");
            assertTrue(Files.isRegularFile(f.downloads.resolve("shared-set/weights.bin")));
            String createdRow = "tr[data-hash='" + f.session.handles().get(2).infoHashes().v1Hex() + "']";
            WebDriver.waitFor(() -> "seeding".equals(text(web, createdRow + " .state")), 30, "created torrent not seeding");
            web.screenshot(SHOTS.resolve("5-created.png"));

            web.click(createdRow + " button.remove");
            web.click(createdRow + " button.confirm-remove");
            web.click(row + " button.remove");
            web.click(row + " button.confirm-remove");
            web.click(magnetRow + " button.remove");
            web.click(magnetRow + " button.confirm-remove");
            WebDriver.waitFor(() -> !exists(web, row) && !exists(web, magnetRow) && !exists(web, createdRow), 30,
                    "rows not removed");
            assertEquals(0, f.session.handles().size());
            web.screenshot(SHOTS.resolve("6-removed.png"));
        }
    }

    @Test
    void addWatchCompleteAgainstALocalSeederPauseRemove() throws Exception {
        Path chromium = ExternalPrograms.require("chromium", "chromium");
        Path chromedriver = ExternalPrograms.require("chromedriver", "chromium-driver");
        try (RealDaemonFixture f = new RealDaemonFixture(); WebDriver web = new WebDriver(chromedriver, chromium)) {
            Path src = f.sampleSet("ui-set", 1000);
            Metainfo mi = f.seed(src, TorrentVersion.V1, 64 * 1024);
            String hash = mi.infoHashes().v1Hex();
            Path file = f.root.resolve("ui-set.torrent");
            Files.write(file, mi.encode());
            web.open("http://127.0.0.1:" + f.web().getPort() + "/");
            WebDriver.waitFor(() -> exists(web, "body[data-updated]"), 30, "UI did not load");

            // a global download limit from the header form, so the download can be watched
            web.type("#limit-down", "300");
            web.click("#limits-apply");
            WebDriver.waitFor(() -> f.session.settings().downloadRateLimit() == 300_000, 30, "limit not applied");

            web.type("#add-file", file.toString());
            web.click("#add-button");
            String row = "tr[data-hash='" + hash + "']";
            WebDriver.waitFor(() -> exists(web, row), 30, "row did not appear");
            assertEquals("ui-set", web.text(row + " .name"));
            WebDriver.waitFor(() -> pct(web, row) > 0 && pct(web, row) < 100
                    && "downloading".equals(text(web, row + " .state")), 120, "no live progress from the seeder");
            web.click(row + " .name");
            WebDriver.waitFor(() -> exists(web, "#detail-peers tbody tr"), 60, "the seeder is not in the peer list");
            WebDriver.waitFor(() -> String.valueOf(text(web, row + " .down")).matches("[1-9].*/s")
                    && pct(web, row) < 100, 60, "no download rate shown while downloading");
            assertTrue(web.text("#detail-peers tbody tr").contains("127.0.0.1"), web.text("#detail-peers tbody tr"));
            WebDriver.waitFor(() -> String.valueOf(text(web, "#status-peers")).matches("[1-9][0-9]* peers?"), 30,
                    "peers not in the status bar");
            assertEquals("port mapping off", web.text("#status-ports"), "the real session's mapper: both methods off");
            web.screenshot(SHOTS.resolve("real-1-downloading.png"));

            web.script("document.querySelector('#limit-down').value = ''; return true;");
            web.click("#limits-apply");
            WebDriver.waitFor(() -> f.session.settings().downloadRateLimit() == 0, 30, "limit not lifted");
            WebDriver.waitFor(() -> pct(web, row) >= 100 && "seeding".equals(text(web, row + " .state")), 120,
                    "did not complete");
            RealDaemonFixture.assertSameTree(src, f.downloads.resolve("ui-set"));
            web.screenshot(SHOTS.resolve("real-2-complete.png"));

            web.click(row + " button.pause");
            WebDriver.waitFor(() -> "paused".equals(text(web, row + " .state")), 30, "did not pause");
            assertEquals(TorrentState.PAUSED, f.session.torrents().getFirst().status().state());
            web.screenshot(SHOTS.resolve("real-3-paused.png"));

            web.click(row + " button.remove");
            web.click(row + " button.confirm-remove");
            WebDriver.waitFor(() -> !exists(web, row), 30, "row not removed");
            assertTrue(f.session.torrents().isEmpty());
            assertTrue(Files.exists(f.downloads.resolve("ui-set/model.bin")), "the UI removes without the data");
            web.screenshot(SHOTS.resolve("real-4-removed.png"));
        }
    }

    private static boolean exists(WebDriver web, String css) {
        try {
            return web.script("return document.querySelector(\"" + css.replace("\"", "\\\"") + "\") !== null;")
                    == io.hivemind.bt.client.daemon.json.JsonBool.TRUE;
        } catch (Exception e) {
            return false;
        }
    }

    private static String text(WebDriver web, String css) {
        try {
            return web.text(css);
        } catch (Exception e) {
            return null;
        }
    }

    private static double pct(WebDriver web, String row) {
        String t = text(web, row + " .pct");
        return t == null || t.isEmpty() ? -1 : Double.parseDouble(t.replace("%", ""));
    }
}
