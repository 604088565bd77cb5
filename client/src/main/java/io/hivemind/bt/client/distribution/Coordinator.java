package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The publishing side of HiveMind distribution: creates and seeds the torrents of tasks and model versions, signs
 * their announcements with the channel key, runs (or points at) a tracker so the swarm forms without the DHT,
 * stores model announcements in the DHT (BEP 44 mutable items, BEP 46), notifies the workers it knows through
 * their daemon API, answers their check-ins and collects their progress reports.
 *
 * <pre>{@code
 * try (Coordinator c = Coordinator.builder(session)
 *         .config(CoordinatorConfig.builder(ChannelKey.parse(secret), Path.of("/var/lib/hivemind")).build())
 *         .start()) {
 *     Distribution task = c.distributeTask("job-42", List.of(input1, input2), Set.of(WorkerId.of("w1")));
 *     DistributionResult r = task.completion().join();
 *     Distribution model = c.distributeModel(Path.of("model.onnx"), Map.of("version", "1.4", "accuracy", "0.93"));
 *     c.broadcastToNetwork(model).join();
 * }
 * }</pre>
 *
 * <p>Threading: thread-safe. State (distributions, their progress books, the worker registry, the newest version
 * of each channel) is guarded by one lock held only for in-memory work; torrent creation runs on the caller's
 * thread, notifications on virtual threads (at most {@link CoordinatorConfig#notifyConcurrency} at once), and a
 * one-thread timer checks deadlines, retries notifications and republishes items every
 * {@link CoordinatorConfig#tickInterval}. The session is the caller's: closing the coordinator leaves its torrents
 * seeding in the session.
 */
public final class Coordinator implements TaskDistributor, ModelDistributor, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());
    /** Most items in one check-in answer. */
    static final int MAX_CHECK_IN_ITEMS = 64;
    private static final long SESSION_TIMEOUT_SECONDS = 60;

    private final Session session;
    private final CoordinatorConfig config;
    private final DhtNode dht;
    private final Clock clock;
    private final TrackerServer tracker;
    private final List<String> trackerUrls;
    private final SeqCounters seqs;
    private final CoordinatorStore store;
    private final JsonHttp http;
    private final Semaphore notifySlots;
    private final ScheduledExecutorService timer;
    private final ChannelPublisher defaultPublisher;
    private final Map<String, ChannelPublisher> publishers = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    // guarded by lock
    private final LinkedHashMap<String, Distribution> distributions = new LinkedHashMap<>();
    private final LinkedHashMap<WorkerId, WorkerRegistration> registry = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Channel, ModelVersion> latest = new HashMap<>();
    private final Map<Channel, Long> lastPutMillis = new HashMap<>();
    private final List<byte[]> trackerHashes = new ArrayList<>();
    private volatile boolean closed;

    private Coordinator(Builder b) throws IOException {
        this.session = b.session;
        this.config = b.config;
        this.clock = b.clock;
        this.dht = b.dht != null ? b.dht : b.useSessionDht ? session.dhtNode().orElse(null) : null;
        Files.createDirectories(config.workDirectory().resolve("staging"));
        this.seqs = new SeqCounters(config.workDirectory().resolve("state").resolve("sequence.json"));
        this.store = new CoordinatorStore(config.workDirectory().resolve("state").resolve("distributions"));
        this.http = new JsonHttp(config.token(), config.httpTimeout());
        this.notifySlots = new Semaphore(config.notifyConcurrency());
        List<String> urls = new ArrayList<>();
        if (config.trackerBind() != null) {
            InetSocketAddress bind = config.trackerBind();
            this.tracker = TrackerServer.builder().bindAddress(bind.getAddress()).httpPort(bind.getPort())
                    .udpPort(-1).announceInterval(Duration.ofSeconds(60)).minInterval(Duration.ofSeconds(5))
                    .build().start();
            String host = config.trackerPublicHost() != null ? config.trackerPublicHost()
                    : bind.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bind.getAddress().getHostAddress();
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            urls.add("http://" + host + ":" + tracker.httpAddress().getPort() + "/announce");
        } else {
            this.tracker = null;
        }
        urls.addAll(config.trackers());
        this.trackerUrls = List.copyOf(urls);
        for (Map.Entry<WorkerId, URI> w : config.workers().entrySet()) {
            registry.put(w.getKey(), new WorkerRegistration(w.getKey(), w.getValue(), Set.of(), 0));
        }
        this.defaultPublisher = new ChannelPublisher(config.channelKey());
        publishers.put(config.channelKey().channel().name(), defaultPublisher);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hivebt-coordinator");
            t.setDaemon(true);
            return t;
        });
        restore();
        long tick = config.tickInterval().toMillis();
        timer.scheduleWithFixedDelay(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes up the distributions of a previous run (same work directory): seeds them again (the session checks the
     * staged data), answers check-ins with the newest version of each channel and keeps waiting for the workers of
     * the unsettled ones until their original deadline. Torrents whose staged data is gone are skipped.
     */
    private void restore() {
        String ourKey = config.channelKey().channel().publicKeyHex();
        for (CoordinatorStore.Loaded l : store.load()) {
            CoordinatorStore.Record r = l.record();
            Metainfo mi = l.metainfo();
            if (!r.channel().publicKeyHex().equals(ourKey) || !Files.isDirectory(r.staging())) {
                LOG.log(System.Logger.Level.INFO, "not restoring {0}: another key or no staged data", r.id());
                continue;
            }
            allowOnTracker(mi.infoHashes());
            TorrentHandle h;
            try {
                h = session.find(mi.infoHashes()).orElse(null);
                if (h == null) {
                    h = session.add(AddTorrent.metainfo(mi).saveTo(r.staging()).autoManaged(false)
                            .trackers(List.of(trackerUrls))).get(SESSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "cannot seed {0} again: {1}", r.id(), e.toString());
                continue;
            }
            Distribution d = new Distribution(this, r.kind(), mi, r.taskId(), r.channel(), r.staging(), h,
                    r.createdAtMillis(), r.timeoutMillis(), r.announcement(), r.seq());
            long total = mi.info().totalLength();
            synchronized (lock) {
                d.item = r.item();
                d.announced = r.item() != null;
                if (d.announced) {
                    long deadline = r.createdAtMillis() + r.timeoutMillis();
                    d.book = r.result() != null
                            ? ProgressBook.restored(r.result(), total, r.createdAtMillis(), deadline, config.maxObservers())
                            : new ProgressBook(r.targets(), total, r.createdAtMillis(), deadline, config.maxObservers());
                    if (r.kind() == DistributionKind.MODEL) {
                        ModelVersion v = new ModelVersion(r.channel(), r.seq(), r.announcement(), r.item());
                        d.broadcast = CompletableFuture.completedFuture(v);
                        ModelVersion prev = latest.get(r.channel());
                        if (prev == null || prev.seq() < v.seq()) {
                            latest.put(r.channel(), v);
                            lastPutMillis.put(r.channel(), 0L); // republish at the first tick
                        }
                    }
                }
                distributions.put(d.id(), d);
            }
            if (r.result() != null) {
                d.completionSource().complete(r.result());
            }
            LOG.log(System.Logger.Level.INFO, "restored {0}", d);
        }
    }

    /** Writes what a restart needs of {@code d} (best effort: a failure is logged). */
    private void persist(Distribution d) {
        CoordinatorStore.Record r;
        synchronized (lock) {
            r = new CoordinatorStore.Record(d.id(), d.kind(), d.taskId(), d.channel(), d.stagingDirectory(),
                    d.createdAtMillis(), d.timeoutMillis(), d.seq, d.announcement, d.item,
                    d.book == null ? Set.of() : d.book.targets(), d.book == null ? null : d.book.result());
        }
        synchronized (d) {
            try {
                store.save(r, d.metainfo());
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot save {0}: {1}", d, e.toString());
            }
        }
    }

    /** A builder over a running session (the coordinator seeds in it; the caller closes it). */
    public static Builder builder(Session session) {
        return new Builder(session);
    }

    // ------------------------------------------------------------------------------------------ accessors

    public CoordinatorConfig config() {
        return config;
    }

    /** The default channel (the config's key and name). */
    @Override
    public Channel channel() {
        return defaultPublisher.channel();
    }

    /** The publisher of the default channel. */
    public ModelDistributor models() {
        return defaultPublisher;
    }

    /** The publisher of another channel under the same key (salt {@code name}). */
    public ModelDistributor models(String channelName) {
        Names.requireName(channelName, "a channel name");
        return publishers.computeIfAbsent(channelName, n -> new ChannelPublisher(config.channelKey().withName(n)));
    }

    /** The announce URLs put in every torrent: the embedded tracker's first, then the configured ones. */
    public List<String> trackerUrls() {
        return trackerUrls;
    }

    /** The embedded tracker's HTTP address, if it runs one. */
    public Optional<InetSocketAddress> trackerAddress() {
        return tracker == null ? Optional.empty() : Optional.of(tracker.httpAddress());
    }

    /** Whether announcements also go to the DHT. */
    public boolean hasDht() {
        return dht != null;
    }

    /** The distributions, oldest first. */
    public List<Distribution> distributions() {
        synchronized (lock) {
            return List.copyOf(distributions.values());
        }
    }

    /** A distribution by id (40 hex digits). */
    public Optional<Distribution> distribution(String id) {
        synchronized (lock) {
            return Optional.ofNullable(distributions.get(id));
        }
    }

    /** The workers known (configured or checked in), most recently seen last. */
    public List<WorkerRegistration> workers() {
        synchronized (lock) {
            List<WorkerRegistration> l = new ArrayList<>(registry.values());
            l.sort(Comparator.comparing(WorkerRegistration::id));
            return l;
        }
    }

    /** The newest published version of {@code channel}, if any. */
    public Optional<ModelVersion> latest(Channel channel) {
        synchronized (lock) {
            return Optional.ofNullable(latest.get(channel));
        }
    }

    // ------------------------------------------------------------------------------------------ tasks

    @Override
    public Distribution distributeTask(String taskId, List<Path> files, Set<WorkerId> workers) throws IOException {
        return distributeTask(taskId, files, workers, config.timeout());
    }

    @Override
    public Distribution distributeTask(String taskId, List<Path> files, Set<WorkerId> workers, Duration timeout)
            throws IOException {
        Names.requireName(taskId, "a task id");
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("a task needs at least one file");
        }
        if (workers == null || workers.isEmpty()) {
            throw new IllegalArgumentException("a task needs at least one worker");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        ensureOpen();
        ChannelKey key = config.channelKey();
        byte[] salt = Channel.taskSalt(taskId);
        long seq = seqs.reserve(VersionGate.key(key.channel().publicKey(), salt), 1);
        Path staging = config.workDirectory().resolve("staging").resolve("task-" + taskId + "-" + seq);
        Path top = staging.resolve(taskId);
        Packed packed = pack(top, files, false, new Manifest(DistributionKind.TASK, taskId, key.channel().toString(),
                seq, Map.of(), List.of(), clock.millis() / 1000), seq);
        Announcement a = new Announcement(DistributionKind.TASK, packed.metainfo().infoHashes(), taskId, taskId,
                packed.metainfo().info().totalLength(), trackerUrls, config.apiUrl(), new TreeMap<>(), false,
                Manifest.FILE_NAME);
        MutableItem item = key.sign(salt, seq, a.encode());
        long now = clock.millis();
        Distribution d = new Distribution(this, DistributionKind.TASK, packed.metainfo(), taskId, key.channel(),
                staging, packed.seed(), now, timeout.toMillis(), a, seq);
        synchronized (lock) {
            d.item = item;
            d.announced = true;
            d.book = new ProgressBook(workers, a.totalBytes(), now, now + timeout.toMillis(), config.maxObservers());
            register(d);
        }
        persist(d);
        LOG.log(System.Logger.Level.INFO, "task {0}: {1} bytes to {2} workers, info-hash {3}", taskId,
                a.totalBytes(), workers.size(), d.id());
        pump();
        return d;
    }

    // ------------------------------------------------------------------------------------------ models

    @Override
    public Distribution distributeModel(Path model, Map<String, String> metadata) throws IOException {
        return defaultPublisher.distributeModel(model, metadata);
    }

    @Override
    public CompletableFuture<ModelVersion> broadcastToNetwork(Distribution distribution) {
        return broadcastToNetwork(distribution, Set.of());
    }

    /**
     * As {@link #broadcastToNetwork(Distribution)}, also waiting for {@code expected} workers (besides the known
     * subscribers of the channel): workers that have not checked in yet but are known to follow it.
     */
    public CompletableFuture<ModelVersion> broadcastToNetwork(Distribution distribution, Set<WorkerId> expected) {
        ChannelPublisher p = publishers.get(distribution.channel().name());
        if (p == null || !p.channel().equals(distribution.channel())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(distribution
                    + " was not made by this coordinator"));
        }
        return p.broadcast(distribution, Set.copyOf(expected));
    }

    /** Publishes model versions on one channel of the coordinator's key. Thread-safe. */
    private final class ChannelPublisher implements ModelDistributor {
        private final ChannelKey key;

        ChannelPublisher(ChannelKey key) {
            this.key = key;
        }

        @Override
        public Channel channel() {
            return key.channel();
        }

        @Override
        public Distribution distributeModel(Path model, Map<String, String> metadata) throws IOException {
            Announcement.checkMetadata(metadata);
            ensureOpen();
            Channel ch = key.channel();
            long seq = seqs.reserve(VersionGate.key(ch.publicKey(), ch.salt()), 1);
            String version = metadata.get("version");
            String label = version != null ? safeLabel(version) : "v" + seq;
            String name = ch.name() + "-" + label;
            Path staging = config.workDirectory().resolve("staging").resolve("model-" + ch.name() + "-" + seq);
            Path top = staging.resolve(name);
            Packed packed = pack(top, List.of(model), Files.isDirectory(model),
                    new Manifest(DistributionKind.MODEL, ch.name(), ch.toString(), seq, metadata,
                            List.of(), clock.millis() / 1000), seq);
            Announcement a = new Announcement(DistributionKind.MODEL, packed.metainfo().infoHashes(), name, null,
                    packed.metainfo().info().totalLength(), trackerUrls, config.apiUrl(), new TreeMap<>(metadata),
                    false, Manifest.FILE_NAME);
            a.encode(); // fails now, not at broadcast, when it cannot fit
            Distribution d = new Distribution(Coordinator.this, DistributionKind.MODEL, packed.metainfo(), null, ch,
                    staging, packed.seed(), clock.millis(), config.timeout().toMillis(), a, seq);
            synchronized (lock) {
                register(d);
            }
            persist(d);
            LOG.log(System.Logger.Level.INFO, "model {0}: {1} bytes, info-hash {2}", name, a.totalBytes(), d.id());
            return d;
        }

        @Override
        public CompletableFuture<ModelVersion> broadcastToNetwork(Distribution d) {
            return broadcast(d, Set.of());
        }

        CompletableFuture<ModelVersion> broadcast(Distribution d, Set<WorkerId> expected) {
            if (d.kind() != DistributionKind.MODEL || !d.channel().equals(key.channel())) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(d + " is not a model of "
                        + key.channel()));
            }
            synchronized (lock) {
                if (d.broadcast != null) {
                    return d.broadcast.copy();
                }
                d.broadcast = new CompletableFuture<>();
            }
            CompletableFuture<ModelVersion> out = d.broadcast;
            Thread.ofVirtual().name("hivebt-broadcast").start(() -> {
                try {
                    out.complete(publish(d, expected));
                } catch (Throwable t) {
                    synchronized (lock) {
                        d.broadcast = null; // may be tried again
                    }
                    out.completeExceptionally(t);
                }
            });
            return out.copy();
        }

        private ModelVersion publish(Distribution d, Set<WorkerId> expected) throws Exception {
            ensureOpen();
            Channel ch = key.channel();
            byte[] salt = ch.salt();
            String seqKey = VersionGate.key(ch.publicKey(), salt);
            Long cas = null;
            long floor = 0;
            if (dht != null) {
                // The DHT may hold a newer number than our state (a lost state directory): never go below it.
                try {
                    Optional<MutableItem> current = dht.getMutable(ch.publicKey(), salt)
                            .get(config.httpTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
                    if (current.isPresent()) {
                        cas = current.get().seq();
                        floor = cas + 1;
                    }
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.DEBUG, "DHT get before publishing failed: {0}", e.toString());
                }
            }
            long seq;
            synchronized (lock) {
                ModelVersion prev = latest.get(ch);
                if (prev != null) {
                    floor = Math.max(floor, prev.seq() + 1);
                }
                seq = d.seq;
            }
            if (seq < floor) {
                seq = seqs.reserve(seqKey, floor);
            }
            MutableItem item = key.sign(salt, seq, d.announcement.encode());
            ModelVersion version = new ModelVersion(ch, seq, d.announcement, item);
            long now = clock.millis();
            synchronized (lock) {
                d.seq = seq;
                d.item = item;
                d.announced = true;
                java.util.Set<WorkerId> targets = new java.util.HashSet<>(expected);
                for (WorkerRegistration w : registry.values()) {
                    if (w.channels().contains(ch)) {
                        targets.add(w.id());
                    }
                }
                d.book = new ProgressBook(targets, d.announcement.totalBytes(), now, now + d.timeoutMillis(),
                        config.maxObservers());
                ModelVersion prev = latest.get(ch);
                if (prev == null || prev.seq() < seq) {
                    latest.put(ch, version);
                    lastPutMillis.put(ch, now);
                }
            }
            persist(d);
            LOG.log(System.Logger.Level.INFO, "broadcast {0} seq {1} to {2} known subscribers", d.name(), seq,
                    d.book.targetCount());
            pump();
            tick(); // settles at once when nobody is subscribed yet
            if (dht != null) {
                try {
                    var stored = dht.putMutable(item, cas).get(60, TimeUnit.SECONDS);
                    LOG.log(System.Logger.Level.INFO, "DHT put of {0} seq {1}: {2} nodes stored it, {3} refused",
                            ch, seq, stored.accepted(), stored.refused());
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "DHT put of {0} seq {1} failed: {2}", ch, seq, e.toString());
                }
            }
            return version;
        }
    }

    private static String safeLabel(String version) {
        String s = version.replaceAll("[^A-Za-z0-9._-]", "_");
        if (s.startsWith(".")) {
            s = "_" + s.substring(1);
        }
        return s.length() > 40 ? s.substring(0, 40) : s;
    }

    // ------------------------------------------------------------------------------------------ packing

    private record Packed(Metainfo metainfo, TorrentHandle seed) {
    }

    /** Stages the files and the manifest under {@code top}, creates the torrent and starts seeding it. */
    private Packed pack(Path top, List<Path> files, boolean flatten, Manifest manifest, long seq) throws IOException {
        List<Staging.Staged> staged;
        try {
            staged = Staging.stage(top, files, flatten);
            List<Manifest.FileEntry> entries = new ArrayList<>();
            for (Staging.Staged s : staged) {
                if (s.path().equals(Manifest.FILE_NAME)) {
                    throw new IllegalArgumentException("a file is named " + Manifest.FILE_NAME + ", which is reserved");
                }
                entries.add(new Manifest.FileEntry(s.path(), s.size()));
            }
            Manifest full = new Manifest(manifest.kind(), manifest.name(), manifest.channel(), seq,
                    manifest.metadata(), entries, manifest.createdAt());
            Files.write(top.resolve(Manifest.FILE_NAME), full.toJson());
        } catch (IOException | RuntimeException e) {
            Staging.delete(top.getParent());
            throw e;
        }
        Metainfo mi;
        try {
            TorrentCreator.Builder tb = TorrentCreator.builder(top).version(config.torrentVersion())
                    .includeHidden(true).createdBy("hivebt distribution");
            if (config.pieceLength() > 0) {
                tb.pieceLength(config.pieceLength());
            }
            for (String url : trackerUrls) {
                tb.addTier(url);
            }
            mi = tb.build().create();
        } catch (IOException | RuntimeException e) {
            Staging.delete(top.getParent());
            throw e;
        }
        allowOnTracker(mi.infoHashes()); // before the seed's first announce, which would otherwise be refused
        TorrentHandle h;
        try {
            h = session.add(AddTorrent.metainfo(mi).saveTo(top.getParent()).seedMode(true).autoManaged(false))
                    .get(SESSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            Staging.delete(top.getParent());
            throw new IOException("the session did not take the torrent: " + e, e);
        }
        return new Packed(mi, h);
    }

    /** Adds a distribution (under the lock) and forgets the oldest settled ones over the bound. */
    private void register(Distribution d) {
        if (distributions.containsKey(d.id())) {
            throw new IllegalStateException("already distributing " + d.id());
        }
        distributions.put(d.id(), d);
        Iterator<Distribution> it = distributions.values().iterator();
        while (distributions.size() > config.maxDistributions() && it.hasNext()) {
            Distribution old = it.next();
            if (old.book != null && old.book.settled()) {
                it.remove();
                try {
                    store.delete(old.id());
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot delete the record of {0}: {1}", old, e.toString());
                }
            }
        }
    }

    /** Lets the embedded tracker serve {@code ih} (it serves only the coordinator's torrents). */
    private void allowOnTracker(InfoHashes ih) {
        if (tracker == null) {
            return;
        }
        synchronized (lock) {
            if (ih.hasV1()) {
                trackerHashes.add(ih.v1());
            }
            if (ih.hasV2()) {
                trackerHashes.add(ih.v2Truncated());
            }
            tracker.whitelist(trackerHashes);
        }
    }

    // ------------------------------------------------------------------------------------------ workers

    /**
     * A worker checked in: remember it (and where its daemon is), make it a target of the unsettled model
     * distributions of the channels it follows, and answer with what it should have: the newest version of each
     * of those channels and the tasks meant for it that it has not completed (at most
     * {@value #MAX_CHECK_IN_ITEMS}, newest first).
     */
    public List<MutableItem> checkIn(WorkerRegistration r) {
        ensureOpen();
        long now = clock.millis();
        List<MutableItem> items = new ArrayList<>();
        synchronized (lock) {
            if (!registry.containsKey(r.id()) && registry.size() >= config.maxWorkers()) {
                Iterator<WorkerId> it = registry.keySet().iterator(); // access order: least recently seen first
                it.next();
                it.remove();
            }
            registry.put(r.id(), new WorkerRegistration(r.id(), r.api(), r.channels(), now));
            for (Channel ch : r.channels()) {
                ModelVersion v = latest.get(ch);
                if (v != null) {
                    items.add(v.item());
                }
            }
            List<Distribution> newestFirst = new ArrayList<>(distributions.values());
            java.util.Collections.reverse(newestFirst);
            for (Distribution d : newestFirst) {
                if (!d.announced || d.book == null) {
                    continue;
                }
                if (d.kind() == DistributionKind.MODEL && r.channels().contains(d.channel())) {
                    d.book.addTarget(r.id(), now);
                    if (latest.get(d.channel()) != null && latest.get(d.channel()).item() == d.item) {
                        d.book.notified(r.id(), now);
                    }
                } else if (d.kind() == DistributionKind.TASK && d.book.isTarget(r.id())
                        && d.book.get(r.id()).state() != WorkerState.COMPLETE && items.size() < MAX_CHECK_IN_ITEMS) {
                    items.add(d.item);
                    d.book.notified(r.id(), now);
                }
            }
        }
        return items.size() > MAX_CHECK_IN_ITEMS ? List.copyOf(items.subList(0, MAX_CHECK_IN_ITEMS)) : items;
    }

    /** Applies a worker's progress report; false when no such distribution is being tracked (or it is refused). */
    public boolean report(ProgressReport r) {
        ensureOpen();
        Distribution settled = null;
        DistributionResult result = null;
        synchronized (lock) {
            Distribution d = distributions.get(r.distributionId());
            if (d == null || d.book == null) {
                return false;
            }
            long now = clock.millis();
            if (!d.book.report(r, now)) {
                return false;
            }
            Optional<DistributionResult> res = d.book.poll(now);
            if (res.isPresent()) {
                settled = d;
                result = res.get();
            }
        }
        if (settled != null) {
            settle(settled, result);
        }
        return true;
    }

    DistributionStatus status(Distribution d) {
        SortedMap<WorkerId, WorkerProgress> workers;
        int targets;
        int complete = 0;
        int failed = 0;
        int timedOut = 0;
        boolean settled;
        long seq;
        boolean announced;
        long deadline;
        synchronized (lock) {
            workers = d.book == null ? new TreeMap<>() : new TreeMap<>(d.book.snapshot());
            targets = d.book == null ? 0 : d.book.targetCount();
            settled = d.book != null && d.book.settled();
            seq = d.seq;
            announced = d.announced;
            deadline = d.book == null ? d.createdAtMillis() + d.timeoutMillis() : d.book.deadlineMillis();
        }
        for (WorkerProgress p : workers.values()) {
            if (!p.target()) {
                continue;
            }
            switch (p.state()) {
                case COMPLETE -> complete++;
                case FAILED -> failed++;
                case TIMED_OUT -> timedOut++;
                default -> {
                }
            }
        }
        long uploaded = 0;
        try {
            uploaded = d.seed().status().totalUploaded();
        } catch (RuntimeException e) {
            // the torrent was removed from the session: keep 0
        }
        return new DistributionStatus(d.id(), d.kind(), d.name(), d.taskId(), d.infoHashes(),
                d.metainfo().info().totalLength(), seq, announced, d.createdAtMillis(), deadline, workers, targets,
                complete, failed, timedOut, uploaded, settled);
    }

    // ------------------------------------------------------------------------------------------ timer

    private void tickSafely() {
        try {
            tick();
            pump();
            republish();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "coordinator tick failed", t);
        }
    }

    /** Settles the distributions whose targets are all done or whose deadline passed. */
    private void tick() {
        List<Map.Entry<Distribution, DistributionResult>> done = new ArrayList<>();
        synchronized (lock) {
            long now = clock.millis();
            for (Distribution d : distributions.values()) {
                if (d.book != null && !d.book.settled()) {
                    d.book.poll(now).ifPresent(r -> done.add(Map.entry(d, r)));
                }
            }
        }
        for (Map.Entry<Distribution, DistributionResult> e : done) {
            settle(e.getKey(), e.getValue());
        }
    }

    private void settle(Distribution d, DistributionResult r) {
        LOG.log(System.Logger.Level.INFO, "{0} settled: {1} complete, {2} failed, {3} timed out", d,
                r.completed().size(), r.failed().size(), r.timedOut().size());
        persist(d);
        d.completionSource().complete(r);
    }

    /** Sends the notifications that are due (outside the lock, on virtual threads). */
    private void pump() {
        if (closed) {
            return;
        }
        record Job(Distribution d, WorkerId w, URI api, MutableItem item) {
        }
        List<Job> jobs = new ArrayList<>();
        synchronized (lock) {
            long now = clock.millis();
            for (Distribution d : distributions.values()) {
                if (!d.announced || d.book == null || d.book.settled()) {
                    continue;
                }
                for (WorkerId w : d.book.waitingFor()) {
                    if (d.book.get(w).state() != WorkerState.PENDING) {
                        continue;
                    }
                    Distribution.Attempts a = d.attempts.computeIfAbsent(w, k -> new Distribution.Attempts());
                    if (a.done || a.inFlight || a.tries >= config.notifyAttempts() || now < a.nextAtMillis) {
                        continue;
                    }
                    WorkerRegistration reg = registry.get(w);
                    if (reg == null || reg.api() == null) {
                        if (a.tries == 0) {
                            d.book.notifyFailed(w, "no known API address; waiting for its check-in", now);
                        }
                        continue;
                    }
                    a.inFlight = true;
                    a.tries++;
                    jobs.add(new Job(d, w, reg.api(), d.item));
                }
            }
        }
        for (Job j : jobs) {
            Thread.ofVirtual().name("hivebt-notify").start(() -> notifyWorker(j.d(), j.w(), j.api(), j.item()));
        }
    }

    private void notifyWorker(Distribution d, WorkerId w, URI api, MutableItem item) {
        String failure = null;
        boolean finalAnswer = false;
        try {
            notifySlots.acquire();
            try {
                URI uri = api.resolve("/api/distributions/notify");
                JsonHttp.Answer a = http.post(uri, JsonObject.builder().put("item", ItemJson.toJson(item)).build());
                if (a.ok()) {
                    finalAnswer = true;
                } else if (a.status() == 409) {
                    finalAnswer = true; // it holds this version's successor already, or this one
                } else {
                    failure = "notification answered " + a.status() + ": " + a.body().getString("error", "");
                    finalAnswer = a.status() == 403 || a.status() == 400;
                }
            } finally {
                notifySlots.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (IOException | RuntimeException e) {
            failure = "cannot reach " + api + ": " + e;
        }
        synchronized (lock) {
            long now = clock.millis();
            Distribution.Attempts a = d.attempts.get(w);
            if (a != null) {
                a.inFlight = false;
                a.done = finalAnswer;
                a.nextAtMillis = now + config.retryInterval().toMillis();
            }
            if (d.book != null) {
                if (failure == null) {
                    d.book.notified(w, now);
                } else {
                    d.book.notifyFailed(w, failure, now);
                }
            }
        }
        if (failure != null) {
            LOG.log(System.Logger.Level.DEBUG, "notifying {0} of {1}: {2}", w, d, failure);
        }
    }

    /** Puts the newest item of each channel in the DHT again when its last put is a republish interval old. */
    private void republish() {
        if (dht == null) {
            return;
        }
        List<MutableItem> due = new ArrayList<>();
        synchronized (lock) {
            long now = clock.millis();
            for (Map.Entry<Channel, ModelVersion> e : latest.entrySet()) {
                long last = lastPutMillis.getOrDefault(e.getKey(), 0L);
                if (now - last >= config.republishInterval().toMillis()) {
                    lastPutMillis.put(e.getKey(), now);
                    due.add(e.getValue().item());
                }
            }
        }
        for (MutableItem item : due) {
            dht.putMutable(item, null).whenComplete((r, e) -> LOG.log(System.Logger.Level.DEBUG,
                    "republished seq {0}: {1}", item.seq(), e == null ? r.accepted() + " nodes" : e.toString()));
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the coordinator is closed");
        }
    }

    /**
     * Stops the timer and the embedded tracker. Unsettled distributions' futures fail with
     * {@link IllegalStateException}. The torrents stay in the session.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        if (tracker != null) {
            tracker.close();
        }
        synchronized (lock) {
            for (Distribution d : distributions.values()) {
                d.completionSource().completeExceptionally(new IllegalStateException("the coordinator closed"));
            }
        }
    }

    /** Builds a {@link Coordinator}. Not thread-safe. */
    public static final class Builder {
        private final Session session;
        private CoordinatorConfig config;
        private DhtNode dht;
        private boolean useSessionDht = true;
        private Clock clock = Clock.systemUTC();

        private Builder(Session session) {
            this.session = java.util.Objects.requireNonNull(session, "session");
        }

        public Builder config(CoordinatorConfig config) {
            this.config = config;
            return this;
        }

        /** A DHT node to publish through instead of the session's. */
        public Builder dht(DhtNode node) {
            this.dht = node;
            return this;
        }

        /** Whether to use the session's DHT node when none is given (default true). */
        public Builder useSessionDht(boolean on) {
            this.useSessionDht = on;
            return this;
        }

        /** The wall clock for deadlines and timestamps (tests inject a fixed or stepping one). */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Starts the coordinator (binds the embedded tracker). */
        public Coordinator start() throws IOException {
            if (config == null) {
                throw new IllegalStateException("config is required");
            }
            return new Coordinator(this);
        }
    }
}
