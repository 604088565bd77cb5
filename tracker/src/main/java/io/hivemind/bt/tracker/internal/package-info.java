/**
 * The tracker client's network shells and the pure pieces they are built from: the BEP 15 UDP exchange state
 * machine ({@link io.hivemind.bt.tracker.internal.UdpExchange}) with its connection-id cache, the Netty HTTP(S)
 * client with its redirect and size rules, and the UDP client that multiplexes every exchange of one address
 * family over one datagram channel by transaction id. Not exported: the public face is
 * {@link io.hivemind.bt.tracker.TrackerClient}.
 */
package io.hivemind.bt.tracker.internal;
