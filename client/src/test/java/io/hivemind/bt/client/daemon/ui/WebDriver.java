package io.hivemind.bt.client.daemon.ui;

import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A minimal W3C WebDriver client for Debian's {@code chromedriver} driving headless {@code chromium}: plain HTTP
 * and our own JSON, so the UI test needs neither npm nor Selenium. Not thread-safe.
 */
final class WebDriver implements AutoCloseable {
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String session;
    private final Path profile;

    WebDriver(Path chromedriver, Path chromium) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        profile = Files.createTempDirectory("hivebt-chromium-");
        driver = new ProcessBuilder(chromedriver.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        base = "http://127.0.0.1:" + port;
        waitFor(() -> {
            try {
                return call("GET", "/status", null).getObject("value").getBoolean("ready", false);
            } catch (Exception e) {
                return false;
            }
        }, 30, "chromedriver did not start");
        JsonObject options = JsonObject.builder()
                .put("binary", chromium.toString())
                .put("args", JsonArray.ofStrings(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                        "--user-data-dir=" + profile)))
                .build();
        JsonObject caps = JsonObject.builder().put("capabilities", JsonObject.builder().put("alwaysMatch",
                JsonObject.builder().put("browserName", "chrome").put("goog:chromeOptions", options).build()).build())
                .build();
        session = call("POST", "/session", caps).getObject("value").getString("sessionId", null);
    }

    JsonObject call(String method, String path, JsonObject body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofByteArray(JsonWriter.writeBytes(body)));
        } else {
            b.method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                    : HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonObject o = JsonReader.parseObject(r.body(), new JsonLimits(64 << 20, 64, 1_000_000, 64 << 20, 64));
        if (r.statusCode() >= 400) {
            throw new IOException("WebDriver " + method + " " + path + " → " + r.statusCode() + ": " + o);
        }
        return o;
    }

    private String s(String path) {
        return "/session/" + session + path;
    }

    void open(String url) throws Exception {
        call("POST", s("/url"), JsonObject.builder().put("url", url).build());
    }

    String find(String css) throws Exception {
        JsonObject v = call("POST", s("/element"), JsonObject.builder().put("using", "css selector").put("value", css)
                .build()).getObject("value");
        String id = v.getString(ELEMENT, null);
        if (id == null) {
            throw new IOException("no element for " + css + ": " + v);
        }
        return id;
    }

    void click(String css) throws Exception {
        call("POST", s("/element/" + find(css) + "/click"), JsonObject.EMPTY);
    }

    void type(String css, String text) throws Exception {
        call("POST", s("/element/" + find(css) + "/value"), JsonObject.builder().put("text", text).build());
    }

    /** Runs {@code script} (a function body) and returns its JSON result. */
    JsonValue script(String script) throws Exception {
        return call("POST", s("/execute/sync"), JsonObject.builder().put("script", script)
                .put("args", JsonArray.EMPTY).build()).get("value");
    }

    String text(String css) throws Exception {
        JsonValue v = script("const e = document.querySelector(" + JsonWriter.write(JsonValue.of(css))
                + "); return e ? e.textContent : null;");
        return v instanceof io.hivemind.bt.client.daemon.json.JsonString str ? str.value() : null;
    }

    void screenshot(Path file) throws Exception {
        String b64 = call("GET", s("/screenshot"), null).getString("value", null);
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(b64));
    }

    static void waitFor(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            Thread.sleep(100); // polling with a bounded deadline
        }
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", s(""), null);
            }
        } catch (Exception ignored) {
            // the browser may be gone already
        }
        driver.destroy();
        try {
            if (!driver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            driver.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        io.hivemind.bt.client.daemon.http.UploadReceiver.deleteTree(profile);
    }
}
