package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small JSON-over-HTTP client for the distribution API between coordinator and workers: bearer token when one is
 * configured, otherwise the daemon's CSRF handshake (a 403 carrying {@code X-CSRF-Token} is retried once with it),
 * a timeout on every request and a cap on the answer's size ({@value #MAX_ANSWER} bytes). Blocking: call it from
 * virtual threads. Thread-safe.
 */
final class JsonHttp {
    static final int MAX_ANSWER = 1 << 20;
    private static final String CSRF = "X-CSRF-Token";
    private static final JsonLimits LIMITS = new JsonLimits(MAX_ANSWER, 16, 100_000, 64 * 1024, 32);

    /** An answer: the status and the JSON body (empty when none or not JSON). */
    record Answer(int status, JsonObject body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final String token;
    private final Duration timeout;
    private final ConcurrentHashMap<String, String> csrfByOrigin = new ConcurrentHashMap<>();

    JsonHttp(String token, Duration timeout) {
        this.token = token;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    Answer post(URI uri, JsonObject body) throws IOException, InterruptedException {
        return send("POST", uri, JsonWriter.writeBytes(body), true);
    }

    Answer get(URI uri) throws IOException, InterruptedException {
        return send("GET", uri, null, true);
    }

    private Answer send(String method, URI uri, byte[] body, boolean retryCsrf) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        } else {
            String csrf = csrfByOrigin.get(origin);
            if (csrf != null) {
                b.header(CSRF, csrf);
            }
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes(MAX_ANSWER + 1);
        }
        if (bytes.length > MAX_ANSWER) {
            throw new IOException("answer from " + uri + " over " + MAX_ANSWER + " bytes");
        }
        String newCsrf = r.headers().firstValue(CSRF).orElse(null);
        if (r.statusCode() == 403 && token == null && newCsrf != null && retryCsrf) {
            csrfByOrigin.put(origin, newCsrf);
            return send(method, uri, body, false);
        }
        JsonObject json = JsonObject.EMPTY;
        if (bytes.length > 0) {
            try {
                json = JsonReader.parseObject(bytes, LIMITS);
            } catch (RuntimeException e) {
                json = JsonObject.EMPTY;
            }
        }
        return new Answer(r.statusCode(), json);
    }
}
