/**
 * A Transmission-compatible RPC (the legacy JSON protocol of Transmission 2.x/3.x, {@code rpc-version} 17), so
 * {@code transmission-remote} and other Transmission clients can drive hivebt. Torrent ids, hash strings and
 * {@code recently-active} select torrents; rates are in kB/s (1000 bytes). Script settings are refused and every
 * directory is confined to the download roots.
 */
package io.hivemind.bt.client.daemon.rpc;
