package io.hivemind.bt.client.daemon.rest;

import io.hivemind.bt.client.daemon.http.HttpReply;
import io.hivemind.bt.client.daemon.http.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the single-page web UI from the class path ({@code io/hivemind/bt/client/daemon/web/}). Only a fixed list
 * of files is served, so no request path ever reaches a resource lookup. Thread-safe; files are cached after the
 * first read.
 */
public final class StaticFiles {
    private static final String BASE = "/io/hivemind/bt/client/daemon/web/";
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"style.css", "text/css; charset=utf-8"},
            "/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"},
            "/favicon.ico", new String[] {"favicon.svg", "image/svg+xml"});

    private final ConcurrentHashMap<String, byte[]> cache = new ConcurrentHashMap<>();

    public HttpReply serve(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return HttpReply.error(405, "use GET");
        }
        String[] f = FILES.get(request.path());
        if (f == null) {
            return HttpReply.error(404, "not found");
        }
        byte[] body = cache.computeIfAbsent(f[0], StaticFiles::load);
        return new HttpReply(200, f[1], body, Map.of("Cache-Control", "no-cache"));
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing web resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
