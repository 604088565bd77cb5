/**
 * The public API of hivebt's mainline DHT node: {@link io.hivemind.bt.dht.DhtNode} (built with
 * {@code DhtNode.builder()}), its settings {@link io.hivemind.bt.dht.DhtConfig}, counters
 * {@link io.hivemind.bt.dht.DhtStats}, the 160-bit key type {@link io.hivemind.bt.dht.NodeId}, and the BEP 44 types
 * {@link io.hivemind.bt.dht.DhtKeyPair} (Ed25519 through Bouncy Castle) and {@link io.hivemind.bt.dht.MutableItem}.
 *
 * <p>A node finds peers of an info-hash and announces itself (BEP 5), runs on IPv4 and IPv6 with separate routing
 * tables (BEP 32), generates its id from its external address when it is known (BEP 42), can run read-only
 * (BEP 43), stores and retrieves immutable and mutable items with salt, sequence numbers and compare-and-swap
 * (BEP 44, the base of BEP 46 distribution channels), and answers and issues {@code sample_infohashes} (BEP 51).
 * The protocol logic lives in the pure cores of {@link io.hivemind.bt.dht.core}; this package adds the Netty UDP
 * shell, the state file and the public futures.
 */
package io.hivemind.bt.dht;
