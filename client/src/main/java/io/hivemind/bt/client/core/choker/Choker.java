package io.hivemind.bt.client.core.choker;

import io.hivemind.bt.client.core.IntList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Decides which peers we upload to: {@code maxUploads} regular slots plus optimistic slots, re-evaluated every
 * 10 s, the optimistic slot rotating every 30 s (BEP 3's choking algorithm as the original client and libtorrent
 * implement it).
 *
 * <h2>Implementation note</h2>
 * Only interested peers compete. <b>Regular slots</b> go to the best peers by a sort key: while downloading,
 * the rate at which the peer sends to us (tit-for-tat); while seeding, either the rate at which we send to it
 * ({@link SeedingAlgorithm#FASTEST_UPLOAD}) or turns ({@link SeedingAlgorithm#ROUND_ROBIN}: an unchoked peer
 * keeps its slot until it has received {@code roundRobinQuota} bytes or held it {@code roundRobinTime}; then
 * peers choked longest come first). Ties prefer peers already unchoked (fewer choke/unchoke flips), then random.
 * A snubbed peer gets no regular slot (anti-snubbing). Keys are packed into {@code long}s and sorted, so a
 * round over n peers is O(n log n) with a handful of allocations.
 *
 * <p><b>Optimistic slots</b> go to interested peers without a regular slot (snubbed ones included), to the
 * highest score {@code wait * weight}: {@code wait} is the time since the peer last held an optimistic slot (or,
 * if it never did, since it connected plus one optimistic interval), and {@code weight} is
 * {@code newPeerWeight} (3, as the original client weights new peers) for peers that connected within
 * {@code newPeerWindow} and never held the slot, 1 otherwise; ties are broken at random. Because the holder's
 * wait drops to zero, the slot cycles through all eligible peers: with a stable set of k eligible peers each gets
 * it within k rotations (plus one per newly arrived peer). A holder keeps the slot until the next rotation
 * unless it stops being eligible, in which case a replacement is picked at once.
 *
 * <p>Not thread-safe: one instance per torrent, owned by its event loop. Deterministic for a given
 * {@link RandomGenerator}.
 */
public final class Choker {
    /** How regular slots are given while seeding. */
    public enum SeedingAlgorithm {
        /** Turns of {@code roundRobinQuota} bytes or {@code roundRobinTime} each, longest-choked first. */
        ROUND_ROBIN,
        /** The peers we upload to fastest. */
        FASTEST_UPLOAD
    }

    /**
     * Settings.
     *
     * @param maxUploads regular unchoke slots (libtorrent's max_uploads per torrent)
     * @param optimisticSlots optimistic unchoke slots
     * @param rechokeIntervalNanos how often the session should call {@link #decide}
     * @param optimisticIntervalNanos how often the optimistic slots rotate
     * @param newPeerWindowNanos a peer connected this recently that never held the slot counts as new
     * @param newPeerWeight score multiplier for new peers
     * @param seeding algorithm for regular slots while seeding
     * @param roundRobinQuotaBytes bytes a peer may receive per turn in round-robin seeding
     * @param roundRobinTimeNanos longest turn in round-robin seeding
     */
    public record Config(int maxUploads, int optimisticSlots, long rechokeIntervalNanos, long optimisticIntervalNanos,
            long newPeerWindowNanos, int newPeerWeight, SeedingAlgorithm seeding, long roundRobinQuotaBytes,
            long roundRobinTimeNanos) {
        public static final Config DEFAULT = new Config(4, 1, 10_000_000_000L, 30_000_000_000L, 90_000_000_000L, 3,
                SeedingAlgorithm.ROUND_ROBIN, 4L << 20, 60_000_000_000L);

        public Config {
            if (maxUploads < 0 || optimisticSlots < 0) {
                throw new IllegalArgumentException("negative slots");
            }
            if (rechokeIntervalNanos <= 0 || optimisticIntervalNanos <= 0 || newPeerWindowNanos < 0
                    || roundRobinQuotaBytes <= 0 || roundRobinTimeNanos <= 0) {
                throw new IllegalArgumentException("non-positive interval or quota");
            }
            if (newPeerWeight < 1 || newPeerWeight > 1000) {
                throw new IllegalArgumentException("newPeerWeight " + newPeerWeight);
            }
        }

        public Config withMaxUploads(int n) {
            return new Config(n, optimisticSlots, rechokeIntervalNanos, optimisticIntervalNanos, newPeerWindowNanos,
                    newPeerWeight, seeding, roundRobinQuotaBytes, roundRobinTimeNanos);
        }

        public Config withSeeding(SeedingAlgorithm algorithm) {
            return new Config(maxUploads, optimisticSlots, rechokeIntervalNanos, optimisticIntervalNanos,
                    newPeerWindowNanos, newPeerWeight, algorithm, roundRobinQuotaBytes, roundRobinTimeNanos);
        }

        public Config withOptimisticSlots(int n) {
            return new Config(maxUploads, n, rechokeIntervalNanos, optimisticIntervalNanos, newPeerWindowNanos,
                    newPeerWeight, seeding, roundRobinQuotaBytes, roundRobinTimeNanos);
        }
    }

    private static final int INDEX_BITS = 16;
    private static final int MAX_PEERS = 1 << INDEX_BITS;
    private static final long RATE_CAP = (1L << 40) - 1;

    private final Config config;
    private final RandomGenerator random;
    private final IntList optimisticIds = new IntList();
    private long lastRotation;
    private long lastRun;
    private boolean ran;
    private long[] keys = new long[64];

    public Choker(Config config, RandomGenerator random) {
        this.config = config;
        this.random = random;
    }

    public Config config() {
        return config;
    }

    /** True if the rechoke interval has passed since the last {@link #decide} (or it never ran). */
    public boolean isDue(long nowNanos) {
        return !ran || nowNanos - lastRun >= config.rechokeIntervalNanos();
    }

    /**
     * One choke round over the torrent's peers. {@code seeding} selects the seeding algorithm for regular slots.
     * Peers beyond the first 65,536 in the list are never unchoked.
     */
    public <P extends ChokerPeerView> ChokeDecision<P> decide(List<P> peers, boolean seeding, long nowNanos) {
        int n = Math.min(peers.size(), MAX_PEERS);
        if (keys.length < n) {
            keys = new long[Math.max(n, keys.length << 1)];
        }
        boolean rotate = !ran || nowNanos - lastRotation >= config.optimisticIntervalNanos();
        ran = true;
        lastRun = nowNanos;
        if (rotate) {
            lastRotation = nowNanos;
        }

        // regular slots
        int candidates = 0;
        for (int i = 0; i < n; i++) {
            P p = peers.get(i);
            if (p.interested() && !p.snubbed()) {
                keys[candidates++] = regularKey(p, seeding, nowNanos) << INDEX_BITS | i;
            }
        }
        Arrays.sort(keys, 0, candidates);
        int regularCount = Math.min(candidates, config.maxUploads());
        boolean[] regular = new boolean[n];
        List<P> regularPeers = new ArrayList<>(regularCount);
        for (int k = 0; k < regularCount; k++) {
            int i = (int) (keys[k] & (MAX_PEERS - 1));
            regular[i] = true;
            regularPeers.add(peers.get(i));
        }

        // optimistic slots: keep current holders that are still eligible unless rotating
        List<P> optimistic = new ArrayList<>(config.optimisticSlots());
        boolean[] taken = new boolean[n];
        if (!rotate) {
            for (int i = 0; i < n && optimistic.size() < config.optimisticSlots(); i++) {
                P p = peers.get(i);
                if (!regular[i] && p.interested() && optimisticIds.contains(p.peerId())) {
                    optimistic.add(p);
                    taken[i] = true;
                }
            }
        }
        while (optimistic.size() < config.optimisticSlots()) {
            int best = -1;
            double bestScore = -1;
            int ties = 0;
            for (int i = 0; i < n; i++) {
                P p = peers.get(i);
                if (regular[i] || taken[i] || !p.interested()) {
                    continue;
                }
                double score = optimisticScore(p, nowNanos);
                if (score > bestScore) {
                    best = i;
                    bestScore = score;
                    ties = 1;
                } else if (score == bestScore && random.nextInt(++ties) == 0) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            taken[best] = true;
            optimistic.add(peers.get(best));
        }
        optimisticIds.clear();
        for (P p : optimistic) {
            optimisticIds.add(p.peerId());
        }
        return new ChokeDecision<>(regularPeers, optimistic);
    }

    /** Sort key for regular slots, ascending = better, without the index bits. */
    private long regularKey(ChokerPeerView p, boolean seeding, long now) {
        long tieUnchoked = p.unchoked() ? 0 : 1;
        long rnd = random.nextInt(64);
        long primary;
        if (!seeding) {
            primary = RATE_CAP - Math.min(Math.max(p.downloadRate(), 0), RATE_CAP);
        } else if (config.seeding() == SeedingAlgorithm.FASTEST_UPLOAD) {
            primary = RATE_CAP - Math.min(Math.max(p.uploadRate(), 0), RATE_CAP);
        } else {
            primary = roundRobinRank(p, now);
        }
        return (primary << 7) | (tieUnchoked << 6) | rnd;
    }

    /**
     * Round robin: a turn in progress first (by upload rate), then choked peers by how long they have waited,
     * then peers whose turn is over. 40 bits: 2 for the group, 38 for the order inside it.
     */
    private long roundRobinRank(ChokerPeerView p, long now) {
        long cap = (1L << 38) - 1;
        if (p.unchoked()) {
            boolean turnOver = p.uploadedSinceUnchoke() >= config.roundRobinQuotaBytes()
                    || now - p.unchokedAtNanos() >= config.roundRobinTimeNanos();
            if (!turnOver) {
                return cap - Math.min(Math.max(p.uploadRate(), 0), cap);
            }
            return (2L << 38) | Math.min(Math.max(now - p.unchokedAtNanos(), 0) / 1_000_000, cap);
        }
        long waitedMillis = p.unchokedAtNanos() == Long.MIN_VALUE ? cap
                : Math.min(Math.max(now - p.unchokedAtNanos(), 0) / 1_000_000, cap);
        return (1L << 38) | (cap - waitedMillis);
    }

    private double optimisticScore(ChokerPeerView p, long now) {
        long since;
        boolean isNew = false;
        if (p.lastOptimisticNanos() == Long.MIN_VALUE) {
            since = p.connectedAtNanos() - config.optimisticIntervalNanos();
            isNew = now - p.connectedAtNanos() < config.newPeerWindowNanos();
        } else {
            since = p.lastOptimisticNanos();
        }
        double wait = Math.max(0, now - since);
        return isNew ? wait * config.newPeerWeight() : wait;
    }
}
