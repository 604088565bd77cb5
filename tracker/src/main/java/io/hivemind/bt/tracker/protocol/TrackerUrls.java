package io.hivemind.bt.tracker.protocol;

import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Tracker URL rules: which schemes we speak (HARDENING.md: only {@code http}, {@code https} and {@code udp}), the
 * port each defaults to, and the BEP 48 scrape URL. Stateless and thread-safe.
 */
public final class TrackerUrls {
    /** Longest tracker URL we accept, in characters. */
    public static final int MAX_URL_LENGTH = 2048;

    /** The transport a tracker URL names. */
    public enum Scheme {
        HTTP(80), HTTPS(443), UDP(-1);

        private final int defaultPort;

        Scheme(int defaultPort) {
            this.defaultPort = defaultPort;
        }

        /** The port when the URL has none; UDP trackers have no default port. */
        public int defaultPort() {
            return defaultPort;
        }
    }

    private TrackerUrls() {
    }

    /**
     * Parses a tracker URL string (from a torrent, a magnet link or the settings), trimming white space.
     *
     * @throws TrackerException {@link Reason#UNSUPPORTED_URL} when it is not a usable tracker URL
     */
    public static URI parse(String url) {
        if (url == null) {
            throw new TrackerException(Reason.UNSUPPORTED_URL, "no tracker URL");
        }
        String s = url.strip();
        if (s.isEmpty() || s.length() > MAX_URL_LENGTH) {
            throw new TrackerException(Reason.UNSUPPORTED_URL, "tracker URL empty or longer than " + MAX_URL_LENGTH);
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new TrackerException(Reason.UNSUPPORTED_URL, "not a URL: " + e.getMessage(), e);
        }
        scheme(uri);
        return uri;
    }

    /**
     * The scheme of a tracker URL, after checking it has a host and (for UDP) a port.
     *
     * @throws TrackerException {@link Reason#UNSUPPORTED_URL} for any other scheme, a missing host or a bad port
     */
    public static Scheme scheme(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new TrackerException(Reason.UNSUPPORTED_URL, "tracker URL without a scheme: " + uri);
        }
        Scheme s = switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http" -> Scheme.HTTP;
            case "https" -> Scheme.HTTPS;
            case "udp" -> Scheme.UDP;
            default -> throw new TrackerException(Reason.UNSUPPORTED_URL,
                    "unsupported tracker scheme '" + scheme + "' (only http, https and udp): " + uri);
        };
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new TrackerException(Reason.UNSUPPORTED_URL, "tracker URL without a host: " + uri);
        }
        if (s == Scheme.UDP && uri.getPort() <= 0) {
            throw new TrackerException(Reason.UNSUPPORTED_URL, "UDP tracker URL without a port: " + uri);
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new TrackerException(Reason.UNSUPPORTED_URL, "tracker URL with port 0: " + uri);
        }
        return s;
    }

    /** The URL's port, or its scheme's default. */
    public static int port(URI uri) {
        int p = uri.getPort();
        return p > 0 ? p : scheme(uri).defaultPort();
    }

    /** The host without IPv6 brackets, ready for name resolution. */
    public static String host(URI uri) {
        String h = uri.getHost();
        if (h.length() > 1 && h.charAt(0) == '[' && h.charAt(h.length() - 1) == ']') {
            return h.substring(1, h.length() - 1);
        }
        return h;
    }

    /**
     * The scrape URL for an announce URL (BEP 48): the last path segment must start with {@code announce}, which
     * is replaced by {@code scrape}. UDP URLs scrape at the same address (BEP 15) and are returned unchanged.
     *
     * @throws TrackerException {@link Reason#SCRAPE_UNSUPPORTED} when the path does not allow a scrape
     */
    public static URI scrapeUrl(URI announce) {
        if (scheme(announce) == Scheme.UDP) {
            return announce;
        }
        String raw = announce.getRawPath();
        if (raw == null) {
            raw = "";
        }
        int slash = raw.lastIndexOf('/');
        String last = raw.substring(slash + 1);
        if (!last.startsWith("announce")) {
            throw new TrackerException(Reason.SCRAPE_UNSUPPORTED,
                    "tracker URL path does not end in 'announce', so it has no scrape URL (BEP 48): " + announce);
        }
        String path = raw.substring(0, slash + 1) + "scrape" + last.substring("announce".length());
        StringBuilder sb = new StringBuilder();
        sb.append(announce.getScheme()).append("://").append(announce.getRawAuthority()).append(path);
        if (announce.getRawQuery() != null) {
            sb.append('?').append(announce.getRawQuery());
        }
        return URI.create(sb.toString());
    }
}
