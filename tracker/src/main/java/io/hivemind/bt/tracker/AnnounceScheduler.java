package io.hivemind.bt.tracker;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Decides which tracker of a torrent to announce to, with which event, and when (BEP 12, BEP 3). Pure: no I/O,
 * no clock, no threads; every call takes {@code nowNanos} from the caller's ticker, so tests drive it with a
 * virtual clock.
 *
 * <p>Implementation note. Each tier is shuffled once when the scheduler is made (BEP 12 "Order of Processing").
 * An announce <em>round</em> walks the tiers in order and each tier's URLs in their current order, one request at
 * a time, until one tracker answers; that tracker moves to the front of its tier, the round ends and the next one
 * is due after the tracker's {@code interval}. A failed URL makes the round go on with the next URL at once; when
 * every URL failed, the round failed and the next one starts after a back-off of {@code retryBase · 2^(k-1)}
 * (capped at {@code retryMax}) for the k-th failed round in a row. Every round starts again at the first tier, as
 * BEP 12's examples require. A URL whose tracker sent a {@code failure reason}, answered HTTP 410 or is not a
 * supported URL is disabled for good (HARDENING.md). A tracker hears {@link AnnounceEvent#STARTED} the first time
 * we talk to it, {@link AnnounceEvent#COMPLETED} in the first round after {@link #completed}, and
 * {@link AnnounceEvent#STOPPED} from {@link #stop} if it ever heard {@code started}. An on-demand re-announce
 * waits for the current tracker's {@code min interval} (or {@link Config#defaultMinInterval()}). Intervals are
 * clamped to [{@link Config#minIntervalFloor()}, {@link Config#maxInterval()}] so a tracker cannot make us spin.
 *
 * <p>Not thread-safe: one owner (the torrent's event loop) calls it.
 */
public final class AnnounceScheduler {
    /** Returned by {@link #nextWakeNanos()} when nothing is scheduled. */
    public static final long NEVER = Long.MAX_VALUE;

    /**
     * Timing rules. Immutable.
     *
     * @param minIntervalFloor   shortest regular interval accepted from a tracker
     * @param maxInterval        longest regular interval accepted from a tracker
     * @param defaultMinInterval the {@code min interval} assumed when the tracker gives none
     * @param retryBase          back-off after the first failed round
     * @param retryMax           longest back-off between failed rounds
     */
    public record Config(Duration minIntervalFloor, Duration maxInterval, Duration defaultMinInterval,
                         Duration retryBase, Duration retryMax) {
        /** 10 s floor, 4 h ceiling, 30 s default min interval, back-off 15 s doubling to 30 min. */
        public static final Config DEFAULT = new Config(Duration.ofSeconds(10), Duration.ofHours(4),
                Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofMinutes(30));

        public Config {
            Objects.requireNonNull(minIntervalFloor);
            Objects.requireNonNull(maxInterval);
            Objects.requireNonNull(defaultMinInterval);
            Objects.requireNonNull(retryBase);
            Objects.requireNonNull(retryMax);
            if (minIntervalFloor.isNegative() || maxInterval.compareTo(minIntervalFloor) < 0
                    || defaultMinInterval.isNegative() || retryBase.isNegative() || retryBase.isZero()
                    || retryMax.compareTo(retryBase) < 0) {
                throw new IllegalArgumentException("inconsistent announce timing: " + this);
            }
        }
    }

    /**
     * One announce the caller must send now, to {@code url}, and report back with {@link #onSuccess} or
     * {@link #onFailure}.
     *
     * @param id        identifies this announce; results for stale ids are ignored
     * @param trackerId the {@code tracker id} this URL gave us, or null
     */
    public record Announce(long id, URI url, int tier, AnnounceEvent event, String trackerId) {
    }

    private enum Phase { NOT_STARTED, RUNNING, STOPPED }

    private static final class Tracker {
        final URI url;
        final int tier;
        boolean startedSent;
        boolean disabled;
        boolean updating;
        boolean triedOnce;
        int failures;
        String message;
        String warning;
        String trackerId;
        int seeders = -1;
        int leechers = -1;
        int downloaded = -1;
        int peers;
        long lastAnnounceNanos = -1;
        boolean lastOk;

        Tracker(URI url, int tier) {
            this.url = url;
            this.tier = tier;
        }
    }

    private final Config config;
    private final List<List<Tracker>> tiers = new ArrayList<>();
    private Phase phase = Phase.NOT_STARTED;
    private boolean pendingCompleted;
    private boolean roundActive;
    private long roundDue = NEVER;
    private int cursorTier;
    private int cursorPos;
    private Announce inFlight;
    private Tracker inFlightTracker;
    private final Set<Long> stopping = new HashSet<>();
    private long nextId = 1;
    private int failedRounds;
    private Tracker current;
    private long minIntervalEnd = Long.MIN_VALUE;

    /**
     * @param tiers  the BEP 12 tiers (a torrent without {@code announce-list} has one tier with its
     *               {@code announce}); a URL already seen in an earlier tier is dropped; empty tiers are dropped
     * @param random shuffles each tier once
     */
    public AnnounceScheduler(List<List<URI>> tiers, Config config, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        Set<URI> seen = new HashSet<>();
        for (List<URI> tier : tiers) {
            List<Tracker> t = new ArrayList<>();
            for (URI u : tier) {
                if (seen.add(Objects.requireNonNull(u, "tracker URL"))) {
                    t.add(new Tracker(u, this.tiers.size()));
                }
            }
            if (!t.isEmpty()) {
                Collections.shuffle(t, random);
                this.tiers.add(t);
            }
        }
    }

    /** Starts announcing: the first round is due now. Idempotent while running. */
    public void start(long nowNanos) {
        if (phase == Phase.NOT_STARTED) {
            phase = Phase.RUNNING;
            roundDue = nowNanos;
        }
    }

    /** The download completed: the trackers hear {@link AnnounceEvent#COMPLETED} in a round that starts now. */
    public void completed(long nowNanos) {
        if (phase != Phase.RUNNING) {
            return;
        }
        pendingCompleted = true;
        if (!roundActive) {
            roundDue = nowNanos;
        }
    }

    /** Asks for a round as soon as the current tracker's {@code min interval} allows (a user's "update tracker"). */
    public void reannounce(long nowNanos) {
        if (phase != Phase.RUNNING || roundActive) {
            return;
        }
        roundDue = Math.min(roundDue, Math.max(nowNanos, minIntervalEnd));
    }

    /**
     * Stops: no more rounds. Returns one {@link AnnounceEvent#STOPPED} announce for every enabled tracker that heard
     * {@code started}; the caller sends them once, without retrying, and may report their results.
     */
    public List<Announce> stop(long nowNanos) {
        if (phase == Phase.STOPPED) {
            return List.of();
        }
        phase = Phase.STOPPED;
        roundActive = false;
        roundDue = NEVER;
        if (inFlightTracker != null) {
            inFlightTracker.updating = false;
        }
        inFlight = null;
        inFlightTracker = null;
        List<Announce> out = new ArrayList<>();
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                if (t.startedSent && !t.disabled) {
                    Announce a = new Announce(nextId++, t.url, t.tier, AnnounceEvent.STOPPED, t.trackerId);
                    stopping.add(a.id());
                    out.add(a);
                }
            }
        }
        return out;
    }

    /**
     * The announce to send now, or null when none is due (not started, stopped, one is in flight, or the next round
     * is later). At most one announce is in flight at a time.
     */
    public Announce poll(long nowNanos) {
        if (phase != Phase.RUNNING || inFlight != null || nowNanos - roundDue < 0 || roundDue == NEVER) {
            return null;
        }
        if (!roundActive) {
            roundActive = true;
            cursorTier = 0;
            cursorPos = 0;
        }
        while (cursorTier < tiers.size()) {
            List<Tracker> tier = tiers.get(cursorTier);
            while (cursorPos < tier.size()) {
                Tracker t = tier.get(cursorPos);
                if (!t.disabled) {
                    AnnounceEvent event = !t.startedSent ? AnnounceEvent.STARTED
                            : pendingCompleted ? AnnounceEvent.COMPLETED : AnnounceEvent.NONE;
                    inFlight = new Announce(nextId++, t.url, t.tier, event, t.trackerId);
                    inFlightTracker = t;
                    t.updating = true;
                    t.triedOnce = true;
                    return inFlight;
                }
                cursorPos++;
            }
            cursorTier++;
            cursorPos = 0;
        }
        // Every URL of every tier failed (or is disabled) in this round.
        roundActive = false;
        if (!hasEnabled()) {
            roundDue = NEVER;
            return null;
        }
        failedRounds++;
        long backoff = config.retryBase().toNanos() << Math.min(failedRounds - 1, 30);
        roundDue = nowNanos + Math.min(backoff <= 0 ? Long.MAX_VALUE : backoff, config.retryMax().toNanos());
        return null;
    }

    /** Ticker time at which {@link #poll} may next return an announce, or {@link #NEVER}. */
    public long nextWakeNanos() {
        if (phase != Phase.RUNNING || inFlight != null) {
            return NEVER;
        }
        return roundDue;
    }

    /** Reports a successful announce. */
    public void onSuccess(Announce a, AnnounceResponse response, long nowNanos) {
        if (stopping.remove(a.id())) {
            Tracker t = find(a.url());
            if (t != null) {
                t.lastAnnounceNanos = nowNanos;
                t.message = null;
            }
            return;
        }
        if (inFlight == null || inFlight.id() != a.id()) {
            return;
        }
        Tracker t = inFlightTracker;
        inFlight = null;
        inFlightTracker = null;
        t.updating = false;
        t.lastOk = true;
        t.failures = 0;
        t.message = null;
        t.warning = response.warningMessage();
        if (response.trackerId() != null) {
            t.trackerId = response.trackerId();
        }
        t.seeders = response.seeders();
        t.leechers = response.leechers();
        t.downloaded = response.downloaded();
        t.peers = response.peers().size();
        t.lastAnnounceNanos = nowNanos;
        if (a.event() == AnnounceEvent.STARTED) {
            t.startedSent = true;
        }
        if (a.event() == AnnounceEvent.STARTED || a.event() == AnnounceEvent.COMPLETED) {
            pendingCompleted = false;
        }
        List<Tracker> tier = tiers.get(t.tier);
        tier.remove(t);
        tier.add(0, t); // BEP 12: a tracker that answered moves to the front of its tier
        current = t;
        failedRounds = 0;
        roundActive = false;
        long interval = clampSeconds(response.intervalSeconds(), config.minIntervalFloor(), config.maxInterval());
        long minInterval = response.minIntervalSeconds() >= 0
                ? Math.min((long) response.minIntervalSeconds() * 1_000_000_000L, interval)
                : Math.min(config.defaultMinInterval().toNanos(), interval);
        minIntervalEnd = nowNanos + minInterval;
        roundDue = pendingCompleted ? nowNanos : nowNanos + interval;
    }

    /** Reports a failed announce; a {@linkplain TrackerException#isPermanent() permanent} error disables the URL. */
    public void onFailure(Announce a, TrackerException error, long nowNanos) {
        if (stopping.remove(a.id())) {
            Tracker t = find(a.url());
            if (t != null) {
                t.message = error.getMessage();
            }
            return;
        }
        if (inFlight == null || inFlight.id() != a.id()) {
            return;
        }
        Tracker t = inFlightTracker;
        inFlight = null;
        inFlightTracker = null;
        t.updating = false;
        t.lastOk = false;
        t.failures++;
        t.message = error.getMessage();
        t.lastAnnounceNanos = nowNanos;
        if (error.isPermanent()) {
            t.disabled = true;
        }
        if (current == t) {
            current = null;
        }
        cursorPos++; // go on with the next URL of this round at once
        roundDue = nowNanos;
    }

    /** An immutable snapshot of every tracker, tier by tier, in the order they will be tried. */
    public List<TrackerStatus> status() {
        List<TrackerStatus> out = new ArrayList<>();
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                TrackerStatus.State s;
                if (t.disabled) {
                    s = TrackerStatus.State.DISABLED;
                } else if (t.updating) {
                    s = TrackerStatus.State.UPDATING;
                } else if (!t.triedOnce) {
                    s = TrackerStatus.State.NOT_CONTACTED;
                } else {
                    s = t.lastOk ? TrackerStatus.State.WORKING : TrackerStatus.State.FAILED;
                }
                boolean isCurrent = t == current && phase == Phase.RUNNING;
                long next = isCurrent && !roundActive ? roundDue : -1;
                out.add(new TrackerStatus(t.url, t.tier, s, t.message, t.warning, t.seeders, t.leechers,
                        t.downloaded, t.peers, t.failures, t.lastAnnounceNanos, next == NEVER ? -1 : next, isCurrent));
            }
        }
        return out;
    }

    /** Whether any URL can still be announced to. */
    public boolean hasEnabled() {
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                if (!t.disabled) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@link #stop} was called. */
    public boolean stopped() {
        return phase == Phase.STOPPED;
    }

    private Tracker find(URI url) {
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                if (t.url.equals(url)) {
                    return t;
                }
            }
        }
        return null;
    }

    private static long clampSeconds(int seconds, Duration floor, Duration ceiling) {
        long n = Math.max(0, seconds) * 1_000_000_000L;
        return Math.max(floor.toNanos(), Math.min(n, ceiling.toNanos()));
    }
}
