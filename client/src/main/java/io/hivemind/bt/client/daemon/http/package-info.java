/**
 * The daemon's HTTP/1.1 layer on Netty: {@link io.hivemind.bt.client.daemon.http.HttpServer} with one
 * {@code HttpConnectionHandler} per connection, the {@link io.hivemind.bt.client.daemon.http.RequestGuard} that
 * decides from the request head alone (Host, throttle, credentials, RPC session id, CSRF, Origin) before any body
 * byte is read, a streaming {@link io.hivemind.bt.client.daemon.http.MultipartParser} (RFC 7578) that writes
 * uploads to disk with bounded memory, and the small pure helpers behind them: file-name sanitising, download-root
 * confinement, login throttling. No BEP; HARDENING.md "Web UI, REST and RPC" is the specification.
 */
package io.hivemind.bt.client.daemon.http;
