package io.hivemind.bt.dht.core;

import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.dht.DhtStats;
import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.Compact;
import io.hivemind.bt.dht.krpc.KrpcCodec;
import io.hivemind.bt.dht.krpc.KrpcError;
import io.hivemind.bt.dht.krpc.KrpcException;
import io.hivemind.bt.dht.krpc.KrpcMessage;
import io.hivemind.bt.dht.krpc.KrpcQuery;
import io.hivemind.bt.dht.krpc.KrpcResponse;
import io.hivemind.bt.dht.krpc.NodeInfo;
import io.hivemind.bt.dht.krpc.Want;
import io.hivemind.bt.wire.bencode.BValue;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The protocol core of a DHT node (BEP 5, 32, 42, 43, 44, 51): it turns received datagrams and the passage of time
 * into datagrams to send and completed operations. It owns the two routing tables (IPv4 and IPv6, BEP 32), the
 * token secret, the peer and item stores, the per-IP limiter, the upload budget, the outstanding transactions and
 * the running lookups.
 *
 * <p>Implementation note: no sockets, threads or clocks. The shell (the Netty {@code DhtNode}, or the simulated
 * network of the tests and benchmarks) calls {@link #receive} for every datagram and {@link #tick} periodically,
 * passing {@code nowNanos}; every datagram to send goes to the {@link Transport} given at construction, as a
 * finished byte array. Operations ({@link #getPeers}, {@link #announce}, {@link #getItem}, {@link #putImmutable},
 * {@link #putMutable}, {@link #sampleInfohashes}, {@link #findNode}) are iterative lookups ({@link Lookup}) run
 * over each address family that has a socket, and complete by calling their callback from inside
 * {@code receive} or {@code tick}.
 *
 * <p>Abuse limits (HARDENING.md): the per-IP {@link RateLimiter} sees every datagram before it is parsed; a
 * datagram that is not a bencoded dictionary is dropped without an answer; every answer is at most
 * {@code replyAmplification} times its query (the {@code values} list is cut first) and must fit the global
 * {@link TokenBucket}; announces and puts need a token from {@link TokenManager} for the sender's IP and key.
 *
 * <p>Not thread-safe: every call must come from one thread (the node's event loop).
 */
public final class DhtEngine {
    /** Where the engine sends datagrams; the payload array is handed over and not reused. */
    @FunctionalInterface
    public interface Transport {
        void send(InetSocketAddress to, byte[] payload);
    }

    /** What a lookup cost. */
    public record LookupStats(int queries, int responses, int failures, int rounds) {
        LookupStats plus(LookupStats o) {
            return new LookupStats(queries + o.queries, responses + o.responses, failures + o.failures,
                    Math.max(rounds, o.rounds));
        }
    }

    /** The k closest nodes to a target. */
    public record FindNodeResult(List<NodeInfo> closest, LookupStats stats) {
    }

    /** Peers found for an info-hash (deduplicated), and the closest nodes that answered. */
    public record PeersResult(List<InetSocketAddress> peers, List<NodeInfo> closest, LookupStats stats) {
    }

    /** The nodes that accepted an announce or a put. */
    public record StoreResult(NodeId target, int accepted, int refused, List<String> errors, LookupStats stats) {
    }

    /** A BEP 44 item read from the DHT: {@code value} null when none was found; {@code mutable} set for a mutable item. */
    public record ItemResult(NodeId target, BValue value, MutableItem mutable, int copies, LookupStats stats) {
    }

    /** BEP 51 samples gathered over a traversal. */
    public record SampleResult(Set<NodeId> infoHashes, int nodesAnswered, long largestNum, LookupStats stats) {
    }

    private static final int MAX_PENDING = 4096;
    private static final int MAX_VOTES = 64;
    private static final int MIN_VOTES = 3;
    /** Largest answer carrying a BEP 44 item (a 1000-byte value, key, signature, token and nodes). */
    private static final int MAX_ITEM_ANSWER = 1500;
    private static final int PINGS_PER_TICK = 8;
    private static final long SECOND = 1_000_000_000L;

    private final DhtConfig config;
    private final NodeId id;
    private final RandomGenerator random;
    private final Transport transport;
    private final RoutingTable table4;
    private final RoutingTable table6;
    private final TokenManager tokens;
    private final PeerStore peers;
    private final ItemStore items;
    private final RateLimiter limiter;
    private final TokenBucket upload;
    private final HashMap<Integer, Pending> pending = new HashMap<>();
    private final ArrayList<Operation> operations = new ArrayList<>();
    private final long queryTimeout;
    private final long slowAfter;
    private boolean v4Enabled = true;
    /** Replaced by an engine with a new id: answers no query, does no maintenance, only finishes its operations. */
    private boolean retired;
    private boolean v6Enabled;
    private List<InetSocketAddress> routers = List.of();
    private int nextTid;
    private long lastMaintenance;
    private long clock; // the latest time passed in by the shell
    private long lastBootstrap = Long.MIN_VALUE;
    private InetSocketAddress reportedExternal;
    /** BEP 42 {@code ip} reports: answering node's IP → the address it saw us at (bounded, oldest dropped). */
    private final java.util.LinkedHashMap<InetAddress, InetAddress> externalVotes = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<InetAddress, InetAddress> eldest) {
            return size() > MAX_VOTES;
        }
    };

    private long packetsIn;
    private long queriesIn;
    private long queriesOut;
    private long responsesIn;
    private long repliesOut;
    private long timeouts;
    private long malformed;
    private long rateLimited;
    private long budgetDropped;
    private long badTokens;
    private long bytesIn;
    private long bytesOut;

    /**
     * @param config    settings
     * @param id        our node id (see {@link NodeIdRestriction#generate} for a BEP 42 id)
     * @param random    randomness for tokens, transaction ids and samples
     * @param transport where datagrams go
     * @param nowNanos  the current time
     */
    public DhtEngine(DhtConfig config, NodeId id, RandomGenerator random, Transport transport, long nowNanos) {
        this.config = config;
        this.id = id;
        this.random = random;
        this.transport = transport;
        this.table4 = new RoutingTable(id, config.k(), config.restrictRoutingIps(), nowNanos);
        this.table6 = new RoutingTable(id, config.k(), config.restrictRoutingIps(), nowNanos);
        this.tokens = new TokenManager(random, config.tokenRotation().toNanos(), nowNanos);
        this.peers = new PeerStore(config.maxTorrents(), config.maxPeersPerTorrent(), config.peerTtl().toNanos());
        this.items = new ItemStore(config.maxItems(), config.itemTtl().toNanos());
        this.limiter = new RateLimiter(config.rateLimitPerSecond(), config.rateLimitWindow().toNanos(),
                config.rateLimitBan().toNanos(), config.rateLimitTracked());
        this.upload = new TokenBucket(config.uploadBytesPerSecond(), config.uploadBurstBytes(), nowNanos);
        this.queryTimeout = config.queryTimeout().toNanos();
        this.slowAfter = config.slowAfter().toNanos();
        this.nextTid = random.nextInt(1 << 16);
        this.lastMaintenance = nowNanos;
    }

    // ------------------------------------------------------------------------------------------------ accessors

    public NodeId id() {
        return id;
    }

    public DhtConfig config() {
        return config;
    }

    /** The routing table of one family. */
    public RoutingTable table(boolean v4) {
        return v4 ? table4 : table6;
    }

    /** Which families have a socket (operations run over those). */
    public void setFamilies(boolean v4, boolean v6) {
        if (!v4 && !v6) {
            throw new IllegalArgumentException("at least one address family");
        }
        this.v4Enabled = v4;
        this.v6Enabled = v6;
    }

    /** Our address as the last answering node reported it (BEP 42 {@code ip}), or null. */
    public InetSocketAddress reportedExternalAddress() {
        return reportedExternal;
    }

    /**
     * Our external IP as the answering nodes see it (BEP 42 {@code ip}), decided by vote: the address reported by
     * the most distinct nodes among the last {@value #MAX_VOTES}, if at least {@value #MIN_VOTES} nodes and more
     * than half of the voters agree; null otherwise. A single node cannot move it.
     */
    public InetAddress externalAddress() {
        java.util.HashMap<InetAddress, Integer> counts = new java.util.HashMap<>();
        InetAddress best = null;
        int bestCount = 0;
        for (InetAddress a : externalVotes.values()) {
            int c = counts.merge(a, 1, Integer::sum);
            if (c > bestCount) {
                best = a;
                bestCount = c;
            }
        }
        return bestCount >= MIN_VOTES && 2 * bestCount > externalVotes.size() ? best : null;
    }

    /** Peers stored locally for {@code infoHash} (both families). */
    public List<InetSocketAddress> storedPeers(NodeId infoHash, long nowNanos) {
        List<InetSocketAddress> out = new ArrayList<>(peers.peers(infoHash, true, Integer.MAX_VALUE, nowNanos, random));
        out.addAll(peers.peers(infoHash, false, Integer.MAX_VALUE, nowNanos, random));
        return out;
    }

    /** Outstanding transactions. */
    public int pendingQueries() {
        return pending.size();
    }

    /** Running operations. */
    public int runningOperations() {
        return operations.size();
    }

    public DhtStats stats() {
        return new DhtStats(table4.size(), table6.size(), packetsIn, queriesIn, queriesOut, responsesIn, repliesOut,
                timeouts, malformed, rateLimited, budgetDropped, badTokens, bytesIn, bytesOut,
                peers.torrentCount(), items.size());
    }

    // ------------------------------------------------------------------------------------------------ input

    /** Handles one datagram of {@code length} bytes from {@code from}. The array is not kept. */
    public void receive(InetSocketAddress from, byte[] packet, int offset, int length, long nowNanos) {
        clock = nowNanos;
        packetsIn++;
        bytesIn += length;
        if (!limiter.allow(from.getAddress(), nowNanos)) {
            rateLimited++;
            return;
        }
        KrpcMessage message;
        try {
            message = KrpcCodec.decode(packet, offset, length);
        } catch (KrpcException e) {
            malformed++;
            byte[] tid = e.transactionId();
            if (tid != null && !config.readOnly()) {
                reply(from, new KrpcError(tid, KrpcError.PROTOCOL, "invalid query"), length, nowNanos);
            }
            return;
        }
        switch (message) {
            case KrpcQuery q -> onQuery(from, q, length, nowNanos);
            case KrpcResponse r -> onResponse(from, r, nowNanos);
            case KrpcError e -> onError(from, e, nowNanos);
        }
    }

    /** Handles a whole datagram. */
    public void receive(InetSocketAddress from, byte[] packet, long nowNanos) {
        receive(from, packet, 0, packet.length, nowNanos);
    }

    private boolean acceptableId(NodeId nodeId, InetSocketAddress from) {
        return !config.enforceNodeIdRestriction() || NodeIdRestriction.isValid(nodeId, from.getAddress());
    }

    private void onQuery(InetSocketAddress from, KrpcQuery q, int length, long now) {
        if (config.readOnly() || retired) {
            return; // BEP 43: a read-only node answers no query; a retired engine leaves them to its successor
        }
        queriesIn++;
        boolean v4 = Compact.isV4(from);
        if (!q.readOnly() && acceptableId(q.id(), from)) {
            table(v4).onQuery(new NodeInfo(q.id(), from), now);
        }
        KrpcMessage answer = switch (q) {
            case KrpcQuery.Ping p -> base(p.transactionId(), from).build();
            case KrpcQuery.FindNode f -> withNodes(base(f.transactionId(), from), f.target(), f.want(), v4, now)
                    .build();
            case KrpcQuery.GetPeers g -> {
                KrpcResponse.Builder b = withNodes(base(g.transactionId(), from), g.infoHash(), g.want(), v4, now)
                        .token(tokens.token(from.getAddress(), g.infoHash()));
                List<InetSocketAddress> values = peers.peers(g.infoHash(), v4, config.maxValues(), now, random);
                yield fitValues(b, values, length);
            }
            case KrpcQuery.AnnouncePeer a -> {
                if (!tokens.valid(a.token(), from.getAddress(), a.infoHash())) {
                    badTokens++;
                    yield new KrpcError(a.transactionId(), KrpcError.PROTOCOL, "bad token");
                }
                int port = a.impliedPort() ? from.getPort() : a.port();
                peers.announce(a.infoHash(), new InetSocketAddress(from.getAddress(), port), now);
                yield base(a.transactionId(), from).build();
            }
            case KrpcQuery.Get g -> get(from, g, v4, now);
            case KrpcQuery.Put p -> put(from, p, now);
            case KrpcQuery.SampleInfohashes s -> withNodes(base(s.transactionId(), from), s.target(), s.want(), v4, now)
                    .samples(peers.sample(config.maxSamples(), random), peers.torrentCount(),
                            config.sampleInterval().toSeconds())
                    .build();
            case KrpcQuery.Unknown u -> u.target() == null
                    ? new KrpcError(u.transactionId(), KrpcError.METHOD_UNKNOWN, "method unknown")
                    : withNodes(base(u.transactionId(), from), u.target(), u.want(), v4, now).build();
        };
        reply(from, answer, length, now);
    }

    private KrpcResponse.Builder base(byte[] tid, InetSocketAddress from) {
        return KrpcResponse.builder(tid, id).ip(from);
    }

    private KrpcResponse.Builder withNodes(KrpcResponse.Builder b, NodeId target, int want, boolean v4, long now) {
        if (Want.v4(want, v4)) {
            b.nodes(table4.closest(target, config.k(), now));
        }
        if (Want.v6(want, v4)) {
            b.nodes6(table6.closest(target, config.k(), now));
        }
        return b;
    }

    /** Cuts {@code values} until the answer is at most {@code replyAmplification} times the query. */
    private KrpcResponse fitValues(KrpcResponse.Builder b, List<InetSocketAddress> values, int queryLength) {
        int limit = queryLength * config.replyAmplification();
        List<InetSocketAddress> v = values;
        while (true) {
            KrpcResponse r = b.values(v).build();
            if (v.isEmpty() || KrpcCodec.encode(r).length <= limit) {
                return r;
            }
            v = v.subList(0, v.size() / 2);
        }
    }

    private KrpcMessage get(InetSocketAddress from, KrpcQuery.Get g, boolean v4, long now) {
        KrpcResponse.Builder b = withNodes(base(g.transactionId(), from), g.target(), g.want(), v4, now)
                .token(tokens.token(from.getAddress(), g.target()));
        ItemStore.Stored s = items.get(g.target(), now);
        if (s != null) {
            if (!s.mutable()) {
                b.item(s.v(), null, null, null);
            } else if (g.seq() != null && s.seq() <= g.seq()) {
                b.seq(s.seq()); // BEP 44: not newer than what the requester has: the number only
            } else {
                b.item(s.v(), s.k(), s.seq(), s.sig());
            }
        }
        return b.build();
    }

    private KrpcMessage put(InetSocketAddress from, KrpcQuery.Put p, long now) {
        byte[] tid = p.transactionId();
        if (p.salt().length > ItemStore.MAX_SALT) {
            return new KrpcError(tid, KrpcError.SALT_TOO_BIG, "salt too big");
        }
        NodeId target = p.mutable() ? MutableItem.target(p.k(), p.salt()) : ItemStore.immutableTarget(p.v());
        if (!tokens.valid(p.token(), from.getAddress(), target)) {
            badTokens++;
            return new KrpcError(tid, KrpcError.PROTOCOL, "bad token");
        }
        ItemStore.Outcome o = p.mutable()
                ? items.putMutable(p.k(), p.salt(), p.seq(), p.v(), p.sig(), p.cas(), now)
                : items.putImmutable(p.v(), now);
        if (o != ItemStore.Outcome.STORED) {
            return new KrpcError(tid, o.errorCode(), o.name().toLowerCase().replace('_', ' '));
        }
        return base(tid, from).build();
    }

    private void reply(InetSocketAddress to, KrpcMessage answer, int queryLength, long now) {
        byte[] payload = KrpcCodec.encode(answer);
        int limit = queryLength * config.replyAmplification();
        if (answer instanceof KrpcResponse r && r.v() != null) {
            // a BEP 44 value is bounded by the protocol (1000 bytes) and is the whole point of the answer
            limit = Math.max(limit, MAX_ITEM_ANSWER);
        }
        if (payload.length > limit && answer instanceof KrpcResponse r) {
            // never amplify beyond the bound: drop the second family's nodes, then everything optional
            payload = KrpcCodec.encode(KrpcResponse.builder(r.transactionId(), r.id()).ip(r.ip())
                    .nodes(r.nodes()).token(r.token()).build());
            if (payload.length > limit) {
                payload = KrpcCodec.encode(KrpcResponse.builder(r.transactionId(), r.id()).build());
            }
        }
        if (!upload.tryTake(payload.length, now)) {
            budgetDropped++;
            return;
        }
        repliesOut++;
        bytesOut += payload.length;
        transport.send(to, payload);
    }

    private void onResponse(InetSocketAddress from, KrpcResponse r, long now) {
        Pending p = takePending(from, r.transactionId());
        if (p == null) {
            return;
        }
        responsesIn++;
        if (r.ip() != null) {
            reportedExternal = r.ip();
            externalVotes.remove(from.getAddress());
            externalVotes.put(from.getAddress(), r.ip().getAddress());
        }
        if (acceptableId(r.id(), from) && (p.expected == null || p.expected.equals(r.id()))) {
            table(Compact.isV4(from)).onResponse(new NodeInfo(r.id(), from), now);
        }
        p.handler.onResponse(r, now);
    }

    private void onError(InetSocketAddress from, KrpcError e, long now) {
        Pending p = takePending(from, e.transactionId());
        if (p != null) {
            responsesIn++;
            p.handler.onError(e, now);
        }
    }

    private Pending takePending(InetSocketAddress from, byte[] tid) {
        if (tid.length != 2) {
            return null;
        }
        int key = (tid[0] & 0xff) << 8 | (tid[1] & 0xff);
        Pending p = pending.get(key);
        if (p == null || !p.to.equals(from)) {
            return null; // unknown, late, or a spoofed answer from another address
        }
        pending.remove(key);
        return p;
    }

    // ------------------------------------------------------------------------------------------------ output

    private interface ReplyHandler {
        void onResponse(KrpcResponse r, long now);

        void onError(KrpcError e, long now);

        void onTimeout(long now);
    }

    private record Pending(InetSocketAddress to, NodeId expected, long deadline, ReplyHandler handler) {
    }

    @FunctionalInterface
    private interface QueryFactory {
        KrpcQuery make(byte[] tid);
    }

    /** Sends a query; false when too many are outstanding. */
    private boolean send(InetSocketAddress to, NodeId expected, QueryFactory factory, ReplyHandler handler,
                         long now) {
        if (pending.size() >= MAX_PENDING) {
            return false;
        }
        int key;
        do {
            key = nextTid++ & 0xffff;
        } while (pending.containsKey(key));
        byte[] tid = {(byte) (key >>> 8), (byte) key};
        byte[] payload = KrpcCodec.encode(factory.make(tid));
        pending.put(key, new Pending(to, expected, now + queryTimeout, handler));
        queriesOut++;
        bytesOut += payload.length;
        transport.send(to, payload);
        return true;
    }

    /** Pings {@code to} (for example a node learned from a BEP 5 PORT message); the answer feeds the table. */
    public void ping(InetSocketAddress to, long nowNanos) {
        send(to, null, tid -> new KrpcQuery.Ping(tid, id, config.readOnly()), IGNORE, nowNanos);
    }

    private static final ReplyHandler IGNORE = new ReplyHandler() {
        @Override
        public void onResponse(KrpcResponse r, long now) {
        }

        @Override
        public void onError(KrpcError e, long now) {
        }

        @Override
        public void onTimeout(long now) {
        }
    };

    /**
     * Retires this engine after its node took a new id (BEP 42, our external address changed): from now on it answers
     * no query and does no table maintenance; it still handles responses and timeouts so that the operations it runs
     * complete their callbacks. Idle once {@link #runningOperations()} and {@link #pendingQueries()} are zero.
     */
    public void retire() {
        retired = true;
    }

    // ------------------------------------------------------------------------------------------------ time

    /** Expires transactions, rotates tokens, expires stores, pings questionable nodes, refreshes buckets. */
    public void tick(long nowNanos) {
        clock = nowNanos;
        tokens.tick(nowNanos);
        if (!pending.isEmpty()) {
            List<Pending> expired = null;
            for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (nowNanos - p.deadline >= 0) {
                    it.remove();
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(p);
                }
            }
            if (expired != null) {
                for (Pending p : expired) {
                    timeouts++;
                    if (p.expected != null) {
                        table(Compact.isV4(p.to)).onTimeout(new NodeInfo(p.expected, p.to), nowNanos);
                    }
                    p.handler.onTimeout(nowNanos);
                }
            }
        }
        for (Operation op : List.copyOf(operations)) {
            op.pump(nowNanos);
        }
        if (!retired && nowNanos - lastMaintenance >= SECOND) {
            lastMaintenance = nowNanos;
            maintain(nowNanos);
        }
    }

    private void maintain(long now) {
        peers.expire(now);
        items.expire(now);
        for (RoutingTable t : enabledTables()) {
            for (NodeInfo n : t.nodesToPing(now, config.pingInterval().toNanos(), PINGS_PER_TICK)) {
                send(n.address(), n.id(), tid -> new KrpcQuery.Ping(tid, id, config.readOnly()), IGNORE, now);
            }
            for (NodeId target : t.refreshTargets(now, config.bucketRefresh().toNanos(), random)) {
                findNode(target, now, r -> { });
            }
        }
        if (!routers.isEmpty() && table4.size() + table6.size() < config.k()
                && (lastBootstrap == Long.MIN_VALUE || now - lastBootstrap >= 10 * SECOND)) {
            bootstrap(routers, List.of(), now, r -> { });
        }
    }

    private List<RoutingTable> enabledTables() {
        List<RoutingTable> out = new ArrayList<>(2);
        if (v4Enabled) {
            out.add(table4);
        }
        if (v6Enabled) {
            out.add(table6);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ operations

    /**
     * Joins the DHT: a lookup for our own id seeded with the routers (by address) and previously known nodes
     * (for example a saved routing table). The routers are remembered and used again while the table is empty.
     */
    public void bootstrap(List<InetSocketAddress> routers, List<NodeInfo> known, long nowNanos,
                          Consumer<FindNodeResult> done) {
        if (!routers.isEmpty()) {
            this.routers = List.copyOf(routers);
        }
        lastBootstrap = nowNanos;
        FindNodeOp op = new FindNodeOp(id, r -> {
            refreshAllBuckets(clock);
            done.accept(r);
        });
        for (InetSocketAddress r : routers) {
            op.lookupFor(Compact.isV4(r)).ifPresent(l -> l.addRouter(r));
        }
        for (NodeInfo n : known) {
            op.lookupFor(n.isIpv4()).ifPresent(l -> l.addSeeds(List.of(n)));
        }
        start(op, nowNanos);
    }

    /**
     * Looks up a random id in the range of every bucket but the deepest (BEP 5: a node that has just joined
     * refreshes its buckets so that the far ones fill too), as libtorrent does at the end of its bootstrap.
     */
    public void refreshAllBuckets(long nowNanos) {
        for (RoutingTable t : enabledTables()) {
            int n = t.bucketCount();
            for (int i = 0; i < n - 1; i++) {
                findNode(id.randomWithPrefix(i, random), nowNanos, r -> { });
            }
        }
    }

    /** Finds the k closest nodes to {@code target}. */
    public void findNode(NodeId target, long nowNanos, Consumer<FindNodeResult> done) {
        start(new FindNodeOp(target, done), nowNanos);
    }

    /** Looks up peers of {@code infoHash} (merged with locally stored ones). */
    public void getPeers(NodeId infoHash, long nowNanos, Consumer<PeersResult> done) {
        getPeers(infoHash, nowNanos, null, done);
    }

    /**
     * Looks up peers of {@code infoHash} like {@link #getPeers(NodeId, long, Consumer)}, and also hands each answer's
     * peers not seen before in this lookup to {@code onPeers} as they arrive, so a caller can dial the first peer
     * without waiting for the traversal to finish (it ends only when the k closest nodes answered or timed out, which
     * takes {@code MAX_ATTEMPTS × queryTimeout} when some of them are gone). {@code onPeers} (nullable) runs on the
     * engine's thread; an exception it throws is caught and ignored.
     */
    public void getPeers(NodeId infoHash, long nowNanos, Consumer<List<InetSocketAddress>> onPeers,
            Consumer<PeersResult> done) {
        start(new GetPeersOp(infoHash, done, null, onPeers), nowNanos);
    }

    /**
     * Announces that we are a peer of {@code infoHash} on {@code port} (0: the source port of our DHT socket, BEP 5
     * {@code implied_port}) to the k closest nodes, after a {@code get_peers} lookup that collected their tokens.
     */
    public void announce(NodeId infoHash, int port, long nowNanos, Consumer<StoreResult> done) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        start(new GetPeersOp(infoHash, r -> { }, new AnnounceSpec(port, done), null), nowNanos);
    }

    /**
     * Reads a BEP 44 item. For an immutable item pass {@code publicKey == null}; for a mutable one the target is
     * SHA-1(publicKey ‖ salt) and the newest valid version found is returned.
     */
    public void getItem(NodeId target, byte[] publicKey, byte[] salt, long nowNanos, Consumer<ItemResult> done) {
        start(new GetItemOp(target, publicKey, salt, done, null), nowNanos);
    }

    /** Stores an immutable item on the k closest nodes to SHA-1 of its bencoding. */
    public void putImmutable(BValue value, long nowNanos, Consumer<StoreResult> done) {
        if (value.encode().length > ItemStore.MAX_VALUE) {
            throw new IllegalArgumentException("BEP 44 values are at most 1000 bytes bencoded");
        }
        NodeId target = ItemStore.immutableTarget(value);
        start(new GetItemOp(target, null, null, r -> { }, new PutSpec(value, null, null, done)), nowNanos);
    }

    /** Stores a signed mutable item on the k closest nodes; {@code cas} (nullable) is BEP 44's compare-and-swap. */
    public void putMutable(MutableItem item, Long cas, long nowNanos, Consumer<StoreResult> done) {
        if (item.value().encode().length > ItemStore.MAX_VALUE || item.salt().length > ItemStore.MAX_SALT) {
            throw new IllegalArgumentException("BEP 44 values are at most 1000 bytes and salts at most 64");
        }
        start(new GetItemOp(item.target(), item.publicKey(), item.salt(), r -> { },
                new PutSpec(item.value(), item, cas, done)), nowNanos);
    }

    /** BEP 51: a traversal towards {@code target} asking every node for samples of its stored info-hashes. */
    public void sampleInfohashes(NodeId target, long nowNanos, Consumer<SampleResult> done) {
        start(new SampleOp(target, done), nowNanos);
    }

    private void start(Operation op, long now) {
        for (int f = 0; f < 2; f++) {
            Lookup l = op.lookups[f];
            if (l == null) {
                continue;
            }
            RoutingTable t = f == 0 ? table4 : table6;
            l.addSeeds(t.closest(op.target, 2 * config.k(), now));
            if (t.size() < config.k()) {
                for (InetSocketAddress r : routers) {
                    if (Compact.isV4(r) == (f == 0)) {
                        l.addRouter(r);
                    }
                }
            }
        }
        operations.add(op);
        op.pump(now);
    }

    private record AnnounceSpec(int port, Consumer<StoreResult> done) {
    }

    private record PutSpec(BValue value, MutableItem item, Long cas, Consumer<StoreResult> done) {
    }

    /** One iterative operation over the enabled address families. */
    private abstract class Operation {
        final NodeId target;
        final Lookup[] lookups = new Lookup[2]; // [0] IPv4, [1] IPv6
        boolean finished;

        Operation(NodeId target) {
            this.target = target;
            if (v4Enabled) {
                lookups[0] = new Lookup(target, id, config.alpha(), config.k(), 16 * config.k(), slowAfter);
            }
            if (v6Enabled) {
                lookups[1] = new Lookup(target, id, config.alpha(), config.k(), 16 * config.k(), slowAfter);
            }
        }

        java.util.Optional<Lookup> lookupFor(boolean v4) {
            return java.util.Optional.ofNullable(lookups[v4 ? 0 : 1]);
        }

        abstract KrpcQuery query(byte[] tid, Lookup.Candidate c);

        /** A valid answer from {@code c}. */
        abstract void answered(Lookup.Candidate c, KrpcResponse r, long now);

        /** All lookups are done. */
        abstract void complete(long now);

        void pump(long now) {
            if (finished) {
                return;
            }
            boolean allDone = true;
            for (int f = 0; f < 2; f++) {
                Lookup l = lookups[f];
                if (l == null) {
                    continue;
                }
                boolean v4 = f == 0;
                for (Lookup.Candidate c : l.nextQueries(now)) {
                    boolean sent = send(c.address(), c.id(), tid -> query(tid, c), new ReplyHandler() {
                        @Override
                        public void onResponse(KrpcResponse r, long t) {
                            if (l.onResponse(c.address(), r.id(), v4 ? r.nodes() : r.nodes6(), r.token())
                                    && !finished) {
                                answered(c, r, t);
                            }
                            pump(t);
                        }

                        @Override
                        public void onError(KrpcError e, long t) {
                            l.onFailure(c.address());
                            pump(t);
                        }

                        @Override
                        public void onTimeout(long t) {
                            l.onTimeout(c.address());
                            pump(t);
                        }
                    }, now);
                    if (!sent) {
                        l.onFailure(c.address());
                    }
                }
                allDone &= l.isDone();
            }
            if (allDone && !finished) {
                finished = true;
                operations.remove(this);
                complete(now);
            }
        }

        LookupStats stats() {
            LookupStats s = new LookupStats(0, 0, 0, 0);
            for (Lookup l : lookups) {
                if (l != null) {
                    s = s.plus(new LookupStats(l.queries(), l.responses(), l.failures(), l.rounds()));
                }
            }
            return s;
        }

        List<Lookup.Candidate> closest() {
            List<Lookup.Candidate> out = new ArrayList<>();
            for (Lookup l : lookups) {
                if (l != null) {
                    out.addAll(l.closestResponded());
                }
            }
            return out;
        }

        List<NodeInfo> closestNodes() {
            List<NodeInfo> out = new ArrayList<>();
            for (Lookup.Candidate c : closest()) {
                out.add(c.node());
            }
            return out;
        }

        /** Sends a store query to every closest node that gave a token; calls {@code done} when all answered. */
        void store(long now, java.util.function.BiFunction<byte[], Lookup.Candidate, KrpcQuery> make,
                   Consumer<StoreResult> done) {
            List<Lookup.Candidate> targets = new ArrayList<>();
            for (Lookup.Candidate c : closest()) {
                if (c.token() != null) {
                    targets.add(c);
                }
            }
            LookupStats stats = stats();
            if (targets.isEmpty()) {
                done.accept(new StoreResult(target, 0, 0, List.of(), stats));
                return;
            }
            int[] counts = new int[3]; // accepted, refused, outstanding
            List<String> errors = new ArrayList<>();
            counts[2] = targets.size();
            Runnable check = () -> {
                if (--counts[2] == 0) {
                    done.accept(new StoreResult(target, counts[0], counts[1], List.copyOf(errors), stats));
                }
            };
            for (Lookup.Candidate c : targets) {
                boolean sent = send(c.address(), c.id(), tid -> make.apply(tid, c), new ReplyHandler() {
                    @Override
                    public void onResponse(KrpcResponse r, long t) {
                        counts[0]++;
                        check.run();
                    }

                    @Override
                    public void onError(KrpcError e, long t) {
                        counts[1]++;
                        errors.add(e.code() + " " + e.message());
                        check.run();
                    }

                    @Override
                    public void onTimeout(long t) {
                        counts[1]++;
                        check.run();
                    }
                }, now);
                if (!sent) {
                    counts[1]++;
                    check.run();
                }
            }
        }
    }

    private final class FindNodeOp extends Operation {
        private final Consumer<FindNodeResult> done;

        FindNodeOp(NodeId target, Consumer<FindNodeResult> done) {
            super(target);
            this.done = done;
        }

        @Override
        KrpcQuery query(byte[] tid, Lookup.Candidate c) {
            return new KrpcQuery.FindNode(tid, id, config.readOnly(), target, Want.DEFAULT);
        }

        @Override
        void answered(Lookup.Candidate c, KrpcResponse r, long now) {
        }

        @Override
        void complete(long now) {
            done.accept(new FindNodeResult(closestNodes(), stats()));
        }
    }

    private final class GetPeersOp extends Operation {
        private final Consumer<PeersResult> done;
        private final AnnounceSpec announce;
        private final Consumer<List<InetSocketAddress>> onPeers;
        private final LinkedHashSet<InetSocketAddress> found = new LinkedHashSet<>();

        GetPeersOp(NodeId infoHash, Consumer<PeersResult> done, AnnounceSpec announce,
                Consumer<List<InetSocketAddress>> onPeers) {
            super(infoHash);
            this.done = done;
            this.announce = announce;
            this.onPeers = onPeers;
        }

        @Override
        KrpcQuery query(byte[] tid, Lookup.Candidate c) {
            return new KrpcQuery.GetPeers(tid, id, config.readOnly(), target, Want.DEFAULT);
        }

        @Override
        void answered(Lookup.Candidate c, KrpcResponse r, long now) {
            List<InetSocketAddress> fresh = new ArrayList<>();
            for (InetSocketAddress a : r.values()) {
                if (found.add(a)) {
                    fresh.add(a);
                }
            }
            if (onPeers != null && !fresh.isEmpty()) {
                try {
                    onPeers.accept(List.copyOf(fresh));
                } catch (RuntimeException e) {
                    // the caller's problem: the traversal goes on
                }
            }
        }

        @Override
        void complete(long now) {
            found.addAll(storedPeers(target, now));
            done.accept(new PeersResult(List.copyOf(found), closestNodes(), stats()));
            if (announce != null) {
                store(now, (tid, c) -> new KrpcQuery.AnnouncePeer(tid, id, config.readOnly(), target,
                        announce.port(), announce.port() == 0, c.token()), announce.done());
            }
        }
    }

    private final class GetItemOp extends Operation {
        private final byte[] publicKey;
        private final byte[] salt;
        private final Consumer<ItemResult> done;
        private final PutSpec put;
        private BValue immutable;
        private MutableItem best;
        private int copies;

        GetItemOp(NodeId target, byte[] publicKey, byte[] salt, Consumer<ItemResult> done, PutSpec put) {
            super(target);
            this.publicKey = publicKey;
            this.salt = salt == null ? new byte[0] : salt;
            this.done = done;
            this.put = put;
        }

        @Override
        KrpcQuery query(byte[] tid, Lookup.Candidate c) {
            return new KrpcQuery.Get(tid, id, config.readOnly(), target, null, Want.DEFAULT);
        }

        @Override
        void answered(Lookup.Candidate c, KrpcResponse r, long now) {
            if (r.v() == null) {
                return;
            }
            if (publicKey == null) {
                if (ItemStore.immutableTarget(r.v()).equals(target)) { // BEP 44: verify what was looked up
                    immutable = r.v();
                    copies++;
                }
                return;
            }
            if (r.k() == null || r.seq() == null || r.sig() == null || !Arrays.equals(r.k(), publicKey)) {
                return;
            }
            MutableItem item = new MutableItem(r.k(), salt, r.seq(), r.v(), r.sig());
            if (!item.target().equals(target) || !item.verify()) {
                return;
            }
            if (best == null || item.seq() > best.seq()) {
                best = item;
                copies = 1;
            } else if (item.seq() == best.seq()) {
                copies++;
            }
        }

        @Override
        void complete(long now) {
            ItemStore.Stored local = items.get(target, now);
            if (local != null) {
                if (publicKey == null && !local.mutable() && immutable == null) {
                    immutable = local.v();
                } else if (publicKey != null && local.mutable() && Arrays.equals(local.k(), publicKey)
                        && (best == null || local.seq() > best.seq())) {
                    best = new MutableItem(local.k(), local.salt(), local.seq(), local.v(), local.sig());
                }
            }
            BValue value = publicKey == null ? immutable : best == null ? null : best.value();
            done.accept(new ItemResult(target, value, best, copies, stats()));
            if (put == null) {
                return;
            }
            if (put.item() == null) {
                store(now, (tid, c) -> new KrpcQuery.Put(tid, id, config.readOnly(), c.token(), put.value(), null,
                        new byte[0], 0, null, null), put.done());
            } else {
                MutableItem m = put.item();
                if (best != null && best.seq() > m.seq()) {
                    put.done().accept(new StoreResult(target, 0, 0,
                            List.of(KrpcError.SEQ_TOO_LOW + " the DHT holds seq " + best.seq()), stats()));
                    return;
                }
                store(now, (tid, c) -> new KrpcQuery.Put(tid, id, config.readOnly(), c.token(), m.value(),
                        m.publicKey(), m.salt(), m.seq(), m.signature(), put.cas()), put.done());
            }
        }
    }

    private final class SampleOp extends Operation {
        private final Consumer<SampleResult> done;
        private final LinkedHashSet<NodeId> samples = new LinkedHashSet<>();
        private int answered;
        private long largestNum;

        SampleOp(NodeId target, Consumer<SampleResult> done) {
            super(target);
            this.done = done;
        }

        @Override
        KrpcQuery query(byte[] tid, Lookup.Candidate c) {
            return new KrpcQuery.SampleInfohashes(tid, id, config.readOnly(), target, Want.DEFAULT);
        }

        @Override
        void answered(Lookup.Candidate c, KrpcResponse r, long now) {
            if (r.samples() != null) {
                answered++;
                samples.addAll(r.samples());
                largestNum = Math.max(largestNum, r.num());
            }
        }

        @Override
        void complete(long now) {
            done.accept(new SampleResult(Set.copyOf(samples), answered, largestNum, stats()));
        }
    }
}
