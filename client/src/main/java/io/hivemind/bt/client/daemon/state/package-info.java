/**
 * The daemon's state directory: settings and per-torrent records (plus the {@code .torrent} copies), each written
 * durably with {@link io.hivemind.bt.client.daemon.state.AtomicFiles} (temp file, fsync, rename, fsync directory,
 * {@code .bak} kept). Resume data is the session's own business. No BEP.
 */
package io.hivemind.bt.client.daemon.state;
