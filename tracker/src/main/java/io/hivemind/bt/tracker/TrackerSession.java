package io.hivemind.bt.tracker;

import io.hivemind.bt.tracker.TrackerException.Reason;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The trackers of one torrent: owns its BEP 12 tiers (an {@link AnnounceScheduler}), sends the announces it
 * decides through a shared {@link TrackerClient}, hands the peers it learns to the torrent, and keeps a status
 * snapshot per URL (state, next announce, failure reason, warning message) for the UI.
 *
 * <p>A hybrid torrent (BEP 52) gives two info-hashes, the v1 one and the v2 one truncated to 20 bytes; every
 * announce then goes out once per info-hash to the same URL, and counts as answered when either answer came back
 * (the peers of both are merged).
 *
 * <p>Thread-safe: every method posts to the torrent's {@link EventExecutor}, which owns the scheduler and runs
 * the peer and status callbacks; {@link #status()} reads an immutable snapshot.
 */
public final class TrackerSession {
    /** What the torrent reports in each announce, read on the executor when an announce is sent. */
    public record Progress(long uploaded, long downloaded, long left) {
    }

    private final TrackerClient client;
    private final EventExecutor executor;
    private final AnnounceScheduler scheduler;
    private final List<byte[]> infoHashes;
    private final byte[] peerId;
    private final int port;
    private final int key;
    private final int numWant;
    private final Supplier<Progress> progress;
    private final Consumer<List<InetSocketAddress>> peers;
    private final Consumer<List<TrackerStatus>> statusListener;
    private final LongSupplier ticker;
    private final Duration stopTimeout;
    private ScheduledFuture<?> timer;
    private long timerAt = AnnounceScheduler.NEVER;
    private volatile List<TrackerStatus> snapshot;

    private TrackerSession(Builder b) {
        this.client = b.client;
        this.executor = b.executor;
        this.scheduler = new AnnounceScheduler(b.tiers, b.config, b.random);
        this.infoHashes = List.copyOf(b.infoHashes);
        this.peerId = b.peerId.clone();
        this.port = b.port;
        this.key = b.key;
        this.numWant = b.numWant;
        this.progress = b.progress;
        this.peers = b.peers;
        this.statusListener = b.statusListener;
        this.ticker = b.ticker;
        this.stopTimeout = b.stopTimeout;
        this.snapshot = scheduler.status();
    }

    public static Builder builder(TrackerClient client, EventExecutor executor) {
        return new Builder(client, executor);
    }

    /** Begins announcing ({@code started} to the first tracker that answers). */
    public void start() {
        executor.execute(() -> {
            scheduler.start(ticker.getAsLong());
            drive();
        });
    }

    /** The download completed: trackers hear {@code completed} now. */
    public void completed() {
        executor.execute(() -> {
            scheduler.completed(ticker.getAsLong());
            drive();
        });
    }

    /** Announces again as soon as the current tracker's {@code min interval} allows (the user's "update"). */
    public void reannounce() {
        executor.execute(() -> {
            scheduler.reannounce(ticker.getAsLong());
            drive();
        });
    }

    /**
     * Sends {@code stopped} to every tracker that heard {@code started}, once each, and stops. Completes when
     * they answered or after the stop timeout, never exceptionally.
     */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            cancelTimer();
            List<AnnounceScheduler.Announce> stops = scheduler.stop(ticker.getAsLong());
            publish();
            if (stops.isEmpty()) {
                done.complete(null);
                return;
            }
            AtomicInteger left = new AtomicInteger(stops.size());
            for (AnnounceScheduler.Announce a : stops) {
                send(a, 0).whenComplete((r, e) -> executor.execute(() -> {
                    long now = ticker.getAsLong();
                    if (e == null) {
                        scheduler.onSuccess(a, r, now);
                    } else {
                        scheduler.onFailure(a, asTracker(e), now);
                    }
                    publish();
                    if (left.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                }));
            }
            executor.schedule(() -> done.complete(null), stopTimeout.toNanos(), TimeUnit.NANOSECONDS);
        });
        return done;
    }

    /** The latest status of every tracker URL, tier by tier. Safe from any thread. */
    public List<TrackerStatus> status() {
        return snapshot;
    }

    private void drive() {
        long now = ticker.getAsLong();
        AnnounceScheduler.Announce a = scheduler.poll(now);
        if (a != null) {
            send(a, numWant).whenComplete((r, e) -> executor.execute(() -> {
                long t = ticker.getAsLong();
                if (e == null) {
                    scheduler.onSuccess(a, r, t);
                    if (!r.peers().isEmpty() && !scheduler.stopped()) {
                        peers.accept(r.peers());
                    }
                } else {
                    scheduler.onFailure(a, asTracker(e), t);
                }
                drive();
            }));
        }
        long wake = scheduler.nextWakeNanos();
        if (wake != timerAt) {
            cancelTimer();
            if (wake != AnnounceScheduler.NEVER) {
                timerAt = wake;
                timer = executor.schedule(() -> {
                    timerAt = AnnounceScheduler.NEVER;
                    drive();
                }, Math.max(0, wake - now), TimeUnit.NANOSECONDS);
            }
        }
        publish();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        timerAt = AnnounceScheduler.NEVER;
    }

    private void publish() {
        List<TrackerStatus> s = scheduler.status();
        if (!s.equals(snapshot)) {
            snapshot = s;
            if (statusListener != null) {
                statusListener.accept(s);
            }
        }
    }

    /** One announce per info-hash; succeeds when any succeeds (peers merged), else fails with the first error. */
    private CompletableFuture<AnnounceResponse> send(AnnounceScheduler.Announce a, int want) {
        Progress p = progress.get();
        List<CompletableFuture<AnnounceResponse>> all = new ArrayList<>();
        for (byte[] hash : infoHashes) {
            AnnounceRequest req = AnnounceRequest.builder().infoHash(hash).peerId(peerId).port(port)
                    .uploaded(p.uploaded()).downloaded(p.downloaded()).left(p.left()).event(a.event())
                    .numWant(a.event() == AnnounceEvent.STOPPED ? 0 : want).key(key).trackerId(a.trackerId())
                    .build();
            all.add(client.announce(a.url(), req));
        }
        if (all.size() == 1) {
            return all.getFirst();
        }
        CompletableFuture<AnnounceResponse> out = new CompletableFuture<>();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            AnnounceResponse first = null;
            Set<InetSocketAddress> merged = new LinkedHashSet<>();
            Throwable error = null;
            for (CompletableFuture<AnnounceResponse> f : all) {
                if (f.isCompletedExceptionally()) {
                    if (error == null) {
                        error = f.exceptionNow();
                    }
                } else {
                    AnnounceResponse r = f.resultNow();
                    if (first == null) {
                        first = r;
                    }
                    merged.addAll(r.peers());
                }
            }
            if (first == null) {
                out.completeExceptionally(error);
            } else {
                out.complete(new AnnounceResponse(first.intervalSeconds(), first.minIntervalSeconds(),
                        first.trackerId(), first.seeders(), first.leechers(), first.downloaded(),
                        new ArrayList<>(merged), first.warningMessage(), first.externalIp()));
            }
        });
        return out;
    }

    private static TrackerException asTracker(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof TrackerException)) {
            t = t.getCause();
        }
        return t instanceof TrackerException te ? te : new TrackerException(Reason.NETWORK, String.valueOf(e), e);
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final TrackerClient client;
        private final EventExecutor executor;
        private List<List<URI>> tiers = List.of();
        private List<byte[]> infoHashes = List.of();
        private byte[] peerId;
        private int port = 6881;
        private int key;
        private int numWant = 50;
        private Supplier<Progress> progress = () -> new Progress(0, 0, 0);
        private Consumer<List<InetSocketAddress>> peers = p -> {
        };
        private Consumer<List<TrackerStatus>> statusListener;
        private AnnounceScheduler.Config config = AnnounceScheduler.Config.DEFAULT;
        private RandomGenerator random;
        private LongSupplier ticker = System::nanoTime;
        private Duration stopTimeout = Duration.ofSeconds(5);

        private Builder(TrackerClient client, EventExecutor executor) {
            this.client = Objects.requireNonNull(client, "client");
            this.executor = Objects.requireNonNull(executor, "executor");
            SecureRandom r = new SecureRandom();
            this.key = r.nextInt();
            this.random = r;
        }

        /** The BEP 12 tiers, usually {@link TrackerTiers#tiers()} after {@link TrackerTiers#withBackup}. */
        public Builder tiers(List<List<URI>> v) {
            this.tiers = Objects.requireNonNull(v);
            return this;
        }

        /** One or two 20-byte info-hashes: v1, and/or v2 truncated (BEP 52 hybrids announce both). */
        public Builder infoHashes(List<byte[]> v) {
            if (v.isEmpty() || v.size() > 2) {
                throw new IllegalArgumentException("one or two info-hashes");
            }
            for (byte[] h : v) {
                if (h.length != 20) {
                    throw new IllegalArgumentException("info-hashes are 20 bytes");
                }
            }
            List<byte[]> copy = new ArrayList<>();
            for (byte[] h : v) {
                copy.add(h.clone());
            }
            this.infoHashes = copy;
            return this;
        }

        public Builder peerId(byte[] v) {
            if (v.length != 20) {
                throw new IllegalArgumentException("peer id is 20 bytes");
            }
            this.peerId = v.clone();
            return this;
        }

        /** Our listening TCP port. */
        public Builder port(int v) {
            if (v < 0 || v > 65535) {
                throw new IllegalArgumentException("port");
            }
            this.port = v;
            return this;
        }

        /** The BEP 7 {@code key}; default: random. */
        public Builder key(int v) {
            this.key = v;
            return this;
        }

        /** Peers asked for per announce; default 50. */
        public Builder numWant(int v) {
            if (v < 0 || v > 1000) {
                throw new IllegalArgumentException("numWant must be 0..1000");
            }
            this.numWant = v;
            return this;
        }

        /** Uploaded/downloaded/left, read on the executor at each announce. */
        public Builder progress(Supplier<Progress> v) {
            this.progress = Objects.requireNonNull(v);
            return this;
        }

        /** Receives each announce's peers on the executor. */
        public Builder onPeers(Consumer<List<InetSocketAddress>> v) {
            this.peers = Objects.requireNonNull(v);
            return this;
        }

        /** Receives a new status snapshot on the executor whenever it changes. */
        public Builder onStatus(Consumer<List<TrackerStatus>> v) {
            this.statusListener = v;
            return this;
        }

        public Builder config(AnnounceScheduler.Config v) {
            this.config = Objects.requireNonNull(v);
            return this;
        }

        /** Shuffles the tiers; default {@link SecureRandom}. */
        public Builder random(RandomGenerator v) {
            this.random = Objects.requireNonNull(v);
            return this;
        }

        public Builder ticker(LongSupplier v) {
            this.ticker = Objects.requireNonNull(v);
            return this;
        }

        /** How long {@link #stop()} waits for the trackers' answers; default 5 s. */
        public Builder stopTimeout(Duration v) {
            this.stopTimeout = Objects.requireNonNull(v);
            return this;
        }

        public TrackerSession build() {
            if (infoHashes.isEmpty()) {
                throw new IllegalStateException("infoHashes not set");
            }
            if (peerId == null) {
                throw new IllegalStateException("peerId not set");
            }
            return new TrackerSession(this);
        }
    }
}
