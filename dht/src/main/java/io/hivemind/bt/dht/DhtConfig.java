package io.hivemind.bt.dht;

import java.time.Duration;
import java.util.Objects;

/**
 * Protocol and abuse-limit settings of a DHT node. Immutable; make one with {@link #builder()} and change it with
 * {@link #toBuilder()}. The defaults follow BEP 5, BEP 44 and HARDENING.md.
 *
 * @param k                    bucket size and lookup result size (BEP 5: 8)
 * @param alpha                parallel queries of a lookup (3)
 * @param queryTimeout         when an unanswered query fails
 * @param slowAfter            when an unanswered lookup query stops holding one of the {@code alpha} slots
 * @param tokenRotation        rotation period of the token secret (tokens live one to two periods)
 * @param peerTtl              how long an announced peer is kept
 * @param maxTorrents          most info-hashes stored
 * @param maxPeersPerTorrent   most peers stored per info-hash
 * @param maxValues            most peers in one {@code get_peers} answer (also bounded by the reply-size rule)
 * @param maxItems             most BEP 44 items stored
 * @param itemTtl              how long a BEP 44 item is kept after its last write (BEP 44: 2 hours)
 * @param maxSamples           most info-hashes in a BEP 51 answer
 * @param sampleInterval       BEP 51 {@code interval} advertised
 * @param rateLimitPerSecond   packets a second one IP may send on average
 * @param rateLimitWindow      averaging window of the per-IP limit
 * @param rateLimitBan         how long an IP over the limit is ignored
 * @param rateLimitTracked     most IPs the limiter remembers
 * @param uploadBytesPerSecond global budget for answers (bytes a second)
 * @param uploadBurstBytes     depth of the global budget
 * @param replyAmplification   an answer is at most this many times the size of its query
 * @param readOnly             BEP 43 read-only node: answers nothing, flags its queries {@code ro}
 * @param restrictRoutingIps   at most one routing-table node per IP (off for loopback test networks)
 * @param enforceNodeIdRestriction keep only BEP 42-valid nodes (local addresses exempt) in the routing table
 * @param bucketRefresh        refresh a bucket unchanged for this long (BEP 5: 15 minutes)
 * @param pingInterval         least time between two pings of a questionable node
 */
