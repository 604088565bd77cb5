package io.hivemind.bt.client.nat.core;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Decides our external IP address from what others tell us: the gateway (UPnP {@code GetExternalIPAddress},
 * NAT-PMP, PCP), trackers (the {@code external ip} key of an announce reply, BEP 24) and peers (the {@code yourip}
 * key of the extension handshake, BEP 10; the DHT's {@code ip}, BEP 42). The result feeds the BEP 42 node id and
 * what the session announces.
 *
 * <p>Implementation note: a gateway's report wins if it is a global (public) address, since the gateway knows;
 * a private address from the gateway means double NAT and only counts as a vote. Otherwise each voter (keyed by
 * its own IP, so one peer repeating itself counts once and its latest claim replaces the earlier one) gives a
 * weight: tracker 2, peer and DHT node 1. The address with the most weight wins once it has at least
 * {@link #MIN_WEIGHT}; a tie keeps the current choice (no flapping). At most {@code maxVoters} voters are kept (the
 * oldest dropped) and votes older than {@code maxAgeNanos} are forgotten. Claims of loopback, link-local,
 * multicast, wildcard and (unless allowed, for test networks) private addresses are ignored. Pure: time is the
 * caller's; not thread-safe.
 */
public final class ExternalAddressVoter {
    /** Where a claim comes from. */
    public enum Source {
        /** The NAT gateway (UPnP, NAT-PMP, PCP). */
        GATEWAY(0),
        /** A tracker's {@code external ip} (BEP 24). */
        TRACKER(2),
        /** A peer's {@code yourip} (BEP 10). */
        PEER(1),
        /** A DHT node's {@code ip} (BEP 42). */
        DHT(1);

        final int weight;

        Source(int weight) {
            this.weight = weight;
        }
    }

    /** Weight an address needs before it is believed. */
    public static final int MIN_WEIGHT = 2;

    private record Vote(InetAddress claimed, Source source, long atNanos) {
    }

    private final LinkedHashMap<InetAddress, Vote> votes = new LinkedHashMap<>();
    private final int maxVoters;
    private final long maxAgeNanos;
    private final boolean allowPrivate;
    private InetAddress gateway;
    private InetAddress current;

    public ExternalAddressVoter(int maxVoters, long maxAgeNanos, boolean allowPrivate) {
        if (maxVoters < 1 || maxAgeNanos <= 0) {
            throw new IllegalArgumentException("maxVoters and maxAgeNanos must be positive");
        }
        this.maxVoters = maxVoters;
        this.maxAgeNanos = maxAgeNanos;
        this.allowPrivate = allowPrivate;
    }

    /** Defaults: 200 voters, votes forgotten after an hour, private addresses ignored. */
    public static ExternalAddressVoter withDefaults() {
        return new ExternalAddressVoter(200, 3_600_000_000_000L, false);
    }

    /**
     * Records that {@code voter} (for the gateway: the gateway's address) says our address is {@code claimed}.
     * Returns true if the decision changed.
     */
    public boolean vote(InetAddress claimed, Source source, InetAddress voter, long nowNanos) {
        Objects.requireNonNull(source);
        Objects.requireNonNull(voter);
        if (claimed == null || !acceptable(claimed)) {
            return false;
        }
        if (source == Source.GATEWAY && isGlobal(claimed)) {
            gateway = claimed;
        } else if (source == Source.GATEWAY) {
            gateway = null;
            votes.remove(voter);
            votes.put(voter, new Vote(claimed, Source.TRACKER, nowNanos)); // double NAT: a strong vote, not the answer
        } else {
            votes.remove(voter);
            votes.put(voter, new Vote(claimed, source, nowNanos));
        }
        while (votes.size() > maxVoters) {
            Iterator<InetAddress> it = votes.keySet().iterator();
            it.next();
            it.remove();
        }
        return decide(nowNanos);
    }

    /** The gateway no longer reports an address (mappings closed or lost). Returns true if the decision changed. */
    public boolean clearGateway(long nowNanos) {
        gateway = null;
        return decide(nowNanos);
    }

    /** Forgets old votes; returns true if the decision changed. Call now and then. */
    public boolean expire(long nowNanos) {
        return decide(nowNanos);
    }

    /** The decided external address, or null when nothing convincing was heard. */
    public InetAddress current() {
        return current;
    }

    private boolean decide(long nowNanos) {
        votes.values().removeIf(v -> nowNanos - v.atNanos > maxAgeNanos);
        InetAddress next;
        if (gateway != null) {
            next = gateway;
        } else {
            Map<InetAddress, Integer> weight = new HashMap<>();
            for (Vote v : votes.values()) {
                weight.merge(v.claimed, v.source.weight, Integer::sum);
            }
            next = null;
            int best = MIN_WEIGHT - 1;
            for (Map.Entry<InetAddress, Integer> w : weight.entrySet()) {
                if (w.getValue() > best) {
                    best = w.getValue();
                    next = w.getKey();
                }
            }
            if (current != null && next != null && !next.equals(current)
                    && weight.getOrDefault(current, 0) == best) {
                next = current; // tie: keep what we had
            }
        }
        boolean changed = !Objects.equals(next, current);
        current = next;
        return changed;
    }

    private boolean acceptable(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()) {
            return false;
        }
        return allowPrivate || isGlobal(a);
    }

    /** True unless the address is in a private, shared (CGN), loopback, link-local or documentation range. */
    public static boolean isGlobal(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int x = b[0] & 0xff;
            int y = b[1] & 0xff;
            int z = b[2] & 0xff;
            return !(x == 0 || x >= 240 || (x == 100 && y >= 64 && y < 128) || (x == 192 && y == 0 && (z == 0 || z == 2))
                    || (x == 198 && (y == 18 || y == 19)) || (x == 198 && y == 51 && z == 100)
                    || (x == 203 && y == 0 && z == 113));
        }
        return (b[0] & 0xfe) != 0xfc; // not a unique local address (fc00::/7)
    }
}
