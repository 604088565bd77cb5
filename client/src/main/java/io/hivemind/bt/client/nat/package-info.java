/**
 * NAT traversal: maps the session's listen ports on the home router and learns our external address.
 * {@link io.hivemind.bt.client.nat.PortMapper} (built with {@code PortMapper.builder()}) runs UPnP IGD (SSDP
 * discovery, device description, SOAP {@code AddPortMapping}/{@code DeletePortMapping}/{@code GetExternalIPAddress}
 * over WANIPConnection:1/2 or WANPPPConnection:1) and NAT-PMP (RFC 6886) / PCP (RFC 6887, falling back to NAT-PMP
 * when the gateway only speaks that) side by side on Netty, renews leases at half their lifetime, re-maps when a
 * gateway's epoch shows it lost its state, and deletes its mappings on close. It reports per-mapping status
 * ({@link io.hivemind.bt.client.nat.PortMapperStatus}) for {@code hivebt daemon} and {@code hivebt doctor}, and
 * decides the external address from the gateway and from trackers' {@code external ip} (BEP 24) and peers'
 * {@code yourip} (BEP 10) reports, which the session uses for its BEP 42 DHT node id.
 *
 * <p>The protocol logic lives in the pure cores of {@link io.hivemind.bt.client.nat.core} (parsers with hard limits,
 * packet codecs, retry schedules, lease bookkeeping on an injected clock); this package holds the API and the
 * Netty shells ({@code UpnpDriver}, {@code PmpDriver}, {@code HttpExchange}). Every parse or protocol failure is a
 * {@link io.hivemind.bt.client.nat.NatException} with a typed reason.
 */
package io.hivemind.bt.client.nat;
