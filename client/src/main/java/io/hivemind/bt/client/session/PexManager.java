package io.hivemind.bt.client.session;

import io.hivemind.bt.wire.ext.PexPeer;
import io.hivemind.bt.wire.ext.UtPex;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The decisions of BEP 11 Peer Exchange for one torrent: what to tell each connected peer and when, and which
 * peers to take from what it tells us. Pure: no I/O, no clock of its own; the session's {@link TorrentPex} applies
 * the results.
 *
 * <h2>Implementation note</h2>
 * Outbound, per remote peer, we keep the set of addresses we have advertised to it. A message is the difference
 * between that set and the listen addresses of the peers we are connected to now (the recipient excluded):
 * {@code added} (with BEP 11 flags) and {@code dropped}, each capped at {@code maxAdded}/{@code maxDropped} (BEP 11
 * and libtorrent: 50; the rest goes in the next message). An address that came and went between two messages
 * is never mentioned (BEP 11 allows eliding transient connections), and no address is both added and dropped.
 * The first message goes {@code firstDelay} after the peer's extension handshake, once there is something to say;
 * after a message, the next one waits {@code interval} (BEP 11: at most one per minute). Peers that connected to
 * us without telling their listen port cannot be advertised (libtorrent does the same).
 *
 * <p>Inbound, each remote has a token bucket ({@code inboundBurst} messages, one more per
 * {@code inboundRefill}): a message beyond it is ignored, and a peer that keeps flooding past
 * {@code maxIgnored} ignored messages is to be disconnected. From an accepted message we take at most
 * {@code maxLearnedPerPeer} addresses over the connection's life and at most {@code maxPortsPerIp} ports of one IP
 * per message, so one PEX source cannot fill our candidate list or aim us at one host (BEP 11 "Security
 * Considerations"; on loopback every peer shares 127.0.0.1, so same-IP addresses are limited, not refused).
 * {@code dropped} entries are hearsay and only ignored.
 *
 * <p>Not thread-safe: owned by the torrent's event loop. Peers are keyed by identity.
 */
final class PexManager {

    /** A connected peer as PEX sees it. */
    interface Peer {
        /** Where the peer accepts connections, or null if unknown (incoming, no BEP 10 {@code p}). */
        InetSocketAddress remoteListenAddress();

        /** The BEP 11 flags to advertise for it ({@link PexPeer#SEED}, {@link PexPeer#REACHABLE}, ...). */
        int pexFlags();
    }

    /** What became of an incoming message. */
    enum Verdict { ACCEPTED, IGNORED, FLOOD }

    /**
     * Settings.
     *
     * @param intervalNanos      least time between two messages to one peer (BEP 11: one minute)
     * @param firstDelayNanos    wait after the peer's extension handshake before the first message
     * @param maxAdded           most {@code added} entries per message (v4 and v6 together)
     * @param maxDropped         most {@code dropped} entries per message
     * @param maxLearnedPerPeer  most addresses taken from one peer over its connection
     * @param maxPortsPerIp      most addresses with the same IP taken from one message
     * @param inboundBurst       messages accepted back to back from one peer
     * @param inboundRefillNanos one more message accepted per this period
     * @param maxIgnored         ignored (over-budget) messages tolerated before the peer counts as flooding
     */
    record Config(long intervalNanos, long firstDelayNanos, int maxAdded, int maxDropped, int maxLearnedPerPeer,
            int maxPortsPerIp, int inboundBurst, long inboundRefillNanos, int maxIgnored) {
        static final Config DEFAULT = new Config(TimeUnit.MINUTES.toNanos(1), TimeUnit.SECONDS.toNanos(1), 50, 50,
                200, 8, 3, TimeUnit.SECONDS.toNanos(45), 5);

        Config {
            if (intervalNanos <= 0 || firstDelayNanos < 0 || maxAdded < 1 || maxDropped < 1 || maxLearnedPerPeer < 0
                    || maxPortsPerIp < 1 || inboundBurst < 1 || inboundRefillNanos <= 0 || maxIgnored < 0) {
                throw new IllegalArgumentException("bad PEX settings " + this);
            }
        }
    }

    private static final class Remote {
        int id;
        boolean negotiated;
        long nextSend;
        final Set<InetSocketAddress> advertised = new HashSet<>();
        double tokens;
        long refilledAt;
        int learned;
        int ignored;
        long messagesSent;
    }

    private final Config config;
    private final Map<Peer, Remote> remotes = new IdentityHashMap<>();

    PexManager(Config config) {
        this.config = config;
    }

    /**
     * The peer's extension handshake named ut_pex under {@code remoteId}; 0 (absent or disabled, BEP 10) stops our
     * messages to it. A repeated handshake keeps what was advertised.
     */
    void handshake(Peer p, int remoteId, long nowNanos) {
        Remote r = remote(p, nowNanos);
        r.id = Math.max(0, remoteId);
        if (r.id > 0 && !r.negotiated) {
            r.negotiated = true;
            r.nextSend = nowNanos + config.firstDelayNanos();
        }
    }

    /** The id the peer receives ut_pex under, 0 if none. */
    int remoteId(Peer p) {
        Remote r = remotes.get(p);
        return r == null ? 0 : r.id;
    }

    private Remote remote(Peer p, long now) {
        Remote r = remotes.get(p);
        if (r == null) {
            r = new Remote();
            r.tokens = config.inboundBurst();
            r.refilledAt = now;
            remotes.put(p, r);
        }
        return r;
    }

    /**
     * The message due to {@code to} now, given the peers we are {@code connected} to, or null if it is not due, the
     * peer does not speak ut_pex, or there is nothing new to say. A returned message counts as sent.
     */
    UtPex nextMessage(Peer to, Collection<? extends Peer> connected, long nowNanos) {
        Remote r = remotes.get(to);
        if (r == null || r.id <= 0 || nowNanos - r.nextSend < 0) {
            return null;
        }
        Map<InetSocketAddress, Integer> current = new LinkedHashMap<>();
        InetSocketAddress self = to.remoteListenAddress();
        for (Peer p : connected) {
            InetSocketAddress a = p.remoteListenAddress();
            if (p != to && a != null && !a.isUnresolved() && a.getPort() != 0 && !a.equals(self)) {
                current.putIfAbsent(a, p.pexFlags() & 0xff);
            }
        }
        List<PexPeer> added = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Integer> e : current.entrySet()) {
            if (added.size() >= config.maxAdded()) {
                break;
            }
            if (!r.advertised.contains(e.getKey())) {
                added.add(new PexPeer(e.getKey(), e.getValue()));
            }
        }
        List<InetSocketAddress> dropped = new ArrayList<>();
        for (InetSocketAddress a : r.advertised) {
            if (dropped.size() >= config.maxDropped()) {
                break;
            }
            if (!current.containsKey(a)) {
                dropped.add(a);
            }
        }
        if (added.isEmpty() && dropped.isEmpty()) {
            return null; // not counted: we may speak as soon as something changes
        }
        for (PexPeer p : added) {
            r.advertised.add(p.address());
        }
        dropped.forEach(r.advertised::remove);
        r.nextSend = nowNanos + config.intervalNanos();
        r.messagesSent++;
        return new UtPex(added, dropped);
    }

    /**
     * An incoming message from {@code from}: fills {@code accepted} with the peers to consider (limits applied)
     * and says whether it was accepted, ignored (over the rate) or part of a flood (disconnect).
     */
    Verdict received(Peer from, UtPex message, long nowNanos, List<PexPeer> accepted) {
        Remote r = remote(from, nowNanos);
        long elapsed = nowNanos - r.refilledAt;
        if (elapsed > 0) {
            r.tokens = Math.min(config.inboundBurst(), r.tokens + (double) elapsed / config.inboundRefillNanos());
            r.refilledAt = nowNanos;
        }
        if (r.tokens < 1) {
            r.ignored++;
            return r.ignored > config.maxIgnored() ? Verdict.FLOOD : Verdict.IGNORED;
        }
        r.tokens -= 1;
        Map<InetAddress, Integer> perIp = new HashMap<>();
        Set<InetSocketAddress> seen = new HashSet<>();
        for (PexPeer p : message.added()) {
            if (r.learned >= config.maxLearnedPerPeer()) {
                break;
            }
            InetSocketAddress a = p.address();
            if (a.getPort() == 0 || a.getAddress().isAnyLocalAddress() || a.getAddress().isMulticastAddress()
                    || !seen.add(a)) {
                continue;
            }
            int n = perIp.merge(a.getAddress(), 1, Integer::sum);
            if (n > config.maxPortsPerIp()) {
                continue;
            }
            accepted.add(p);
            r.learned++;
        }
        return Verdict.ACCEPTED;
    }

    /** The peer disconnected: forget its state. */
    void gone(Peer p) {
        remotes.remove(p);
    }

    /** Messages sent to {@code p} so far. */
    long messagesSent(Peer p) {
        Remote r = remotes.get(p);
        return r == null ? 0 : r.messagesSent;
    }

    /** Remotes tracked (connected peers that negotiated or sent PEX). */
    int size() {
        return remotes.size();
    }

    /** Drops state of peers no longer in {@code connected} (defensive; {@link #gone} is the normal path). */
    void retain(Collection<? extends Peer> connected) {
        Set<Peer> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        live.addAll(connected);
        for (Iterator<Peer> it = remotes.keySet().iterator(); it.hasNext(); ) {
            if (!live.contains(it.next())) {
                it.remove();
            }
        }
    }
}
