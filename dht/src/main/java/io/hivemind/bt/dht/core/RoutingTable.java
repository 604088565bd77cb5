package io.hivemind.bt.dht.core;

import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.NodeInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Kademlia routing table of BEP 5 "Routing Table": buckets of at most {@code k} (8) good nodes covering the
 * id space, finer near our own id.
 *
 * <p>Implementation note: buckets are indexed by the length of the prefix a node shares with our id; bucket
 * {@code i} holds nodes sharing exactly {@code i} bits, except the last, which holds every node sharing at least
 * its index. Only the last bucket (the one whose range contains our id) is ever split, exactly as BEP 5 says: when
 * a node belongs to it and it is full, a new last bucket takes the nodes that share one more bit. (libtorrent also
 * lets the bucket next to ours grow; we keep the BEP's rule, which is enough for lookups to converge in O(log n)
 * steps, and the simulated network checks that.)
 *
 * <p>Node states follow BEP 5: a node is <em>good</em> if it answered one of our queries in the last 15 minutes,
 * or answered once and queried us in the last 15 minutes; <em>questionable</em> after 15 minutes of silence;
 * <em>bad</em> after {@value #BAD_AFTER_FAILURES} unanswered queries in a row. Nodes that have only queried us are
 * <em>unconfirmed</em> (questionable until they answer): they are never handed out to others, which keeps
 * spoofed-source entries out of other nodes' lookups. When a full bucket meets a new node, a bad node is replaced
 * at once; otherwise the newcomer waits in the bucket's replacement cache ({@code k} entries, newest kept) and
 * the bucket's questionable nodes are offered for pinging ({@link #nodesToPing}); when one turns bad, the newest
 * replacement takes its place. Optionally (the default, as libtorrent's {@code restrict_routing_ips}) one node
 * per IP address.
 *
 * <p>Not thread-safe: owned by the node's event loop. Time is passed in; nothing here sends packets.
 */
public final class RoutingTable {
    /** Unanswered queries in a row after which a node is bad. */
    public static final int BAD_AFTER_FAILURES = 2;
    /** BEP 5: a node is questionable after 15 minutes of inactivity. */
    public static final long QUESTIONABLE_NANOS = 15L * 60 * 1_000_000_000L;

    /** Liveness of a node (BEP 5). */
    public enum State { GOOD, QUESTIONABLE, BAD }

    /** A node in the table or a replacement cache. */
    private static final class Entry {
        NodeInfo node;
        long lastResponse = Long.MIN_VALUE; // never
        long lastQuery = Long.MIN_VALUE;
        long lastPing = Long.MIN_VALUE;
        int failures;

        Entry(NodeInfo node) {
            this.node = node;
        }

        boolean confirmed() {
            return lastResponse != Long.MIN_VALUE;
        }

        State state(long now) {
            if (failures >= BAD_AFTER_FAILURES) {
                return State.BAD;
            }
            if (confirmed() && (now - lastResponse < QUESTIONABLE_NANOS
                    || (lastQuery != Long.MIN_VALUE && now - lastQuery < QUESTIONABLE_NANOS))) {
                return State.GOOD;
            }
            return State.QUESTIONABLE;
        }
    }

    private static final class Bucket {
        final ArrayList<Entry> live = new ArrayList<>();
        final ArrayList<Entry> replacements = new ArrayList<>();
        long lastChanged;
    }

    private final NodeId self;
    private final int k;
    private final boolean oneNodePerIp;
    private final ArrayList<Bucket> buckets = new ArrayList<>();
    private final HashMap<NodeId, Entry> byId = new HashMap<>();
    private final HashMap<InetAddress, Entry> byIp = new HashMap<>();

    /**
     * @param self         our node id
     * @param k            bucket size (8 in BEP 5)
     * @param oneNodePerIp keep at most one node per IP address
     * @param nowNanos     creation time (buckets count as fresh)
     */
    public RoutingTable(NodeId self, int k, boolean oneNodePerIp, long nowNanos) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
        this.self = self;
        this.k = k;
        this.oneNodePerIp = oneNodePerIp;
        Bucket first = new Bucket();
        first.lastChanged = nowNanos;
        buckets.add(first);
    }

    public NodeId self() {
        return self;
    }

    /** Number of live (non-replacement) nodes. */
    public int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.live.size();
        }
        return n;
    }

    /** Number of buckets (grows as the bucket holding our id splits). */
    public int bucketCount() {
        return buckets.size();
    }

    /** Live nodes in bucket {@code index}. */
    public List<NodeInfo> bucket(int index) {
        List<NodeInfo> out = new ArrayList<>();
        for (Entry e : buckets.get(index).live) {
            out.add(e.node);
        }
        return out;
    }

    /** Nodes waiting in bucket {@code index}'s replacement cache. */
    public List<NodeInfo> replacements(int index) {
        List<NodeInfo> out = new ArrayList<>();
        for (Entry e : buckets.get(index).replacements) {
            out.add(e.node);
        }
        return out;
    }

    /** The state of a live node, or null when it is not in the table. */
    public State state(NodeId id, long nowNanos) {
        Entry e = byId.get(id);
        return e == null || !isLive(e) ? null : e.state(nowNanos);
    }

    /** True when {@code id} is a live node of the table. */
    public boolean contains(NodeId id) {
        Entry e = byId.get(id);
        return e != null && isLive(e);
    }

    private boolean isLive(Entry e) {
        return bucketOf(e.node.id()).live.contains(e);
    }

    private int indexOf(NodeId id) {
        return Math.min(self.commonPrefixLength(id), buckets.size() - 1);
    }

    private Bucket bucketOf(NodeId id) {
        return buckets.get(indexOf(id));
    }

    // ------------------------------------------------------------------------------------------------ events

    /** {@code node} answered one of our queries: it is good now (and is added if there is room). */
    public void onResponse(NodeInfo node, long nowNanos) {
        Entry e = admit(node, nowNanos);
        if (e != null) {
            e.lastResponse = nowNanos;
            e.failures = 0;
            Bucket b = bucketOf(node.id());
            b.lastChanged = nowNanos;
            if (b.replacements.contains(e)) {
                for (Entry x : b.live) {
                    if (x.state(nowNanos) == State.BAD) { // a confirmed replacement takes a bad node's place
                        remove(b, x);
                        b.replacements.remove(e);
                        b.live.add(e);
                        break;
                    }
                }
            }
        }
    }

    /** {@code node} sent us a query (and is not read-only, BEP 43): refresh it or take it as unconfirmed. */
    public void onQuery(NodeInfo node, long nowNanos) {
        Entry e = admit(node, nowNanos);
        if (e != null) {
            e.lastQuery = nowNanos;
        }
    }

    /** A query to {@code node} timed out; after {@value #BAD_AFTER_FAILURES} in a row it is replaced if possible. */
    public void onTimeout(NodeInfo node, long nowNanos) {
        Entry e = byId.get(node.id());
        if (e == null || !e.node.address().equals(node.address())) {
            return;
        }
        e.failures++;
        Bucket b = bucketOf(node.id());
        if (e.failures >= BAD_AFTER_FAILURES) {
            if (b.live.contains(e)) {
                if (!b.replacements.isEmpty() || !e.confirmed()) {
                    remove(b, e);
                    promote(b, nowNanos);
                }
            } else {
                b.replacements.remove(e);
                forget(e);
            }
        }
    }

    /**
     * Finds or inserts {@code node}. Returns its entry when it is (now) live or in a replacement cache, null when it
     * was refused (our own id, an id already held by another address, another node on the same IP).
     */
    private Entry admit(NodeInfo node, long now) {
        if (node.id().equals(self)) {
            return null;
        }
        Entry e = byId.get(node.id());
        if (e != null) {
            if (!e.node.address().equals(node.address())) {
                return null; // an id seen at another address: not ours to move
            }
            return e;
        }
        if (oneNodePerIp && byIp.containsKey(node.address().getAddress())) {
            return null;
        }
        e = new Entry(node);
        while (true) {
            int index = indexOf(node.id());
            Bucket b = buckets.get(index);
            if (b.live.size() < k) {
                b.live.add(e);
                b.lastChanged = now;
                remember(e);
                return e;
            }
            if (index == buckets.size() - 1 && index < NodeId.BITS - 1) {
                split(now);
                continue;
            }
            Entry bad = null;
            for (Entry x : b.live) {
                if (x.state(now) == State.BAD) {
                    bad = x;
                    break;
                }
            }
            if (bad != null) {
                remove(b, bad);
                b.live.add(e);
                b.lastChanged = now;
                remember(e);
                return e;
            }
            if (b.replacements.size() >= k) {
                forget(b.replacements.removeFirst());
            }
            b.replacements.add(e);
            remember(e);
            return e;
        }
    }

    private void split(long now) {
        int index = buckets.size() - 1;
        Bucket old = buckets.get(index);
        Bucket next = new Bucket();
        next.lastChanged = now;
        buckets.add(next);
        old.live.removeIf(e -> {
            if (self.commonPrefixLength(e.node.id()) > index) {
                next.live.add(e);
                return true;
            }
            return false;
        });
        old.replacements.removeIf(e -> {
            if (self.commonPrefixLength(e.node.id()) > index) {
                next.replacements.add(e);
                return true;
            }
            return false;
        });
        promote(old, now);
        promote(next, now);
    }

    /** Fills free live slots of {@code b} from its replacement cache, newest first. */
    private void promote(Bucket b, long now) {
        while (b.live.size() < k && !b.replacements.isEmpty()) {
            b.live.add(b.replacements.removeLast());
            b.lastChanged = now;
        }
    }

    private void remove(Bucket b, Entry e) {
        b.live.remove(e);
        forget(e);
    }

    private void remember(Entry e) {
        byId.put(e.node.id(), e);
        byIp.put(e.node.address().getAddress(), e);
    }

    private void forget(Entry e) {
        byId.remove(e.node.id(), e);
        byIp.remove(e.node.address().getAddress(), e);
    }

    // ------------------------------------------------------------------------------------------------ queries

    /**
     * Up to {@code count} confirmed, non-bad nodes closest to {@code target}, closest first: what a
     * {@code find_node}/{@code get_peers} answer carries and where a lookup starts.
     */
    public List<NodeInfo> closest(NodeId target, int count, long nowNanos) {
        ArrayList<NodeInfo> all = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.live) {
                if (e.confirmed() && e.state(nowNanos) != State.BAD) {
                    all.add(e.node);
                }
            }
        }
        Comparator<NodeInfo> byDistance = (x, y) -> target.compareDistance(x.id(), y.id());
        all.sort(byDistance);
        return all.size() <= count ? all : new ArrayList<>(all.subList(0, count));
    }

    /** Every live node (for saving the table). */
    public List<NodeInfo> all() {
        List<NodeInfo> out = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.live) {
                out.add(e.node);
            }
        }
        return out;
    }

    /**
     * Nodes the owner should ping now, at most {@code max}: unconfirmed nodes, and questionable nodes of buckets
     * that have replacements waiting or that are due for a check. Each node is offered at most once per
     * {@code minInterval}; the caller reports the answer with {@link #onResponse} or {@link #onTimeout}.
     */
    public List<NodeInfo> nodesToPing(long nowNanos, long minIntervalNanos, int max) {
        List<NodeInfo> out = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Entry e : b.live) {
                if (out.size() >= max) {
                    return out;
                }
                if (e.state(nowNanos) != State.GOOD
                        && (e.lastPing == Long.MIN_VALUE || nowNanos - e.lastPing >= minIntervalNanos)) {
                    e.lastPing = nowNanos;
                    out.add(e.node);
                }
            }
        }
        return out;
    }

    /**
     * Random targets inside buckets unchanged for {@code staleAfter} (BEP 5: refresh a bucket after 15 minutes
     * with a {@code find_node} for a random id in its range); marks those buckets refreshed.
     */
    public List<NodeId> refreshTargets(long nowNanos, long staleAfterNanos, RandomGenerator random) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (nowNanos - b.lastChanged >= staleAfterNanos) {
                b.lastChanged = nowNanos;
                // the last bucket covers every longer prefix: any id sharing at least i bits will do
                NodeId target = self.randomWithPrefix(i, random);
                out.add(i == buckets.size() - 1 ? target.flipBit(i) : target);
            }
        }
        return out;
    }
}
