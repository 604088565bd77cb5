/**
 * Pure cores of NAT traversal, without sockets, threads or clocks of their own: SSDP messages (UPnP Device
 * Architecture 1.1 §1.3), device descriptions and SOAP envelopes of the IGD WAN connection services parsed by a
 * locked-down XML parser ({@link io.hivemind.bt.client.nat.core.SafeXml}: no DTD, no external entities, capped
 * size and depth), NAT-PMP packets (RFC 6886 §3), PCP MAP packets (RFC 6887 §7, §11), retransmission schedules
 * (RFC 6886 §3.1, RFC 6887 §8.1.1), gateway epoch checks (RFC 6886 §3.6, RFC 6887 §8.5), the lease book (renewal at
 * half the lifetime, back-off), the kernel routing table parser, and the external address voter fed by gateways,
 * trackers (BEP 24) and peers (BEP 10 {@code yourip}, BEP 42 {@code ip}).
 */
package io.hivemind.bt.client.nat.core;
