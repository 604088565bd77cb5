package io.hivemind.bt.client.distribution;

import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Coordinator} publishes. Immutable; build with {@link #builder(ChannelKey, Path)}.
 *
 * @param channelKey         the key announcements are signed with; its channel is the default model channel
 * @param workDirectory      staging directories (hard links to the published files) and the coordinator's state
 *                           (sequence numbers) live here
 * @param token              the shared secret sent as {@code Authorization: Bearer} to the workers' daemons, and the
 *                           one workers must present to the coordinator's daemon; null for none (loopback only)
 * @param apiUrl             base URL of the coordinator's own daemon API, announced so workers know where to report
 *                           ({@code http://host:port}); null when workers are told with {@code --coordinator}
 * @param trackerBind        where to run the embedded tracker (HTTP and UDP on one port; port 0 picks one), or null
 *                           for none
 * @param trackerPublicHost  the host name or IP workers reach the embedded tracker at (default: the bind address)
 * @param trackers           further announce URLs put in every torrent (an external tracker the coordinator points at)
 * @param torrentVersion     torrent format (hybrid by default: v1 and v2 clients both join)
 * @param pieceLength        piece size in bytes, 0 = automatic
 * @param timeout            how long a distribution waits for its workers by default
 * @param notifyConcurrency  direct notifications in flight at once
 * @param notifyAttempts     tries per worker and distribution before waiting for the worker's check-in
 * @param retryInterval      pause between notification tries
 * @param httpTimeout        connect and request timeout of one notification
 * @param republishInterval  how often the latest item of each channel is put in the DHT again (BEP 44 items expire
 *                           after about two hours)
 * @param tickInterval       how often deadlines, retries and republishing are checked
 * @param maxWorkers         most workers remembered from check-ins
 * @param maxObservers       most workers tracked per distribution besides its targets
 * @param maxDistributions   most distributions kept; the oldest settled ones are forgotten (their data stays seeded)
 * @param workers            workers known in advance, with the base URL of their daemon API
 */
public record CoordinatorConfig(ChannelKey channelKey, Path workDirectory, String token, String apiUrl,
                                InetSocketAddress trackerBind, String trackerPublicHost, List<String> trackers,
                                TorrentVersion torrentVersion, long pieceLength, Duration timeout,
                                int notifyConcurrency, int notifyAttempts, Duration retryInterval,
                                Duration httpTimeout, Duration republishInterval, Duration tickInterval,
                                int maxWorkers, int maxObservers, int maxDistributions, Map<WorkerId, URI> workers) {

    public CoordinatorConfig {
        Objects.requireNonNull(channelKey, "channelKey");
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(torrentVersion, "torrentVersion");
        trackers = List.copyOf(trackers);
        workers = Map.copyOf(workers);
        if (token != null && (token.isEmpty() || token.length() > 512 || !token.matches("[\\x21-\\x7e]+"))) {
            throw new IllegalArgumentException("the token is 1-512 printable ASCII characters");
        }
        if (apiUrl != null && !apiUrl.matches("(?i)https?://[\\x21-\\x7e]{1,200}")) {
            throw new IllegalArgumentException("apiUrl must be an http or https URL: " + apiUrl);
        }
        if (trackers.size() + (trackerBind != null ? 1 : 0) > Announcement.MAX_TRACKERS) {
            throw new IllegalArgumentException("at most " + Announcement.MAX_TRACKERS + " trackers in all");
        }
        if (pieceLength != 0 && (pieceLength < 16384 || Long.bitCount(pieceLength) != 1)) {
            throw new IllegalArgumentException("pieceLength is 0 (automatic) or a power of two of at least 16 KiB");
        }
        positive(timeout, "timeout");
        positive(retryInterval, "retryInterval");
        positive(httpTimeout, "httpTimeout");
        positive(republishInterval, "republishInterval");
        positive(tickInterval, "tickInterval");
        if (notifyConcurrency < 1 || notifyAttempts < 1 || maxWorkers < 1 || maxObservers < 0
                || maxDistributions < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        for (URI u : workers.values()) {
            checkWorkerUrl(u);
        }
    }

    static void checkWorkerUrl(URI u) {
        if (u == null || u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null) {
            throw new IllegalArgumentException("a worker's API URL is http(s)://host:port: " + u);
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    public static Builder builder(ChannelKey channelKey, Path workDirectory) {
        return new Builder(channelKey, workDirectory);
    }

    public Builder toBuilder() {
        Builder b = new Builder(channelKey, workDirectory);
        b.token = token;
        b.apiUrl = apiUrl;
        b.trackerBind = trackerBind;
        b.trackerPublicHost = trackerPublicHost;
        b.trackers = trackers;
        b.torrentVersion = torrentVersion;
        b.pieceLength = pieceLength;
        b.timeout = timeout;
        b.notifyConcurrency = notifyConcurrency;
        b.notifyAttempts = notifyAttempts;
        b.retryInterval = retryInterval;
        b.httpTimeout = httpTimeout;
        b.republishInterval = republishInterval;
        b.tickInterval = tickInterval;
        b.maxWorkers = maxWorkers;
        b.maxObservers = maxObservers;
        b.maxDistributions = maxDistributions;
        b.workers = new LinkedHashMap<>(workers);
        return b;
    }

    /**
     * Builder. Defaults: embedded tracker on {@code 0.0.0.0:0}, hybrid torrents, automatic piece size, one hour
     * timeout, 16 notifications at once, 5 tries 10 s apart, 10 s HTTP timeout, republish every hour, tick every
     * second, 10,000 workers, 1,000 observers, 1,000 distributions. Not thread-safe.
     */
    public static final class Builder {
        private final ChannelKey channelKey;
        private final Path workDirectory;
        private String token;
        private String apiUrl;
        private InetSocketAddress trackerBind = new InetSocketAddress("0.0.0.0", 0);
        private String trackerPublicHost;
        private List<String> trackers = List.of();
        private TorrentVersion torrentVersion = TorrentVersion.HYBRID;
        private long pieceLength;
        private Duration timeout = Duration.ofHours(1);
        private int notifyConcurrency = 16;
        private int notifyAttempts = 5;
        private Duration retryInterval = Duration.ofSeconds(10);
        private Duration httpTimeout = Duration.ofSeconds(10);
        private Duration republishInterval = Duration.ofHours(1);
        private Duration tickInterval = Duration.ofSeconds(1);
        private int maxWorkers = 10_000;
        private int maxObservers = 1_000;
        private int maxDistributions = 1_000;
        private Map<WorkerId, URI> workers = new LinkedHashMap<>();

        private Builder(ChannelKey channelKey, Path workDirectory) {
            this.channelKey = channelKey;
            this.workDirectory = workDirectory;
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder apiUrl(String url) {
            this.apiUrl = url;
            return this;
        }

        /** Runs the embedded tracker there (null: no embedded tracker). */
        public Builder trackerBind(InetSocketAddress bind) {
            this.trackerBind = bind;
            return this;
        }

        public Builder trackerPublicHost(String host) {
            this.trackerPublicHost = host;
            return this;
        }

        /** Further announce URLs (an external tracker). */
        public Builder trackers(List<String> urls) {
            this.trackers = urls;
            return this;
        }

        public Builder torrentVersion(TorrentVersion v) {
            this.torrentVersion = v;
            return this;
        }

        public Builder pieceLength(long bytes) {
            this.pieceLength = bytes;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public Builder notifyConcurrency(int n) {
            this.notifyConcurrency = n;
            return this;
        }

        public Builder notifyAttempts(int n) {
            this.notifyAttempts = n;
            return this;
        }

        public Builder retryInterval(Duration d) {
            this.retryInterval = d;
            return this;
        }

        public Builder httpTimeout(Duration d) {
            this.httpTimeout = d;
            return this;
        }

        public Builder republishInterval(Duration d) {
            this.republishInterval = d;
            return this;
        }

        public Builder tickInterval(Duration d) {
            this.tickInterval = d;
            return this;
        }

        public Builder maxWorkers(int n) {
            this.maxWorkers = n;
            return this;
        }

        public Builder maxObservers(int n) {
            this.maxObservers = n;
            return this;
        }

        public Builder maxDistributions(int n) {
            this.maxDistributions = n;
            return this;
        }

        /** A worker known in advance and the base URL of its daemon API. */
        public Builder worker(WorkerId id, URI api) {
            this.workers.put(id, api);
            return this;
        }

        public CoordinatorConfig build() {
            return new CoordinatorConfig(channelKey, workDirectory, token, apiUrl, trackerBind, trackerPublicHost,
                    trackers, torrentVersion, pieceLength, timeout, notifyConcurrency, notifyAttempts, retryInterval,
                    httpTimeout, republishInterval, tickInterval, maxWorkers, maxObservers, maxDistributions, workers);
        }
    }
}
