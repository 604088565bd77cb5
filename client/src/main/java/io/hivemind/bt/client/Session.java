package io.hivemind.bt.client;

import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A BitTorrent session: listening sockets, torrents, trackers, DHT, limits. Thread-safe. Close it to stop every
 * torrent cleanly (resume data saved, {@code stopped} announced).
 *
 * <pre>{@code
 * try (Session session = Session.builder().listen("0.0.0.0:6881").build()) {
 *     TorrentHandle t = session.add(AddTorrent.file(Path.of("model.torrent")).saveTo(Path.of("/data"))).join();
 *     t.completion().join();
 * }
 * }</pre>
 */
public interface Session extends AutoCloseable {

    static SessionBuilder builder() {
        return new SessionBuilder();
    }

    /** Adds a torrent; completes when it is registered (checking and downloading continue in the background). */
    CompletableFuture<TorrentHandle> add(AddTorrent add);

    /** Removes a torrent, optionally deleting its files. */
    CompletableFuture<Void> remove(InfoHashes infoHashes, boolean deleteData);

    Optional<TorrentHandle> find(InfoHashes infoHashes);

    List<TorrentHandle> torrents();

    SessionStats stats();

    EventStream events();

    SessionSettings settings();

    /** Applies new settings (rate and connection limits, queue limits, features) to the running session. */
    CompletableFuture<Void> apply(SessionSettings settings);

    /** The addresses we actually listen on (port 0 resolved). */
    List<InetSocketAddress> listenAddresses();

    /** Our 20-byte peer id. */
    byte[] peerId();

    /**
     * Replaces the programmatic IP filter rules (whitelist and blacklist, the seed's SecurityManager); peers it blocks
     * are refused on incoming and outgoing connections and dropped from tracker, DHT and PEX answers. A blocklist
     * file from the settings applies on top.
     */
    default void setIpFilter(io.hivemind.bt.client.ipfilter.IpFilter filter) {
        throw new UnsupportedOperationException("this session has no IP filter");
    }

    /** Port mapping status (UPnP IGD, NAT-PMP, PCP) and the external address learned, or null if unknown. */
    default io.hivemind.bt.client.nat.PortMapperStatus portMapping() {
        return null;
    }

    /**
     * The session's DHT node, when the DHT is on and running: for BEP 44 items and lookups beside the session's own
     * use (the distribution API publishes and polls BEP 46 announcements through it).
     */
    default Optional<io.hivemind.bt.dht.DhtNode> dhtNode() {
        return Optional.empty();
    }

    /** Stops everything cleanly and waits for it. */
    @Override
    void close();
}
