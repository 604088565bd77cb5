package io.hivemind.bt.client.distribution;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.distribution.internal.ItemJson;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import io.hivemind.bt.client.daemon.state.AtomicFiles;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The receiving side of HiveMind distribution: follows channels, takes each new signed announcement that checks
 * out ({@link VersionGate}: followed key and salt, valid Ed25519 signature, sequence number above the last one),
 * downloads the announced torrent through the session (magnet link with the coordinator's tracker, BEP 9 metadata),
 * keeps the newest versions and seeds everything it holds, and reports progress to the coordinator.
 *
 * <p>Announcements arrive three ways and pass the same gate: direct notifications ({@link #accept}, called by the
 * daemon's {@code POST /api/distributions/notify}), the answer to the periodic check-in with the coordinator
 * ({@code POST /api/distributions/workers}), and BEP 46 polling of the DHT ({@code get} of each channel's mutable
 * item). A forged item (bad signature, unknown key) or a replayed one (lower sequence number) changes nothing.
 *
 * <p>Layout under {@link WorkerConfig#directory}: {@code models/<channel>/<seq>/<torrent name>/…} with a
 * {@code models/<channel>/current} symbolic link to the newest complete version, {@code tasks/<id>/<seq>/…}, and
 * the worker's state (accepted sequence numbers, held items, saved {@code .torrent} files) in
 * {@code .hivebt-worker/}, written atomically before a download starts, so a worker killed mid-download re-adds
 * its torrents on restart and the session resumes them (resume data, or a recheck of the partial files).
 *
 * <p>Threading: thread-safe. State is guarded by one lock held only for in-memory work and the small state-file
 * write; the session's futures call back on its threads; a two-thread timer runs check-ins, DHT polls, reports and
 * republishing (blocking HTTP with timeouts).
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());
    private static final JsonLimits STATE_LIMITS = new JsonLimits(16 << 20, 8, 500_000, 64 * 1024, 32);
    private static final String STATE_DIR = ".hivebt-worker";

    /** One held model version or task (guarded by the worker's lock unless noted). */
    private static final class Held {
        final String id;
        final MutableItem item;
        final Announcement announcement;
        final Channel channel;
        final Path saveDir;
        final long acceptedAtMillis;
        volatile TorrentHandle handle;
        boolean complete;
        boolean removed;
        String error;
        Map<String, String> manifestMetadata;
        String lastSent;
        long lastSentMillis;

        Held(MutableItem item, Announcement a, Channel channel, Path saveDir, long acceptedAtMillis) {
            this.id = a.infoHashes().wireIdHex();
            this.item = item;
            this.announcement = a;
            this.channel = channel;
            this.saveDir = saveDir;
            this.acceptedAtMillis = acceptedAtMillis;
        }

        DistributionKind kind() {
            return announcement.kind();
        }
    }

    private final Session session;
    private final WorkerConfig config;
    private final DhtNode dht;
    private final Clock clock;
    private final Path stateFile;
    private final Path torrentsDir;
    private final JsonHttp http;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean reporting = new AtomicBoolean();
    private final Object lock = new Object();
    // guarded by lock
    private final VersionGate gate = new VersionGate();
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>();
    private URI learnedCoordinator;
    private volatile boolean closed;

    private Worker(Builder b) throws IOException {
        this.session = b.session;
        this.config = b.config;
        this.clock = b.clock;
        this.dht = !config.useDht() ? null : b.dht != null ? b.dht : session.dhtNode().orElse(null);
        Path stateDir = config.directory().resolve(STATE_DIR);
        this.stateFile = stateDir.resolve("state.json");
        this.torrentsDir = stateDir.resolve("torrents");
        Files.createDirectories(torrentsDir);
        this.http = new JsonHttp(config.token(), config.httpTimeout());
        this.timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "hivebt-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** A builder over a running session (the worker downloads and seeds in it; the caller closes it). */
    public static Builder builder(Session session) {
        return new Builder(session);
    }

    private void startUp() {
        List<Held> restored = loadState();
        for (Held h : restored) {
            startTorrent(h);
        }
        timer.scheduleWithFixedDelay(() -> safely("check-in", this::checkIn), 0,
                config.checkInInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (dht != null) {
            timer.scheduleWithFixedDelay(() -> safely("DHT poll", this::pollDht),
                    Math.min(1000, config.pollInterval().toMillis()), config.pollInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
            timer.scheduleWithFixedDelay(() -> safely("republish", this::republish),
                    config.republishInterval().toMillis(), config.republishInterval().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        timer.scheduleWithFixedDelay(() -> safely("report", this::report), config.reportInterval().toMillis(),
                config.reportInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void safely(String what, Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "worker " + what + " failed", t);
        }
    }

    // ------------------------------------------------------------------------------------------ accessors

    public WorkerId id() {
        return config.id();
    }

    public WorkerConfig config() {
        return config;
    }

    public Set<Channel> channels() {
        return config.channels();
    }

    /** The copies held, oldest accepted first. */
    public List<LocalCopy> copies() {
        List<Held> hs;
        synchronized (lock) {
            hs = new ArrayList<>(held.values());
        }
        List<LocalCopy> out = new ArrayList<>();
        for (Held h : hs) {
            out.add(copyOf(h));
        }
        return out;
    }

    /** The newest complete version of {@code channel}. */
    public Optional<LocalCopy> latest(Channel channel) {
        Held best = null;
        synchronized (lock) {
            for (Held h : held.values()) {
                if (h.kind() == DistributionKind.MODEL && h.channel.equals(channel) && h.complete
                        && (best == null || h.item.seq() > best.item.seq())) {
                    best = h;
                }
            }
        }
        return best == null ? Optional.empty() : Optional.of(copyOf(best));
    }

    /** The highest sequence number accepted for {@code channel}'s model items, or -1. */
    public long acceptedSeq(Channel channel) {
        synchronized (lock) {
            return gate.lastSeq(channel.publicKey(), channel.salt());
        }
    }

    private LocalCopy copyOf(Held h) {
        TorrentHandle th = h.handle;
        TorrentStatus s = null;
        if (th != null) {
            try {
                s = th.status();
            } catch (RuntimeException e) {
                // removed meanwhile
            }
        }
        boolean complete;
        String error;
        Map<String, String> md;
        synchronized (lock) {
            complete = h.complete;
            error = h.error;
            md = h.manifestMetadata != null ? h.manifestMetadata : h.announcement.metadata();
        }
        ProgressReport.State state = complete ? ProgressReport.State.COMPLETE : error != null
                ? ProgressReport.State.ERROR : s == null || s.state() == TorrentState.DOWNLOADING_METADATA
                || s.state() == TorrentState.CHECKING || s.state() == TorrentState.QUEUED
                ? ProgressReport.State.STARTING : s.state() == TorrentState.ERROR ? ProgressReport.State.ERROR
                : ProgressReport.State.DOWNLOADING;
        if (state == ProgressReport.State.ERROR && error == null && s != null) {
            error = s.errorMessage();
        }
        long total = s != null && s.wantedBytes() > 0 ? s.wantedBytes() : h.announcement.totalBytes();
        long done = complete ? total : s == null ? 0 : s.doneBytes();
        String name = th != null && th.metainfo() != null ? th.metainfo().info().name() : h.announcement.name();
        return new LocalCopy(h.id, h.kind(), h.channel, h.announcement.taskId(), h.item.seq(), name, md,
                h.saveDir.resolve(name), state, done, total, s == null ? 0 : s.totalDownloaded(), error);
    }

    // ------------------------------------------------------------------------------------------ accepting

    /**
     * Takes a signed announcement if it checks out, and starts downloading it. Thread-safe; returns quickly (the
     * download runs in the session). An item already held is a DUPLICATE; a forged or replayed one changes nothing.
     */
    public Verdict accept(MutableItem item) {
        Objects.requireNonNull(item, "item");
        if (closed) {
            throw new IllegalStateException("the worker is closed");
        }
        Verdict v;
        Held h;
        List<Held> drops = new ArrayList<>();
        synchronized (lock) {
            v = gate.check(item, config.channels());
            if (!v.accepted()) {
                return v;
            }
            Announcement a = v.announcement();
            Path save = a.kind() == DistributionKind.MODEL
                    ? config.directory().resolve("models").resolve(v.channel().name()).resolve(Long.toString(item.seq()))
                    : config.directory().resolve("tasks").resolve(a.taskId()).resolve(Long.toString(item.seq()));
            h = new Held(item, a, v.channel(), save, clock.millis());
            Held existing = held.get(h.id);
            gate.commit(item);
            if (existing != null && !existing.removed) {
                // the same torrent under a newer number (re-announced): keep the copy we have
                persist();
                return new Verdict(Verdict.Outcome.DUPLICATE, "already hold " + h.id, v.channel(), a);
            }
            held.put(h.id, h);
            if (a.kind() == DistributionKind.TASK) {
                for (Held o : held.values()) {
                    if (o != h && o.kind() == DistributionKind.TASK && a.taskId().equals(o.announcement.taskId())) {
                        drops.add(o); // a task re-published with new data replaces the old data
                    }
                }
            }
            if (a.coordinatorUrl() != null) {
                learnedCoordinator = URI.create(a.coordinatorUrl());
            }
            drops.addAll(retention(h));
            for (Held d : drops) {
                d.removed = true;
                held.remove(d.id);
            }
            persist();
        }
        LOG.log(System.Logger.Level.INFO, "accepted {0} {1} seq {2} ({3})", h.kind(), h.announcement.name(),
                item.seq(), h.id);
        startTorrent(h);
        for (Held d : drops) {
            removeData(d);
        }
        kickReport();
        return v;
    }

    /** Under the lock: what to drop now that {@code h} arrived or completed. */
    private List<Held> retention(Held h) {
        List<Held> out = new ArrayList<>();
        if (h.kind() == DistributionKind.MODEL) {
            List<Retention.Version> versions = new ArrayList<>();
            Map<Long, Held> bySeq = new LinkedHashMap<>();
            for (Held o : held.values()) {
                if (o.kind() == DistributionKind.MODEL && o.channel.equals(h.channel)) {
                    versions.add(new Retention.Version(o.item.seq(), o.complete));
                    bySeq.put(o.item.seq(), o);
                }
            }
            for (long seq : Retention.drop(versions, config.keepVersions())) {
                out.add(bySeq.get(seq));
            }
        } else {
            List<Held> tasks = new ArrayList<>();
            for (Held o : held.values()) {
                if (o.kind() == DistributionKind.TASK) {
                    tasks.add(o);
                }
            }
            tasks.sort(Comparator.comparingLong((Held o) -> o.acceptedAtMillis).reversed());
            for (int i = config.keepTasks(); i < tasks.size(); i++) {
                out.add(tasks.get(i));
            }
        }
        return out;
    }

    private void startTorrent(Held h) {
        if (closed) {
            return;
        }
        try {
            Files.createDirectories(h.saveDir);
            AddTorrent add = null;
            Path tf = torrentsDir.resolve(h.id + ".torrent");
            if (Files.isRegularFile(tf)) {
                try {
                    // from a magnet link: v2 piece layers may be missing (the session fetches them, BEP 52)
                    Metainfo mi = Metainfo.parseWithoutPieceLayers(Files.readAllBytes(tf),
                            io.hivemind.bt.wire.metainfo.MetainfoLimits.DEFAULT);
                    if (mi.infoHashes().equals(h.announcement.infoHashes())) {
                        add = AddTorrent.metainfo(mi);
                    }
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring unreadable {0}: {1}", tf, e.toString());
                }
            }
            if (add == null) {
                add = AddTorrent.magnet(h.announcement.magnet());
            }
            TorrentHandle already = session.find(h.announcement.infoHashes()).orElse(null);
            CompletableFuture<TorrentHandle> added = already != null ? CompletableFuture.completedFuture(already)
                    : session.add(add.saveTo(h.saveDir).autoManaged(false));
            added.whenComplete((th, e) -> {
                if (e != null) {
                    fail(h, "cannot add the torrent: " + rootMessage(e));
                    return;
                }
                h.handle = th;
                th.metadata().thenAccept(mi -> saveTorrent(h, mi));
                th.completion().whenComplete((x, err) -> onComplete(h, err));
            });
        } catch (IOException | RuntimeException e) {
            fail(h, "cannot start: " + e);
        }
    }

    private void saveTorrent(Held h, Metainfo mi) {
        Path tf = torrentsDir.resolve(h.id + ".torrent");
        try {
            if (!Files.exists(tf)) {
                AtomicFiles.write(tf, mi.encode());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot save {0}: {1}", tf, e.toString());
        }
    }

    private void fail(Held h, String why) {
        synchronized (lock) {
            if (h.removed) {
                return;
            }
            h.error = why;
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: {1}", h.announcement.name(), why);
        kickReport();
    }

    private void onComplete(Held h, Throwable err) {
        if (err != null) {
            synchronized (lock) {
                if (h.removed || closed) {
                    return;
                }
            }
            fail(h, rootMessage(err));
            return;
        }
        TorrentHandle th = h.handle;
        String name = th.metainfo() != null ? th.metainfo().info().name() : h.announcement.name();
        Path top = h.saveDir.resolve(name);
        Map<String, String> md = null;
        String problem = null;
        Path mf = top.resolve(Manifest.FILE_NAME);
        if (Files.isRegularFile(mf, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Manifest m = Manifest.parse(Files.readAllBytes(mf));
                md = m.metadata();
                for (Manifest.FileEntry f : m.files()) {
                    Path p = top.resolve(f.path()).normalize();
                    if (!p.startsWith(top) || !Files.isRegularFile(p) || Files.size(p) != f.size()) {
                        problem = "manifest names " + f.path() + " but the data does not match it";
                        break;
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                problem = "unreadable manifest: " + e.getMessage();
            }
        }
        List<Held> drops;
        synchronized (lock) {
            if (h.removed) {
                return;
            }
            if (problem != null) {
                h.error = problem;
                drops = List.of();
            } else {
                h.complete = true;
                h.error = null;
                h.manifestMetadata = md;
                drops = retention(h);
                for (Held d : drops) {
                    d.removed = true;
                    held.remove(d.id);
                }
            }
            persist();
        }
        if (problem == null) {
            LOG.log(System.Logger.Level.INFO, "complete: {0} {1} seq {2}", h.kind(), name, h.item.seq());
            if (h.kind() == DistributionKind.MODEL) {
                updateCurrentLink(h.channel);
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}", name, problem);
        }
        for (Held d : drops) {
            removeData(d);
        }
        kickReport();
    }

    /** Points {@code models/<channel>/current} at the newest complete version (best effort). */
    private void updateCurrentLink(Channel channel) {
        Optional<LocalCopy> newest = latest(channel);
        if (newest.isEmpty()) {
            return;
        }
        Path channelDir = config.directory().resolve("models").resolve(channel.name());
        Path link = channelDir.resolve("current");
        Path target = channelDir.relativize(newest.get().directory());
        Path tmp = channelDir.resolve(".current.tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, target);
            try {
                Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot link {0}: {1}", link, e.toString());
        }
    }

    /** Removes a dropped copy's torrent and data. */
    private void removeData(Held d) {
        LOG.log(System.Logger.Level.INFO, "removing {0} {1} seq {2}", d.kind(), d.announcement.name(), d.item.seq());
        try {
            session.remove(d.announcement.infoHashes(), true).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "removing {0} from the session: {1}", d.id, e.toString());
        }
        try {
            Staging.delete(d.saveDir);
            Files.deleteIfExists(torrentsDir.resolve(d.id + ".torrent"));
            Files.deleteIfExists(torrentsDir.resolve(d.id + ".torrent.bak"));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", d.saveDir, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ periodic work

    private URI coordinator(Held h) {
        if (config.coordinatorUrl() != null) {
            return config.coordinatorUrl();
        }
        return h != null && h.announcement.coordinatorUrl() != null ? URI.create(h.announcement.coordinatorUrl())
                : null;
    }

    /** Checks in with the coordinator now (blocking; also done every {@link WorkerConfig#checkInInterval}). */
    public void checkIn() {
        URI coord;
        synchronized (lock) {
            coord = config.coordinatorUrl() != null ? config.coordinatorUrl() : learnedCoordinator;
        }
        if (coord == null || closed) {
            return;
        }
        JsonArray.Builder chs = JsonArray.builder();
        for (Channel c : config.channels()) {
            chs.add(c.toString());
        }
        JsonObject.Builder body = JsonObject.builder().put("id", config.id().value()).put("channels", chs.build());
        if (config.apiUrl() != null) {
            body.put("api", config.apiUrl().toString());
        }
        try {
            JsonHttp.Answer a = http.post(coord.resolve("/api/distributions/workers"), body.build());
            if (!a.ok()) {
                LOG.log(System.Logger.Level.DEBUG, "check-in with {0} answered {1}", coord, a.status());
                return;
            }
            JsonArray items = a.body().getArray("items");
            if (items == null) {
                return;
            }
            int n = 0;
            for (JsonValue v : items.values()) {
                if (++n > Coordinator.MAX_CHECK_IN_ITEMS) {
                    break;
                }
                try {
                    Verdict verdict = accept(ItemJson.fromJson(v));
                    if (!verdict.accepted() && verdict.outcome() != Verdict.Outcome.DUPLICATE) {
                        LOG.log(System.Logger.Level.DEBUG, "check-in item refused: {0}", verdict.message());
                    }
                } catch (IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.DEBUG, "malformed check-in item: {0}", e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot check in with {0}: {1}", coord, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls the DHT for every channel now (blocking; also done every {@link WorkerConfig#pollInterval}). */
    public void pollDht() {
        if (dht == null || closed) {
            return;
        }
        for (Channel c : config.channels()) {
            try {
                Optional<MutableItem> item = dht.getMutable(c.publicKey(), c.salt())
                        .get(config.httpTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
                if (item.isPresent()) {
                    Verdict v = accept(item.get());
                    if (!v.accepted() && v.outcome() != Verdict.Outcome.DUPLICATE) {
                        LOG.log(System.Logger.Level.INFO, "DHT item of {0} refused: {1}", c, v.message());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "DHT get of {0}: {1}", c, e.toString());
            }
        }
    }

    private void republish() {
        if (dht == null || closed) {
            return;
        }
        List<MutableItem> items = new ArrayList<>();
        synchronized (lock) {
            Map<Channel, Held> newest = new LinkedHashMap<>();
            for (Held h : held.values()) {
                if (h.kind() == DistributionKind.MODEL) {
                    Held o = newest.get(h.channel);
                    if (o == null || o.item.seq() < h.item.seq()) {
                        newest.put(h.channel, h);
                    }
                }
            }
            for (Held h : newest.values()) {
                items.add(h.item);
            }
        }
        for (MutableItem item : items) {
            dht.putMutable(item, null); // BEP 46: consumers keep the publisher's item alive too
        }
    }

    private void kickReport() {
        if (!closed) {
            try {
                timer.execute(() -> safely("report", this::report));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** Sends the progress reports that are due (one round; the flag keeps rounds from overlapping). */
    private void report() {
        if (closed || !reporting.compareAndSet(false, true)) {
            return;
        }
        try {
            List<Held> hs;
            synchronized (lock) {
                hs = new ArrayList<>(held.values());
            }
            long now = clock.millis();
            for (Held h : hs) {
                URI coord = coordinator(h);
                if (coord == null) {
                    continue;
                }
                LocalCopy c = copyOf(h);
                String key = c.state() + "/" + c.doneBytes() + "/" + c.error();
                boolean due;
                synchronized (lock) {
                    due = !key.equals(h.lastSent) || now - h.lastSentMillis >= config.keepAliveInterval().toMillis();
                }
                if (!due) {
                    continue;
                }
                long uploaded = 0;
                long rate = 0;
                TorrentHandle th = h.handle;
                if (th != null) {
                    try {
                        TorrentStatus s = th.status();
                        uploaded = s.totalUploaded();
                        rate = s.downloadRate();
                    } catch (RuntimeException e) {
                        // removed
                    }
                }
                JsonObject body = JsonObject.builder()
                        .put("worker", config.id().value())
                        .put("state", c.state().name().toLowerCase(java.util.Locale.ROOT))
                        .put("done", c.doneBytes())
                        .put("total", c.totalBytes())
                        .put("rate", rate)
                        .put("uploaded", uploaded)
                        .put("error", c.error() == null ? null : new io.hivemind.bt.client.daemon.json.JsonString(
                                c.error().length() > ProgressReport.MAX_ERROR
                                        ? c.error().substring(0, ProgressReport.MAX_ERROR) : c.error()))
                        .build();
                try {
                    JsonHttp.Answer a = http.post(coord.resolve("/api/distributions/" + h.id + "/progress"), body);
                    if (a.ok() || a.status() == 404) {
                        synchronized (lock) {
                            h.lastSent = key;
                            h.lastSentMillis = now;
                        }
                    }
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot report to {0}: {1}", coord, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            reporting.set(false);
        }
    }

    // ------------------------------------------------------------------------------------------ state file

    /** Under the lock: writes the gate and the held items (atomic replace). */
    private void persist() {
        JsonArray.Builder g = JsonArray.builder();
        for (VersionGate.Entry e : gate.entries()) {
            g.add(JsonObject.builder().put("k", e.publicKeyHex()).put("salt", e.saltHex()).put("seq", e.seq())
                    .put("digest", e.valueDigest()).build());
        }
        JsonArray.Builder hs = JsonArray.builder();
        for (Held h : held.values()) {
            hs.add(JsonObject.builder().put("item", ItemJson.toJson(h.item)).put("accepted_at", h.acceptedAtMillis)
                    .put("complete", h.complete).build());
        }
        byte[] json = JsonWriter.write(JsonObject.builder().put("gate", g.build()).put("held", hs.build()).build())
                .getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(stateFile, json);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot save the worker state {0}: {1}", stateFile, e.toString());
        }
    }

    /** Reads the state file: restores the gate, returns the held items to restart (their signatures re-checked). */
    private List<Held> loadState() {
        JsonObject o = AtomicFiles.read(stateFile, b -> JsonReader.parseObject(b, STATE_LIMITS));
        List<Held> out = new ArrayList<>();
        if (o == null) {
            return out;
        }
        synchronized (lock) {
            JsonArray g = o.getArray("gate");
            if (g != null) {
                for (JsonValue v : g.values()) {
                    if (v instanceof JsonObject e) {
                        try {
                            gate.restore(new VersionGate.Entry(e.getString("k", ""), e.getString("salt", ""),
                                    e.getLong("seq", -1), e.getString("digest", "")));
                        } catch (RuntimeException ex) {
                            LOG.log(System.Logger.Level.WARNING, "bad gate entry in {0}", stateFile);
                        }
                    }
                }
            }
            JsonArray hs = o.getArray("held");
            if (hs != null) {
                for (JsonValue v : hs.values()) {
                    if (!(v instanceof JsonObject e)) {
                        continue;
                    }
                    try {
                        MutableItem item = ItemJson.fromJson(e.get("item"));
                        // Re-check against an empty gate: followed channel, signature, format (the seq is ours).
                        Verdict verdict = new VersionGate().check(item, config.channels());
                        if (!verdict.accepted()) {
                            LOG.log(System.Logger.Level.WARNING, "dropping held item: {0}", verdict.message());
                            continue;
                        }
                        Announcement a = verdict.announcement();
                        Path save = a.kind() == DistributionKind.MODEL
                                ? config.directory().resolve("models").resolve(verdict.channel().name())
                                .resolve(Long.toString(item.seq()))
                                : config.directory().resolve("tasks").resolve(a.taskId())
                                .resolve(Long.toString(item.seq()));
                        Held h = new Held(item, a, verdict.channel(), save, e.getLong("accepted_at", 0));
                        gate.commit(item);
                        if (!held.containsKey(h.id)) {
                            held.put(h.id, h);
                            out.add(h);
                        }
                    } catch (RuntimeException ex) {
                        LOG.log(System.Logger.Level.WARNING, "bad held item in {0}: {1}", stateFile, ex.toString());
                    }
                }
            }
        }
        return out;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }

    /** Stops the timers. The torrents stay in the session (seeding), and the state stays on disk. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds and starts a {@link Worker}. Not thread-safe. */
    public static final class Builder {
        private final Session session;
        private WorkerConfig config;
        private DhtNode dht;
        private Clock clock = Clock.systemUTC();

        private Builder(Session session) {
            this.session = Objects.requireNonNull(session, "session");
        }

        public Builder config(WorkerConfig config) {
            this.config = config;
            return this;
        }

        /** A DHT node to poll instead of the session's. */
        public Builder dht(DhtNode node) {
            this.dht = node;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Restores the state, restarts the held torrents and starts following. */
        public Worker start() throws IOException {
            if (config == null) {
                throw new IllegalStateException("config is required");
            }
            Worker w = new Worker(this);
            w.startUp();
            return w;
        }
    }
}
