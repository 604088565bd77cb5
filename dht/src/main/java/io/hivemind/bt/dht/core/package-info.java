/**
 * The pure cores of the DHT: no sockets, threads or clocks; every method takes {@code nowNanos}.
 * {@link io.hivemind.bt.dht.core.RoutingTable} (BEP 5 k-buckets with node states and replacement caches),
 * {@link io.hivemind.bt.dht.core.Lookup} (the iterative α = 3 traversal), {@link io.hivemind.bt.dht.core.TokenManager}
 * (rotating-secret write tokens), {@link io.hivemind.bt.dht.core.PeerStore} and
 * {@link io.hivemind.bt.dht.core.ItemStore} (bounded, expiring; BEP 44 checks), the per-IP
 * {@link io.hivemind.bt.dht.core.RateLimiter} and global {@link io.hivemind.bt.dht.core.TokenBucket}, BEP 42
 * {@link io.hivemind.bt.dht.core.NodeIdRestriction}, BEP 44 {@link io.hivemind.bt.dht.core.ItemSigning}, and the
 * {@link io.hivemind.bt.dht.core.DhtEngine} that ties them into a node driven by datagrams and ticks. The Netty
 * {@code DhtNode} and the simulated network of {@code io.hivemind.bt.dht.sim} are two shells around the same engine.
 */
package io.hivemind.bt.dht.core;
