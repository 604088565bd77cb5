/**
 * Torrent queueing: {@link io.hivemind.bt.client.core.queue.TorrentQueue} keeps queue positions and decides which
 * auto-managed torrents run under the active download, seed and total limits, lets slow torrents run without
 * taking a slot, and stops seeds at their share-ratio or seed-time limit.
 *
 * <p>No BEP covers queueing; the rules follow libtorrent's auto-managed torrents ({@code active_downloads},
 * {@code active_seeds}, {@code active_limit}, {@code dont_count_slow_torrents}, share limits).
 *
 * <p>Pure and single-owner (the session's event loop); see {@link io.hivemind.bt.client.core}.
 */
package io.hivemind.bt.client.core.queue;
