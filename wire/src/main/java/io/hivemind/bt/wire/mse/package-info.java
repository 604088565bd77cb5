/**
 * MSE/PE, the BitTorrent "Message Stream Encryption" (also called Protocol Encryption) of Vuze/Azureus, as
 * libtorrent, Transmission, qBittorrent and others speak it. There is no BEP for it; the reference is the
 * Azureus wiki specification. A 768-bit Diffie-Hellman exchange with random padding hides the handshake from
 * traffic classifiers, the torrent's info-hash (SKEY) is only ever sent hashed, and the payload stream that
 * follows is RC4 or plaintext as the two sides negotiate.
 *
 * <p>{@link io.hivemind.bt.wire.mse.MseHandler} is the Netty stage that runs the handshake for an outgoing
 * ({@code initiator}) or incoming ({@code responder}) connection, detects plaintext BitTorrent handshakes on
 * the same port, and then encrypts and decrypts the stream in place. {@link io.hivemind.bt.wire.mse.MseConfig}
 * carries the {@link io.hivemind.bt.wire.mse.MsePolicy} and the allowed
 * {@link io.hivemind.bt.wire.mse.CryptoMethod}s; {@link io.hivemind.bt.wire.mse.MseSkeyIndex} lets a responder
 * find the torrent an incoming handshake is for. The primitives ({@link io.hivemind.bt.wire.mse.MseCrypto},
 * {@link io.hivemind.bt.wire.mse.Rc4}) are public for benchmarks and tests.
 *
 * <p><b>How a session uses it.</b> Outgoing: add {@code MseHandler.initiator(config, infoHash20)} first in the
 * pipeline (it is a pass-through under {@code DISABLED}) and write the BitTorrent handshake as usual: it rides
 * as the initial payload. Incoming: add {@code MseHandler.responder(config, skeyIndex)} first; keep one
 * {@link io.hivemind.bt.wire.mse.MseSkeyIndex} per session, adding each torrent's 20-byte key when it starts.
 * Handle {@link io.hivemind.bt.wire.mse.MseHandshakeCompletionEvent} in the peer handler: on success record
 * {@code result().encrypted()} (and, incoming, check that the BitTorrent handshake names {@code result().skey()});
 * on failure the channel is already closing, and when {@code plaintextRetryAdvised()} the session dials the
 * peer again without MSE and remembers that this peer wants plaintext. Map reasons to disconnect reasons:
 * {@code TIMEOUT} → handshake timeout, {@code PEER_CLOSED} → peer closed, {@code UNKNOWN_INFO_HASH} → unknown
 * torrent, the rest → encryption error. Seeding over RC4 cannot use {@code FileRegion}: send {@code ByteBuf}s.
 *
 * <p>Related BEPs: BEP 3 (the handshake carried as the initial payload), BEP 52 (a v2 info-hash truncated to
 * 20 bytes keys the handshake).
 */
package io.hivemind.bt.wire.mse;
