/**
 * The IP filter: allow and deny rules over IPv4 and IPv6 addresses and ranges, loaded from the common P2P
 * blocklist formats (eMule {@code .dat}, PeerGuardian {@code .p2p}, CIDR lines, gzip-compressed or not),
 * resolved into an immutable sorted-range snapshot ({@link io.hivemind.bt.client.ipfilter.IpFilter}) that
 * answers a lookup with one binary search, and reloadable at run time behind an atomic reference
 * ({@link io.hivemind.bt.client.ipfilter.ReloadableIpFilter}) with per-{@link
 * io.hivemind.bt.client.ipfilter.FilterPoint} counters.
 *
 * <p>The session checks every incoming connection (before reading a byte), every connection it opens, and
 * every peer it learns from trackers (BEP 3, 15), the DHT (BEP 5) and PEX (BEP 11). Rules resolve with the
 * whitelist winning: an address is blocked when a deny rule covers it and no allow rule does.
 */
package io.hivemind.bt.client.ipfilter;
