package io.hivemind.bt.client.core.queue;

import io.hivemind.bt.client.core.IntList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which auto-managed torrents run: queue positions, active download/seed limits, slow torrents that do not take
 * a slot, and share-ratio and seed-time limits.
 *
 * <h2>Implementation note</h2>
 * The queue keeps an ordered list of torrent ids (position 0 first). {@link #decide} walks the auto-managed
 * torrents that have no error: downloading ones in queue order, finished ones in seed-rank order (fewest seeds
 * per leecher in the swarm first, then lowest share ratio, then queue order). Each is allowed to run while its
 * kind is under {@code activeDownloads} / {@code activeSeeds} and all running auto-managed torrents are under
 * {@code activeLimit}. With {@code dontCountSlowTorrents}, a running torrent past its start-up grace whose rates
 * are both below the inactivity thresholds still runs but takes no slot, so one more torrent can start (as
 * libtorrent's {@code dont_count_slow_torrents}). A finished auto-managed torrent whose share ratio
 * ({@code uploaded / max(downloaded, wanted bytes)}) or seeding time reached its limit is reported in
 * {@link QueueDecision#limitReached()} and never started. Torrents that are not auto-managed are left alone and
 * do not count against the limits. Limits below zero mean unlimited.
 *
 * <p>The session calls {@link #decide} when a torrent is added, removed, finishes, pauses or resumes, and
 * periodically (every 30 s) for the slow-torrent and limit rules, then applies the returned changes.
 *
 * <p>Not thread-safe: owned by the session's event loop.
 */
public final class TorrentQueue {
    /** What to do with a torrent that reached its share limit. */
    public enum LimitAction { PAUSE, REMOVE }

    /**
     * Settings (libtorrent's names and defaults where it has them).
     *
     * @param activeDownloads running auto-managed downloading torrents at most (negative: unlimited)
     * @param activeSeeds running auto-managed seeding torrents at most (negative: unlimited)
     * @param activeLimit running auto-managed torrents at most (negative: unlimited)
     * @param dontCountSlowTorrents slow running torrents take no slot
     * @param inactiveDownRate bytes/s below which a torrent's download counts as inactive
     * @param inactiveUpRate bytes/s below which a torrent's upload counts as inactive
     * @param startupGraceNanos a torrent started this recently is never slow
     * @param shareRatioLimit stop seeding at this ratio (0: no limit)
     * @param seedTimeLimitNanos stop seeding after this long (0: no limit)
     * @param onLimit what the session does with a torrent at its limit
     */
    public record Config(int activeDownloads, int activeSeeds, int activeLimit, boolean dontCountSlowTorrents,
            long inactiveDownRate, long inactiveUpRate, long startupGraceNanos, double shareRatioLimit,
            long seedTimeLimitNanos, LimitAction onLimit) {
        public static final Config DEFAULT = new Config(3, 5, 15, true, 2048, 2048, 60_000_000_000L, 0, 0,
                LimitAction.PAUSE);

        public Config {
            if (inactiveDownRate < 0 || inactiveUpRate < 0 || startupGraceNanos < 0 || shareRatioLimit < 0
                    || Double.isNaN(shareRatioLimit) || seedTimeLimitNanos < 0) {
                throw new IllegalArgumentException("negative threshold in " + this);
            }
        }

        public Config withLimits(int downloads, int seeds, int total) {
            return new Config(downloads, seeds, total, dontCountSlowTorrents, inactiveDownRate, inactiveUpRate,
                    startupGraceNanos, shareRatioLimit, seedTimeLimitNanos, onLimit);
        }

        public Config withShareLimits(double ratio, long seedTimeNanos, LimitAction action) {
            return new Config(activeDownloads, activeSeeds, activeLimit, dontCountSlowTorrents, inactiveDownRate,
                    inactiveUpRate, startupGraceNanos, ratio, seedTimeNanos, action);
        }

        public Config withDontCountSlowTorrents(boolean on) {
            return new Config(activeDownloads, activeSeeds, activeLimit, on, inactiveDownRate, inactiveUpRate,
                    startupGraceNanos, shareRatioLimit, seedTimeLimitNanos, onLimit);
        }
    }

    private final Config config;
    private final IntList order = new IntList();

    public TorrentQueue(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    // ---------------------------------------------------------------- positions

    /** Adds a torrent at the bottom of the queue (no-op if present). */
    public void add(int torrentId) {
        if (!order.contains(torrentId)) {
            order.add(torrentId);
        }
    }

    /** Removes a torrent; returns false if it was not queued. */
    public boolean remove(int torrentId) {
        int i = order.indexOf(torrentId);
        if (i < 0) {
            return false;
        }
        order.removeAt(i);
        return true;
    }

    /** Queue position (0 = first), or -1. */
    public int position(int torrentId) {
        return order.indexOf(torrentId);
    }

    public int size() {
        return order.size();
    }

    /** Moves a torrent to {@code position} (clamped to the queue). */
    public void setPosition(int torrentId, int position) {
        int i = order.indexOf(torrentId);
        if (i < 0) {
            throw new IllegalArgumentException("torrent " + torrentId + " is not queued");
        }
        order.removeAt(i);
        int p = Math.max(0, Math.min(position, order.size()));
        order.add(0);
        for (int k = order.size() - 1; k > p; k--) {
            order.set(k, order.get(k - 1));
        }
        order.set(p, torrentId);
    }

    public void moveUp(int torrentId) {
        setPosition(torrentId, Math.max(0, position(torrentId) - 1));
    }

    public void moveDown(int torrentId) {
        setPosition(torrentId, position(torrentId) + 1);
    }

    public void moveToTop(int torrentId) {
        setPosition(torrentId, 0);
    }

    public void moveToBottom(int torrentId) {
        setPosition(torrentId, Integer.MAX_VALUE);
    }

    /** Torrent ids in queue order. */
    public int[] order() {
        return order.toArray();
    }

    // ---------------------------------------------------------------- decisions

    /** True if the torrent reached its share-ratio or seed-time limit. */
    public boolean limitReached(QueuedTorrentView t) {
        if (!t.finished()) {
            return false;
        }
        if (config.shareRatioLimit() > 0 && shareRatio(t) >= config.shareRatioLimit()) {
            return true;
        }
        return config.seedTimeLimitNanos() > 0 && t.seedingTimeNanos() >= config.seedTimeLimitNanos();
    }

    /** {@code uploaded / max(downloaded, wanted bytes)}, 0 for an empty torrent. */
    public static double shareRatio(QueuedTorrentView t) {
        long base = Math.max(t.totalDownloaded(), t.wantedBytes());
        return base <= 0 ? 0 : (double) t.totalUploaded() / base;
    }

    /** Decides which auto-managed torrents start and stop. Torrents not yet queued are added at the bottom. */
    public QueueDecision decide(List<? extends QueuedTorrentView> torrents, long nowNanos) {
        for (QueuedTorrentView t : torrents) {
            add(t.torrentId());
        }
        List<QueuedTorrentView> downloading = new ArrayList<>();
        List<QueuedTorrentView> seeding = new ArrayList<>();
        List<Integer> limited = new ArrayList<>();
        for (QueuedTorrentView t : torrents) {
            if (!t.autoManaged() || t.hasError()) {
                continue;
            }
            if (limitReached(t)) {
                limited.add(t.torrentId());
            } else if (t.finished()) {
                seeding.add(t);
            } else {
                downloading.add(t);
            }
        }
        Map<Integer, Integer> pos = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            pos.put(order.get(i), i);
        }
        downloading.sort(Comparator.comparingInt(t -> pos.get(t.torrentId())));
        seeding.sort(Comparator.comparingDouble(TorrentQueue::swarmNeed)
                .thenComparingDouble(TorrentQueue::shareRatio)
                .thenComparingInt(t -> pos.get(t.torrentId())));
        List<Integer> start = new ArrayList<>();
        List<Integer> stop = new ArrayList<>();
        int[] active = {0};
        allot(downloading, config.activeDownloads(), active, nowNanos, start, stop);
        allot(seeding, config.activeSeeds(), active, nowNanos, start, stop);
        return new QueueDecision(start, stop, limited);
    }

    private void allot(List<QueuedTorrentView> list, int kindLimit, int[] active, long now, List<Integer> start,
            List<Integer> stop) {
        int used = 0;
        for (QueuedTorrentView t : list) {
            boolean run = (kindLimit < 0 || used < kindLimit) && (config.activeLimit() < 0 || active[0] < config.activeLimit());
            if (run && !(t.running() && isSlow(t, now))) {
                used++;
                active[0]++;
            }
            if (run && !t.running()) {
                start.add(t.torrentId());
            } else if (!run && t.running()) {
                stop.add(t.torrentId());
            }
        }
    }

    private boolean isSlow(QueuedTorrentView t, long now) {
        return config.dontCountSlowTorrents() && now - t.startedAtNanos() >= config.startupGraceNanos()
                && t.downloadRate() < config.inactiveDownRate() && t.uploadRate() < config.inactiveUpRate();
    }

    /** Seeds per leecher in the swarm (lower: our seeding matters more); 1 when unknown. */
    private static double swarmNeed(QueuedTorrentView t) {
        if (t.swarmSeeds() < 0 || t.swarmLeechers() < 0) {
            return 1;
        }
        return (double) t.swarmSeeds() / (t.swarmLeechers() + 1);
    }
}
