/**
 * The REST API under {@code /api/} (the seed's endpoints: create_torrent, add_torrent, torrents, settings, stats)
 * and the static web UI. JSON shapes live in {@link io.hivemind.bt.client.daemon.rest.TorrentJson}; the OpenAPI
 * document is a resource beside the UI. BEP 3 and BEP 52 info-hashes identify torrents in paths.
 */
package io.hivemind.bt.client.daemon.rest;
