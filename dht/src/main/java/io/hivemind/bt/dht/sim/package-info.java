/**
 * A deterministic in-memory network of DHT cores ({@link io.hivemind.bt.dht.core.DhtEngine}) on one virtual clock:
 * datagrams are real KRPC bytes, delivered after a simulated latency and optionally lost. Used by the convergence
 * and flood tests and by the lookup benchmark; nothing here touches a socket.
 */
package io.hivemind.bt.dht.sim;
