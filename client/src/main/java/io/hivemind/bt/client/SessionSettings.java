package io.hivemind.bt.client;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link Session} can be configured with; mirrors the seed's session settings. Immutable: change a
 * running session with {@code session.apply(settings.toBuilder()....build())}. Rates are bytes per second, 0 means
 * unlimited.
 *
 * @param listen                  addresses to accept peers on, {@code host:port} ({@code 0.0.0.0:6881}; port 0 picks one)
 * @param peerIdPrefix            Azureus-style client prefix of our 20-byte peer id, e.g. {@code -HV0100-}
 * @param enableDht               use the DHT (BEP 5) for public torrents
 * @param dhtBootstrap            DHT routers to join through, {@code host:port}
 * @param enableLsd               use Local Service Discovery (BEP 14) for public torrents
 * @param enablePex               use Peer Exchange (BEP 11) for public torrents
 * @param enableUpnp              map the listen port with UPnP IGD
 * @param enableNatpmp            map the listen port with NAT-PMP/PCP
 * @param connectionsLimit        peer connections across all torrents
 * @param halfOpenLimit           outgoing connection attempts in progress at once
 * @param maxConnectionsPerTorrent peer connections per torrent (a torrent may lower it)
 * @param maxUploadsPerTorrent    regular unchoke slots per torrent (plus one optimistic); default 8, as libtorrent
 *                                (bench/swarm: 4 left uplinks idle when every peer is near the same frontier)
 * @param uploadRateLimit         global upload limit, bytes/s (0 = unlimited)
 * @param downloadRateLimit       global download limit, bytes/s (0 = unlimited)
 * @param activeDownloads         queued torrents downloading at once (-1 = no limit)
 * @param activeSeeds             queued torrents seeding at once (-1 = no limit)
 * @param activeLimit             queued torrents active at once (-1 = no limit)
 * @param shareRatioLimit         stop seeding at this upload/download ratio (0 = never)
 * @param seedTimeLimitSeconds    stop seeding after this many seconds of seeding (0 = never)
 * @param storage                 which piece store implementation to use
 * @param pieceBufferBudgetBytes  off-heap memory for pieces being downloaded
 * @param encryption              MSE/PE policy
 * @param blocklistFile           a P2P blocklist (eMule .dat, PeerGuardian .p2p, CIDR lines), or null; reloaded when it changes
 * @param transport               network transport (AUTO = io_uring, else epoll, else NIO)
 * @param stateDirectory          where resume data and settings live, or null for none (nothing survives a restart)
 * @param backupTrackers          trackers added as a last tier to every public torrent ({@code HIVEBT_TRACKERS})
 * @param eventCategories         event categories delivered to subscribers
 * @param eventQueueCapacity      per-subscriber event queue bound; overflow drops and counts
 * @param networkThreads          event loop threads (0 = number of cores)
 */
