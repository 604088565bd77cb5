package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.ClientException;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventFilter;
import io.hivemind.bt.client.EventStream;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.client.daemon.http.DownloadRoots;
import io.hivemind.bt.client.daemon.http.HostAllowlist;
import io.hivemind.bt.client.daemon.http.HttpServer;
import io.hivemind.bt.client.daemon.http.LoginThrottle;
import io.hivemind.bt.client.daemon.http.RequestGuard;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.state.StateStore;
import io.hivemind.bt.client.daemon.state.TorrentRecord;
import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code hivebt daemon}: a long-running {@link Session} served over HTTP — the web UI, the REST API, the
 * Transmission RPC and Prometheus metrics — whose torrents and settings survive restarts through a
 * {@link StateStore}. The daemon does not own the session: whoever started both closes the daemon first, then the
 * session (which saves resume data and announces {@code stopped}).
 *
 * <p>Thread-safe. Adding and removing torrents is serialised on the daemon; everything else reads concurrent maps
 * and immutable records, and talks to the session through its thread-safe handles, waiting at most
 * {@link #SESSION_TIMEOUT_SECONDS} for an answer.
 */
public final class Daemon implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());
    public static final String VERSION = "0.1.0";
    static final long SESSION_TIMEOUT_SECONDS = 30;
    /** How long a removed torrent is reported to RPC {@code recently-active} callers. */
    static final long RECENTLY_SECONDS = 60;

    /** Tracker announce outcomes counted for the metrics. */
    public enum AnnounceOutcome { SUCCESS, WARNING, ERROR }

    /** A torrent the daemon manages. Thread-safe: the record is replaced whole. */
    public static final class Entry {
        private volatile TorrentRecord record;
        private final TorrentHandle handle;
        private volatile long lastActiveMillis;

        Entry(TorrentRecord record, TorrentHandle handle, long now) {
            this.record = record;
            this.handle = handle;
            this.lastActiveMillis = now;
        }

        public TorrentRecord record() {
            return record;
        }

        public TorrentHandle handle() {
            return handle;
        }

        public int id() {
            return record.id();
        }

        public String key() {
            return record.key();
        }

        public InfoHashes infoHashes() {
            return handle.infoHashes();
        }

        public long lastActiveMillis() {
            return lastActiveMillis;
        }
    }

    /**
     * What to add.
     *
     * @param torrent        the {@code .torrent} bytes, or null
     * @param magnet         a magnet link, or null (exactly one of the two)
     * @param savePath       requested download directory, or null for the default (confined to the roots)
     * @param paused         add stopped
     * @param queuePriority  0 … 7
     * @param filePriorities per-file priorities, empty = default
     * @param seedMode       the data is known complete (the daemon just created the torrent)
     */
    public record AddSpec(byte[] torrent, String magnet, String savePath, boolean paused, int queuePriority,
                          List<Integer> filePriorities, boolean seedMode) {
        public AddSpec {
            if ((torrent == null) == (magnet == null)) {
                throw new ApiException(400, "give exactly one of a torrent file, base64 torrent or magnet link");
            }
            filePriorities = List.copyOf(filePriorities);
        }
    }

    /** The outcome of an add: the entry and whether it was there already. */
    public record Added(Entry entry, boolean duplicate) {
    }

    private final DaemonConfig config;
    private final Session session;
    private final TorrentFactory factory;
    private final StateStore store;
    private final DownloadRoots roots;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final ArrayDeque<long[]> removed = new ArrayDeque<>(); // {id, epoch millis}
    private final Map<AnnounceOutcome, LongAdder> announces = new EnumMap<>(AnnounceOutcome.class);
    private final RequestGuard guard;
    private final long startedMillis;
    private EventStream.Subscription subscription;
    private HttpServer server;
    private InetSocketAddress webAddress;
    private InetSocketAddress rpcAddress;

    private Daemon(DaemonConfig config, Session session, TorrentFactory factory, Clock clock) throws IOException {
        this.config = config;
        this.session = session;
        this.factory = factory;
        this.clock = clock;
        this.store = new StateStore(config.stateDirectory());
        Files.createDirectories(config.downloadDirectory());
        this.roots = new DownloadRoots(config.downloadDirectory(), config.downloadRoots());
        for (AnnounceOutcome o : AnnounceOutcome.values()) {
            announces.put(o, new LongAdder());
        }
        SecureRandom random = new SecureRandom();
        this.guard = new RequestGuard(new HostAllowlist(config.allowedHosts()), config.credentials(),
                LoginThrottle.defaults(), token(random, 24), token(random, 24), System::nanoTime);
        this.startedMillis = clock.millis();
    }

    private static String token(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Hex.encode(b);
    }

    /**
     * Starts a daemon over a running {@code session}: re-adds the torrents of the state directory, then binds the
     * web and RPC addresses.
     */
    public static Daemon start(DaemonConfig config, Session session, TorrentFactory factory) throws IOException,
            InterruptedException {
        return start(config, session, factory, Clock.systemUTC());
    }

    public static Daemon start(DaemonConfig config, Session session, TorrentFactory factory, Clock clock)
            throws IOException, InterruptedException {
        Daemon d = new Daemon(config, session, factory, clock);
        try {
            d.subscription = session.events().subscribe(
                    EventFilter.of(Event.Category.TORRENT, Event.Category.TRACKER), d::onEvent);
            d.restore();
            d.server = new HttpServer(config.httpThreads(), config.maxConnections());
            DaemonHttpApp web = new DaemonHttpApp(d, false);
            d.webAddress = d.server.bind(config.web(), web, d.guard);
            if (config.rpc() != null) {
                d.rpcAddress = d.server.bind(config.rpc(), new DaemonHttpApp(d, true), d.guard);
            }
            return d;
        } catch (IOException | InterruptedException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /**
     * {@code base} with the settings saved in {@code stateDirectory} applied (what the user changed through the
     * API before the last restart). Unreadable or invalid saved settings are logged and ignored.
     */
    public static SessionSettings savedSettings(Path stateDirectory, SessionSettings base) {
        try {
            JsonObject saved = new StateStore(stateDirectory).loadSettings();
            return saved == null ? base : SettingsCodec.patch(base, saved);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring saved settings: {0}", e.toString());
            return base;
        }
    }

    private void restore() throws IOException {
        int maxId = 0;
        for (TorrentRecord r : store.loadRecords()) {
            maxId = Math.max(maxId, r.id());
        }
        nextId.set(maxId + 1);
        for (TorrentRecord r : store.loadRecords()) {
            try {
                Path save = Path.of(r.savePath()).toAbsolutePath().normalize();
                if (!roots.inside(save)) {
                    LOG.log(System.Logger.Level.WARNING, "not restoring {0}: {1} is outside the download roots",
                            r.name(), save);
                    continue;
                }
                byte[] torrent = store.loadTorrentFile(r.key());
                AddTorrent at;
                if (torrent != null) {
                    at = AddTorrent.metainfo(Metainfo.parse(torrent));
                } else if (r.magnet() != null) {
                    at = AddTorrent.magnet(r.magnet());
                } else {
                    LOG.log(System.Logger.Level.WARNING, "not restoring {0}: neither torrent file nor magnet", r.key());
                    continue;
                }
                at = at.saveTo(save).paused(r.paused()).queuePriority(r.queuePriority())
                        .filePriorities(r.filePriorities()).seedMode(false).limits(r.uploadLimit(), r.downloadLimit());
                TorrentHandle h = await(session.add(at));
                int id = r.id() > 0 && entries.values().stream().noneMatch(e -> e.id() == r.id()) ? r.id()
                        : nextId.getAndIncrement();
                TorrentRecord rr = r.id() == id ? r : r.withId(id);
                Entry e = new Entry(rr, h, clock.millis());
                entries.put(rr.key(), e);
                if (torrent == null) {
                    keepMetadata(e);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot restore torrent {0}: {1}", r.key(), e.toString());
            }
        }
    }

    // ---------------------------------------------------------------- torrents

    /** Parses a torrent file, turning a bad one into a 400. */
    public static Metainfo parseTorrent(byte[] bytes) {
        try {
            return Metainfo.parse(bytes);
        } catch (MetainfoException e) {
            throw new ApiException(400, "invalid torrent file (" + e.reason() + "): " + e.getMessage());
        }
    }

    public synchronized Added add(AddSpec spec) throws IOException {
        Metainfo meta = spec.torrent() != null ? parseTorrent(spec.torrent()) : null;
        InfoHashes ih = meta != null ? meta.infoHashes() : MagnetLinks.infoHashes(spec.magnet());
        String key = ih.wireIdHex();
        Entry existing = entries.get(key);
        if (existing != null) {
            return new Added(existing, true);
        }
        Path save = roots.resolve(spec.savePath());
        Files.createDirectories(save);
        AddTorrent at = (meta != null ? AddTorrent.metainfo(meta) : AddTorrent.magnet(spec.magnet()))
                .saveTo(save).paused(spec.paused()).filePriorities(spec.filePriorities()).seedMode(spec.seedMode());
        try {
            at = at.queuePriority(spec.queuePriority());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        TorrentHandle h = await(session.add(at));
        String name = meta != null ? meta.info().name() : MagnetLinks.displayName(spec.magnet());
        TorrentRecord r = new TorrentRecord(nextId.getAndIncrement(), key, name == null ? key : name,
                meta != null ? null : spec.magnet(), save.toString(), spec.paused(), spec.queuePriority(),
                spec.filePriorities(), 0, 0, spec.seedMode(), clock.millis() / 1000, 0);
        if (spec.torrent() != null) {
            store.saveTorrentFile(key, spec.torrent());
        }
        store.saveRecord(r);
        Entry e = new Entry(r, h, clock.millis());
        entries.put(key, e);
        if (meta == null) {
            keepMetadata(e);
        }
        return new Added(e, false);
    }

    public synchronized void remove(Entry e, boolean deleteData) throws IOException {
        if (entries.remove(e.key()) == null) {
            return;
        }
        try {
            await(session.remove(e.infoHashes(), deleteData));
        } finally {
            store.delete(e.key());
            synchronized (removed) {
                removed.addLast(new long[] {e.id(), clock.millis()});
                while (removed.size() > 1000) {
                    removed.removeFirst();
                }
            }
        }
    }

    /** Ids removed in the last {@link #RECENTLY_SECONDS}. */
    public List<Integer> recentlyRemoved() {
        long cutoff = clock.millis() - RECENTLY_SECONDS * 1000;
        List<Integer> out = new ArrayList<>();
        synchronized (removed) {
            for (long[] r : removed) {
                if (r[1] >= cutoff) {
                    out.add((int) r[0]);
                }
            }
        }
        return out;
    }

    /** All entries ordered by id. */
    public List<Entry> entries() {
        List<Entry> l = new ArrayList<>(entries.values());
        l.sort(Comparator.comparingInt(Entry::id));
        return l;
    }

    public Entry byId(int id) {
        for (Entry e : entries.values()) {
            if (e.id() == id) {
                return e;
            }
        }
        return null;
    }

    /** By hex info-hash: 40 digits (v1 or truncated v2) or 64 (v2); null when unknown or malformed. */
    public Entry byHash(String hex) {
        if (hex == null) {
            return null;
        }
        String h = hex.toLowerCase(java.util.Locale.ROOT);
        if (h.matches("[0-9a-f]{40}")) {
            Entry e = entries.get(h);
            if (e != null) {
                return e;
            }
            byte[] id = Hex.decode(h);
            for (Entry x : entries.values()) {
                if (x.infoHashes().matchesWireId(id)) {
                    return x;
                }
            }
        } else if (h.matches("[0-9a-f]{64}")) {
            for (Entry x : entries.values()) {
                if (x.infoHashes().hasV2() && x.infoHashes().v2Hex().equals(h)) {
                    return x;
                }
            }
        }
        return null;
    }

    /** A status snapshot; also notes activity for RPC {@code recently-active}. */
    public TorrentStatus status(Entry e) {
        TorrentStatus s = e.handle.status();
        if (s.downloadRate() > 0 || s.uploadRate() > 0) {
            e.lastActiveMillis = clock.millis();
        }
        return s;
    }

    public boolean recentlyActive(Entry e) {
        TorrentStatus s = status(e);
        long cutoff = clock.millis() - RECENTLY_SECONDS * 1000;
        return s.downloadRate() > 0 || s.uploadRate() > 0 || e.lastActiveMillis >= cutoff
                || e.record.addedAt() * 1000 >= cutoff;
    }

    public void pause(Entry e) throws IOException {
        await(e.handle.pause());
        update(e, e.record.withPaused(true));
    }

    public void resume(Entry e) throws IOException {
        await(e.handle.resume());
        update(e, e.record.withPaused(false));
    }

    public void setFilePriorities(Entry e, List<Integer> priorities) throws IOException {
        for (int p : priorities) {
            if (p < 0 || p > 7) {
                throw new ApiException(400, "file priorities are 0..7");
            }
        }
        await(e.handle.setFilePriorities(priorities));
        update(e, e.record.withFilePriorities(priorities));
    }

    public void setLimits(Entry e, long upload, long download) throws IOException {
        if (upload < 0 || download < 0) {
            throw new ApiException(400, "limits must not be negative");
        }
        await(e.handle.setLimits(upload, download));
        update(e, e.record.withLimits(upload, download));
    }

    public void setQueuePosition(Entry e, int position) {
        if (position < 0) {
            throw new ApiException(400, "queue position must not be negative");
        }
        await(e.handle.setQueuePosition(position));
    }

    /** Moves (or re-points) a torrent's data; the new directory must be inside the roots. */
    public void setLocation(Entry e, String location, boolean move) throws IOException {
        Path p = roots.resolve(location);
        if (p.toString().equals(e.record.savePath())) {
            return;
        }
        Files.createDirectories(p);
        await(e.handle.moveStorage(p, move));
        update(e, e.record.withSavePath(p.toString()));
    }

    private void update(Entry e, TorrentRecord r) throws IOException {
        synchronized (this) {
            if (entries.get(e.key()) != e) {
                return;
            }
            e.record = r;
            store.saveRecord(r);
        }
    }

    // ---------------------------------------------------------------- creation

    /** Creates a torrent over {@code content} (already inside the default download directory) and seeds it. */
    public Added createAndSeed(TorrentFactory.Spec spec) throws IOException {
        byte[] torrent = factory.create(spec);
        Path parent = spec.content().toAbsolutePath().getParent();
        return add(new AddSpec(torrent, null, parent.toString(), false, 4, List.of(), true));
    }

    // ---------------------------------------------------------------- settings

    public SessionSettings settings() {
        return session.settings();
    }

    public SessionSettings applySettings(JsonObject patch) throws IOException {
        synchronized (this) {
            SessionSettings next = SettingsCodec.patch(session.settings(), patch);
            await(session.apply(next));
            store.saveSettings(SettingsCodec.writableJson(next));
            return next;
        }
    }

    // ---------------------------------------------------------------- events

    private void onEvent(Event event) {
        try {
            switch (event) {
                case Event.TorrentFinished f -> {
                    Entry e = find(f.infoHashes());
                    if (e != null && e.record.doneAt() == 0) {
                        update(e, e.record.withDoneAt(clock.millis() / 1000));
                    }
                }
                case Event.TrackerReply r -> announces.get(r.warning() == null || r.warning().isEmpty()
                        ? AnnounceOutcome.SUCCESS : AnnounceOutcome.WARNING).increment();
                case Event.TrackerError ignored -> announces.get(AnnounceOutcome.ERROR).increment();
                default -> {
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record event {0}: {1}", event, e.toString());
        }
    }

    /**
     * Once a magnet link's metadata arrives (BEP 9), keeps it as the torrent file (for the {@code .torrent} download
     * and so that a restart need not fetch it again) and forgets the magnet. Watches the handle's future rather than
     * the event stream, whose events may be dropped; the file is written on a virtual thread, off the torrent's loop.
     */
    private void keepMetadata(Entry e) {
        e.handle.metadata().thenAcceptAsync(meta -> {
            try {
                synchronized (this) {
                    if (entries.get(e.key()) != e) {
                        return;
                    }
                    store.saveTorrentFile(e.key(), meta.encode());
                }
                update(e, e.record.withMagnet(null));
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot keep the metadata of {0}: {1}", e.key(), ex.toString());
            }
        }, r -> Thread.ofVirtual().name("hivebt-daemon-metadata").start(r));
    }

    private Entry find(InfoHashes ih) {
        Entry e = entries.get(ih.wireIdHex());
        if (e != null) {
            return e;
        }
        for (Entry x : entries.values()) {
            if (x.infoHashes().equals(ih)) {
                return x;
            }
        }
        return null;
    }

    public Map<AnnounceOutcome, Long> announceOutcomes() {
        Map<AnnounceOutcome, Long> m = new EnumMap<>(AnnounceOutcome.class);
        announces.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    // ---------------------------------------------------------------- distribution

    private volatile io.hivemind.bt.client.distribution.Coordinator coordinator;
    private volatile io.hivemind.bt.client.distribution.Worker worker;

    /**
     * Serves {@code /api/distributions} for a coordinator and/or a worker running over this daemon's session (either
     * may be null). The daemon does not own them: whoever started them closes them.
     */
    public void attachDistribution(io.hivemind.bt.client.distribution.Coordinator coordinator,
                                   io.hivemind.bt.client.distribution.Worker worker) {
        this.coordinator = coordinator;
        this.worker = worker;
    }

    /** The attached coordinator, or null. */
    public io.hivemind.bt.client.distribution.Coordinator coordinator() {
        return coordinator;
    }

    /** The attached worker, or null. */
    public io.hivemind.bt.client.distribution.Worker worker() {
        return worker;
    }

    // ---------------------------------------------------------------- accessors

    public Session session() {
        return session;
    }

    public DaemonConfig config() {
        return config;
    }

    public DownloadRoots roots() {
        return roots;
    }

    public StateStore store() {
        return store;
    }

    public RequestGuard guard() {
        return guard;
    }

    /** Forgets all failed logins (tests that need many failures in a row use it between cases). */
    public void guardThrottleResetForTest() {
        guard.resetThrottle();
    }

    public Clock clock() {
        return clock;
    }

    public long startedMillis() {
        return startedMillis;
    }

    /** The bound address of the web UI and REST API. */
    public InetSocketAddress webAddress() {
        return webAddress;
    }

    /** The bound address of the separate RPC port, or null. */
    public InetSocketAddress rpcAddress() {
        return rpcAddress;
    }

    /** Waits for a session future; failures become {@link ApiException}s or {@link UnsupportedOperationException}. */
    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(SESSION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        } catch (TimeoutException e) {
            throw new ApiException(504, "the session did not answer in time");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UnsupportedOperationException u) {
                throw u;
            }
            if (c instanceof ApiException a) {
                throw a;
            }
            if (c instanceof IllegalArgumentException || c instanceof MetainfoException) {
                throw new ApiException(400, c.getMessage(), c);
            }
            if (c instanceof ClientException) {
                throw new ApiException(409, c.getMessage(), c);
            }
            throw new ApiException(500, String.valueOf(c), c);
        }
    }

    /** Stops serving HTTP and stops listening to events. The session stays open. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        if (subscription != null) {
            subscription.close();
        }
    }
}
