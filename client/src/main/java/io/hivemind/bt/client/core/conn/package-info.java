/**
 * Which peers to connect to: {@link io.hivemind.bt.client.core.conn.PeerCandidateList} (per torrent: addresses
 * learned from trackers, DHT, PEX, LSD and incoming connections, deduplicated and bounded, with exponential
 * back-off, bans and connect-to-self) and {@link io.hivemind.bt.client.core.conn.ConnectionBudget} (session-wide
 * connection, half-open and per-torrent limits, dial rate, fair sharing of dials among torrents).
 *
 * <p>BEPs: 3 (tracker peer lists), 5 (DHT), 11 (PEX, including its seed flag), 14 (local service discovery).
 *
 * <p>Pure and single-owner; see {@link io.hivemind.bt.client.core}.
 */
package io.hivemind.bt.client.core.conn;
