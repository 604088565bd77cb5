package io.hivemind.bt.dht.core;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.Compact;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Peers announced to this node ({@code announce_peer}, BEP 5), by info-hash, with expiry.
 *
 * <p>Implementation note: bounded twice. At most {@code maxTorrents} info-hashes: a new one evicts the info-hash
 * with the fewest peers (as libtorrent does, so one swarm with many announcers survives a flood of single
 * announces). At most {@code maxPeersPerTorrent} peers per info-hash, in insertion order: a new peer evicts the
 * least recently announced one. Peers expire {@code ttl} after their last announce. Not thread-safe; owned by the
 * node's event loop, time passed in.
 */
public final class PeerStore {
    private final int maxTorrents;
    private final int maxPeersPerTorrent;
    private final long ttlNanos;
    private final HashMap<NodeId, LinkedHashMap<InetSocketAddress, Long>> torrents = new HashMap<>();

    public PeerStore(int maxTorrents, int maxPeersPerTorrent, long ttlNanos) {
        if (maxTorrents < 1 || maxPeersPerTorrent < 1 || ttlNanos <= 0) {
            throw new IllegalArgumentException("bad peer store limits");
        }
        this.maxTorrents = maxTorrents;
        this.maxPeersPerTorrent = maxPeersPerTorrent;
        this.ttlNanos = ttlNanos;
    }

    /** Records that {@code peer} is in the swarm of {@code infoHash}. */
    public void announce(NodeId infoHash, InetSocketAddress peer, long nowNanos) {
        LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(infoHash);
        if (peers == null) {
            if (torrents.size() >= maxTorrents) {
                evictSmallest();
            }
            peers = new LinkedHashMap<>();
            torrents.put(infoHash, peers);
        }
        peers.remove(peer); // re-insert at the end: most recently announced
        if (peers.size() >= maxPeersPerTorrent) {
            Iterator<InetSocketAddress> it = peers.keySet().iterator();
            it.next();
            it.remove();
        }
        peers.put(peer, nowNanos + ttlNanos);
    }

    private void evictSmallest() {
        NodeId smallest = null;
        int size = Integer.MAX_VALUE;
        for (Map.Entry<NodeId, LinkedHashMap<InetSocketAddress, Long>> e : torrents.entrySet()) {
            if (e.getValue().size() < size) {
                size = e.getValue().size();
                smallest = e.getKey();
            }
        }
        torrents.remove(smallest);
    }

    /**
     * Up to {@code max} live peers of {@code infoHash} in one address family, chosen at random when there are
     * more (so that every stored peer gets handed out).
     */
    public List<InetSocketAddress> peers(NodeId infoHash, boolean v4, int max, long nowNanos,
                                         RandomGenerator random) {
        LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(infoHash);
        if (peers == null || max <= 0) {
            return List.of();
        }
        List<InetSocketAddress> live = new ArrayList<>(peers.size());
        for (Map.Entry<InetSocketAddress, Long> e : peers.entrySet()) {
            if (e.getValue() - nowNanos > 0 && Compact.isV4(e.getKey()) == v4) {
                live.add(e.getKey());
            }
        }
        if (live.size() <= max) {
            return live;
        }
        for (int i = 0; i < max; i++) { // partial Fisher-Yates
            int j = i + random.nextInt(live.size() - i);
            InetSocketAddress t = live.get(i);
            live.set(i, live.get(j));
            live.set(j, t);
        }
        return new ArrayList<>(live.subList(0, max));
    }

    /** Drops expired peers and empty info-hashes. */
    public void expire(long nowNanos) {
        Iterator<LinkedHashMap<InetSocketAddress, Long>> it = torrents.values().iterator();
        while (it.hasNext()) {
            LinkedHashMap<InetSocketAddress, Long> peers = it.next();
            peers.values().removeIf(expiry -> expiry - nowNanos <= 0);
            if (peers.isEmpty()) {
                it.remove();
            }
        }
    }

    /** Number of info-hashes stored. */
    public int torrentCount() {
        return torrents.size();
    }

    /** Number of peers stored under {@code infoHash}. */
    public int peerCount(NodeId infoHash) {
        LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(infoHash);
        return peers == null ? 0 : peers.size();
    }

    /** Up to {@code max} stored info-hashes chosen at random (BEP 51 samples). */
    public List<NodeId> sample(int max, RandomGenerator random) {
        List<NodeId> all = new ArrayList<>(torrents.keySet());
        if (all.size() <= max) {
            return all;
        }
        for (int i = 0; i < max; i++) {
            int j = i + random.nextInt(all.size() - i);
            NodeId t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        return new ArrayList<>(all.subList(0, max));
    }
}