public record SessionSettings(
        List<String> listen,
        String peerIdPrefix,
        boolean enableDht,
        List<String> dhtBootstrap,
        boolean enableLsd,
        boolean enablePex,
        boolean enableUpnp,
        boolean enableNatpmp,
        int connectionsLimit,
        int halfOpenLimit,
        int maxConnectionsPerTorrent,
        int maxUploadsPerTorrent,
        long uploadRateLimit,
        long downloadRateLimit,
        int activeDownloads,
        int activeSeeds,
        int activeLimit,
        double shareRatioLimit,
        long seedTimeLimitSeconds,
        StorageKind storage,
        long pieceBufferBudgetBytes,
        EncryptionPolicy encryption,
        Path blocklistFile,
        TransportKind transport,
        Path stateDirectory,
        List<String> backupTrackers,
        Set<Event.Category> eventCategories,
        int eventQueueCapacity,
        int networkThreads) {

    /** Piece store implementations. */
    public enum StorageKind { MMAP, POSITIONAL }

    /** MSE/PE (message stream encryption) policy. */
    public enum EncryptionPolicy { DISABLED, ENABLED, FORCED }

    /** Network transports; AUTO picks io_uring, else epoll, else NIO. */
    public enum TransportKind { AUTO, IO_URING, EPOLL, NIO }

    public SessionSettings {
        listen = List.copyOf(listen);
        dhtBootstrap = List.copyOf(dhtBootstrap);
        backupTrackers = List.copyOf(backupTrackers);
        eventCategories = eventCategories.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(eventCategories));
        Objects.requireNonNull(peerIdPrefix, "peerIdPrefix");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(transport, "transport");
        require(peerIdPrefix.length() <= 12, "peerIdPrefix is at most 12 characters: " + peerIdPrefix);
        require(connectionsLimit > 0, "connectionsLimit must be positive: " + connectionsLimit);
        require(halfOpenLimit > 0, "halfOpenLimit must be positive: " + halfOpenLimit);
        require(maxConnectionsPerTorrent > 0, "maxConnectionsPerTorrent must be positive: " + maxConnectionsPerTorrent);
        require(maxUploadsPerTorrent >= 0, "maxUploadsPerTorrent must not be negative: " + maxUploadsPerTorrent);
        require(uploadRateLimit >= 0 && downloadRateLimit >= 0, "rate limits must not be negative");
        require(activeDownloads >= -1 && activeSeeds >= -1 && activeLimit >= -1, "queue limits are -1 or more");
        require(shareRatioLimit >= 0 && seedTimeLimitSeconds >= 0, "seeding limits must not be negative");
        require(pieceBufferBudgetBytes >= 1 << 20, "pieceBufferBudgetBytes must be at least 1 MiB");
        require(eventQueueCapacity > 0, "eventQueueCapacity must be positive");
        require(networkThreads >= 0, "networkThreads must not be negative");
        for (String l : listen) {
            HostPort.parse(l); // fails fast with a clear message
        }
        for (String b : dhtBootstrap) {
            HostPort.parse(b);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults: listen on 0.0.0.0:6881, DHT/LSD/PEX on, 200 connections, 4 upload slots, no rate limits. */
    public static SessionSettings defaults() {
        return new Builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder with the defaults of {@link #defaults()}. Not thread-safe. */
    public static final class Builder {
        private List<String> listen = List.of("0.0.0.0:6881");
        private String peerIdPrefix = "-HV0100-";
        private boolean enableDht = true;
        private List<String> dhtBootstrap = List.of("router.bittorrent.com:6881", "dht.transmissionbt.com:6881",
                "router.utorrent.com:6881", "dht.libtorrent.org:25401");
        private boolean enableLsd = true;
        private boolean enablePex = true;
        private boolean enableUpnp = false;
        private boolean enableNatpmp = false;
        private int connectionsLimit = 200;
        private int halfOpenLimit = 50;
        private int maxConnectionsPerTorrent = 100;
        private int maxUploadsPerTorrent = 8;
        private long uploadRateLimit;
        private long downloadRateLimit;
        private int activeDownloads = 3;
        private int activeSeeds = 5;
        private int activeLimit = 15;
        private double shareRatioLimit;
        private long seedTimeLimitSeconds;
        private StorageKind storage = StorageKind.MMAP; // measured faster: bench/storage/RESULTS.md
        private long pieceBufferBudgetBytes = 256L << 20;
        private EncryptionPolicy encryption = EncryptionPolicy.ENABLED;
        private Path blocklistFile;
        private TransportKind transport = TransportKind.AUTO;
        private Path stateDirectory;
        private List<String> backupTrackers = List.of();
        private Set<Event.Category> eventCategories = EnumSet.allOf(Event.Category.class);
        private int eventQueueCapacity = 4096;
        private int networkThreads;

        private Builder() {
        }

        private Builder(SessionSettings s) {
            listen = s.listen;
            peerIdPrefix = s.peerIdPrefix;
            enableDht = s.enableDht;
            dhtBootstrap = s.dhtBootstrap;
            enableLsd = s.enableLsd;
            enablePex = s.enablePex;
            enableUpnp = s.enableUpnp;
            enableNatpmp = s.enableNatpmp;
            connectionsLimit = s.connectionsLimit;
            halfOpenLimit = s.halfOpenLimit;
            maxConnectionsPerTorrent = s.maxConnectionsPerTorrent;
            maxUploadsPerTorrent = s.maxUploadsPerTorrent;
            uploadRateLimit = s.uploadRateLimit;
            downloadRateLimit = s.downloadRateLimit;
            activeDownloads = s.activeDownloads;
            activeSeeds = s.activeSeeds;
            activeLimit = s.activeLimit;
            shareRatioLimit = s.shareRatioLimit;
            seedTimeLimitSeconds = s.seedTimeLimitSeconds;
            storage = s.storage;
            pieceBufferBudgetBytes = s.pieceBufferBudgetBytes;
            encryption = s.encryption;
            blocklistFile = s.blocklistFile;
            transport = s.transport;
            stateDirectory = s.stateDirectory;
            backupTrackers = s.backupTrackers;
            eventCategories = s.eventCategories.isEmpty() ? EnumSet.noneOf(Event.Category.class) : EnumSet.copyOf(s.eventCategories);
            eventQueueCapacity = s.eventQueueCapacity;
            networkThreads = s.networkThreads;
        }

        /** One or more {@code host:port} listen addresses ({@code [::]:6881} for IPv6). */
        public Builder listen(String... hostPorts) {
            this.listen = List.of(hostPorts);
            return this;
        }

        public Builder peerIdPrefix(String prefix) {
            this.peerIdPrefix = prefix;
            return this;
        }

        public Builder dht(boolean on) {
            this.enableDht = on;
            return this;
        }

        /** DHT routers ({@code host:port}) to join through; the saved routing table is used as well. */
        public Builder dhtBootstrap(String... hostPorts) {
            this.dhtBootstrap = List.of(hostPorts);
            return this;
        }

        public Builder lsd(boolean on) {
            this.enableLsd = on;
            return this;
        }

        public Builder pex(boolean on) {
            this.enablePex = on;
            return this;
        }

        public Builder upnp(boolean on) {
            this.enableUpnp = on;
            return this;
        }

        public Builder natpmp(boolean on) {
            this.enableNatpmp = on;
            return this;
        }

        public Builder connectionsLimit(int n) {
            this.connectionsLimit = n;
            return this;
        }

        public Builder halfOpenLimit(int n) {
            this.halfOpenLimit = n;
            return this;
        }

        public Builder maxConnectionsPerTorrent(int n) {
            this.maxConnectionsPerTorrent = n;
            return this;
        }

        public Builder maxUploadsPerTorrent(int n) {
            this.maxUploadsPerTorrent = n;
            return this;
        }

        public Builder uploadRateLimit(long bytesPerSecond) {
            this.uploadRateLimit = bytesPerSecond;
            return this;
        }

        public Builder downloadRateLimit(long bytesPerSecond) {
            this.downloadRateLimit = bytesPerSecond;
            return this;
        }

        public Builder activeDownloads(int n) {
            this.activeDownloads = n;
            return this;
        }

        public Builder activeSeeds(int n) {
            this.activeSeeds = n;
            return this;
        }

        public Builder activeLimit(int n) {
            this.activeLimit = n;
            return this;
        }

        public Builder shareRatioLimit(double ratio) {
            this.shareRatioLimit = ratio;
            return this;
        }

        public Builder seedTimeLimitSeconds(long seconds) {
            this.seedTimeLimitSeconds = seconds;
            return this;
        }

        public Builder storage(StorageKind kind) {
            this.storage = kind;
            return this;
        }

        public Builder pieceBufferBudgetBytes(long bytes) {
            this.pieceBufferBudgetBytes = bytes;
            return this;
        }

        public Builder encryption(EncryptionPolicy policy) {
            this.encryption = policy;
            return this;
        }

        /** A P2P blocklist file to filter peers with (null: none). */
        public Builder blocklistFile(Path file) {
            this.blocklistFile = file;
            return this;
        }

        public Builder transport(TransportKind kind) {
            this.transport = kind;
            return this;
        }

        /** Where resume data and settings are kept; null keeps nothing across restarts. */
        public Builder stateDirectory(Path dir) {
            this.stateDirectory = dir;
            return this;
        }

        public Builder backupTrackers(List<String> urls) {
            this.backupTrackers = urls;
            return this;
        }

        public Builder eventCategories(Set<Event.Category> categories) {
            this.eventCategories = categories;
            return this;
        }

        public Builder eventQueueCapacity(int n) {
            this.eventQueueCapacity = n;
            return this;
        }

        public Builder networkThreads(int n) {
            this.networkThreads = n;
            return this;
        }

        public SessionSettings build() {
            return new SessionSettings(listen, peerIdPrefix, enableDht, dhtBootstrap, enableLsd, enablePex, enableUpnp, enableNatpmp,
                    connectionsLimit, halfOpenLimit, maxConnectionsPerTorrent, maxUploadsPerTorrent, uploadRateLimit,
                    downloadRateLimit, activeDownloads, activeSeeds, activeLimit, shareRatioLimit, seedTimeLimitSeconds,
                    storage, pieceBufferBudgetBytes, encryption, blocklistFile, transport, stateDirectory, backupTrackers,
                    eventCategories, eventQueueCapacity, networkThreads);
        }
    }
}
