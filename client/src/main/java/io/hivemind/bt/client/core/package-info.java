/**
 * The pure decision cores of a torrent session: what to request ({@code picker}, {@code pipeline}), whom to
 * upload to ({@code choker}, {@code seed}), how fast ({@code rate}), which torrents run ({@code queue}) and which
 * peers to dial ({@code conn}).
 *
 * <p>Every class here is a plain data structure with no Netty types, no threads, no clock reads and no logging.
 * Time comes in as a {@code long nowNanos} argument (any monotonic origin, as from {@code System.nanoTime()} or
 * a virtual clock in tests), peers are seen through small view interfaces, and results are returned as decisions
 * (blocks to request, peers to unchoke, bytes granted) that the session applies on the torrent's event loop.
 * None of the classes is thread-safe: each instance belongs to exactly one owner (normally the event loop of the
 * torrent, or of the session for session-wide limits), which is also the only thread that may call it.
 *
 * <p>Hot paths use {@code int} piece indices, a flat {@code int} block index (see
 * {@link io.hivemind.bt.client.core.picker.BlockLayout}), primitive arrays and caller-supplied
 * {@link io.hivemind.bt.client.core.IntList} output buffers, so steady-state calls allocate nothing.
 *
 * <p>These packages are internal to the client module and are not exported.
 */
package io.hivemind.bt.client.core;
