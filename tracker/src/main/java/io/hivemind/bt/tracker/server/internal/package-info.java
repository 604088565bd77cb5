/**
 * Inside the tracker server: the pure swarm registry with its primitive peer tables
 * ({@link io.hivemind.bt.tracker.server.internal.SwarmRegistry}), the connection-id authority
 * ({@link io.hivemind.bt.tracker.server.internal.ConnectionIds}), the whitelist set, rate windows, and the Netty
 * handlers for HTTP and UDP (BEP 3, BEP 15, BEP 48) that put them on the network. Not exported.
 */
package io.hivemind.bt.tracker.server.internal;
