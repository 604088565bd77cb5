/**
 * The tracker server: {@link io.hivemind.bt.tracker.server.TrackerServer} answers HTTP announces and scrapes
 * (BEP 3, BEP 23, BEP 7, BEP 48) and the UDP tracker protocol (BEP 15) from an in-memory registry sized for
 * 100,000 swarms and 1,000,000 peers, with an optional info-hash whitelist (private tracker mode), a
 * {@code /stats} JSON page, and the limits of HARDENING.md: {@code numwant} capped, scrapes of at most 50
 * info-hashes, {@code ip=} and forwarding headers believed only from trusted proxies, and UDP connection ids that
 * are HMAC-SHA256 syn cookies (no state before a valid id, no reply larger than the request that caused it).
 */
package io.hivemind.bt.tracker.server;
