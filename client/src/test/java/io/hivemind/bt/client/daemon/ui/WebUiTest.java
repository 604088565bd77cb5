package io.hivemind.bt.client.daemon.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.DaemonFixture;
import io.hivemind.bt.client.daemon.DaemonRestTestData;
import io.hivemind.bt.client.daemon.FakeSession;
import io.hivemind.bt.client.daemon.TestTorrents;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.testing.ExternalPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The web UI in headless Chromium (Debian's chromium and chromium-driver): add a torrent by file upload, watch its
 * progress go live to 100 %, pause and resume it, open its detail, add a magnet link, remove both. The daemon runs
 * over the {@link FakeSession} with simulated progress. Screenshots go to {@code target/ui-screenshots/}.
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
            String url = "http://127.0.0.1:" + f.web().getPort() + "/";
            web.open(url);
            WebDriver.waitFor(() -> exists(web, "body[data-updated]"), 30, "UI did not load");

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

            web.click(row + " button.remove");
            web.click(row + " button.confirm-remove");
            web.click(magnetRow + " button.remove");
            web.click(magnetRow + " button.confirm-remove");
            WebDriver.waitFor(() -> !exists(web, row) && !exists(web, magnetRow), 30, "rows not removed");
            assertEquals(0, f.session.handles().size());
            web.screenshot(SHOTS.resolve("5-removed.png"));
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
