package io.hivemind.bt.dht.sim;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.core.DhtEngine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code n} DHT cores exchanging KRPC datagrams in memory on a shared virtual clock.
 *
 * <p>Implementation note: a discrete-event simulation. Each datagram becomes an event at
 * {@code now + latency} (a base latency plus uniform jitter) in a priority queue ordered by time and then by
 * creation order, so a run is a pure function of the seed. Every {@code tickInterval} all engines get
 * {@link DhtEngine#tick}. Nodes sit at addresses 127.{i}.{j}.{k}:6881 (never used on a socket). Datagrams sent to
 * an address that is not a node (a simulated attacker's source address) are counted in {@link #bytesTo} instead of
 * delivered. Not thread-safe.
 */
public final class SimulatedNetwork {
    private record Event(long time, long seq, InetSocketAddress from, InetSocketAddress to, byte[] payload,
                         Runnable action) {
    }

    private final SplittableRandom random;
    private final long latencyNanos;
    private final long jitterNanos;
    private final double loss;
    private final long tickInterval;
    private final List<DhtEngine> nodes = new ArrayList<>();
    private final List<InetSocketAddress> addresses = new ArrayList<>();
    private final HashMap<InetSocketAddress, DhtEngine> byAddress = new HashMap<>();
    private final HashMap<InetSocketAddress, Long> bytesToOutsiders = new HashMap<>();
    private final java.util.HashSet<InetSocketAddress> down = new java.util.HashSet<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;
    private long nextTick;
    private long sent;
    private long delivered;
    private long lost;

    /**
     * @param size         number of nodes
     * @param config       settings of every node
     * @param seed         seed of all randomness (ids, latencies, losses, tokens)
     * @param latencyNanos one-way base latency
     * @param jitterNanos  extra uniform latency in [0, jitter)
     * @param loss         probability that a datagram is lost
     */
    public SimulatedNetwork(int size, DhtConfig config, long seed, long latencyNanos, long jitterNanos, double loss) {
        if (size < 1 || latencyNanos < 0 || jitterNanos < 0 || loss < 0 || loss >= 1) {
            throw new IllegalArgumentException("bad simulation parameters");
        }
        this.random = new SplittableRandom(seed);
        this.latencyNanos = latencyNanos;
        this.jitterNanos = jitterNanos;
        this.loss = loss;
        this.tickInterval = 100_000_000L;
        this.now = 1_000_000_000L;
        this.nextTick = now;
        for (int i = 0; i < size; i++) {
            addNode(config, NodeId.random(random));
        }
    }

    /** Adds a node with {@code id} and returns its index. */
    public int addNode(DhtConfig config, NodeId id) {
        int i = nodes.size() + 1;
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByAddress(
                    new byte[]{127, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}), 6881);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
        DhtEngine engine = new DhtEngine(config, id, random.split(), (to, payload) -> send(address, to, payload), now);
        nodes.add(engine);
        addresses.add(address);
        byAddress.put(address, engine);
        return nodes.size() - 1;
    }

    public int size() {
        return nodes.size();
    }

    public DhtEngine node(int index) {
        return nodes.get(index);
    }

    public InetSocketAddress address(int index) {
        return addresses.get(index);
    }

    /** Every node's id, by index. */
    public List<NodeId> ids() {
        List<NodeId> out = new ArrayList<>(nodes.size());
        for (DhtEngine e : nodes) {
            out.add(e.id());
        }
        return out;
    }

    /** The virtual time in nanoseconds. */
    public long now() {
        return now;
    }

    /** Datagrams sent, delivered and lost so far. */
    public long sent() {
        return sent;
    }

    public long delivered() {
        return delivered;
    }

    public long lost() {
        return lost;
    }

    /**
     * Takes the node at {@code index} off the network ({@code true}: it neither receives nor answers, like a peer
     * that left without a word) or brings it back.
     */
    public void setDown(int index, boolean isDown) {
        if (isDown) {
            down.add(addresses.get(index));
        } else {
            down.remove(addresses.get(index));
        }
    }

    /** Bytes the nodes sent to {@code outsider}, an address that is not a node. */
    public long bytesTo(InetSocketAddress outsider) {
        return bytesToOutsiders.getOrDefault(outsider, 0L);
    }

    /** Bytes the nodes sent to all addresses that are not nodes. */
    public long bytesToOutsiders() {
        long n = 0;
        for (long b : bytesToOutsiders.values()) {
            n += b;
        }
        return n;
    }

    private void send(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
        sent++;
        if (!byAddress.containsKey(to)) {
            bytesToOutsiders.merge(to, (long) payload.length, Long::sum);
            return;
        }
        if (loss > 0 && random.nextDouble() < loss) {
            lost++;
            return;
        }
        long delay = latencyNanos + (jitterNanos == 0 ? 0 : random.nextLong(jitterNanos));
        queue.add(new Event(now + delay, seq++, from, to, payload, null));
    }

    /** Delivers {@code payload} to the node at {@code to} as if sent from {@code from}, after the usual latency. */
    public void inject(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
        queue.add(new Event(now + latencyNanos, seq++, from, to, payload, null));
    }

    /** Runs {@code action} at virtual time {@code at}. */
    public void schedule(long at, Runnable action) {
        queue.add(new Event(Math.max(at, now), seq++, null, null, null, action));
    }

    /** Processes events until virtual time {@code now + nanos}. */
    public void runFor(long nanos) {
        runUntil(now + nanos, () -> false);
    }

    /** Processes events until {@code stop} is true or virtual time {@code deadline}; returns whether stopped. */
    public boolean runUntil(long deadline, java.util.function.BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            Event e = queue.peek();
            long next = e == null ? Long.MAX_VALUE : e.time;
            if (nextTick <= next) {
                if (nextTick > deadline) {
                    now = deadline;
                    return false;
                }
                now = nextTick;
                nextTick += tickInterval;
                for (int i = 0; i < nodes.size(); i++) {
                    if (down.isEmpty() || !down.contains(addresses.get(i))) {
                        nodes.get(i).tick(now);
                    }
                }
                continue;
            }
            if (next > deadline) {
                now = deadline;
                return false;
            }
            queue.poll();
            now = e.time;
            if (e.action != null) {
                e.action.run();
                continue;
            }
            DhtEngine target = byAddress.get(e.to);
            if (target != null && !down.contains(e.to)) {
                delivered++;
                target.receive(e.from, e.payload, now);
            }
        }
        return true;
    }

    /**
     * Starts an operation with a callback and runs the network until the callback fires (or {@code maxNanos} of
     * virtual time pass, then null).
     */
    public <T> T await(Consumer<Consumer<T>> start, long maxNanos) {
        AtomicReference<T> result = new AtomicReference<>();
        start.accept(result::set);
        runUntil(now + maxNanos, () -> result.get() != null);
        return result.get();
    }

    /**
     * Joins every node through node 0: nodes join one after another (each runs its bootstrap lookup to the end),
     * then every node looks itself up once more so that early joiners learn of later ones.
     */
    public void joinAll(long maxNanosPerJoin) {
        List<InetSocketAddress> router = List.of(addresses.getFirst());
        for (int i = 1; i < nodes.size(); i++) {
            DhtEngine n = nodes.get(i);
            this.<DhtEngine.FindNodeResult>await(done -> n.bootstrap(router, List.of(), now, done), maxNanosPerJoin);
        }
        int[] outstanding = {nodes.size()};
        for (DhtEngine n : nodes) {
            n.findNode(n.id(), now, r -> outstanding[0]--);
        }
        runUntil(now + maxNanosPerJoin * 10, () -> outstanding[0] == 0);
    }
}
