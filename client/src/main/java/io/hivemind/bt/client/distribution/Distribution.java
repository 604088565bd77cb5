package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A handle on one distribution made by a {@link Coordinator}: its identity (a torrent the coordinator seeds), a
 * status snapshot with per-worker progress, and a future that completes once every target worker has the verified
 * data, or with the list of those that failed or timed out. Thread-safe: the identity is immutable, the mutable
 * part is guarded by the coordinator's lock and read through immutable snapshots.
 */
public final class Distribution {
    /** Notification bookkeeping for one worker (guarded by the coordinator's lock). */
    static final class Attempts {
        int tries;
        long nextAtMillis;
        boolean inFlight;
        boolean done;
    }

    private final Coordinator owner;
    private final String id;
    private final DistributionKind kind;
    private final Metainfo metainfo;
    private final String taskId;
    private final Channel channel;
    private final Path stagingDirectory;
    private final TorrentHandle seed;
    private final long createdAtMillis;
    private final long timeoutMillis;
    private final CompletableFuture<DistributionResult> completion = new CompletableFuture<>();
    // guarded by owner.lock
    Announcement announcement;
    long seq;
    MutableItem item;
    boolean announced;
    ProgressBook book;
    CompletableFuture<ModelVersion> broadcast;
    final Map<WorkerId, Attempts> attempts = new HashMap<>();

    Distribution(Coordinator owner, DistributionKind kind, Metainfo metainfo, String taskId, Channel channel,
                 Path stagingDirectory, TorrentHandle seed, long createdAtMillis, long timeoutMillis,
                 Announcement announcement, long seq) {
        this.owner = owner;
        this.id = metainfo.infoHashes().wireIdHex();
        this.kind = kind;
        this.metainfo = metainfo;
        this.taskId = taskId;
        this.channel = channel;
        this.stagingDirectory = stagingDirectory;
        this.seed = seed;
        this.createdAtMillis = createdAtMillis;
        this.timeoutMillis = timeoutMillis;
        this.announcement = announcement;
        this.seq = seq;
    }

    /** The id: the torrent's 20-byte wire id (v1 info-hash, or truncated v2) as 40 hex digits. */
    public String id() {
        return id;
    }

    public DistributionKind kind() {
        return kind;
    }

    /** The torrent's name. */
    public String name() {
        return metainfo.info().name();
    }

    /** The task id, or null for a model. */
    public String taskId() {
        return taskId;
    }

    /** The channel whose key signs the announcement. */
    public Channel channel() {
        return channel;
    }

    public InfoHashes infoHashes() {
        return metainfo.infoHashes();
    }

    public Metainfo metainfo() {
        return metainfo;
    }

    /** Where the coordinator seeds it from: the staging directory holding the torrent's top directory. */
    public Path stagingDirectory() {
        return stagingDirectory;
    }

    /** The coordinator's own torrent (the origin seed). */
    public TorrentHandle seed() {
        return seed;
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    long timeoutMillis() {
        return timeoutMillis;
    }

    /** A snapshot: per-worker progress, counts and the coordinator's upload. */
    public DistributionStatus status() {
        return owner.status(this);
    }

    /**
     * Completes once every target worker reported the data complete or failed, or at the deadline (the rest are
     * then timed out). For a model, the targets are the subscribers known when it is broadcast and those that check
     * in before it settles. Never completes exceptionally unless the coordinator is closed first. Each call
     * returns a new dependent future: completing it does not affect the distribution.
     */
    public CompletableFuture<DistributionResult> completion() {
        return completion.copy();
    }

    CompletableFuture<DistributionResult> completionSource() {
        return completion;
    }

    @Override
    public String toString() {
        return "Distribution[" + kind + " " + name() + " " + id + "]";
    }
}
