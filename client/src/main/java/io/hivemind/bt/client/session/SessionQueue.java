package io.hivemind.bt.client.session;

import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.core.queue.QueueDecision;
import io.hivemind.bt.client.core.queue.QueuedTorrentView;
import io.hivemind.bt.client.core.queue.TorrentQueue;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The session's torrent queue ("priority queuing"): runs the pure {@link TorrentQueue} once a second on one event
 * loop, over snapshots each torrent publishes from its own loop ({@link Torrent#queueView()}), and applies the
 * decision by posting start/stop to the torrents. Auto-managed torrents beyond {@code active_downloads},
 * {@code active_seeds} and {@code active_limit} wait in {@link io.hivemind.bt.client.TorrentState#QUEUED} (their
 * data is still checked); seeds that reached the share-ratio or seed-time limit are paused.
 *
 * <p>Thread-safety: the queue and the id map belong to {@link #loop}; public methods post to it.
 */
final class SessionQueue {
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DefaultSession session;
    private final EventLoop loop;
    private TorrentQueue queue;
    private final Map<Integer, Torrent> byId = new HashMap<>();
    private int nextId;
    private ScheduledFuture<?> ticker;

    SessionQueue(DefaultSession session, EventLoop loop, SessionSettings settings) {
        this.session = session;
        this.loop = loop;
        this.queue = new TorrentQueue(config(settings));
    }

    private static TorrentQueue.Config config(SessionSettings s) {
        return TorrentQueue.Config.DEFAULT.withLimits(s.activeDownloads(), s.activeSeeds(), s.activeLimit())
                .withShareLimits(s.shareRatioLimit(), TimeUnit.SECONDS.toNanos(s.seedTimeLimitSeconds()),
                        TorrentQueue.LimitAction.PAUSE);
    }

    void start() {
        loop.execute(() -> ticker = loop.scheduleAtFixedRate(this::decide, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS));
    }

    /**
     * Queues a torrent (at the bottom) and decides at once, so a torrent with room starts without delay; completes
     * once the decision was posted to the torrent's loop (so it is applied before anything posted after).
     */
    java.util.concurrent.CompletableFuture<Void> add(Torrent t) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            int id = nextId++;
            t.queueId(id);
            byId.put(id, t);
            queue.add(id);
            decide();
            done.complete(null);
        });
        return done;
    }

    /** Takes {@code t} out of the queue; completes once the others' new positions are published. */
    java.util.concurrent.CompletableFuture<Void> remove(Torrent t) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    if (byId.remove(t.queueId()) != null) {
                        queue.remove(t.queueId());
                        decide();
                    }
                } finally {
                    done.complete(null);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            done.complete(null); // the session is shutting down: there is no queue left to reorder
        }
        return done;
    }

    /**
     * Moves a queued torrent; completes once the new order is published to every torrent (so a status read after it
     * shows the move), or fails if the torrent is not in the queue (not auto-managed, or removed).
     */
    java.util.concurrent.CompletableFuture<Void> setPosition(Torrent t, int position) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            if (byId.get(t.queueId()) != t) {
                done.completeExceptionally(
                        new IllegalStateException("the torrent is not in the queue (not auto-managed)"));
                return;
            }
            queue.setPosition(t.queueId(), position);
            publishPositions();
            decide();
            done.complete(null);
        });
        return done;
    }

    void settingsChanged(SessionSettings s) {
        loop.execute(() -> {
            TorrentQueue next = new TorrentQueue(config(s));
            for (int id : queue.order()) {
                next.add(id);
            }
            queue = next;
            decide();
        });
    }

    void close() {
        loop.execute(() -> {
            if (ticker != null) {
                ticker.cancel(false);
            }
        });
    }

    private void decide() {
        if (session.isClosed()) {
            return;
        }
        List<QueuedTorrentView> views = new ArrayList<>(byId.size());
        for (Torrent t : byId.values()) {
            views.add(t.queueView());
        }
        QueueDecision d = queue.decide(views, session.now());
        for (int id : d.start()) {
            Torrent t = byId.get(id);
            if (t != null) {
                t.queueStart();
            }
        }
        for (int id : d.stop()) {
            Torrent t = byId.get(id);
            if (t != null) {
                t.queueStop();
            }
        }
        for (int id : d.limitReached()) {
            Torrent t = byId.get(id);
            if (t != null) {
                t.shareLimitReached();
            }
        }
        publishPositions();
    }

    private void publishPositions() {
        int[] order = queue.order();
        for (int i = 0; i < order.length; i++) {
            Torrent t = byId.get(order[i]);
            if (t != null) {
                t.queuePosition(i);
            }
        }
    }
}
