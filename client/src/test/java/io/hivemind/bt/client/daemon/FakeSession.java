package io.hivemind.bt.client.daemon;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.ClientException;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventStream;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.SessionStats;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Session} test double: torrents live in memory and make progress only when the test says so
 * ({@link FakeHandle#advance}) or, for UI tests, at a steady simulated rate ({@link #autoProgress}). Every mutating
 * call is counted in {@link #mutations()}, so security tests can prove that a rejected request changed nothing.
 * Thread-safe (coarse lock on the session).
 */
public final class FakeSession implements Session {
    private final Map<InfoHashes, FakeHandle> torrents = new LinkedHashMap<>();
    /** The download queue, first = position 0, moved like the real session's queue (others shift). */
    private final List<FakeHandle> queue = new ArrayList<>();
    private volatile io.hivemind.bt.client.nat.PortMapperStatus portMapping;
    private final EventStream events = new EventStream(4096);
    private final AtomicInteger mutations = new AtomicInteger();
    private final long startNanos = System.nanoTime();
    private volatile SessionSettings settings;
    private volatile ScheduledExecutorService ticker;
    private final Map<DisconnectReason, Long> disconnects = new EnumMap<>(DisconnectReason.class);
    private volatile long hashFailures;

    public FakeSession() {
        this(SessionSettings.builder().listen("127.0.0.1:0").dht(false).lsd(false).build());
    }

    public FakeSession(SessionSettings settings) {
        this.settings = settings;
    }

    public int mutations() {
        return mutations.get();
    }

    /** Simulated download at {@code bytesPerSecond} for every running, incomplete torrent, ticking every 100 ms. */
    public synchronized void autoProgress(long bytesPerSecond) {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "fake-session-ticker");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(() -> {
                for (FakeHandle h : handles()) {
                    h.tick(bytesPerSecond / 10, bytesPerSecond);
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    public synchronized List<FakeHandle> handles() {
        return new ArrayList<>(torrents.values());
    }

    public synchronized FakeHandle handle(InfoHashes ih) {
        return torrents.get(ih);
    }

    public void countDisconnect(DisconnectReason r) {
        synchronized (disconnects) {
            disconnects.merge(r, 1L, Long::sum);
        }
    }

    public void publish(Event e) {
        events.publish(e);
    }

    /** What {@link #portMapping()} reports (null = unknown, as a session without a mapper). */
    public void portMapping(io.hivemind.bt.client.nat.PortMapperStatus status) {
        portMapping = status;
    }

    @Override
    public io.hivemind.bt.client.nat.PortMapperStatus portMapping() {
        return portMapping;
    }

    synchronized int queuePosition(FakeHandle h) {
        return queue.indexOf(h);
    }

    /** Moves {@code h} to {@code position} (clamped to the end), shifting the others, as {@code TorrentQueue} does. */
    synchronized void moveInQueue(FakeHandle h, int position) {
        if (queue.remove(h)) {
            queue.add(Math.max(0, Math.min(position, queue.size())), h);
        }
    }

    public void hashFailure() {
        hashFailures++;
    }

    @Override
    public CompletableFuture<TorrentHandle> add(AddTorrent add) {
        Metainfo m;
        InfoHashes ih;
        String name;
        try {
            if (add.torrentFile() != null) {
                m = Metainfo.parse(Files.readAllBytes(add.torrentFile()));
            } else {
                m = add.metainfo();
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e));
        }
        if (m != null) {
            ih = m.infoHashes();
            name = m.info().name();
        } else {
            ih = MagnetLinks.infoHashes(add.magnet());
            name = MagnetLinks.displayName(add.magnet());
            if (name == null) {
                name = ih.wireIdHex();
            }
        }
        synchronized (this) {
            if (torrents.containsKey(ih)) {
                return CompletableFuture.failedFuture(new ClientException("torrent already in the session"));
            }
            mutations.incrementAndGet();
            FakeHandle h = new FakeHandle(this, ih, m, name, add);
            torrents.put(ih, h);
            queue.add(h);
            events.publish(new Event.TorrentAdded(System.nanoTime(), ih, name));
            return CompletableFuture.completedFuture(h);
        }
    }

    @Override
    public CompletableFuture<Void> remove(InfoHashes infoHashes, boolean deleteData) {
        FakeHandle h;
        synchronized (this) {
            h = torrents.remove(infoHashes);
            if (h == null) {
                return CompletableFuture.failedFuture(new ClientException("no such torrent"));
            }
            queue.remove(h);
            mutations.incrementAndGet();
        }
        h.removed = true;
        h.deletedData = deleteData;
        h.completion.completeExceptionally(new ClientException("removed"));
        events.publish(new Event.TorrentRemoved(System.nanoTime(), infoHashes));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized Optional<TorrentHandle> find(InfoHashes infoHashes) {
        return Optional.ofNullable(torrents.get(infoHashes));
    }

    @Override
    public synchronized List<TorrentHandle> torrents() {
        return new ArrayList<>(torrents.values());
    }

    @Override
    public SessionStats stats() {
        long down = 0;
        long up = 0;
        long dr = 0;
        long ur = 0;
        int dl = 0;
        int seeds = 0;
        int peers = 0;
        for (FakeHandle h : handles()) {
            TorrentStatus s = h.status();
            down += s.totalDownloaded();
            up += s.totalUploaded();
            dr += s.downloadRate();
            ur += s.uploadRate();
            peers += s.peers();
            if (s.state() == TorrentState.DOWNLOADING) {
                dl++;
            } else if (s.state() == TorrentState.SEEDING) {
                seeds++;
            }
        }
        Map<DisconnectReason, Long> d;
        synchronized (disconnects) {
            d = Map.copyOf(disconnects);
        }
        return new SessionStats((System.nanoTime() - startNanos) / 1_000_000_000L, down, up, dr, ur, down + down / 50,
                up + up / 50, peers, 0, handles().size(), dl, seeds, 0, hashFailures, d, "fake");
    }

    @Override
    public EventStream events() {
        return events;
    }

    @Override
    public SessionSettings settings() {
        return settings;
    }

    @Override
    public CompletableFuture<Void> apply(SessionSettings s) {
        mutations.incrementAndGet();
        this.settings = s;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return List.of(new InetSocketAddress("127.0.0.1", 6881));
    }

    @Override
    public byte[] peerId() {
        return "-HV0100-fakefakefake".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        ScheduledExecutorService t = ticker;
        if (t != null) {
            t.shutdownNow();
        }
    }

    /** One fake torrent. Thread-safe (locks itself). */
    public static final class FakeHandle implements TorrentHandle {
        private final FakeSession session;
        private final InfoHashes ih;
        private final Metainfo meta;
        private final String name;
        final CompletableFuture<TorrentHandle> completion = new CompletableFuture<>();
        private final List<Integer> priorities = new ArrayList<>();
        private final List<PeerInfo> peers = new ArrayList<>();
        private final long wanted;
        private Path savePath;
        private long done;
        private long rate;
        private long uploaded;
        private long uploadRate;
        private boolean paused;
        private long upLimit;
        private long downLimit;
        private int rechecks;
        private int reannounces;
        volatile boolean removed;
        volatile boolean deletedData;

        FakeHandle(FakeSession session, InfoHashes ih, Metainfo meta, String name, AddTorrent add) {
            this.session = session;
            this.ih = ih;
            this.meta = meta;
            this.name = name;
            this.savePath = add.savePath();
            this.paused = add.paused();
            this.upLimit = add.uploadLimit();
            this.downLimit = add.downloadLimit();
            long w = 0;
            if (meta != null) {
                List<FileEntry> files = dataFiles();
                for (int i = 0; i < files.size(); i++) {
                    priorities.add(i < add.filePriorities().size() ? add.filePriorities().get(i) : 4);
                }
                w = meta.info().totalLength();
            }
            this.wanted = w;
            if (add.seedMode() && meta != null) {
                done = wanted;
                completion.complete(this);
            }
        }

        private List<FileEntry> dataFiles() {
            List<FileEntry> out = new ArrayList<>();
            for (FileEntry f : meta.info().files()) {
                if (!f.isPad()) {
                    out.add(f);
                }
            }
            return out;
        }

        /** Adds {@code bytes} of verified data at a reported {@code rateBytes} per second. */
        public void advance(long bytes, long rateBytes) {
            boolean finished;
            synchronized (this) {
                if (paused || meta == null || done >= wanted) {
                    return;
                }
                done = Math.min(wanted, done + bytes);
                rate = done >= wanted ? 0 : rateBytes;
                finished = done >= wanted;
                if (peers.isEmpty()) {
                    peers.add(new PeerInfo(new InetSocketAddress("127.0.0.1", 51413), "Transmission 3.00", false,
                            false, 1.0, rateBytes, 0, 0, 0, true, true, false, false, "manual"));
                }
            }
            if (finished) {
                session.events.publish(new Event.TorrentFinished(System.nanoTime(), ih));
                completion.complete(this);
            }
        }

        void tick(long bytes, long rateBytes) {
            advance(bytes, rateBytes);
        }

        public synchronized void setUploaded(long bytes, long rateBytes) {
            uploaded = bytes;
            uploadRate = rateBytes;
        }

        public synchronized boolean isPaused() {
            return paused;
        }

        public synchronized long uploadLimit() {
            return upLimit;
        }

        public synchronized long downloadLimit() {
            return downLimit;
        }

        public synchronized List<Integer> priorities() {
            return List.copyOf(priorities);
        }

        public synchronized int rechecks() {
            return rechecks;
        }

        public synchronized int reannounces() {
            return reannounces;
        }

        public synchronized Path savePath() {
            return savePath;
        }

        public boolean deletedData() {
            return deletedData;
        }

        @Override
        public InfoHashes infoHashes() {
            return ih;
        }

        @Override
        public Metainfo metainfo() {
            return meta;
        }

        @Override
        public synchronized TorrentStatus status() {
            TorrentState state = paused ? TorrentState.PAUSED
                    : meta == null ? TorrentState.DOWNLOADING_METADATA
                    : done >= wanted ? TorrentState.SEEDING : TorrentState.DOWNLOADING;
            List<TorrentStatus.FileStatus> files = new ArrayList<>();
            if (meta != null) {
                List<FileEntry> fs = dataFiles();
                for (int i = 0; i < fs.size(); i++) {
                    FileEntry f = fs.get(i);
                    long fd = wanted == 0 ? 0 : (long) ((double) done / wanted * f.length());
                    files.add(new TorrentStatus.FileStatus(i, f.pathString(), f.length(), fd, priorities.get(i)));
                }
            }
            int pieces = meta == null ? 0 : meta.info().pieceCount();
            long r = paused ? 0 : rate;
            long eta = r > 0 ? (wanted - done) / r : -1;
            List<TorrentStatus.TrackerStatus> trackers = new ArrayList<>();
            if (meta != null) {
                int tier = 0;
                for (List<String> t : meta.announceTiers()) {
                    for (String u : t) {
                        trackers.add(new TorrentStatus.TrackerStatus(u, tier, "success", null, 1800, 1, 0));
                    }
                    tier++;
                }
            }
            return new TorrentStatus(ih, name, state, wanted == 0 ? 0 : (double) done / wanted, wanted, done, r,
                    paused ? 0 : uploadRate, done, uploaded, eta, paused ? 0 : peers.size(),
                    paused ? 0 : peers.size(), pieces, wanted == 0 ? 0 : (int) (pieces * (double) done / wanted),
                    session.queuePosition(this), null, files, trackers, savePath.toString());
        }

        @Override
        public CompletableFuture<TorrentHandle> completion() {
            return completion;
        }

        @Override
        public CompletableFuture<Metainfo> metadata() {
            return meta != null ? CompletableFuture.completedFuture(meta) : new CompletableFuture<>();
        }

        private <T> CompletableFuture<T> mutate(Runnable r) {
            if (removed) {
                return CompletableFuture.failedFuture(new ClientException("torrent removed"));
            }
            session.mutations.incrementAndGet();
            synchronized (this) {
                r.run();
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> pause() {
            return mutate(() -> {
                paused = true;
                rate = 0;
            });
        }

        @Override
        public CompletableFuture<Void> resume() {
            return mutate(() -> paused = false);
        }

        @Override
        public CompletableFuture<Void> recheck() {
            return mutate(() -> rechecks++);
        }

        @Override
        public CompletableFuture<Void> reannounce() {
            return mutate(() -> reannounces++);
        }

        @Override
        public CompletableFuture<Void> connectPeer(InetSocketAddress peer) {
            return mutate(() -> {
            });
        }

        @Override
        public CompletableFuture<Void> setFilePriorities(List<Integer> p) {
            if (p.size() != priorities.size()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "expected " + priorities.size() + " priorities, got " + p.size()));
            }
            return mutate(() -> {
                priorities.clear();
                priorities.addAll(p);
            });
        }

        @Override
        public CompletableFuture<Void> setLimits(long up, long down) {
            return mutate(() -> {
                upLimit = up;
                downLimit = down;
            });
        }

        @Override
        public CompletableFuture<Void> setSequential(boolean sequential) {
            return mutate(() -> {
            });
        }

        @Override
        public CompletableFuture<Void> setQueuePosition(int position) {
            return mutate(() -> session.moveInQueue(this, position));
        }

        @Override
        public CompletableFuture<Void> moveStorage(Path newSavePath, boolean moveData) {
            return mutate(() -> savePath = newSavePath);
        }

        @Override
        public synchronized CompletableFuture<List<PeerInfo>> peers() {
            return CompletableFuture.completedFuture(paused ? List.of() : List.copyOf(peers));
        }
    }
}
