/**
 * {@code hivebt daemon}: a long-running {@link io.hivemind.bt.client.Session} served over HTTP. The
 * {@link io.hivemind.bt.client.daemon.Daemon} keeps the list of torrents and the user's settings in a state
 * directory (atomic writes, {@code .bak} fallback) and re-adds them on start; it serves the web UI, the REST API
 * ({@code /api/…}, documented at {@code /api/openapi.json}), the Transmission RPC ({@code /transmission/rpc},
 * rpc-version 17) and Prometheus metrics ({@code /metrics}) behind one request guard: Host allowlist against DNS
 * rebinding (CVE-2018-5702), optional Basic or bearer authentication with per-address throttling, the RPC
 * session-id handshake and CSRF tokens for the UI. Download directories are confined to configured roots.
 *
 * <p>Torrent creation is behind {@link io.hivemind.bt.client.daemon.TorrentFactory} so the daemon does not depend
 * on how torrents are made; {@link io.hivemind.bt.client.daemon.CreatorTorrentFactory} (the wire module's creator)
 * is what {@code hivebt daemon} uses. The daemon owns its records ({@code <config>/daemon}); the session it runs
 * over owns the resume data ({@code <config>/session/resume}), so a completed torrent comes back seeding after a
 * restart without a recheck. BEPs touched: 3 (metainfo), 9 (magnet links, whose metadata the daemon keeps once
 * fetched), 12 (tracker tiers on creation), 52 (v2 and hybrid creation, v2 hashes in magnet links and the API),
 * 27 (private flag on creation).
 */
package io.hivemind.bt.client.daemon;