public record DhtConfig(int k, int alpha, Duration queryTimeout, Duration slowAfter, Duration tokenRotation,
                        Duration peerTtl, int maxTorrents, int maxPeersPerTorrent, int maxValues, int maxItems,
                        Duration itemTtl, int maxSamples, Duration sampleInterval, double rateLimitPerSecond,
                        Duration rateLimitWindow, Duration rateLimitBan, int rateLimitTracked,
                        long uploadBytesPerSecond, long uploadBurstBytes, int replyAmplification, boolean readOnly,
                        boolean restrictRoutingIps, boolean enforceNodeIdRestriction, Duration bucketRefresh,
                        Duration pingInterval) {

    /** The defaults. */
    public static final DhtConfig DEFAULT = builder().build();

    public DhtConfig {
        if (k < 1 || alpha < 1) {
            throw new IllegalArgumentException("k and alpha must be positive: k=" + k + " alpha=" + alpha);
        }
        positive(queryTimeout, "queryTimeout");
        positive(slowAfter, "slowAfter");
        positive(tokenRotation, "tokenRotation");
        positive(peerTtl, "peerTtl");
        positive(itemTtl, "itemTtl");
        positive(rateLimitWindow, "rateLimitWindow");
        positive(bucketRefresh, "bucketRefresh");
        positive(pingInterval, "pingInterval");
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        Objects.requireNonNull(rateLimitBan, "rateLimitBan");
        if (sampleInterval.isNegative() || sampleInterval.toSeconds() > 21600) {
            throw new IllegalArgumentException("BEP 51 interval must be within 0..21600 s: " + sampleInterval);
        }
        if (maxTorrents < 1 || maxPeersPerTorrent < 1 || maxValues < 0 || maxItems < 1 || maxSamples < 0
                || rateLimitTracked < 1) {
            throw new IllegalArgumentException("store and limiter sizes must be positive");
        }
        if (rateLimitPerSecond <= 0 || uploadBytesPerSecond <= 0 || uploadBurstBytes <= 0
                || replyAmplification < 1) {
            throw new IllegalArgumentException("rates and budgets must be positive");
        }
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.k = k;
        b.alpha = alpha;
        b.queryTimeout = queryTimeout;
        b.slowAfter = slowAfter;
        b.tokenRotation = tokenRotation;
        b.peerTtl = peerTtl;
        b.maxTorrents = maxTorrents;
        b.maxPeersPerTorrent = maxPeersPerTorrent;
        b.maxValues = maxValues;
        b.maxItems = maxItems;
        b.itemTtl = itemTtl;
        b.maxSamples = maxSamples;
        b.sampleInterval = sampleInterval;
        b.rateLimitPerSecond = rateLimitPerSecond;
        b.rateLimitWindow = rateLimitWindow;
        b.rateLimitBan = rateLimitBan;
        b.rateLimitTracked = rateLimitTracked;
        b.uploadBytesPerSecond = uploadBytesPerSecond;
        b.uploadBurstBytes = uploadBurstBytes;
        b.replyAmplification = replyAmplification;
        b.readOnly = readOnly;
        b.restrictRoutingIps = restrictRoutingIps;
        b.enforceNodeIdRestriction = enforceNodeIdRestriction;
        b.bucketRefresh = bucketRefresh;
        b.pingInterval = pingInterval;
        return b;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private int k = 8;
        private int alpha = 3;
        private Duration queryTimeout = Duration.ofSeconds(3);
        private Duration slowAfter = Duration.ofSeconds(1);
        private Duration tokenRotation = Duration.ofMinutes(5);
        private Duration peerTtl = Duration.ofMinutes(30);
        private int maxTorrents = 2000;
        private int maxPeersPerTorrent = 200;
        private int maxValues = 50;
        private int maxItems = 1000;
        private Duration itemTtl = Duration.ofHours(2);
        private int maxSamples = 20;
        private Duration sampleInterval = Duration.ofMinutes(5);
        private double rateLimitPerSecond = 5;
        private Duration rateLimitWindow = Duration.ofSeconds(10);
        private Duration rateLimitBan = Duration.ofMinutes(5);
        private int rateLimitTracked = 10_000;
        private long uploadBytesPerSecond = 32 * 1024;
        private long uploadBurstBytes = 64 * 1024;
        private int replyAmplification = 12;
        private boolean readOnly;
        private boolean restrictRoutingIps = true;
        private boolean enforceNodeIdRestriction;
        private Duration bucketRefresh = Duration.ofMinutes(15);
        private Duration pingInterval = Duration.ofMinutes(1);

        private Builder() {
        }

        public Builder k(int v) { k = v; return this; }
        public Builder alpha(int v) { alpha = v; return this; }
        public Builder queryTimeout(Duration v) { queryTimeout = v; return this; }
        public Builder slowAfter(Duration v) { slowAfter = v; return this; }
        public Builder tokenRotation(Duration v) { tokenRotation = v; return this; }
        public Builder peerTtl(Duration v) { peerTtl = v; return this; }
        public Builder maxTorrents(int v) { maxTorrents = v; return this; }
        public Builder maxPeersPerTorrent(int v) { maxPeersPerTorrent = v; return this; }
        public Builder maxValues(int v) { maxValues = v; return this; }
        public Builder maxItems(int v) { maxItems = v; return this; }
        public Builder itemTtl(Duration v) { itemTtl = v; return this; }
        public Builder maxSamples(int v) { maxSamples = v; return this; }
        public Builder sampleInterval(Duration v) { sampleInterval = v; return this; }

        /** Per-IP limit: {@code perSecond} packets a second averaged over {@code window}, else banned for {@code ban}. */
        public Builder rateLimit(double perSecond, Duration window, Duration ban) {
            rateLimitPerSecond = perSecond;
            rateLimitWindow = window;
            rateLimitBan = ban;
            return this;
        }

        public Builder rateLimitTracked(int v) { rateLimitTracked = v; return this; }

        /** Global answer budget. */
        public Builder uploadBudget(long bytesPerSecond, long burstBytes) {
            uploadBytesPerSecond = bytesPerSecond;
            uploadBurstBytes = burstBytes;
            return this;
        }

        public Builder replyAmplification(int v) { replyAmplification = v; return this; }
        public Builder readOnly(boolean v) { readOnly = v; return this; }
        public Builder restrictRoutingIps(boolean v) { restrictRoutingIps = v; return this; }
        public Builder enforceNodeIdRestriction(boolean v) { enforceNodeIdRestriction = v; return this; }
        public Builder bucketRefresh(Duration v) { bucketRefresh = v; return this; }
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }

        public DhtConfig build() {
            return new DhtConfig(k, alpha, queryTimeout, slowAfter, tokenRotation, peerTtl, maxTorrents,
                    maxPeersPerTorrent, maxValues, maxItems, itemTtl, maxSamples, sampleInterval,
                    rateLimitPerSecond, rateLimitWindow, rateLimitBan, rateLimitTracked, uploadBytesPerSecond,
                    uploadBurstBytes, replyAmplification, readOnly, restrictRoutingIps, enforceNodeIdRestriction,
                    bucketRefresh, pingInterval);
        }
    }
}
