package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.daemon.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a torrent added by name comes from: a {@code .torrent} file on the daemon's machine (only inside the
 * download roots, so the API cannot be used to probe other files) or an http(s) URL (at most 10 MB in 30 s).
 * Stateless and thread-safe.
 */
public final class TorrentSources {
    public static final int MAX_TORRENT_BYTES = 10 * 1024 * 1024;

    private TorrentSources() {
    }

    public static byte[] readFile(Daemon daemon, String file) throws IOException {
        Path p = daemon.roots().resolve(file);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(404, "no such torrent file inside the download roots");
        }
        if (Files.size(p) > MAX_TORRENT_BYTES) {
            throw new ApiException(413, "torrent file larger than 10 MB");
        }
        return Files.readAllBytes(p);
    }

    public static boolean isUrl(String s) {
        return s.regionMatches(true, 0, "http://", 0, 7) || s.regionMatches(true, 0, "https://", 0, 8);
    }

    public static byte[] fetch(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "bad URL");
        }
        if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                || u.getHost() == null) {
            throw new ApiException(400, "only http and https URLs can be fetched");
        }
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(30))
                    .header("User-Agent", "hivebt/" + Daemon.VERSION).GET().build();
            HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new ApiException(502, "fetching the torrent failed with HTTP " + resp.statusCode());
                }
                byte[] b = in.readNBytes(MAX_TORRENT_BYTES + 1);
                if (b.length > MAX_TORRENT_BYTES) {
                    throw new ApiException(413, "torrent larger than 10 MB");
                }
                return b;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        } catch (IOException e) {
            throw new ApiException(502, "cannot fetch the torrent: " + e.getMessage());
        }
    }
}
