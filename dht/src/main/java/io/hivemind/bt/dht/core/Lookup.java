package io.hivemind.bt.dht.core;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.NodeInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The iterative Kademlia lookup of BEP 5 as a pure state machine: which nodes to query next, and when the
 * {@code k} closest nodes to a target are known.
 *
 * <p>Implementation note: candidates are kept sorted by XOR distance to the target (bounded to
 * {@code maxCandidates}). At most {@code alpha} (3) queries are outstanding; a query outstanding longer than
 * {@code slowAfter} stops counting against {@code alpha} (libtorrent's "short timeout"), so one slow node does not
 * stall the lookup, but its answer is still used if it comes. The next query always goes to the closest candidate
 * not yet asked, and only if it lies among the {@code k} closest candidates that have not failed; the lookup is
 * done when those {@code k} have all answered, or when nothing is left to ask and nothing is outstanding. Routers
 * given by address only (no id yet) are asked first and then treated like any other answered node.
 * A timed-out query to one of the {@code k} closest candidates is retried once ({@link #onTimeout}), so that a
 * single lost datagram does not drop a true closest node from the result. Each candidate
 * remembers its hop: the seeds are hop 0, nodes learned from a hop-h answer are hop h + 1; {@link #rounds()} is the
 * deepest hop asked, plus one, which the convergence tests compare against log2(n).
 *
 * <p>The owner sends the queries this class asks for and reports every answer ({@link #onResponse}) or failure
 * ({@link #onTimeout}, {@link #onFailure}); time is passed in. Not thread-safe: owned by the node's event loop.
 */
public final class Lookup {
    /** Where a candidate stands. */
    public enum Status { FRESH, IN_FLIGHT, RESPONDED, FAILED }

    /** A node of the lookup. */
    public static final class Candidate {
        private NodeId id; // null for a router known only by address, until it answers
        private final InetSocketAddress address;
        private final int hop;
        private Status status = Status.FRESH;
        private boolean slow;
        private long sentAt;
        private int attempts;
        private byte[] token;

        Candidate(NodeId id, InetSocketAddress address, int hop) {
            this.id = id;
            this.address = address;
            this.hop = hop;
        }

        /** The node's id, or null for a router that has not answered. */
        public NodeId id() {
            return id;
        }

        public InetSocketAddress address() {
            return address;
        }

        public int hop() {
            return hop;
        }

        public Status status() {
            return status;
        }

        /** The write token the node returned, or null. */
        public byte[] token() {
            return token;
        }

        /** The node as a contact (only for candidates with an id). */
        public NodeInfo node() {
            return new NodeInfo(id, address);
        }
    }

    /** Queries sent to one candidate at most (one retry after a timeout). */
    public static final int MAX_ATTEMPTS = 2;

    private final NodeId target;
    private final NodeId self;
    private final int alpha;
    private final int k;
    private final int maxCandidates;
    private final long slowAfterNanos;
    private final ArrayList<Candidate> sorted = new ArrayList<>(); // candidates with ids, closest first
    private final ArrayList<Candidate> routers = new ArrayList<>(); // candidates known by address only
    private final HashMap<InetSocketAddress, Candidate> byAddress = new HashMap<>();
    private int outstanding; // in flight and not yet slow
    private int queries;
    private int responses;
    private int failures;
    private int maxHopAsked = -1;

    /**
     * @param target        the key looked up
     * @param self          our own id (never a candidate)
     * @param alpha         parallel queries (3)
     * @param k             result size (8)
     * @param maxCandidates most candidates kept
     * @param slowAfter     when an outstanding query stops counting against {@code alpha}
     */
    public Lookup(NodeId target, NodeId self, int alpha, int k, int maxCandidates, long slowAfterNanos) {
        if (alpha < 1 || k < 1 || maxCandidates < k) {
            throw new IllegalArgumentException("bad lookup parameters");
        }
        this.target = target;
        this.self = self;
        this.alpha = alpha;
        this.k = k;
        this.maxCandidates = maxCandidates;
        this.slowAfterNanos = slowAfterNanos;
    }

    public NodeId target() {
        return target;
    }

    /** Adds starting nodes (hop 0). */
    public void addSeeds(List<NodeInfo> nodes) {
        for (NodeInfo n : nodes) {
            add(n.id(), n.address(), 0);
        }
    }

    /** Adds a router known only by its address (hop 0), asked before anything else. */
    public void addRouter(InetSocketAddress address) {
        if (byAddress.containsKey(address)) {
            return;
        }
        Candidate c = new Candidate(null, address, 0);
        byAddress.put(address, c);
        routers.add(c);
    }

    private void add(NodeId id, InetSocketAddress address, int hop) {
        if (id.equals(self) || byAddress.containsKey(address)) {
            return;
        }
        int pos = insertionPoint(id);
        if (pos < sorted.size() && sorted.get(pos).id.equals(id)) {
            return; // the same id at another address: keep the first
        }
        if (pos >= maxCandidates) {
            return;
        }
        Candidate c = new Candidate(id, address, hop);
        sorted.add(pos, c);
        byAddress.put(address, c);
        if (sorted.size() > maxCandidates) {
            // drop the farthest candidate that is not outstanding
            for (int i = sorted.size() - 1; i >= 0; i--) {
                Candidate x = sorted.get(i);
                if (x.status != Status.IN_FLIGHT) {
                    sorted.remove(i);
                    byAddress.remove(x.address);
                    break;
                }
            }
        }
    }

    private int insertionPoint(NodeId id) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (target.compareDistance(sorted.get(mid).id, id) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The candidates to query now, already marked in flight; empty when the lookup must wait or is done.
     */
    public List<Candidate> nextQueries(long nowNanos) {
        List<Candidate> out = new ArrayList<>();
        // queries outstanding too long stop holding a slot
        for (Candidate c : byAddress.values()) {
            if (c.status == Status.IN_FLIGHT && !c.slow && nowNanos - c.sentAt >= slowAfterNanos) {
                c.slow = true;
                outstanding--;
            }
        }
        for (Candidate r : routers) {
            if (outstanding >= alpha) {
                return out;
            }
            if (r.status == Status.FRESH) {
                send(r, nowNanos, out);
            }
        }
        int good = 0; // non-failed candidates seen so far, closest first
        for (Candidate c : sorted) {
            if (outstanding >= alpha || good >= k) {
                break;
            }
            if (c.status == Status.FAILED) {
                continue;
            }
            good++;
            if (c.status == Status.FRESH) {
                send(c, nowNanos, out);
            }
        }
        return out;
    }

    private void send(Candidate c, long now, List<Candidate> out) {
        c.attempts++;
        c.status = Status.IN_FLIGHT;
        c.sentAt = now;
        c.slow = false;
        outstanding++;
        queries++;
        maxHopAsked = Math.max(maxHopAsked, c.hop);
        out.add(c);
    }

    /** The candidate at {@code address}, or null. */
    public Candidate candidate(InetSocketAddress address) {
        return byAddress.get(address);
    }

    /**
     * The node at {@code address} answered with id {@code id}, its closer {@code nodes} and maybe a write token.
     * Returns false (and treats it as a failure) when a node with a known id answered with another id.
     */
    public boolean onResponse(InetSocketAddress address, NodeId id, List<NodeInfo> nodes, byte[] token) {
        Candidate c = byAddress.get(address);
        if (c == null || c.status != Status.IN_FLIGHT) {
            return false;
        }
        if (c.id != null && !c.id.equals(id)) {
            onFailure(address);
            return false;
        }
        if (!c.slow) {
            outstanding--;
        }
        c.status = Status.RESPONDED;
        c.token = token;
        responses++;
        if (c.id == null) { // a router: now it has an id and takes its place by distance
            routers.remove(c);
            c.id = id;
            if (!id.equals(self)) {
                int pos = insertionPoint(id);
                if (pos >= sorted.size() || !sorted.get(pos).id.equals(id)) {
                    sorted.add(pos, c);
                }
            }
        }
        for (NodeInfo n : nodes) {
            add(n.id(), n.address(), c.hop + 1);
        }
        return true;
    }

    /**
     * The query to {@code address} timed out. A candidate among the {@code k} closest live ones is asked once more
     * (a lost datagram would otherwise drop one of the true closest nodes from the result); others fail.
     */
    public void onTimeout(InetSocketAddress address) {
        Candidate c = byAddress.get(address);
        if (c == null || c.status != Status.IN_FLIGHT) {
            return;
        }
        if (c.attempts < MAX_ATTEMPTS && c.id != null && amongClosest(c)) {
            if (!c.slow) {
                outstanding--;
            }
            c.status = Status.FRESH;
            failures++;
            return;
        }
        onFailure(address);
    }

    private boolean amongClosest(Candidate target) {
        int good = 0;
        for (Candidate c : sorted) {
            if (good >= k) {
                return false;
            }
            if (c == target) {
                return true;
            }
            if (c.status != Status.FAILED) {
                good++;
            }
        }
        return false;
    }

    /** The query to {@code address} failed for good (an error answer, or a timeout not worth retrying). */
    public void onFailure(InetSocketAddress address) {
        Candidate c = byAddress.get(address);
        if (c == null || c.status != Status.IN_FLIGHT) {
            return;
        }
        if (!c.slow) {
            outstanding--;
        }
        c.status = Status.FAILED;
        failures++;
    }

    /** True when the {@code k} closest live candidates have answered, or nothing is left to ask. */
    public boolean isDone() {
        for (Candidate r : routers) {
            if (r.status == Status.FRESH || r.status == Status.IN_FLIGHT) {
                return false;
            }
        }
        int good = 0;
        for (Candidate c : sorted) {
            if (good >= k) {
                break;
            }
            if (c.status == Status.FAILED) {
                continue;
            }
            if (c.status != Status.RESPONDED) {
                return false;
            }
            good++;
        }
        return true;
    }

    /** The up to {@code k} closest candidates that answered, closest first. */
    public List<Candidate> closestResponded() {
        List<Candidate> out = new ArrayList<>(k);
        for (Candidate c : sorted) {
            if (c.status == Status.RESPONDED) {
                out.add(c);
                if (out.size() == k) {
                    break;
                }
            }
        }
        return out;
    }

    /** Queries asked for so far. */
    public int queries() {
        return queries;
    }

    public int responses() {
        return responses;
    }

    public int failures() {
        return failures;
    }

    /** Rounds of the traversal: the deepest hop queried, plus one (0 before the first query). */
    public int rounds() {
        return maxHopAsked + 1;
    }
}
