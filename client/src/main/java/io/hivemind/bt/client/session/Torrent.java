package io.hivemind.bt.client.session;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.ClientException;
import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.choker.ChokeDecision;
import io.hivemind.bt.client.core.choker.Choker;
import io.hivemind.bt.client.ipfilter.FilterPoint;
import io.hivemind.bt.client.core.conn.PeerCandidateList;
import io.hivemind.bt.client.core.picker.BlockLayout;
import io.hivemind.bt.client.core.picker.PiecePicker;
import io.hivemind.bt.client.core.rate.RateEstimator;
import io.hivemind.bt.client.core.rate.TokenBucket;
import io.hivemind.bt.storage.PieceBuffer;
import io.hivemind.bt.storage.PieceHashes;
import io.hivemind.bt.storage.PieceResult;
import io.hivemind.bt.storage.StorageException;
import io.hivemind.bt.storage.StorageState;
import io.hivemind.bt.storage.StoreKind;
import io.hivemind.bt.storage.StoreSpec;
import io.hivemind.bt.storage.TorrentStorage;
import io.hivemind.bt.storage.resume.ResumeData;
import io.hivemind.bt.storage.resume.ResumeStore;
import io.hivemind.bt.tracker.BackupTrackers;
import io.hivemind.bt.tracker.TrackerSession;
import io.hivemind.bt.tracker.TrackerStatus;
import io.hivemind.bt.tracker.TrackerTiers;
import io.hivemind.bt.wire.bits.Bitfield;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.magnet.MagnetLink;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One torrent in a session. All mutable state is confined to {@link #loop}, the torrent's event loop: peer
 * connections post their events to it, storage and tracker callbacks complete on it, and public
 * {@link TorrentHandle} calls post to it. The decision cores (picker, choker, request pipelines, rate limits) are
 * pure and driven from here with the session's clock.
 *
 * <p>Lifecycle: {@link #start} → (magnet: {@link TorrentState#DOWNLOADING_METADATA} until BEP 9 metadata arrives) →
 * {@link TorrentState#CHECKING} (resume data trusted where files match, recheck elsewhere) → downloading or seeding.
 */
final class Torrent implements TorrentHandle {
    private static final System.Logger LOG = System.getLogger(Torrent.class.getName());
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long RESUME_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long STATUS_TIMEOUT_SECONDS = 10;

    final DefaultSession session;
    final EventLoop loop;
    private final InfoHashes infoHashes;
    private AddTorrent add; // replaced (new save path) by moveStorage
    final SplittableRandom random = new SplittableRandom();

    // metadata
    private Metainfo metainfo;
    InfoDictionary info;
    BlockLayout layout;
    MetadataExchange metadataExchange;
    /** BEP 52 piece layers being fetched for a v2 magnet (null otherwise). */
    PieceLayerFetch layerFetch;
    /** BEP 52 piece layers served to v2 downloaders. */
    final PieceLayerServer layerServer = new PieceLayerServer();
    /** BEP 11 peer exchange. */
    final TorrentPex pex = new TorrentPex(this, PexManager.Config.DEFAULT);
    private final MagnetLink magnet;
    private String name;

    // state
    private volatile TorrentState state;
    private String errorMessage;
    private boolean paused;
    /** Stopped by the session queue (auto-managed torrents wait for a slot); peers and trackers are off. */
    private boolean queued;
    private volatile int queueId = -1;
    private volatile int queuePosition = -1;
    private volatile QueueSnapshot queueSnapshot;
    private long startedAtNanos;
    private long seedingNanos;
    private long seedingSince = -1;
    private boolean checking;
    private boolean shuttingDown;
    private boolean recheckAll; // the next openStorage ignores resume data (moveStorage without data)
    PiecePicker picker;
    TorrentStorage storage;
    Choker choker;
    private SeedingStrategy seeding;
    private int[] filePriorities;
    final IntObjectHashMap<PieceBuffer> inFlight = new IntObjectHashMap<>();
    private boolean memoryStarved;
    private final Runnable poolAvailable;

    // peers
    final List<PeerConnection> peers = new ArrayList<>();
    private PeerConnection[] byId = new PeerConnection[16];
    private final PeerCandidateList candidates = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
    private int connecting;
    /** Peers that hung up on our MSE handshake: dialled in plaintext from then on (when the policy allows). */
    private final Set<InetSocketAddress> plaintextOnly = new HashSet<>();
    private final Set<PeerConnection> pendingAttach = new HashSet<>();
    final SmartBan smartBan = new SmartBan(this);

    // rates and totals
    final RateEstimator downRate;
    final RateEstimator upRate;
    private long downloadedBase;
    private long uploadedBase;
    long downloaded;
    long uploaded;
    TokenBucket upBucket;
    TokenBucket downBucket;
    private long uploadLimit;
    private long downloadLimit;
    private int maxConnections;

    // trackers, resume, timers
    private TrackerSession trackers;
    private boolean trackersStarted;
    private volatile List<TrackerStatus> trackerStatus = List.of();
    private final TrackerAnnounceEvents trackerEvents = new TrackerAnnounceEvents();
    private ResumeStore resumeStore;
    private ResumeData resume;
    private boolean resumeDirty;
    private CompletableFuture<Void> resumeSaving = CompletableFuture.completedFuture(null); // saves run one at a time
    private long lastResumeSave;
    private long addedTime;
    private long completedTime = -1;
    private ScheduledFuture<?> ticker;
    private long lastChoke = Long.MIN_VALUE;
    private long nextDhtLookup = Long.MIN_VALUE;
    private boolean dhtLookupRunning;
    private int dhtEmptyLookups;
    private final CompletableFuture<TorrentHandle> completion = new CompletableFuture<>();
    private final CompletableFuture<Metainfo> metadataFuture = new CompletableFuture<>();
    private final IntList scratch = new IntList();

    Torrent(DefaultSession session, EventLoop loop, InfoHashes infoHashes, Metainfo metainfo, MagnetLink magnet,
            AddTorrent add) {
        this.session = session;
        this.loop = loop;
        this.poolAvailable = () -> loop.execute(this::poolFreed);
        this.infoHashes = infoHashes;
        this.add = add;
        this.magnet = magnet;
        this.metainfo = metainfo;
        this.name = metainfo != null ? metainfo.info().name()
                : magnet.displayName() != null ? magnet.safeDisplayName() : infoHashes.wireIdHex();
        long now = session.now();
        this.downRate = new RateEstimator(now);
        this.upRate = new RateEstimator(now);
        this.uploadLimit = add.uploadLimit();
        this.downloadLimit = add.downloadLimit();
        this.upBucket = TokenBucket.ofRate(uploadLimit, now);
        this.downBucket = TokenBucket.ofRate(downloadLimit, now);
        this.maxConnections = add.maxConnections();
        this.paused = add.paused();
        this.queued = add.autoManaged();
        this.state = add.paused() ? TorrentState.PAUSED : add.autoManaged() ? TorrentState.QUEUED
                : metainfo == null ? TorrentState.DOWNLOADING_METADATA : TorrentState.CHECKING;
        this.queueSnapshot = new QueueSnapshot(-1, add.autoManaged(), false, false, false, 0, 0, now, 0, 0, 0, 0);
        this.addedTime = Instant.now().getEpochSecond();
        SessionSettings s = session.settings();
        if (s.stateDirectory() != null) {
            this.resumeStore = new ResumeStore(s.stateDirectory().resolve("resume"));
        }
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------------

    /** Registers the torrent on its loop and starts checking (or fetching metadata). */
    CompletableFuture<Void> start() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                ticker = loop.scheduleAtFixedRate(this::tick, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
                for (InetSocketAddress p : add.peers()) {
                    addCandidate(p, PeerCandidateList.SOURCE_MANUAL);
                }
                if (magnet != null) {
                    for (MagnetLink.PeerAddress p : magnet.peers()) {
                        addCandidate(new InetSocketAddress(p.host(), p.port()), PeerCandidateList.SOURCE_MANUAL);
                    }
                }
                if (metainfo != null) {
                    metadataArrived(metainfo);
                } else {
                    metadataExchange = new MetadataExchange(this, infoHashes, session.settings());
                    startTrackers();
                    goActive();
                }
                f.complete(null);
            } catch (RuntimeException e) {
                fail("cannot start: " + e.getMessage());
                f.complete(null);
            }
        });
        return f;
    }

    /** Sets up everything that needs the info dictionary, then checks the data on disk. */
    void metadataArrived(Metainfo mi) {
        this.metainfo = mi;
        this.info = mi.info();
        this.name = info.name();
        this.layout = BlockLayout.of(info.pieceCount(), info::pieceSize);
        this.picker = new PiecePicker(layout, new java.util.Random(random.nextLong()),
                PiecePicker.Config.DEFAULT.withSequential(add.sequential()));
        SessionSettings s = session.settings();
        this.choker = new Choker(new Choker.Config(s.maxUploadsPerTorrent(), 1, 10_000_000_000L, 30_000_000_000L,
                90_000_000_000L, 3, Choker.SeedingAlgorithm.ROUND_ROBIN, 4L << 20, 60_000_000_000L),
                new java.util.Random(random.nextLong()));
        List<FileEntry> files = info.files();
        this.filePriorities = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            filePriorities[i] = i < add.filePriorities().size() ? add.filePriorities().get(i) : 4;
        }
        applyPiecePriorities();
        if (metadataExchange != null) {
            metadataExchange.metadataKnown(mi.info().raw());
        } else {
            metadataExchange = MetadataExchange.serving(this, mi.info().raw(), session.settings());
        }
        if (!metadataFuture.isDone()) {
            metadataFuture.complete(mi);
        }
        for (PeerConnection p : peers) {
            p.metadataKnown();
        }
        if (trackers == null) {
            startTrackers();
        }
        openStorage();
    }

    /** A v2 magnet's piece layers are all in ({@link PieceLayerFetch}): continue as with any metadata. */
    void layersArrived(Metainfo full) {
        layerFetch = null;
        metadataArrived(full);
    }

    /**
     * Piece priorities from file priorities: a piece gets the highest priority of the files it holds bytes of
     * (pad files excluded), in the torrent's piece space (which, for v2, aligns files to pieces).
     */
    private void applyPiecePriorities() {
        byte[] piecePrio = new byte[info.pieceCount()];
        long pl = info.pieceLength();
        for (FileEntry f : info.files()) {
            if (f.isPad() || f.length() == 0) {
                continue;
            }
            byte prio = (byte) filePriorities[f.index()];
            for (int p = f.firstPiece(pl); p <= f.lastPiece(pl); p++) {
                if (prio > piecePrio[p]) {
                    piecePrio[p] = prio;
                }
            }
        }
        picker.setPriorities(piecePrio);
    }

    private void openStorage() {
        checking = true;
        setState(runningState());
        SessionSettings s = session.settings();
        StoreSpec spec = StoreSpec.builder(info, add.savePath())
                .hashes(PieceHashes.of(metainfo))
                .priorities(filePriorities)
                .kind(s.storage() == SessionSettings.StorageKind.MMAP ? StoreKind.MMAP : StoreKind.POSITIONAL)
                .id(infoHashes.wireIdHex())
                .callbackExecutor(loop)
                .build();
        ResumeData loaded = null;
        if (resumeStore != null) {
            try {
                ResumeStore.Loaded l = resumeStore.load(infoHashes.wireIdHex());
                if (l != null) {
                    loaded = l.data();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "resume data of {0} unusable: {1}", name, e.getMessage());
            }
        }
        if (loaded != null) {
            downloadedBase = loaded.downloaded();
            uploadedBase = loaded.uploaded();
            addedTime = loaded.addedTime();
            completedTime = loaded.completedTime();
        }
        ResumeData startWith = recheckAll ? null : loaded;
        recheckAll = false;
        session.storage().openAsync(spec).whenComplete((ts, err) -> {
            if (err != null) {
                fail("cannot open storage: " + rootMessage(err));
                return;
            }
            if (shuttingDown) {
                ts.close();
                return;
            }
            storage = ts;
            storage.onStateChange(this::storageStateChanged);
            if (add.seedMode() && startWith == null) {
                checked(Bitfield.full(info.pieceCount()));
                return;
            }
            storage.start(infoHashes.wireId(), startWith, (done, total, bytes) -> { }).whenComplete((r, e2) -> {
                if (e2 != null) {
                    fail("cannot check data: " + rootMessage(e2));
                } else {
                    checked(r.verified());
                }
            });
        });
    }

    private void checked(Bitfield verified) {
        checking = false;
        if (shuttingDown) {
            return;
        }
        for (int i = 0; i < info.pieceCount(); i++) { // the picker may have pieces already (after moveStorage)
            if (verified.get(i) && !picker.hasPiece(i)) {
                picker.pieceVerified(i);
            } else if (!verified.get(i) && picker.hasPiece(i)) {
                picker.pieceLost(i);
            }
        }
        resume = ResumeData.initial(infoHashes.wireId(), info.pieceCount(), info.files().size(),
                add.savePath().toString(), addedTime);
        resumeDirty = true;
        if (picker.isDone()) {
            finished(false);
        } else {
            setState(runningState());
        }
        if (!active()) {
            saveResume();
            return;
        }
        startTrackers();
        for (PeerConnection p : peers) {
            p.torrentReady();
        }
        goActive();
        saveResume();
    }

    private void finished(boolean announce) {
        setState(runningState());
        if (completedTime < 0) {
            completedTime = Instant.now().getEpochSecond();
        }
        if (announce && trackers != null) {
            trackers.completed();
        }
        session.publish(new Event.TorrentFinished(session.now(), infoHashes));
        saveResume();
        if (!completion.isDone()) {
            completion.complete(this);
        }
        for (PeerConnection p : new ArrayList<>(peers)) {
            p.updateInterest();
        }
    }

    private void fail(String message) {
        errorMessage = message;
        setState(TorrentState.ERROR);
        session.publish(new Event.StorageError(session.now(), infoHashes, message));
        LOG.log(System.Logger.Level.WARNING, "{0}: {1}", name, message);
    }

    private void storageStateChanged(StorageState s) {
        if (s.status() == StorageState.Status.OK) {
            if (state == TorrentState.ERROR) {
                errorMessage = null;
                setState(runningState());
            }
            return;
        }
        errorMessage = s.message();
        session.publish(new Event.StorageError(session.now(), infoHashes, s.message()));
        Bitfield missing = s.missingPieces();
        if (missing != null && picker != null) {
            for (int i = missing.nextSet(0); i >= 0; i = missing.nextSet(i + 1)) {
                if (picker.hasPiece(i)) {
                    picker.pieceLost(i);
                }
            }
            resumeDirty = true;
        }
        if (!s.uploadOnly()) {
            setState(TorrentState.ERROR);
        }
    }

    private void setState(TorrentState next) {
        TorrentState prev = state;
        if (prev != next) {
            state = next;
            session.publish(new Event.StateChanged(session.now(), infoHashes, prev, next));
        }
    }

    TorrentState state() {
        return state;
    }

    /** The state the torrent is in when no error holds it: paused, queued, fetching metadata, checking, or active. */
    private TorrentState runningState() {
        if (paused) {
            return TorrentState.PAUSED;
        }
        if (checking) {
            return TorrentState.CHECKING;
        }
        if (queued) {
            return TorrentState.QUEUED;
        }
        if (info == null) {
            return TorrentState.DOWNLOADING_METADATA;
        }
        return picker != null && picker.isDone() ? TorrentState.SEEDING : TorrentState.DOWNLOADING;
    }

    /** Connecting, announcing and trading: neither paused by the user nor waiting in the queue. */
    private boolean active() {
        return !paused && !queued && !shuttingDown;
    }

    boolean isPrivate() {
        return info != null ? info.isPrivate() : metainfo != null && metainfo.info().isPrivate();
    }

    /** True while pieces may be requested: metadata known, checked, not paused, not in error. */
    boolean isDownloading() {
        return state == TorrentState.DOWNLOADING;
    }

    /** True while we serve requests. */
    boolean isUploading() {
        return (state == TorrentState.DOWNLOADING || state == TorrentState.SEEDING
                || (state == TorrentState.ERROR && storage != null && storage.state().uploadOnly()))
                && picker != null;
    }

    String name() {
        return name;
    }

    // ---- trackers and peer candidates -----------------------------------------------------------------------------

    private void startTrackers() {
        if (trackers != null) {
            if (!paused) {
                trackers.start(); // built while paused (added paused, or resumed during the check): start it now
            }
            return;
        }
        List<List<String>> tiers = new ArrayList<>();
        if (metainfo != null) {
            tiers.addAll(metainfo.announceTiers());
        } else if (magnet != null && !magnet.trackers().isEmpty()) {
            tiers.add(magnet.trackers());
        }
        tiers.addAll(add.trackers());
        TrackerTiers parsed = TrackerTiers.fromMetainfo(null, tiers)
                .withBackup(BackupTrackers.parse(String.join(",", session.settings().backupTrackers())), isPrivate());
        List<List<URI>> uriTiers = parsed.tiers();
        if (uriTiers.isEmpty()) {
            return;
        }
        List<byte[]> hashes = new ArrayList<>();
        if (infoHashes.hasV1()) {
            hashes.add(infoHashes.v1());
        }
        if (infoHashes.hasV2()) {
            hashes.add(infoHashes.v2Truncated());
        }
        trackers = TrackerSession.builder(session.trackerClient(), loop)
                .tiers(uriTiers)
                .infoHashes(hashes)
                .peerId(session.peerId())
                .port(session.listenPort())
                .ticker(session.clock())
                .progress(this::trackerProgress)
                .onPeers(this::trackerPeers)
                .onStatus(s -> {
                    trackerStatus = s;
                    trackerEvents.diff(infoHashes, session.now(), s).forEach(session::publish);
                })
                .build();
        trackersStarted = false;
    }

    private TrackerSession.Progress trackerProgress() {
        long left = 0;
        if (info != null && picker != null) {
            long have = 0;
            for (int i = 0; i < info.pieceCount(); i++) {
                if (picker.hasPiece(i)) {
                    have += info.pieceSize(i);
                }
            }
            left = Math.max(0, info.pieceSpaceLength() - have);
        } else {
            left = 1;
        }
        return new TrackerSession.Progress(uploadedBase + uploaded, downloadedBase + downloaded, left);
    }

    private void trackerPeers(List<InetSocketAddress> list) {
        for (InetSocketAddress a : list) {
            addCandidate(a, PeerCandidateList.SOURCE_TRACKER);
        }
        connectCandidates(); // the announce's outcome is published from the status (TrackerAnnounceEvents)
    }

    /** Remembers a peer address to dial ({@code source}: a PeerCandidateList SOURCE_ flag); false if known or refused. */
    boolean addCandidate(InetSocketAddress a, int source) {
        if (a == null || a.getPort() == 0 || a.isUnresolved()) {
            return false;
        }
        if (session.listenAddresses().contains(a)) {
            candidates.markSelf(a, session.now());
            return false;
        }
        FilterPoint point = switch (source) {
            case PeerCandidateList.SOURCE_TRACKER -> FilterPoint.TRACKER_PEER;
            case PeerCandidateList.SOURCE_DHT -> FilterPoint.DHT_PEER;
            case PeerCandidateList.SOURCE_PEX -> FilterPoint.PEX_PEER;
            default -> FilterPoint.OUTGOING_CONNECTION;
        };
        if (session.isBlocked(a.getAddress(), point)) {
            return false;
        }
        return candidates.add(a, source, session.now());
    }

    /**
     * How we learned of a peer, for {@link io.hivemind.bt.client.PeerInfo#source()}: the candidate list's sources
     * ({@code manual}, {@code resume}, {@code lsd}, {@code tracker}, {@code pex}, {@code dht}) joined by commas, or
     * {@code incoming} for a peer known only because it connected to us.
     */
    String sourceNames(InetSocketAddress listen, boolean incoming) {
        int s = listen == null ? 0 : candidates.sources(listen) & ~PeerCandidateList.SOURCE_INCOMING;
        if (s == 0) {
            return incoming ? "incoming" : "manual";
        }
        String[] names = {"manual", "resume", "lsd", "tracker", "pex", "dht"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((s & (1 << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(names[i]);
            }
        }
        return sb.toString();
    }

    private int maxConnections() {
        int m = session.settings().maxConnectionsPerTorrent();
        return maxConnections > 0 ? Math.min(maxConnections, m) : m;
    }

    /**
     * Dials candidates while the torrent's connection limit, the session's connection and half-open limits allow.
     * The session-wide counts are atomics shared by every torrent's loop; the per-torrent choice of whom to dial is
     * the {@link PeerCandidateList}'s.
     */
    void connectCandidates() {
        if (!active() || state == TorrentState.ERROR || session.isClosed()) {
            return;
        }
        SessionSettings s = session.settings();
        int room = Math.min(maxConnections() - peers.size() - connecting - pendingAttach.size(),
                Math.min(s.halfOpenLimit() - session.halfOpenCount().get(),
                        s.connectionsLimit() - session.connectionCount().get()));
        if (room <= 0) {
            return;
        }
        List<InetSocketAddress> dial = new ArrayList<>();
        candidates.nextToDial(room, session.now(), state == TorrentState.SEEDING, dial);
        for (InetSocketAddress a : dial) {
            dial(a);
        }
    }

    private void dial(InetSocketAddress a) {
        if (session.isBlocked(a.getAddress(), FilterPoint.OUTGOING_CONNECTION)) {
            session.counters().disconnected(DisconnectReason.IP_FILTERED);
            candidates.ban(a, session.now());
            return;
        }
        connecting++;
        session.halfOpenCount().incrementAndGet();
        PeerConnection conn = new PeerConnection(session, this, false, a);
        Bootstrap b = new Bootstrap().group(loop).channel(session.transport().socket())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        PeerChannels.initOutgoing(ch, session, conn, outgoingInfoHashes(),
                                plaintextOnly.contains(a) ? null : session.mseConfig(), infoHashes.wireId());
                    }
                });
        ChannelFuture cf = b.connect(a);
        cf.addListener(f -> {
            session.halfOpenCount().decrementAndGet();
            connecting--;
            if (!f.isSuccess()) {
                session.counters().disconnected(DisconnectReason.CONNECT_FAILED);
                candidates.dialFailed(a, session.now());
            }
        });
    }

    private byte[][] outgoingInfoHashes() {
        if (infoHashes.hasV1() && infoHashes.hasV2()) {
            return new byte[][] {infoHashes.v1(), infoHashes.v2Truncated()};
        }
        return new byte[][] {infoHashes.wireId()};
    }

    // ---- peer connections -----------------------------------------------------------------------------------------

    /** Our MSE handshake was refused in a way that suggests a plaintext-only peer: redial it without MSE. */
    void retryInPlaintext(InetSocketAddress a) {
        if (plaintextOnly.size() < 10_000 && plaintextOnly.add(a) && !shuttingDown) {
            dial(a);
        }
    }

    private boolean isConnectedTo(InetSocketAddress a) {
        for (PeerConnection p : peers) {
            if (a.equals(p.remoteListenAddress()) || a.equals(p.address())) {
                return true;
            }
        }
        return false;
    }

    /** Never dial this address again (smart ban). */
    void banAddress(InetSocketAddress a) {
        if (a != null) {
            candidates.ban(a, session.now());
        }
    }

    /** An outgoing connection ended before (or was refused at) the handshake: the dial counts as failed. */
    void dialEnded(InetSocketAddress a) {
        candidates.dialFailed(a, session.now());
    }

    /** Called on the loop when a connection finished its handshake; returns the refusal reason or null. */
    DisconnectReason attach(PeerConnection p) {
        if (!active()) {
            return DisconnectReason.LOCAL_CLOSE;
        }
        InetSocketAddress listen = p.remoteListenAddress();
        long now = session.now();
        if (session.isOwnPeerId(p.remotePeerId())) {
            if (listen != null) {
                candidates.markSelf(listen, now);
            }
            return DisconnectReason.SELF_CONNECTION;
        }
        for (PeerConnection q : peers) {
            if (java.util.Arrays.equals(q.remotePeerId(), p.remotePeerId())) {
                return DisconnectReason.DUPLICATE_PEER;
            }
        }
        DisconnectReason banned = smartBan.admit(p);
        if (banned != null) {
            return banned;
        }
        if (peers.size() >= maxConnections()
                || session.connectionCount().get() >= session.settings().connectionsLimit()) {
            return DisconnectReason.TOO_MANY_CONNECTIONS;
        }
        if (listen != null && !candidates.connected(listen, now)) {
            return DisconnectReason.BANNED;
        }
        int id = allocateId(p);
        p.assignId(id);
        peers.add(p);
        smartBan.attached(p);
        session.connectionCount().incrementAndGet();
        session.publish(new Event.PeerConnected(now, infoHashes, p.address(), p.clientName(), p.incoming()));
        return null;
    }

    private int allocateId(PeerConnection p) {
        for (int i = 0; i < byId.length; i++) {
            if (byId[i] == null) {
                byId[i] = p;
                return i;
            }
        }
        int id = byId.length;
        byId = java.util.Arrays.copyOf(byId, byId.length * 2);
        byId[id] = p;
        return id;
    }

    PeerConnection peerById(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    /** A connection attached by {@link #attach} closed: return its requests, counts and id. */
    void detach(PeerConnection p, DisconnectReason reason) {
        if (!peers.remove(p)) {
            return;
        }
        session.connectionCount().decrementAndGet();
        if (picker != null) {
            picker.peerGone(p.id());
            p.releaseAvailability(picker);
        }
        smartBan.detached(p);
        if (seeding != null) {
            seeding.peerGone(p.id());
        }
        byId[p.id()] = null;
        session.counters().disconnected(reason);
        session.publish(new Event.PeerDisconnected(session.now(), infoHashes, p.address(), reason));
        InetSocketAddress listen = p.remoteListenAddress();
        if (listen != null) {
            if (p.isSeed()) {
                candidates.markSeed(listen, true);
            }
            candidates.disconnected(listen, session.now());
        }
        // blocks that were requested from it may be requested from others now
        for (PeerConnection q : peers) {
            q.fillRequests();
        }
    }

    // ---- downloading ----------------------------------------------------------------------------------------------

    /** The piece buffer for {@code piece}, begun if needed; null when the memory budget is spent. */
    PieceBuffer bufferFor(int piece) {
        PieceBuffer b = inFlight.get(piece);
        if (b != null) {
            return b;
        }
        b = storage.begin(piece, smartBan.wantsBlockHashes(piece));
        if (b == null) {
            if (!memoryStarved) {
                memoryStarved = true;
                session.storage().pieceBuffers().onAvailable(poolAvailable);
            }
            return null;
        }
        inFlight.put(piece, b);
        smartBan.begun(b);
        PieceBuffer started = b;
        b.result().whenComplete((r, e) -> pieceDone(started, r, e));
        return b;
    }

    boolean memoryStarved() {
        return memoryStarved;
    }

    private void poolFreed() {
        if (!memoryStarved) {
            return;
        }
        memoryStarved = false;
        session.storage().pieceBuffers().removeListener(poolAvailable);
        for (PeerConnection p : peers) {
            p.fillRequests();
        }
    }

    private void pieceDone(PieceBuffer b, PieceResult r, Throwable e) {
        long attempt = smartBan.ended(b);
        boolean current = inFlight.get(b.piece()) == b; // smart ban may have abandoned it and begun the piece again
        if (current) {
            inFlight.remove(b.piece());
        }
        if (e != null) {
            picker.pieceFailed(b.piece());
            LOG.log(System.Logger.Level.WARNING, "piece {0} of {1}: {2}", b.piece(), name, e.toString());
            return;
        }
        switch (r) {
            case PieceResult.Verified v -> {
                pieceVerified(v.piece());
                smartBan.pieceVerified(v);
            }
            case PieceResult.HashFailed f -> {
                picker.pieceFailed(f.piece());
                session.counters().hashFailures.increment();
                session.counters().wastedBytes.add(info.pieceSize(f.piece()));
                List<InetSocketAddress> who = smartBan.pieceFailed(f, attempt);
                session.publish(new Event.HashFailed(session.now(), infoHashes, f.piece(), who));
            }
            case PieceResult.IoFailed f -> {
                picker.pieceFailed(f.piece());
                StorageException se = f.error();
                LOG.log(System.Logger.Level.WARNING, "{0}: write of piece {1} failed: {2}", name, f.piece(), se.getMessage());
            }
            case PieceResult.Abandoned a -> {
                if (current && !shuttingDown && picker != null && !picker.hasPiece(a.piece())) {
                    picker.pieceFailed(a.piece());
                }
            }
        }
        for (PeerConnection p : peers) {
            p.fillRequests();
        }
    }

    private void pieceVerified(int piece) {
        if (picker.hasPiece(piece)) {
            return;
        }
        picker.pieceVerified(piece);
        session.counters().piecesVerified.increment();
        resumeDirty = true;
        session.publish(new Event.PieceVerified(session.now(), infoHashes, piece));
        for (PeerConnection p : peers) {
            p.send(new PeerMessage.Have(piece));
        }
        if (picker.isDone() && state == TorrentState.DOWNLOADING) {
            finished(true);
        }
        for (PeerConnection p : peers) {
            p.flush();
        }
    }

    /** Takes download quota for {@code bytes} (torrent and session limits); returns false when exhausted. */
    boolean takeDownloadQuota(int bytes, long now) {
        return takeQuota(downloadLimit, downBucket, session.globalDown(), bytes, now);
    }

    /** Takes upload quota for {@code bytes}; returns false when exhausted. */
    boolean takeUploadQuota(int bytes, long now) {
        return takeQuota(uploadLimit, upBucket, session.globalUp(), bytes, now);
    }

    /** Both buckets or neither: the shared one is refunded when this torrent's own bucket cannot pay. */
    private static boolean takeQuota(long limit, TokenBucket own, SharedBucket global, int bytes, long now) {
        if (limit == 0 && global.isUnlimited()) {
            return true;
        }
        if (own.available(now) < bytes) {
            return false;
        }
        long g = global.tryConsume(bytes, now);
        if (g < bytes) {
            global.refund(g, now);
            return false;
        }
        own.tryConsume(bytes, now);
        return true;
    }

    void payloadReceived(int bytes, long now) {
        downloaded += bytes;
        downRate.add(bytes, now);
        session.counters().payloadDown.add(bytes);
    }

    void payloadSent(int bytes, long now) {
        uploaded += bytes;
        upRate.add(bytes, now);
        session.counters().payloadUp.add(bytes);
    }

    long downloadRate(long now) {
        return downRate.rate(now);
    }

    long uploadRate(long now) {
        return upRate.rate(now);
    }

    int peerCount() {
        return peers.size();
    }

    // ---- periodic work --------------------------------------------------------------------------------------------

    private void tick() {
        if (shuttingDown) {
            return;
        }
        long now = session.now();
        try {
            publishQueueSnapshot(now);
            for (int i = peers.size() - 1; i >= 0; i--) {
                peers.get(i).tick(now);
            }
            if (choker != null && isUploading() && (lastChoke == Long.MIN_VALUE || choker.isDue(now))) {
                rechoke(now);
            }
            if (metadataExchange != null) {
                metadataExchange.tick(now);
            }
            pex.tick(now);
            if (layerFetch != null) {
                layerFetch.tick(now);
            }
            if (active() && !dhtLookupRunning && (nextDhtLookup == Long.MIN_VALUE || now >= nextDhtLookup)) {
                dhtLookup(now);
            }
            connectCandidates();
            if (resumeDirty && storage != null && now - lastResumeSave > RESUME_INTERVAL_NANOS) {
                saveResume();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "tick of " + name + " failed", e);
        }
    }

    /**
     * BEP 5: looks the torrent up in the DHT and announces our port, every 5 minutes while it lacks data (and at
     * start), every 15 minutes when seeding; sooner while the DHT is still empty, and while a downloading torrent has
     * found nobody (10 s, doubling up to 5 minutes). Hybrid torrents are looked up under both info-hashes (BEP 52).
     * Private torrents never use the DHT (BEP 27).
     */
    private void dhtLookup(long now) {
        io.hivemind.bt.dht.DhtNode dht = session.dht();
        if (dht == null || isPrivate() || (info == null && metainfo == null && magnet == null)) {
            return;
        }
        nextDhtLookup = now + TimeUnit.MINUTES.toNanos(state == TorrentState.SEEDING ? 15 : 5);
        dhtLookupRunning = true;
        List<byte[]> ids = new ArrayList<>();
        if (infoHashes.hasV1()) {
            ids.add(infoHashes.v1());
        }
        if (infoHashes.hasV2()) {
            ids.add(infoHashes.v2Truncated());
        }
        List<CompletableFuture<?>> all = new ArrayList<>();
        int[] accepted = new int[1];
        int[] found = new int[1];
        for (byte[] id : ids) {
            io.hivemind.bt.dht.NodeId target = io.hivemind.bt.dht.NodeId.of(id);
            // peers are dialled as each node's answer brings them, not when the traversal ends (that waits for the
            // k closest to answer or time out, seconds when some of them left)
            all.add(dht.getPeers(target, batch -> loop.execute(() -> {
                for (InetSocketAddress a : batch) {
                    addCandidate(a, PeerCandidateList.SOURCE_DHT);
                }
                connectCandidates();
            })).thenAcceptAsync(peersFound -> {
                for (InetSocketAddress a : peersFound) { // all of them, with those our own node stores
                    if (!session.listenAddresses().contains(a)) {
                        found[0]++;
                    }
                    addCandidate(a, PeerCandidateList.SOURCE_DHT);
                }
                connectCandidates();
            }, loop));
            all.add(dht.announce(target, session.listenPort()).thenAcceptAsync(n -> accepted[0] += n, loop));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenCompleteAsync((v, e) -> {
            dhtLookupRunning = false;
            if (accepted[0] == 0) {
                // the DHT was still empty (bootstrap under way): try again soon rather than in minutes
                nextDhtLookup = Math.min(nextDhtLookup, session.now() + TimeUnit.SECONDS.toNanos(5));
            } else if (found[0] == 0 && peers.isEmpty() && state != TorrentState.SEEDING) {
                // nobody yet: a swarm that is just forming announces soon; look again after 10 s, 20 s, … 5 min
                long wait = Math.min(TimeUnit.MINUTES.toNanos(5), TimeUnit.SECONDS.toNanos(10) << Math.min(dhtEmptyLookups, 5));
                dhtEmptyLookups++;
                nextDhtLookup = Math.min(nextDhtLookup, session.now() + wait);
            } else {
                dhtEmptyLookups = 0;
            }
        }, loop);
    }

    /** The seeding strategy while the torrent is an initial seed (created on first use), else null. */
    SeedingStrategy seedingStrategy() {
        if (state != TorrentState.SEEDING || layout == null || picker == null || downloaded > 0) {
            return null; // only an initial seed (an origin): a finished downloader serves like any peer
        }
        if (seeding == null) {
            seeding = new SeedingStrategy(this, layout, picker, new java.util.Random(random.nextLong()));
        }
        return seeding;
    }

    private void rechoke(long now) {
        lastChoke = now;
        List<PeerConnection> candidatesForSlots = new ArrayList<>(peers);
        boolean seeds = state == TorrentState.SEEDING;
        Choker c = seeds ? seedChoker() : choker;
        ChokeDecision<PeerConnection> d = c.decide(candidatesForSlots, seeds, now);
        for (PeerConnection p : peers) {
            boolean unchoke = d.unchokes(p);
            if (d.optimistic().contains(p)) {
                p.optimisticAt(now);
            }
            p.setChoked(!unchoke, now);
        }
        for (PeerConnection p : peers) {
            p.flush();
        }
    }

    /** A peer became interested or not: rechoke at once if a slot is free, as the original client does. */
    void interestChanged(PeerConnection p) {
        if (choker == null || !isUploading()) {
            return;
        }
        int unchoked = 0;
        for (PeerConnection q : peers) {
            if (!q.amChoking() && q.peerInterested()) {
                unchoked++;
            }
        }
        if (!p.peerInterested() && !p.amChoking()) {
            rechoke(session.now()); // its slot is free: give it to a peer that wants something
            return;
        }
        int slots = state == TorrentState.SEEDING ? seedChoker().config().maxUploads()
                : session.settings().maxUploadsPerTorrent();
        if (p.peerInterested() && p.amChoking() && unchoked < slots + 1) {
            rechoke(session.now());
        }
    }

    private Choker seedChoker;
    private Choker seedChokerBase;

    /** A seed's choker: the session's settings with at least {@link SeedingStrategy#SEED_UNCHOKE_SLOTS} slots. */
    private Choker seedChoker() {
        if (seedChokerBase != choker) {
            seedChokerBase = choker;
            int slots = Math.max(choker.config().maxUploads(), SeedingStrategy.SEED_UNCHOKE_SLOTS);
            seedChoker = new Choker(choker.config().withMaxUploads(slots), new java.util.Random(random.nextLong()));
        }
        return seedChoker;
    }

    // ---- resume data ----------------------------------------------------------------------------------------------

    private CompletableFuture<Void> saveResume() {
        lastResumeSave = session.now();
        if (resumeStore == null || storage == null || resume == null) {
            resumeDirty = false;
            return CompletableFuture.completedFuture(null);
        }
        resumeDirty = false;
        ResumeData data = new ResumeData(resume.infoHash(), picker.have(), resume.files(), resume.partFile(),
                uploadedBase + uploaded, downloadedBase + downloaded, filePriorities, add.savePath().toString(),
                addedTime, completedTime);
        // two saves at once would race on the same temporary file: each waits for the one before
        TorrentStorage s = storage;
        resumeSaving = resumeSaving.thenCompose(v -> s.saveResume(resumeStore, infoHashes.wireIdHex(), data))
                .handle((r, e) -> {
                    if (e != null) {
                        resumeDirty = true;
                        LOG.log(System.Logger.Level.WARNING, "saving resume data of {0} failed: {1}", name, rootMessage(e));
                    } else {
                        resume = r;
                    }
                    return null;
                });
        return resumeSaving;
    }

    // ---- shutdown -------------------------------------------------------------------------------------------------

    /** Stops the torrent: peers closed, open pieces abandoned, resume saved, {@code stopped} announced. */
    CompletableFuture<Void> shutdown(boolean removed, boolean deleteData) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> shutdown0(removed, deleteData, done));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.complete(null);
        }
        return done;
    }

    private void shutdown0(boolean removed, boolean deleteData, CompletableFuture<Void> done) {
        if (shuttingDown) {
            done.complete(null);
            return;
        }
        shuttingDown = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        for (PeerConnection p : new ArrayList<>(peers)) {
            p.close(DisconnectReason.LOCAL_CLOSE);
        }
        for (PeerConnection p : new ArrayList<>(pendingAttach)) {
            p.close(DisconnectReason.LOCAL_CLOSE);
        }
        for (PieceBuffer b : new ArrayList<>(inFlight.values())) {
            b.abandon();
        }
        inFlight.clear();
        if (memoryStarved) {
            session.storage().pieceBuffers().removeListener(poolAvailable);
        }
        CompletableFuture<Void> stopped = trackers != null ? trackers.stop().exceptionally(e -> null)
                : CompletableFuture.completedFuture(null);
        CompletableFuture<Void> saved = deleteData ? CompletableFuture.completedFuture(null) : saveResume();
        CompletableFuture.allOf(stopped, saved).whenComplete((v, e) -> {
            if (storage != null) {
                storage.close();
            }
            if (removed && resumeStore != null) {
                resumeStore.delete(infoHashes.wireIdHex());
            }
            if (deleteData && info != null) {
                deleteFiles();
            }
            if (!completion.isDone()) {
                completion.completeExceptionally(new ClientException("torrent " + name + " was "
                        + (removed ? "removed" : "stopped") + " before it completed"));
            }
            if (!metadataFuture.isDone()) {
                metadataFuture.completeExceptionally(new ClientException("torrent " + name + " stopped"));
            }
            done.complete(null);
        });
    }

    private void deleteFiles() {
        StorageMover.delete(info, infoHashes.wireIdHex(), add.savePath());
    }

    // ---- TorrentHandle --------------------------------------------------------------------------------------------

    @Override
    public InfoHashes infoHashes() {
        return infoHashes;
    }

    @Override
    public Metainfo metainfo() {
        return metainfo;
    }

    @Override
    public TorrentStatus status() {
        return call(this::snapshot);
    }

    private TorrentStatus snapshot() {
        long now = session.now();
        long wanted = 0;
        long done = 0;
        int have = 0;
        int pieces = 0;
        List<TorrentStatus.FileStatus> files = new ArrayList<>();
        if (info != null && picker != null) {
            pieces = info.pieceCount();
            have = picker.haveCount();
            long[] fileDone = new long[info.files().size()];
            for (FileEntry f : info.files()) {
                if (f.isPad() || f.length() == 0) {
                    continue;
                }
                long fileDoneBytes = 0;
                int first = f.firstPiece(info.pieceLength());
                int last = f.lastPiece(info.pieceLength());
                for (int p = first; p <= last; p++) {
                    if (picker.hasPiece(p)) {
                        long ps = p * info.pieceLength();
                        long pe = ps + info.pieceSize(p);
                        fileDoneBytes += Math.min(pe, f.end()) - Math.max(ps, f.offset());
                    }
                }
                fileDone[f.index()] = fileDoneBytes;
                if (filePriorities[f.index()] > 0) {
                    wanted += f.length();
                    done += fileDoneBytes;
                }
            }
            for (FileEntry f : info.files()) {
                if (!f.isPad()) {
                    files.add(new TorrentStatus.FileStatus(f.index(), f.pathString(), f.length(), fileDone[f.index()],
                            filePriorities[f.index()]));
                }
            }
        }
        long downRateNow = downRate.rate(now);
        double progress = wanted == 0 ? (state == TorrentState.SEEDING ? 1 : 0) : (double) done / wanted;
        long eta = downRateNow > 0 && wanted > done ? (wanted - done) / downRateNow : (wanted > 0 && done >= wanted ? 0 : -1);
        int seeds = 0;
        for (PeerConnection p : peers) {
            if (p.isSeed()) {
                seeds++;
            }
        }
        List<TorrentStatus.TrackerStatus> ts = new ArrayList<>();
        for (TrackerStatus t : trackerStatus) {
            ts.add(new TorrentStatus.TrackerStatus(t.url().toString(), t.tier(), String.valueOf(t.state()),
                    t.message() != null ? t.message() : t.warning(),
                    t.nextAnnounceNanos() < 0 ? -1
                            : Math.max(0, TimeUnit.NANOSECONDS.toSeconds(t.nextAnnounceNanos() - now)),
                    t.seeders(), t.leechers()));
        }
        return new TorrentStatus(infoHashes, name, state, progress, wanted, done, downRateNow, upRate.rate(now),
                downloadedBase + downloaded, uploadedBase + uploaded, eta, peers.size(), seeds, pieces, have, queuePosition,
                errorMessage, files, ts, add.savePath().toString());
    }

    @Override
    public CompletableFuture<TorrentHandle> completion() {
        return completion;
    }

    @Override
    public CompletableFuture<Metainfo> metadata() {
        return metadataFuture;
    }

    @Override
    public CompletableFuture<Void> pause() {
        return post(() -> {
            if (paused) {
                return;
            }
            paused = true;
            for (PeerConnection p : new ArrayList<>(peers)) {
                p.close(DisconnectReason.LOCAL_CLOSE);
            }
            if (trackers != null) {
                trackers.stop();
                trackers = null;
            }
            setState(runningState());
            saveResume();
            if (storage != null) {
                storage.pause();
            }
        });
    }

    @Override
    public CompletableFuture<Void> resume() {
        return post(() -> {
            if (!paused) {
                return;
            }
            paused = false;
            setState(runningState());
            if (checking) {
                return;
            }
            if (info != null && storage == null) {
                openStorage();
                return;
            }
            goActive();
        });
    }

    @Override
    public CompletableFuture<Void> recheck() {
        return post(() -> {
            if (storage == null || checking) {
                return;
            }
            checking = true;
            setState(TorrentState.CHECKING);
            for (PieceBuffer b : new ArrayList<>(inFlight.values())) {
                b.abandon();
            }
            storage.clearError();
            storage.recheck(null, (done, total, bytes) -> { }).whenComplete((verified, e) -> {
                checking = false;
                if (e != null) {
                    fail("recheck failed: " + rootMessage(e));
                    return;
                }
                for (int i = 0; i < info.pieceCount(); i++) {
                    boolean ok = verified.get(i);
                    if (ok && !picker.hasPiece(i)) {
                        picker.pieceVerified(i);
                    } else if (!ok && picker.hasPiece(i)) {
                        picker.pieceLost(i);
                    }
                }
                errorMessage = null;
                resumeDirty = true;
                if (picker.isDone()) {
                    finished(false);
                } else {
                    setState(runningState());
                }
            });
        });
    }

    @Override
    public CompletableFuture<Void> reannounce() {
        return post(() -> {
            if (trackers != null) {
                trackers.reannounce();
            }
        });
    }

    @Override
    public CompletableFuture<Void> connectPeer(InetSocketAddress peer) {
        return post(() -> {
            if (!isConnectedTo(peer)) {
                candidates.remove(peer); // an explicit request dials now, whatever back-off an earlier failure set
            }
            addCandidate(peer, PeerCandidateList.SOURCE_MANUAL);
            connectCandidates();
        });
    }

    @Override
    public CompletableFuture<Void> setFilePriorities(List<Integer> priorities) {
        return post(() -> {
            if (info == null) {
                throw new ClientException("metadata not known yet");
            }
            if (priorities.size() != filePriorities.length) {
                throw new IllegalArgumentException(priorities.size() + " priorities for " + filePriorities.length + " files");
            }
            for (int i = 0; i < filePriorities.length; i++) {
                int p = priorities.get(i);
                if (p < 0 || p > 7) {
                    throw new IllegalArgumentException("priority " + p);
                }
                filePriorities[i] = p;
            }
            applyPiecePriorities();
            if (storage != null) {
                storage.setFilePriorities(filePriorities.clone());
            }
            resumeDirty = true;
            if (state == TorrentState.SEEDING && !picker.isDone()) {
                setState(TorrentState.DOWNLOADING);
            } else if (state == TorrentState.DOWNLOADING && picker.isDone()) {
                finished(true);
            }
            for (PeerConnection p : peers) {
                p.updateInterest();
                p.fillRequests();
            }
        });
    }

    @Override
    public CompletableFuture<Void> setLimits(long upload, long download) {
        return post(() -> {
            long now = session.now();
            uploadLimit = upload;
            downloadLimit = download;
            upBucket = TokenBucket.ofRate(upload, now);
            downBucket = TokenBucket.ofRate(download, now);
        });
    }

    /**
     * Closes the storage (peers disconnected, open pieces abandoned, resume data saved), moves the files with a
     * {@link StorageMover} off the loop unless {@code moveData} is false, then reopens the storage at the new path:
     * CHECKING meanwhile, resume data trusted after a move, a full recheck when pointed at data already there. A
     * failed move reopens the storage where it was and fails the future.
     */
    @Override
    public CompletableFuture<Void> moveStorage(Path newSavePath, boolean moveData) {
        Path to = newSavePath.toAbsolutePath().normalize();
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(() -> {
            if (checking || shuttingDown) {
                throw new ClientException(name + " is being checked or moved; try again when it is done");
            }
            Path from = add.savePath().toAbsolutePath().normalize();
            if (from.equals(to)) {
                done.complete(null);
                return;
            }
            if (info == null || storage == null) { // nothing open: metadata not known yet, or storage failed to open
                add = add.saveTo(to).seedMode(false);
                if (info != null && state == TorrentState.ERROR) {
                    errorMessage = null;
                    recheckAll = !moveData;
                    openStorage();
                }
                done.complete(null);
                return;
            }
            checking = true;
            setState(TorrentState.CHECKING);
            for (PeerConnection p : new ArrayList<>(peers)) {
                p.close(DisconnectReason.LOCAL_CLOSE);
            }
            for (PieceBuffer b : new ArrayList<>(inFlight.values())) {
                b.abandon();
            }
            inFlight.clear();
            saveResume().thenCompose(v -> {
                storage.close();
                storage = null;
                return moveData ? StorageMover.moveAsync(info, infoHashes.wireIdHex(), from, to)
                        : CompletableFuture.<Void>completedFuture(null);
            }).whenCompleteAsync((v, e) -> {
                if (e == null) {
                    add = add.saveTo(to).seedMode(false);
                    recheckAll = !moveData;
                }
                if (!shuttingDown) {
                    openStorage();
                }
                if (e == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e instanceof java.util.concurrent.CompletionException c ? c.getCause() : e);
                }
            }, loop);
        }).exceptionally(e -> {
            done.completeExceptionally(e);
            return null;
        });
        return done;
    }

    @Override
    public CompletableFuture<Void> setSequential(boolean sequential) {
        return post(() -> {
            if (picker != null) {
                picker.setSequential(sequential);
            }
        });
    }

    @Override
    public CompletableFuture<List<PeerInfo>> peers() {
        CompletableFuture<List<PeerInfo>> f = new CompletableFuture<>();
        loop.execute(() -> {
            long now = session.now();
            List<PeerInfo> out = new ArrayList<>();
            for (PeerConnection p : peers) {
                out.add(p.info(now));
            }
            f.complete(out);
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> setQueuePosition(int position) {
        if (position < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("negative queue position " + position));
        }
        return session.queue().setPosition(this, position);
    }

    CompletableFuture<Void> settingsChanged() {
        return post(() -> {
            if (choker != null) {
                SessionSettings s = session.settings();
                choker = new Choker(new Choker.Config(s.maxUploadsPerTorrent(), 1, 10_000_000_000L, 30_000_000_000L,
                        90_000_000_000L, 3, Choker.SeedingAlgorithm.ROUND_ROBIN, 4L << 20, 60_000_000_000L),
                        new java.util.Random(random.nextLong()));
                lastChoke = Long.MIN_VALUE;
            }
        });
    }

    private CompletableFuture<Void> post(Runnable r) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    r.run();
                    f.complete(null);
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.completeExceptionally(new ClientException("session is closed"));
        }
        return f;
    }

    private <T> T call(Supplier<T> s) {
        if (loop.inEventLoop()) {
            return s.get();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    f.complete(s.get());
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            return f.get(STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new ClientException("session is closed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted");
        } catch (ExecutionException e) {
            throw new ClientException(rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            throw new ClientException("torrent " + name + " did not answer within " + STATUS_TIMEOUT_SECONDS + " s");
        }
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException || c instanceof ExecutionException)) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }

    void pendingAttach(PeerConnection p, boolean add) {
        if (add) {
            pendingAttach.add(p);
        } else {
            pendingAttach.remove(p);
        }
    }

    IntList scratch() {
        scratch.clear();
        return scratch;
    }

    // ---- queue ---------------------------------------------------------------------------------------------------

    /** Starts trading if the torrent may: trackers, DHT, connections, and peers told what we have. */
    private void goActive() {
        if (!active() || checking) {
            return;
        }
        if (startedAtNanos == 0 || state == TorrentState.QUEUED || state == TorrentState.PAUSED) {
            startedAtNanos = session.now();
        }
        setState(runningState());
        if (trackers == null) {
            startTrackers();
        }
        if (trackers != null && !trackersStarted) {
            trackersStarted = true;
            trackers.start();
        }
        nextDhtLookup = Long.MIN_VALUE;
        if (!dhtLookupRunning) {
            dhtLookup(session.now()); // now rather than on the next tick: a magnet's first peer waits for it
        }
        connectCandidates();
    }

    /** The queue gives this torrent a slot. */
    void queueStart() {
        loop.execute(() -> {
            if (!queued || shuttingDown) {
                return;
            }
            queued = false;
            setState(runningState());
            goActive();
        });
    }

    /** The queue takes the slot away: peers closed, trackers told we stopped, state QUEUED. */
    void queueStop() {
        loop.execute(() -> {
            if (queued || shuttingDown) {
                return;
            }
            queued = true;
            for (PeerConnection p : new ArrayList<>(peers)) {
                p.close(DisconnectReason.LOCAL_CLOSE);
            }
            if (trackers != null) {
                trackers.stop();
                trackers = null;
            }
            setState(runningState());
        });
    }

    /** A seed reached the session's share-ratio or seed-time limit: pause it. */
    void shareLimitReached() {
        pause();
    }

    int queueId() {
        return queueId;
    }

    void queueId(int id) {
        queueId = id;
        QueueSnapshot q = queueSnapshot;
        queueSnapshot = new QueueSnapshot(id, q.autoManaged(), q.running(), q.finished(), q.hasError(), q.downloadRate(),
                q.uploadRate(), q.startedAtNanos(), q.totalDownloaded(), q.totalUploaded(), q.wantedBytes(),
                q.seedingTimeNanos());
    }

    void queuePosition(int position) {
        queuePosition = position;
    }

    QueueSnapshot queueView() {
        return queueSnapshot;
    }

    /** Refreshes the snapshot the session queue reads from another loop. */
    private void publishQueueSnapshot(long now) {
        boolean seeding = state == TorrentState.SEEDING;
        if (seeding && seedingSince < 0) {
            seedingSince = now;
        } else if (!seeding && seedingSince >= 0) {
            seedingNanos += now - seedingSince;
            seedingSince = -1;
        }
        long wanted = 0;
        if (info != null) {
            for (FileEntry f : info.files()) {
                if (!f.isPad() && filePriorities[f.index()] > 0) {
                    wanted += f.length();
                }
            }
        }
        queueSnapshot = new QueueSnapshot(queueId, add.autoManaged(), !queued && !paused, picker != null && picker.isDone(),
                state == TorrentState.ERROR, downRate.rate(now), upRate.rate(now), startedAtNanos,
                downloadedBase + downloaded, uploadedBase + uploaded, wanted,
                seedingNanos + (seedingSince >= 0 ? now - seedingSince : 0));
    }

    /** An immutable view of a torrent for {@link SessionQueue}. */
    record QueueSnapshot(int torrentId, boolean autoManaged, boolean running, boolean finished, boolean hasError,
                         long downloadRate, long uploadRate, long startedAtNanos, long totalDownloaded,
                         long totalUploaded, long wantedBytes, long seedingTimeNanos)
            implements io.hivemind.bt.client.core.queue.QueuedTorrentView {
    }

    @Override
    public String toString() {
        return "Torrent[" + name + ", " + state + "]";
    }
}
